package gui

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore/ping"
)

// maxPingRows bounds the reply list of an endless ping (half an hour at
// 10 ms, two days at 1 s, ~16 MB); older rows are dropped from view and the
// summary stays exact.
const maxPingRows = 200_000

// Family choices, as ping's -4 and -6.
const (
	famAny = "Any"
	famV4  = "IPv4 (-4)"
	famV6  = "IPv6 (-6)"
)

// pingState is where a run is; the tab's dot and status follow it.
type pingState int

const (
	pingIdle      pingState = iota // nothing started yet
	pingResolving                  // naming the host and opening the socket
	pingRunning
	pingDone   // count reached, or stopped
	pingFailed // could not start, or the run broke: err says why
)

// pingFeed is what one run's goroutine hands to the tab: the events since
// the last refresh and how the run stands. The run appends under mu, the
// refresh drains under mu, so the engine's goroutine never touches a
// widget and the UI goroutine never waits on the network.
type pingFeed struct {
	mu      sync.Mutex
	events  []ping.Event // since the last drain, Stats cleared
	dropped int          // events dropped before a drain (bounded backlog)
	state   pingState
	header  string
	mode    ping.Mode
	stats   ping.Summary // the latest statistics (live, then final)
	err     error
	version atomic.Uint64 // bumped on every change, for the pump's changed()
	done    chan struct{} // closed when the run's goroutine is about to return
}

func newPingFeed() *pingFeed {
	f := &pingFeed{state: pingResolving, done: make(chan struct{})}
	f.version.Store(1)
	return f
}

func (f *pingFeed) started(header string, mode ping.Mode) {
	f.mu.Lock()
	f.state, f.header, f.mode = pingRunning, header, mode
	f.version.Add(1)
	f.mu.Unlock()
}

// add is the engine's callback, on Run's goroutine.
func (f *pingFeed) add(e ping.Event) {
	f.mu.Lock()
	f.stats = e.Stats
	e.Stats = ping.Summary{}
	if len(f.events) >= maxPingRows {
		n := len(f.events) / 2
		f.dropped += n
		f.events = append(f.events[:0], f.events[n:]...)
	}
	f.events = append(f.events, e)
	f.version.Add(1)
	f.mu.Unlock()
}

// finish records how the run ended; sum is nil when it never started.
func (f *pingFeed) finish(sum *ping.Summary, err error) {
	f.mu.Lock()
	if sum != nil {
		f.stats = *sum
	}
	f.state, f.err = pingDone, nil
	if err != nil && !errors.Is(err, context.Canceled) {
		f.state, f.err = pingFailed, err
	}
	f.version.Add(1)
	f.mu.Unlock()
	close(f.done)
}

// pingRow is a reply list line, kept small (80 bytes) because an endless
// ping keeps many; event rebuilds what Event.String formats. name is who
// answered by name ("localhost"), as iputils shows it for a named target;
// the engine hands the same string for every reply from one address, so
// rows share its bytes.
type pingRow struct {
	from  netip.Addr
	rtt   time.Duration
	text  string
	name  string
	seq   int
	bytes int32
	ttl   int16
	kind  ping.Kind
}

func newPingRow(e ping.Event) pingRow {
	return pingRow{from: e.From, rtt: e.RTT, text: e.Text, name: e.FromName, seq: e.Seq, bytes: int32(e.Bytes), ttl: int16(e.TTL), kind: e.Kind}
}

func (r pingRow) event() ping.Event {
	return ping.Event{Kind: r.kind, Seq: r.seq, Bytes: int(r.bytes), From: r.from, FromName: r.name, TTL: int(r.ttl), RTT: r.rtt, Text: r.text}
}

// PingTab is one ping target's tab: the target and options, Start/Stop, a
// live RTT chart, the replies as iputils prints them and its statistics.
// It owns the run's goroutine and its pump; Close stops and waits for both.
type PingTab struct {
	main *MainWindow
	Item *container.TabItem

	Target                                      *widget.Entry
	Family                                      *widget.RadioGroup
	Count, Interval, Size, TTL, Timeout, Source *widget.Entry
	StartStop                                   *widget.Button
	Status                                      *widget.Label // what is happening, or why it could not
	Header                                      *widget.Label // iputils' PING line
	Chart                                       *rttChart
	Replies                                     *widget.List
	Follow                                      *widget.Check
	Summary                                     *widget.Label

	// UI goroutine only.
	rows      []pingRow
	dropped   int
	state     pingState
	stopped   bool // the person pressed Stop
	inputErr  string
	host      string
	rowHeight float32   // of a reply row, measured once
	followed  bool      // the last scroll to the newest row took effect
	mode      ping.Mode // ModeAuto; tests force the datagram socket

	feed   *pingFeed
	cur    atomic.Pointer[pingFeed] // the pump's view of feed
	seen   atomic.Uint64            // feed version at the last refresh
	cancel context.CancelFunc
	wg     sync.WaitGroup // the run's goroutine
	pump   *pump
}

// OpenPing adds a new Ping tab, selects it and puts the cursor in its
// target field.
func (m *MainWindow) OpenPing() *PingTab {
	t := newPingTab(m)
	m.addToolTab(t.Item, t.Close, t)
	m.Window.Canvas().Focus(t.Target)
	return t
}

// restorePing reopens a Ping tab from the workspace with settings s
// (already checked), not started: pinging starts when the person says.
func (m *MainWindow) restorePing(s PingSettings) *PingTab {
	t := newPingTab(m)
	t.applySettings(s)
	m.addToolTab(t.Item, t.Close, t)
	return t
}

// PingSettings is a Ping tab's form as the workspace keeps it: each field's
// text as typed (empty is ping's default, as in the form), and the family.
type PingSettings struct {
	Target   string `json:"target,omitempty"`
	Family   string `json:"family,omitempty"` // "any" (or ""), "ipv4", "ipv6"
	Count    string `json:"count,omitempty"`
	Interval string `json:"interval,omitempty"`
	Size     string `json:"size,omitempty"`
	TTL      string `json:"ttl,omitempty"`
	Timeout  string `json:"timeout,omitempty"`
	Source   string `json:"source,omitempty"`
}

// pingFamilies maps the saved family words to the radio's choices.
var pingFamilies = map[string]string{"": famAny, "any": famAny, "ipv4": famV4, "ipv6": famV6}

// Settings is what the tab's form holds now.
func (t *PingTab) Settings() PingSettings {
	fam := "any"
	for word, choice := range pingFamilies {
		if word != "" && choice == t.Family.Selected {
			fam = word
		}
	}
	return PingSettings{Target: t.Target.Text, Family: fam, Count: t.Count.Text, Interval: t.Interval.Text,
		Size: t.Size.Text, TTL: t.TTL.Text, Timeout: t.Timeout.Text, Source: t.Source.Text}
}

func (t *PingTab) toolTab() ToolTab {
	s := t.Settings()
	return ToolTab{Kind: toolPing, Ping: &s}
}

// applySettings fills the form from s (checked) and names the tab after
// its target; it starts nothing.
func (t *PingTab) applySettings(s PingSettings) {
	t.Target.SetText(s.Target)
	t.Family.SetSelected(pingFamilies[s.Family])
	for _, f := range []struct {
		e    *widget.Entry
		text string
	}{{t.Count, s.Count}, {t.Interval, s.Interval}, {t.Size, s.Size}, {t.TTL, s.TTL}, {t.Timeout, s.Timeout}, {t.Source, s.Source}} {
		f.e.SetText(f.text)
	}
	if host := strings.TrimSpace(s.Target); host != "" {
		t.Item.Text = "Ping " + host
	}
}

// form is the settings as ping.Form reads them: the same text, field for
// field.
func (s PingSettings) form() ping.Form {
	return ping.Form{Host: s.Target, Family: s.Family, Count: s.Count, Interval: s.Interval,
		Size: s.Size, TTL: s.TTL, Timeout: s.Timeout, Source: s.Source}
}

// pingDefaults is, per form field, the text a field the form could not use
// is set back to, and how a sentence names that default.
var pingDefaults = map[string]struct{ text, words string }{
	ping.FieldFamily:   {"any", "any family"},
	ping.FieldCount:    {"", "until stopped"},
	ping.FieldInterval: {"1s", "1s"},
	ping.FieldSize:     {strconv.Itoa(ping.DefaultSize), strconv.Itoa(ping.DefaultSize) + " bytes"},
	ping.FieldTTL:      {"", "the system's"},
	ping.FieldTimeout:  {"", ping.DefaultTimeout.String()},
	ping.FieldSource:   {"", "any source address"},
}

// checked returns s with every value the form could not use (the ones
// Start would refuse, as ping.Form reads them) set back to the form's
// default, and a sentence for each. A missing target is no fault here: a
// saved tab may not have one yet.
func (s PingSettings) checked() (PingSettings, []string) {
	var notes []string
	for _, f := range []struct {
		name  string
		field *string
	}{{"target", &s.Target}, {"source", &s.Source}} {
		if !oneLine(*f.field) {
			*f.field = ""
			notes = append(notes, fmt.Sprintf("the %s is not one line of text; the default (empty) is used instead", f.name))
		}
	}
	fields := map[string]*string{ping.FieldFamily: &s.Family, ping.FieldCount: &s.Count, ping.FieldInterval: &s.Interval,
		ping.FieldSize: &s.Size, ping.FieldTTL: &s.TTL, ping.FieldTimeout: &s.Timeout, ping.FieldSource: &s.Source}
	_, err := s.form().Config()
	var bad ping.FormError
	errors.As(err, &bad)
	for _, fe := range bad {
		def, ok := pingDefaults[fe.Field]
		if !ok {
			continue // the target
		}
		*fields[fe.Field] = def.text
		notes = append(notes, fmt.Sprintf("%v; the default (%s) is used instead", fe, def.words))
	}
	return s, notes
}

func newPingTab(m *MainWindow) *PingTab {
	t := &PingTab{main: m}
	t.Target = widget.NewEntry()
	t.Target.SetPlaceHolder("Host name or address, e.g. 127.0.0.1, ::1 or example.com")
	t.Target.OnSubmitted = func(string) { t.Start() }
	t.Family = widget.NewRadioGroup([]string{famAny, famV4, famV6}, nil)
	t.Family.Horizontal = true
	t.Family.Required = true
	t.Family.SetSelected(famAny)
	t.Family.OnChanged = func(string) { t.main.saveWorkspaceLogged() } // a click: saved at once
	entry := func(text, placeholder string) *widget.Entry {
		e := widget.NewEntry()
		e.SetText(text)
		e.SetPlaceHolder(placeholder)
		e.OnSubmitted = func(string) { t.Start() }
		return e
	}
	t.Count = entry("", "until stopped")
	t.Interval = entry("1s", "1s")
	t.Size = entry(strconv.Itoa(ping.DefaultSize), strconv.Itoa(ping.DefaultSize))
	t.TTL = entry("", "system's")
	t.Timeout = entry("", ping.DefaultTimeout.String())
	t.Source = entry("", "any (the system chooses)")
	t.StartStop = widget.NewButtonWithIcon("Start", theme.MediaPlayIcon(), t.toggle)
	t.StartStop.Importance = widget.HighImportance

	t.Status = widget.NewLabel("")
	t.Status.Wrapping = fyne.TextWrapWord
	t.Status.Selectable = true // the permission sentence carries a command to copy
	mono := fyne.TextStyle{Monospace: true}
	t.Header = widget.NewLabelWithStyle("", fyne.TextAlignLeading, mono)
	t.Header.Truncation = fyne.TextTruncateEllipsis
	t.Summary = widget.NewLabelWithStyle("", fyne.TextAlignLeading, mono)
	t.Summary.Selectable = true
	t.Chart = newRTTChart()
	t.Replies = widget.NewList(func() int { return len(t.rows) }, t.createRow, t.updateRow)
	t.Follow = widget.NewCheck("Follow new replies", func(on bool) {
		if on {
			t.scrollToLast()
		}
	})
	t.Follow.Checked = true

	t.Item = container.NewTabItemWithIcon("Ping", dotResource("idle", "#8b949e"), t.layout())
	t.refresh()
	return t
}

// layout: target and options on top, then the chart over the replies.
func (t *PingTab) layout() fyne.CanvasObject {
	target := container.NewBorder(nil, nil, widget.NewLabelWithStyle("Target", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewHBox(t.Family, t.StartStop), t.Target)
	form := func(items ...*widget.FormItem) *widget.Form { return widget.NewForm(items...) }
	options := container.NewGridWithColumns(3,
		form(widget.NewFormItem("Count", t.Count), widget.NewFormItem("Interval", t.Interval)),
		form(widget.NewFormItem("Size (bytes)", t.Size), widget.NewFormItem("TTL", t.TTL)),
		form(widget.NewFormItem("Timeout", t.Timeout), widget.NewFormItem("Source", t.Source)),
	)
	top := container.NewVBox(target, options, t.Status)
	listHead := container.NewBorder(nil, nil, nil, t.Follow, t.Header)
	replies := container.NewBorder(listHead, container.NewVBox(widget.NewSeparator(), t.Summary), nil, nil, t.Replies)
	split := container.NewVSplit(t.Chart, replies)
	split.Offset = 0.4
	return container.NewBorder(container.NewVBox(container.NewPadded(top), widget.NewSeparator()), nil, nil, nil,
		container.NewPadded(split))
}

func (t *PingTab) createRow() fyne.CanvasObject {
	l := widget.NewLabelWithStyle("64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.045 ms", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	l.Truncation = fyne.TextTruncateClip
	return l
}

// updateRow formats a row when it scrolls into view: the iputils line,
// red for a lost probe or an ICMP error, amber for a duplicate or late reply.
func (t *PingTab) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	if id < 0 || id >= len(t.rows) {
		return
	}
	e := t.rows[id].event()
	imp := widget.MediumImportance
	switch e.Kind {
	case ping.KindTimeout, ping.KindError:
		imp = widget.DangerImportance
	case ping.KindDuplicate, ping.KindLate:
		imp = widget.WarningImportance
	}
	if l.Importance != imp {
		l.Importance = imp
		l.Refresh()
	}
	setText(l, e.String())
}

// Running reports whether a run is resolving or pinging.
func (t *PingTab) Running() bool {
	if t.feed == nil {
		return false
	}
	t.feed.mu.Lock()
	defer t.feed.mu.Unlock()
	return t.feed.state == pingResolving || t.feed.state == pingRunning
}

func (t *PingTab) toggle() {
	if t.Running() {
		t.Stop()
	} else {
		t.Start()
	}
}

// Start reads the options and starts a run on a goroutine the tab owns:
// resolving a name can take seconds, and the engine reports on its own
// goroutine. An option it cannot read is a sentence in the tab.
func (t *PingTab) Start() {
	if t.Running() {
		return
	}
	cfg, err := t.config()
	if err != nil {
		t.inputErr = err.Error()
		t.refresh()
		return
	}
	t.wg.Wait() // the last run has finished (it had: it was not running); its goroutine is gone
	t.inputErr, t.stopped, t.host = "", false, cfg.Host
	t.rows, t.dropped = t.rows[:0], 0
	t.Chart.clear()
	t.Replies.Refresh()
	f := newPingFeed()
	t.feed = f
	t.cur.Store(f)
	ctx, cancel := context.WithCancel(context.Background())
	t.cancel = cancel
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		defer cancel()
		p, err := ping.New(ctx, cfg)
		if err != nil {
			if ctx.Err() != nil {
				err = nil // stopped while looking the name up
			}
			f.finish(nil, err)
			return
		}
		f.started(p.Header(), p.Mode())
		sum, err := p.Run(ctx, f.add)
		f.finish(&sum, err)
	}()
	if title := "Ping " + cfg.Host; t.Item.Text != title {
		t.Item.Text = title
		t.main.Tabs.Refresh()
	}
	t.startPump()
	t.refresh()
	t.main.saveWorkspaceLogged() // the options typed are kept once used, not per keystroke
}

// Stop ends the run; the engine returns its summary at once and the pump
// shows it. It does not wait, so the window never does.
func (t *PingTab) Stop() {
	if t.cancel != nil && t.Running() {
		t.stopped = true
		t.cancel()
	}
	t.refresh()
}

// Close stops the run and the pump and waits for both: the tab is going
// away (or the app is quitting).
func (t *PingTab) Close() {
	if t.cancel != nil {
		t.cancel()
	}
	t.wg.Wait()
	if t.pump != nil {
		t.pump.stop()
	}
}

func (t *PingTab) startPump() {
	if !runPumps || t.pump != nil {
		return
	}
	t.pump = startPump(func() bool {
		f := t.cur.Load()
		return f != nil && f.version.Load() != t.seen.Load()
	}, t.refresh, 0)
}

// config reads the form into an engine Config as ping.Form reads it (as
// `sockplay ping` reads its flags): one sentence per field it cannot use.
func (t *PingTab) config() (ping.Config, error) {
	cfg, err := t.Settings().form().Config()
	cfg.Mode = t.mode
	return cfg, err
}

// Refresh brings the tab up to date with its run (the pump calls it; tests
// call it directly).
func (t *PingTab) Refresh() { t.refresh() }

func (t *PingTab) refresh() {
	st, header, stats, runErr, mode := pingIdle, "", ping.Summary{}, error(nil), ping.ModeAuto
	var evs []ping.Event
	if f := t.feed; f != nil {
		f.mu.Lock()
		evs, f.events = f.events, nil
		t.dropped += f.dropped
		f.dropped = 0
		st, header, stats, runErr, mode = f.state, f.header, f.stats, f.err, f.mode
		t.seen.Store(f.version.Load())
		f.mu.Unlock()
	}
	if t.inputErr != "" && st != pingResolving && st != pingRunning {
		st = pingFailed
	}
	t.setState(st)

	if len(evs) > 0 {
		for _, e := range evs {
			switch e.Kind {
			case ping.KindReply:
				t.Chart.add(rttPoint{Seq: e.Seq, RTT: e.RTT})
			case ping.KindTimeout, ping.KindError:
				t.Chart.add(rttPoint{Seq: e.Seq, Lost: true})
			}
		}
		prev := len(t.rows)
		for _, e := range evs {
			t.rows = append(t.rows, newPingRow(e))
		}
		if n := len(t.rows) - maxPingRows; n > 0 {
			n += maxPingRows / 10 // drop in batches, not one copy per reply
			t.dropped += n
			t.rows = append(t.rows[:0], t.rows[n:]...)
			prev = max(0, prev-n)
		}
		t.Chart.Refresh()
		t.followScroll(prev)
	}

	status, imp := t.statusText(st, runErr, mode, stats)
	if t.Status.Importance != imp {
		t.Status.Importance = imp
		t.Status.Refresh()
	}
	setText(t.Status, status)
	if header == "" {
		header = "Replies appear here, one line per probe, as ping prints them." // holds the line's height
	}
	setText(t.Header, header)
	sum := ""
	if stats.Host != "" {
		sum = stats.Heading() + "\n" + stats.String()
	}
	setText(t.Summary, sum)
	if st == pingResolving || st == pingRunning {
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
}

// setState changes the tab's dot when the state changes: refreshing the
// DocTabs re-themes every tab, too costly for every tick.
func (t *PingTab) setState(st pingState) {
	if st == t.state && t.Item.Icon != nil {
		return
	}
	t.state = st
	switch st {
	case pingResolving:
		t.Item.Icon = dotResource("busy", "#d29922")
	case pingRunning:
		t.Item.Icon = dotResource("live", "#2ea043")
	case pingFailed:
		t.Item.Icon = dotResource("failed", "#f85149")
	default:
		t.Item.Icon = dotResource("idle", "#8b949e")
	}
	if t.main != nil && t.main.Tabs != nil {
		t.main.Tabs.Refresh()
	}
}

// statusText is the line under the options: what the run is doing, or the
// engine's sentence for why it cannot (the permission one says what to run).
func (t *PingTab) statusText(st pingState, runErr error, mode ping.Mode, stats ping.Summary) (string, widget.Importance) {
	switch st {
	case pingResolving:
		return "Looking up " + t.host + "…", widget.MediumImportance
	case pingRunning:
		return fmt.Sprintf("Pinging over a %s ICMP socket. Stop ends it.", modeWords(mode)) + t.droppedNote(), widget.MediumImportance
	case pingDone:
		lost := ""
		if n := stats.Transmitted - stats.Received; n > 0 {
			lost = fmt.Sprintf(", %d lost", n)
		}
		verb := "Done"
		if t.stopped {
			verb = "Stopped"
		}
		return fmt.Sprintf("%s: %d sent, %d answered%s.", verb, stats.Transmitted, stats.Received, lost) + t.droppedNote(), widget.MediumImportance
	case pingFailed:
		msg := t.inputErr
		if msg == "" && runErr != nil {
			msg = runErr.Error()
		}
		return "Cannot ping: " + msg + ".", widget.DangerImportance
	}
	return "Enter a host and press Start (or Enter). Count, interval and the rest are as ping's -c, -i, -s, -t, -W and -I.", widget.LowImportance
}

// droppedNote says that the list no longer holds the oldest lines.
func (t *PingTab) droppedNote() string {
	if t.dropped == 0 {
		return ""
	}
	return fmt.Sprintf(" The oldest %d lines were dropped from the list; the statistics count them.", t.dropped)
}

// modeWords names a socket kind for a person.
func modeWords(m ping.Mode) string {
	switch m {
	case ping.ModeDatagram:
		return "datagram (unprivileged)"
	case ping.ModeRaw:
		return "raw"
	case ping.ModeICMPAPI:
		return "Windows ICMP API"
	}
	return m.String()
}

// followScroll keeps the newest reply in view while Follow is on. A person
// who scrolled away from the bottom turns it off, so an older line can be
// read in peace; a resize that only moves the offset does not. prev is the
// row count before this refresh.
func (t *PingTab) followScroll(prev int) {
	if t.Follow.Checked && t.followed && t.awayFromBottom(prev) {
		t.Follow.SetChecked(false)
	}
	if t.Follow.Checked {
		t.scrollToLast()
	} else {
		t.Replies.Refresh()
	}
}

// awayFromBottom reports whether the list, holding n rows, is scrolled
// more than two rows above its last one: less is the list shrinking under
// a following view (the summary growing a line), not a person scrolling.
func (t *PingTab) awayFromBottom(n int) bool {
	if t.rowHeight == 0 {
		t.rowHeight = t.createRow().MinSize().Height
	}
	sep := theme.Padding() // the list's separator
	content := float32(n)*(t.rowHeight+sep) - sep
	return t.Replies.GetScrollOffset()+t.Replies.Size().Height < content-2*(t.rowHeight+sep)
}

// scrollToLast shows the newest row. List.ScrollTo, unlike ScrollToBottom,
// is safe on a list never drawn yet (a tab opened but not shown); followed
// records whether it took, so an undrawn list is not read as scrolled up.
func (t *PingTab) scrollToLast() {
	n := len(t.rows)
	if n == 0 {
		t.Replies.Refresh()
		return
	}
	t.Replies.ScrollTo(n - 1)
	t.followed = !t.awayFromBottom(n)
}
