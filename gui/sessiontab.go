package gui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/netcore/pcap"
	"github.com/sockplay/sockplay/sessions"
)

// headerEvery refreshes the header (rates, sparkline) even without traffic,
// so a rate falls to zero when a flood stops.
const headerEvery = 500 * time.Millisecond

// sampleDue says whether the sparkline takes a sample at now, and the
// time the next is counted from. Samples keep to a grid of every: the
// refresh that forces a header every headerEvery comes a hair early as
// often as late, and timing each sample from the refresh that took it
// skipped every early one, so the line moved once a second instead of
// twice. So a refresh up to a quarter step early takes its grid point's
// sample; a grid more than one step behind (a tab not refreshed for a
// while) starts again at now.
func sampleDue(last, now time.Time, every time.Duration) (time.Time, bool) {
	if now.Sub(last) < every-every/4 {
		return last, false
	}
	if next := last.Add(every); now.Sub(next) < every {
		return next, true
	}
	return now, true
}

// runPumps is false in headless tests, which call Refresh themselves: the
// test driver runs fyne.Do inline, on the pump's goroutine.
var runPumps = true

// SessionTab is one session's tab: a header with state, addresses, counters
// and controls; the peers (servers); the traffic log with its filters and
// detail pane; the composer. It owns the session (recreated by Start after
// Stop) and every goroutine it starts.
type SessionTab struct {
	main *MainWindow
	Item *container.TabItem
	spec SessionSpec

	sess    *sessions.Session
	cancel  context.CancelFunc
	wg      sync.WaitGroup // Start, Close and Reconnect calls in flight
	lastErr string
	inbox   inbox // results of the tab's goroutines (capture reads, replays, recordings)

	// Header.
	State, Local, Remote, Totals *widget.Label
	Spark                        *sparkline
	StartStop, Reconnect         *widget.Button
	HalfClose, Abort             *widget.Button
	Options, Export, Clear       *widget.Button
	lastSample                   time.Time

	// A tls:// tab's handshake line and Certificate… button (certview.go);
	// a UDP tab's sending settings and multicast joins (joins.go). Nil
	// for other kinds.
	TLSLine    *widget.Label
	CertButton *widget.Button
	Joins      *joinsBar

	// Traffic.
	Traffic     *trafficView
	Direction   *widget.Select
	PeerFilter  *widget.Select // "All peers" or one peer; options follow the peers
	peerIDs     map[string]sessions.PeerID
	FilterText  *widget.Entry
	FilterRegex *widget.Check
	ViewMode    *widget.RadioGroup
	Preview     *widget.Select // what rows show after the size: hex, text or both
	FilterError *widget.Label
	History     *widget.Label  // what the view keeps and what it let go
	flashUntil  time.Time      // History shows a short report until then
	Budget      *widget.Select // what the view keeps
	Detail      *detailPane
	Peers       *peersPanel
	Composer    *composer

	logSplit, peersSplit *container.Split // dividers the person drags; kept with the tab

	pump *pump
	// What the pump's goroutine reads: the current session and what the
	// last refresh saw, so it can tell "changed" without touching widgets.
	cur         atomic.Pointer[sessions.Session]
	seenVersion atomic.Uint64
	seenState   atomic.Int32
	stateShown  bool        // the tab's title carries the state's mark
	rec         recordState // record.go
	kernel      *kernelView // kernelview.go: each TCP connection as the kernel sees it

	// A capture view's conversation (capture_view.go), nil until read, and
	// whether a read is running; a replay tab's run (replay_tab.go).
	conv    *pcap.Conversation
	loading bool
	replay  replayRun

	recording  *sessions.Recording // the running recording, if any (record.go)
	Record     *widget.Button      // starts and stops recording
	RecordInfo *widget.Label       // the file and its size while recording
	recordBox  *fyne.Container     // RecordInfo, as wide as its text (record.go)

	Hold        *holdBar        // a relay's hold switches and framing (relay_header.go)
	RulesButton *widget.Button  // opens the Rules panel (rules_panel.go)
	rulesDialog *RulesDialog    // the open Rules panel, if any
	seqDialog   *SequenceDialog // the Sequence panel, once opened (sequence_panel.go)
}

// Spec is the tab's settings as the workspace stores them.
func (t *SessionTab) Spec() SessionSpec {
	s := t.spec
	s.Composer = t.Composer.State()
	s.View = t.view()
	return s
}

// Session is the tab's current session (nil before the first start).
func (t *SessionTab) Session() *sessions.Session { return t.sess }

// server reports whether the tab listens: a server, or a relay, whose tab
// is a server's with the hold bar (relay_header.go).
func (t *SessionTab) server() bool { return t.spec.Role == "server" || t.relay() }

// newSessionTab builds the tab for spec; it does not start the session.
func newSessionTab(m *MainWindow, spec SessionSpec) (*SessionTab, error) {
	base := spec.Spec
	switch {
	case spec.Capture != nil:
		base = spec.placeholderSpec() // capture_view.go: until the file is read
	case spec.Replay != nil:
		if err := spec.checkReplay(); err != nil { // replay_tab.go
			return nil, err
		}
	}
	cfg, err := base.Config()
	if err != nil {
		return nil, err
	}
	sess, err := sessions.New(cfg)
	if err != nil {
		return nil, err
	}
	t := &SessionTab{main: m, spec: spec, sess: sess}
	t.cur.Store(sess)
	t.buildHeader()
	t.buildTraffic(sess.Log())
	var lib payloadLibrary
	if m.Workspace != nil {
		lib = m.Workspace
	}
	t.Composer = newComposer(m.Window, func() sender { return t.sess }, spec.Framing, lib)
	t.Composer.Sequence.OnTapped = t.showSequence
	t.Composer.SetState(spec.Composer)

	var middle fyne.CanvasObject
	t.logSplit = container.NewVSplit(t.withHoldBar(t.trafficPane()), t.Detail.root)
	t.logSplit.Offset = orDefault(spec.View.LogSplit, defaultLogSplit)
	middle = t.logSplit
	if spec.Capture != nil { // read-only: no peers, no kernel, no composer
		t.applyView(spec.View)
		t.Item = container.NewTabItem(spec.Title(), container.NewBorder(t.captureHeader(), nil, nil, nil, middle))
		t.loadCapture()
		return t, nil
	}
	if t.server() {
		halfClose, abort := peerControls(cfg.Endpoint)
		t.Peers = newPeersPanel(func(id sessions.PeerID) { t.Composer.selectPeer(id) }, t.peerAction, halfClose, abort)
		t.relayPeers() // relay_view.go
		t.peersSplit = container.NewHSplit(t.Peers.root, t.logSplit)
		t.peersSplit.Offset = orDefault(spec.View.PeersSplit, defaultPeersSplit)
		middle = t.peersSplit
	}
	t.applyView(spec.View)
	middle = t.addKernelView(middle) // kernelview.go: under the peers (server), above the traffic (client)
	content := container.NewBorder(t.headerPane(), t.bottomPane(), nil, nil, middle)
	t.Item = container.NewTabItem(spec.Title(), content)
	t.refresh()
	return t, nil
}

func (t *SessionTab) buildHeader() {
	t.State = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.Local = widget.NewLabel("")
	t.Remote = widget.NewLabel("")
	t.Totals = widget.NewLabel("")
	t.Spark = newSparkline()
	t.StartStop = widget.NewButtonWithIcon("Start", theme.MediaPlayIcon(), t.toggle)
	t.buildRecord() // record.go
	t.buildTLS()    // certview.go
	t.buildJoins()  // joins.go
	t.Reconnect = widget.NewButtonWithIcon("Reconnect", theme.ViewRefreshIcon(), t.reconnect)
	t.HalfClose = widget.NewButton("Half-close", func() { t.peerAction("halfclose", t.clientPeer()) })
	t.Abort = widget.NewButton("Abort (RST)", func() { t.peerAction("abort", t.clientPeer()) })
	t.Abort.Importance = widget.DangerImportance
	t.Options = widget.NewButtonWithIcon("Options", theme.SettingsIcon(), t.showOptions)
	t.RulesButton = widget.NewButtonWithIcon("Rules…", theme.ListIcon(), t.showRules)
	t.Export = widget.NewButtonWithIcon("Export", theme.DocumentSaveIcon(), t.export)
	t.Clear = widget.NewButtonWithIcon("Clear view", theme.ContentClearIcon(), t.ClearView)
	halfClose, abort := peerControls(t.sess.Config().Endpoint)
	if t.server() || t.spec.Replay != nil { // a replay starts again from its beginning: Start
		t.Reconnect.Hide()
	}
	if t.server() {
		halfClose, abort = false, false // per peer, in the peers panel
	}
	if !halfClose {
		t.HalfClose.Hide()
	}
	if !abort {
		t.Abort.Hide()
	}
}

// peerControls says which per-connection controls the transport has:
// half-close needs a stream (TCP, Unix stream), abort needs TCP's RST.
// Offering them for datagrams would be buttons that can only fail.
func peerControls(ep netcore.Endpoint) (halfClose, abort bool) {
	return ep.Stream(), ep.HasReset()
}

// headerPane is two lines: state and addresses with the session's
// buttons; the counters with the sparkline. Texts that can grow (an error,
// a long path) are cut with an ellipsis rather than widen the window; the
// whole of an error is in the log.
func (t *SessionTab) headerPane() fyne.CanvasObject {
	for _, l := range []*widget.Label{t.State, t.Local, t.Remote, t.Totals} {
		l.Truncation = fyne.TextTruncateEllipsis
	}
	addrs := container.NewGridWithColumns(3, t.State, t.Local, t.Remote)
	if t.server() && !t.relay() {
		addrs = container.NewGridWithColumns(2, t.State, t.Local)
	}
	stats := container.NewBorder(nil, nil, nil, t.Spark, t.Totals)
	buttons := container.NewHBox(t.StartStop, t.Reconnect, t.HalfClose, t.Abort, t.RulesButton, t.Options)
	stats = container.NewBorder(nil, nil, nil, container.NewHBox(t.recordBox, t.Record), stats)
	rows := container.NewVBox(container.NewBorder(nil, nil, nil, buttons, addrs), stats)
	if t.TLSLine != nil {
		rows.Add(container.NewBorder(nil, nil, nil, t.CertButton, t.TLSLine))
	}
	if t.Joins != nil && (t.Joins.canJoin || t.Joins.Notes.Text != "") {
		rows.Add(t.Joins.root)
	}
	rows.Add(widget.NewSeparator())
	return rows
}

func (t *SessionTab) buildTraffic(log *sessions.Log) {
	t.Traffic = newTrafficView(log)
	t.Traffic.relay = t.relay()
	t.Detail = newDetailPane()
	t.Detail.relay = t.relay()
	t.Detail.framing = func() framing.Spec { return t.sess.Framing() }
	t.Detail.Fields.changed = func(string) { t.main.saveWorkspaceLogged() }
	t.Traffic.onSelect = t.Detail.show
	t.Traffic.onUnselect = t.Detail.clear
	t.Preview = widget.NewSelect(previewChoices, func(p string) { t.Traffic.setPreview(p) })
	t.Preview.SetSelected(previewHexText)
	t.History = widget.NewLabel("")
	t.History.Truncation = fyne.TextTruncateEllipsis
	t.Budget = widget.NewSelect(budgetChoices(), func(string) { t.budgetChanged() })
	t.Budget.SetSelected(budgetName(log.Budget()))
	t.Direction = widget.NewSelect(t.directions(), func(string) { t.applyFilter() })
	t.Direction.SetSelected(dirAll)
	t.PeerFilter = widget.NewSelect([]string{targetAll}, func(string) { t.applyFilter() })
	t.PeerFilter.SetSelected(targetAll)
	t.peerIDs = map[string]sessions.PeerID{targetAll: 0}
	t.FilterText = widget.NewEntry()
	t.FilterText.SetPlaceHolder("Filter: text in the data, address or event (Ctrl+F)")
	t.FilterText.OnChanged = func(string) { t.applyFilter() }
	t.FilterRegex = widget.NewCheck("Regex", func(bool) { t.applyFilter() })
	t.ViewMode = widget.NewRadioGroup([]string{"Chunks", "Messages"}, func(string) { t.applyFilter() })
	t.ViewMode.Horizontal = true
	t.ViewMode.Required = true
	t.ViewMode.SetSelected("Chunks")
	t.FilterError = widget.NewLabel("")
	t.FilterError.Importance = widget.DangerImportance
	t.FilterError.Truncation = fyne.TextTruncateEllipsis
	t.FilterError.Hide()
}

func (t *SessionTab) trafficPane() fyne.CanvasObject {
	bar := container.NewBorder(nil, nil, container.NewHBox(t.ViewMode, t.Direction, t.PeerFilter, t.Preview), t.FilterRegex, t.FilterText)
	// One line under the list, always there, so nothing below it moves: the
	// jump button while following is paused, a bad filter, and what the
	// view keeps.
	keeps := container.NewHBox(widget.NewLabel("Keep"), t.Budget, t.Export, t.Clear)
	status := container.NewStack(t.History, t.FilterError)
	bottom := container.NewBorder(nil, nil, t.Traffic.JumpButton, keeps, status)
	return container.NewBorder(bar, bottom, nil, nil, t.Traffic.List)
}

// applyFilter reads the filter widgets; a bad regex is named under the bar
// and the previous filter stays.
func (t *SessionTab) applyFilter() {
	if t.Traffic == nil || t.FilterError == nil {
		return // still building
	}
	f := trafficFilter{
		Messages: t.ViewMode.Selected == "Messages",
		Framed:   t.sess.Framing().Kind != framing.KindRaw,
		Dir:      t.Direction.Selected,
		Peer:     t.peerIDs[t.PeerFilter.Selected],
		Text:     t.FilterText.Text,
		Regex:    t.FilterRegex.Checked,
	}
	if err := t.Traffic.setFilter(f); err != nil {
		t.FilterError.SetText(err.Error())
		t.FilterError.Show()
		t.History.Hide()
		return
	}
	t.FilterError.Hide()
	t.History.Show()
}

// Start creates the session if the last one ended and starts it. Starting
// may take up to the connect timeout, so it runs on a goroutine the tab
// owns; the header shows the outcome through the pump.
func (t *SessionTab) Start() {
	if t.spec.Capture != nil {
		return // a capture view has nothing to start
	}
	if t.spec.Replay != nil {
		t.startReplay() // replay_tab.go
		return
	}
	if t.sess == nil || t.sess.State() != sessions.StateNew {
		cfg, err := t.spec.Config()
		if err == nil {
			var s *sessions.Session
			s, err = sessions.New(cfg)
			if err == nil {
				t.wg.Wait() // the previous session's Close
				t.sess = s
				t.cur.Store(s)
				t.Traffic.setLog(s.Log())
				t.Detail.clear()
			}
		}
		if err != nil {
			t.lastErr = err.Error()
			t.refresh()
			return
		}
	}
	t.lastErr = ""
	ctx, cancel := context.WithCancel(context.Background())
	t.cancel = cancel
	s := t.sess
	t.recordFromStart(s) // record.go: before Start, so the handshake is in the file
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		if err := s.Start(ctx); err != nil {
			msg := err.Error()
			t.inbox.post(func() { // through the inbox: headless tests see it when they refresh
				t.lastErr = msg
				t.refresh()
			})
		}
	}()
	t.startPump()
	t.refresh()
}

// Stop closes the session: every socket, every goroutine (on the tab's own
// goroutine, so the window stays responsive). The log stays on screen.
func (t *SessionTab) Stop() {
	if t.sess == nil {
		return
	}
	if t.cancel != nil {
		t.cancel()
	}
	s := t.sess
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		s.Close()
	}()
	t.refresh()
}

// Close stops the session and the pump and waits for all of it: the tab is going away.
func (t *SessionTab) Close() {
	t.Composer.StopRepeat()
	t.stopSequence() // sequence_panel.go: its expects would wait out their timeouts
	t.Stop()
	t.wg.Wait()
	t.kernel.stop() // kernelview.go: ends its lookups and waits
	if t.pump != nil {
		t.pump.stop()
	}
}

// release is Close for after the app's loop has stopped: it ends the
// repeat, the session and the tab's goroutines without touching a widget.
func (t *SessionTab) release() {
	t.Composer.endRepeat()
	t.stopSequence()
	if t.cancel != nil {
		t.cancel()
	}
	if t.sess != nil {
		t.sess.Close()
	}
	t.wg.Wait()
	t.kernel.stop()
	if t.pump != nil {
		t.pump.stop()
	}
}

// live reports whether the session has sockets open.
func (t *SessionTab) live() bool {
	if t.replay.running && t.replay.phase != "" {
		return true // a replay reading its capture: Stop ends it
	}
	if t.sess == nil {
		return false
	}
	switch t.sess.State() {
	case sessions.StateStarting, sessions.StateListening, sessions.StateConnected, sessions.StateReconnecting:
		return true
	}
	return false
}

func (t *SessionTab) toggle() {
	if t.live() {
		t.Stop()
	} else {
		t.Start()
	}
}

func (t *SessionTab) reconnect() {
	if t.sess == nil || t.sess.State() == sessions.StateNew || t.sess.State() == sessions.StateClosed {
		t.Start()
		return
	}
	s := t.sess
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.Reconnect(ctx); err != nil {
			msg := err.Error()
			doFromGoroutine(func() { t.lastErr = msg })
		}
	}()
}

// clientPeer is a client's one connection, for half-close and abort.
func (t *SessionTab) clientPeer() sessions.PeerID {
	if t.sess == nil {
		return 0
	}
	for _, p := range t.sess.Peers() {
		if p.State != sessions.PeerClosed {
			return p.ID
		}
	}
	return 0
}

// peerAction closes, half-closes or aborts one peer and logs why it could not.
func (t *SessionTab) peerAction(what string, id sessions.PeerID) {
	if t.sess == nil || id == 0 {
		t.lastErr = "there is no open connection to " + what
		t.refresh()
		return
	}
	var err error
	switch what {
	case "close":
		err = t.sess.ClosePeer(id)
	case "halfclose":
		err = t.sess.CloseWrite(id)
	case "abort":
		err = t.sess.AbortPeer(id)
	}
	if err != nil {
		t.lastErr = err.Error()
	}
	t.refresh()
}

// ClearView empties the traffic view (Ctrl+L); counters stay exact.
func (t *SessionTab) ClearView() {
	if t.sess != nil {
		t.sess.Log().Clear()
	}
	t.Detail.clear()
	t.Traffic.reindex()
}

func (t *SessionTab) startPump() {
	if !runPumps || t.pump != nil {
		return
	}
	// The kernel's view hands its looks to this pump, so they land in
	// the tab's refresh and its frame (kernelview.go).
	if t.kernel != nil {
		t.kernel.merged.Store(true)
	}
	t.pump = startPump(func() bool {
		s := t.cur.Load()
		return s.Log().Version() != t.seenVersion.Load() || int32(s.State()) != t.seenState.Load() || t.kernel.pending()
	}, t.refresh, headerEvery)
}

// Refresh updates every part of the tab from the session (the pump calls
// it; tests call it directly).
func (t *SessionTab) Refresh() {
	t.inbox.drain()
	t.refresh()
}

func (t *SessionTab) refresh() {
	s := t.sess
	st := s.State()
	if t.spec.Capture != nil {
		t.refreshCapture() // capture_view.go
		t.kernel.flush()
		t.Traffic.refresh()
		t.seenVersion.Store(t.Traffic.version)
		t.showHistory()
		return
	}
	if prev := sessions.State(t.seenState.Swap(int32(st))); prev != st || !t.stateShown {
		// Only the mark changes with the state; refreshing DocTabs re-themes
		// every tab, far too costly to do on every tick.
		t.stateShown = true
		t.showState(st) // tabs.go: the mark in the title, which the overflow list shows too
		if t.main.Tabs != nil {
			t.main.Tabs.Refresh()
		}
	}
	state := strings.ToUpper(st.String()[:1]) + st.String()[1:]
	if t.lastErr != "" && (st == sessions.StateFailed || st == sessions.StateNew || st == sessions.StateClosed) {
		state += ": " + t.lastErr
	}
	imp := widget.MediumImportance
	if t.lastErr != "" {
		imp = widget.DangerImportance
	} else if r, bad := t.replayState(st); r != "" { // replay_tab.go
		state = r
		if bad {
			imp = widget.DangerImportance
		}
	}
	if t.State.Importance != imp {
		t.State.Importance = imp
		t.State.Refresh()
	}
	setText(t.State, state)
	local := addrString(s)
	if local == "" && t.server() {
		local = shortURL(t.spec.URL) + " (not open)"
	}
	setText(t.Local, "local "+orDash(local))
	peers := s.Peers()
	if t.server() {
		t.Peers.set(peers)
	} else {
		remote := t.spec.URL
		for _, p := range peers {
			if p.State != sessions.PeerClosed {
				remote = p.Addr
			}
		}
		setText(t.Remote, "remote "+remote)
	}
	t.Composer.setTargets(peers)
	t.setPeerChoices(peers)
	c := s.Counters()
	msgs := ""
	if c.MessagesIn+c.MessagesOut > 0 || t.spec.Framing != "" {
		msgs = fmt.Sprintf(", %d / %d msgs", c.MessagesIn, c.MessagesOut)
	}
	totals := fmt.Sprintf("in %s (%d chunks) · out %s (%d chunks)%s · %s in, %s out",
		humanBytes(c.BytesIn), c.ChunksIn, humanBytes(c.BytesOut), c.ChunksOut, msgs,
		humanRate(c.RateIn), humanRate(c.RateOut))
	if t.relay() {
		totals = relayTotals(c, msgs)
	}
	setText(t.Totals, totals)
	var due bool
	if t.lastSample, due = sampleDue(t.lastSample, time.Now(), headerEvery); due {
		t.Spark.Add(c.RateIn + c.RateOut)
	}
	if t.live() {
		setText(t.StartStop, "Stop")
		if t.StartStop.Icon != theme.MediaStopIcon() {
			t.StartStop.SetIcon(theme.MediaStopIcon())
		}
	} else {
		setText(t.StartStop, "Start")
		if t.StartStop.Icon != theme.MediaPlayIcon() {
			t.StartStop.SetIcon(theme.MediaPlayIcon())
		}
	}
	t.refreshRecord() // record.go
	t.refreshRules()  // rules_panel.go
	t.refreshTLS()    // certview.go
	t.refreshJoins()  // joins.go
	t.refreshRelay()  // relay_header.go
	t.kernel.flush()  // kernelview.go: its last look, in this frame
	t.Traffic.refresh()
	t.seenVersion.Store(t.Traffic.version)
	t.showHistory()
	t.Composer.refreshProgress()
}

// setPeerChoices offers every peer seen in the log's lifetime as a filter,
// closed ones too (their traffic is still in the view); it adds, never
// drops, so a filter on a peer that left keeps working.
func (t *SessionTab) setPeerChoices(peers []sessions.PeerInfo) {
	added := false
	for _, p := range peers {
		label := fmt.Sprintf("#%d %s", p.ID, p.Addr)
		if _, ok := t.peerIDs[label]; !ok {
			t.peerIDs[label] = p.ID
			t.PeerFilter.Options = append(t.PeerFilter.Options, label)
			added = true
		}
	}
	if added {
		t.PeerFilter.Refresh()
	}
}

func addrString(s *sessions.Session) string {
	if a := s.Addr(); a != nil {
		return a.String()
	}
	return ""
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// showOptions lists the socket options as the kernel reports them.
func (t *SessionTab) showOptions() {
	var rows []fyne.CanvasObject
	vals, err := t.sess.Effective()
	if err != nil && !errors.Is(err, sessions.ErrNotStarted) {
		rows = append(rows, widget.NewLabel(err.Error()))
	}
	if len(vals) == 0 && err == nil {
		rows = append(rows, widget.NewLabel("No socket is open: start the session to see its options."))
	}
	if errors.Is(err, sessions.ErrNotStarted) {
		rows = append(rows, widget.NewLabel("The session is not started: start it to see what the kernel set."))
	}
	form := widget.NewForm()
	for _, v := range vals {
		l := widget.NewLabelWithStyle(v.Value, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		form.Append(v.Name, l)
	}
	rows = append(rows, form)
	d := dialog.NewCustom("Socket options (as the kernel reports them)", "Close",
		container.NewVScroll(container.NewVBox(rows...)), t.main.Window)
	d.Resize(fyne.NewSize(560, 480))
	t.main.show(d)
}

// shortURL is an endpoint URL without its scheme, as typed when it does
// not parse.
func shortURL(url string) string {
	if ep, err := netcore.ParseEndpoint(url); err == nil {
		return ep.ShortAddr()
	}
	return url
}
