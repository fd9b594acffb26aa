package gui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/sessions"
)

// Composer choices, as the selects show them.
var (
	modeChoices     = []string{"Text", "Hex", "Base64", "File"}
	endingChoices   = []string{"none", "\\n", "\\r\\n"}
	endingNames     = map[string]string{"none": "none", "\\n": "lf", "\\r\\n": "crlf"}
	checksumChoices = []string{"none", "sum8", "xor8", "crc16-modbus", "crc16-ccitt-false", "crc32"}
)

const targetAll = "All peers"

// historyMax bounds the send history kept per tab.
const historyMax = 100

// composerFramings are offered by the composer's framing box; any other spec
// may be typed. "session" (or nothing) means the session's own framing.
var composerFramings = []string{framingSession, "raw", "line", "crlf", "len:2:be", "len:4:be", "len:4:le", "stx-etx", "slip", "cobs", "jsonhdr"}

const framingSession = "session"

// sender is what the composer sends through: the tab's current session.
type sender interface {
	sessions.Sender
	sessions.FileSink
	Config() sessions.Config
}

// composer turns what the person typed into bytes and sends them, once or
// repeatedly, through the session's one send path (so framing applies and
// the bytes are logged like received ones).
type composer struct {
	Input      *sendEntry
	Mode       *widget.Select
	LineEnding *widget.Select
	Checksum   *widget.Select
	Target     *widget.Select
	Browse     *widget.Button
	SendButton *widget.Button
	Every      *widget.Entry // repeat interval in ms; 0 = back to back
	Times      *widget.Entry // repeat count; 0 = until stopped
	Repeat     *widget.Button
	Stop       *widget.Button
	Progress   *widget.Label
	Status     *widget.Label
	Framing    *widget.SelectEntry // "session", or a spec for these sends only
	Library    *libraryBar         // nil without a workspace

	window   fyne.Window
	session  func() sender
	targets  map[string]sessions.PeerID
	history  []string
	histPos  int
	counter  payload.Counter
	root     fyne.CanvasObject
	onChange func() // the tab saves its spec
	// sessionFraming is the session's own framing, for files sent with it.
	sessionFraming framing.Spec

	mu        sync.Mutex
	cancel    context.CancelFunc
	done      chan struct{}
	sent      atomic.Int64 // sends done in the current run
	sentBytes atomic.Int64
	total     int64 // sends (or bytes for a file) planned, 0 = open-ended
	runErr    atomic.Pointer[string]
	running   atomic.Bool
}

func newComposer(w fyne.Window, session func() sender, framingSpec string, lib payloadLibrary) *composer {
	c := &composer{window: w, session: session, targets: map[string]sessions.PeerID{targetAll: sessions.PeerAll}}
	c.Input = newSendEntry()
	c.Input.SetPlaceHolder(`Type what to send: text with \r \n \t \xNN escapes, or hex such as 01 03 00 00 00 0a. Ctrl+Enter sends.`)
	c.Input.SetMinRowsVisible(2)
	c.Input.onSend = c.SendOnce
	c.Input.onHistory = c.walkHistory
	c.Input.OnChanged = func(string) { c.changed() }

	c.Mode = widget.NewSelect(modeChoices, func(m string) {
		if m == "File" {
			c.Browse.Show()
			c.Input.SetPlaceHolder("Path of the file to send, or Browse…")
		} else {
			c.Browse.Hide()
			c.Input.SetPlaceHolder(`Type what to send: text with \r \n \t \xNN escapes, or hex such as 01 03 00 00 00 0a. Ctrl+Enter sends.`)
		}
		c.changed()
	})
	c.Browse = widget.NewButtonWithIcon("Browse…", theme.FolderOpenIcon(), c.browse)
	c.Browse.Hide()
	c.LineEnding = widget.NewSelect(endingChoices, func(string) { c.changed() })
	c.Checksum = widget.NewSelect(checksumChoices, func(string) { c.changed() })
	c.Target = widget.NewSelect([]string{targetAll}, nil)
	c.Target.SetSelected(targetAll)
	c.Mode.SetSelected("Text")
	c.LineEnding.SetSelected("none")
	c.Checksum.SetSelected("none")

	c.SendButton = widget.NewButtonWithIcon("Send", theme.MailSendIcon(), c.SendOnce)
	c.SendButton.Importance = widget.HighImportance
	c.Every = widget.NewEntry()
	c.Every.SetText("1000")
	c.Times = widget.NewEntry()
	c.Times.SetText("10")
	c.Repeat = widget.NewButtonWithIcon("Repeat", theme.MediaReplayIcon(), c.StartRepeat)
	c.Stop = widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), c.StopRepeat)
	c.Stop.Disable()
	c.Progress = widget.NewLabel("")
	c.Status = widget.NewLabel("")
	c.Status.Wrapping = fyne.TextWrapWord
	c.Status.Importance = widget.DangerImportance
	c.Status.Hide() // shown only with an error, so it takes no room otherwise
	if framingSpec == "" {
		framingSpec = "raw"
	}
	c.sessionFraming, _ = framing.Parse(framingSpec) // the tab's spec was checked when it opened
	c.Framing = widget.NewSelectEntry(composerFramings)
	c.Framing.SetPlaceHolder(framingSession)
	c.Framing.SetText(framingSession)
	c.Framing.OnChanged = func(string) {
		_, err := c.framingOverride()
		c.showError(err)
		c.changed()
	}
	framingHint := widget.NewLabel("(session: " + c.sessionFraming.String() + ")")
	framingHint.Importance = widget.LowImportance

	options := container.NewHBox(c.Mode, c.Browse, widget.NewLabel("Line end"), c.LineEnding,
		widget.NewLabel("Checksum"), c.Checksum, widget.NewLabel("To"), c.Target,
		widget.NewLabel("Framing"), fixedWidth(c.Framing, 130), framingHint)
	var libraryBox fyne.CanvasObject = layout.NewSpacer()
	if lib != nil {
		c.Library = newLibraryBar(c, lib)
		libraryBox = c.Library.root
	}
	repeat := container.NewHBox(widget.NewLabel("Every"), fixedWidth(c.Every, 80), widget.NewLabel("ms (0 = back to back),"),
		fixedWidth(c.Times, 70), widget.NewLabel("times (0 = until stopped)"), c.Repeat, c.Stop, c.Progress)
	bottom := container.NewBorder(nil, nil, nil, libraryBox, repeat)
	c.root = container.NewBorder(options, container.NewVBox(bottom, c.Status), nil, c.SendButton, c.Input)
	return c
}

// fixedWidth gives an entry a usable width inside an HBox.
func fixedWidth(o fyne.CanvasObject, w float32) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(w, o.MinSize().Height), o)
}

func (c *composer) changed() {
	if c.onChange != nil {
		c.onChange()
	}
}

// State is the composer's settings for the workspace.
func (c *composer) State() ComposerState {
	return ComposerState{
		Mode:       strings.ToLower(c.Mode.Selected),
		Text:       c.Input.Text,
		LineEnding: endingNames[c.LineEnding.Selected],
		Checksum:   c.Checksum.Selected,
		Framing:    c.framingText(),
	}
}

// framingText is the framing box's spec; "" for the session's own.
func (c *composer) framingText() string {
	t := strings.TrimSpace(c.Framing.Text)
	if t == "" || strings.EqualFold(t, framingSession) {
		return ""
	}
	return t
}

// framingOverride is the framing chosen for these sends, nil for the
// session's own; a bad spec is the parser's sentence, naming the box.
func (c *composer) framingOverride() (*framing.Spec, error) {
	t := c.framingText()
	if t == "" {
		return nil, nil
	}
	spec, err := framing.Parse(t)
	if err != nil {
		return nil, fmt.Errorf("composer framing: %w", err)
	}
	return &spec, nil
}

// SetState restores the composer's settings; unknown names keep the defaults.
func (c *composer) SetState(s ComposerState) {
	for _, m := range modeChoices {
		if strings.EqualFold(m, s.Mode) {
			c.Mode.SetSelected(m)
		}
	}
	for label, name := range endingNames {
		if name == s.LineEnding {
			c.LineEnding.SetSelected(label)
		}
	}
	for _, name := range checksumChoices {
		if name == s.Checksum {
			c.Checksum.SetSelected(name)
		}
	}
	if s.Framing == "" {
		c.Framing.SetText(framingSession)
	} else {
		c.Framing.SetText(s.Framing)
	}
	c.Input.SetText(s.Text)
}

// compile parses what is typed with the one payload parser.
func (c *composer) compile() (*payload.Payload, error) {
	st := c.State()
	mode, err := payload.ParseMode(st.Mode)
	if err != nil {
		return nil, err
	}
	le, err := payload.ParseLineEnding(st.LineEnding)
	if err != nil {
		return nil, err
	}
	sum, err := payload.ParseChecksum(st.Checksum)
	if err != nil {
		return nil, err
	}
	return payload.Compile(payload.Spec{Mode: mode, Source: st.Text, LineEnding: le, Checksum: sum})
}

// prepare compiles what is typed and reads the framing box for a send; on
// success the text goes into the history, otherwise the error is shown.
func (c *composer) prepare() (*payload.Payload, *framing.Spec, bool) {
	p, err := c.compile()
	var override *framing.Spec
	if err == nil {
		override, err = c.framingOverride()
	}
	if err != nil {
		c.showError(err)
		return nil, nil, false
	}
	c.remember(c.Input.Text)
	return p, override, true
}

func (c *composer) target() sessions.PeerID { return c.targets[c.Target.Selected] }

// SendOnce sends the payload once (Ctrl+Enter). A file is streamed in the
// background with progress, like a repeat.
func (c *composer) SendOnce() {
	if c.running.Load() {
		c.showError(errors.New("a repeat or file send is running; stop it first"))
		return
	}
	p, override, ok := c.prepare()
	if !ok {
		return
	}
	if c.Mode.Selected == "File" {
		spec := c.sessionFraming
		if override != nil {
			spec = *override
		}
		path := c.Input.Text
		c.start(func(ctx context.Context) error { return c.sendFile(ctx, p, path, spec) }, 0)
		return
	}
	data, err := p.Render(&c.counter, time.Now())
	if err == nil {
		err = c.session().SendWith(c.target(), data, override)
	}
	c.showError(err)
}

// StartRepeat sends every N ms, M times (0 = back to back / until stopped),
// on a goroutine the composer owns until StopRepeat or the tab closes.
func (c *composer) StartRepeat() {
	every, err1 := strconv.Atoi(strings.TrimSpace(c.Every.Text))
	times, err2 := strconv.Atoi(strings.TrimSpace(c.Times.Text))
	switch {
	case err1 != nil || every < 0:
		c.showError(fmt.Errorf("interval %q is not a whole number of milliseconds", c.Every.Text))
		return
	case err2 != nil || times < 0:
		c.showError(fmt.Errorf("count %q is not a whole number", c.Times.Text))
		return
	case c.Mode.Selected == "File":
		c.showError(errors.New("repeat sends typed payloads; send a file once with Send"))
		return
	}
	p, override, ok := c.prepare()
	if !ok {
		return
	}
	r := sessions.Repeat{Payload: p, Counter: &c.counter, Times: times, Gap: time.Duration(every) * time.Millisecond,
		To: c.target(), Framing: override}
	s := c.session()
	c.start(func(ctx context.Context) error {
		return r.Run(ctx, s, func(sends int, bytes int64) {
			c.sent.Store(int64(sends))
			c.sentBytes.Store(bytes)
		})
	}, int64(times))
}

// sendFile sends the file (with any checksum and line ending after it) the
// way spec needs: streamed raw, streamed behind a jsonhdr header naming it,
// or as one frame. sessions.OutgoingFile does that for the CLI too.
func (c *composer) sendFile(ctx context.Context, p *payload.Payload, path string, spec framing.Spec) error {
	r, size, err := p.Open(&c.counter, time.Now())
	if err != nil {
		return err
	}
	f, err := sessions.NewOutgoingFile(path, r, size, spec, c.session().Config().Endpoint)
	if err != nil {
		return err
	}
	defer f.Close()
	c.mu.Lock()
	c.total = size
	c.mu.Unlock()
	return f.Send(ctx, c.session(), c.target(), c.sentBytes.Store)
}

// start runs work on the composer's goroutine, one at a time.
func (c *composer) start(work func(ctx context.Context) error, total int64) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	c.mu.Lock()
	c.cancel, c.done, c.total = cancel, done, total
	c.mu.Unlock()
	c.sent.Store(0)
	c.sentBytes.Store(0)
	c.runErr.Store(nil)
	c.running.Store(true)
	c.Repeat.Disable()
	c.Stop.Enable()
	c.showError(nil)
	go func() {
		defer close(done)
		err := work(ctx)
		if err != nil {
			msg := err.Error()
			c.runErr.Store(&msg)
		}
		c.running.Store(false)
		// One call at the end of a run (not per send): reset the buttons.
		doFromGoroutine(c.refreshProgress)
	}()
}

// StopRepeat stops a running repeat or file send and waits for it.
func (c *composer) StopRepeat() {
	if c.endRepeat() {
		c.refreshProgress()
	}
}

// endRepeat cancels a running repeat and waits for it, touching no widget;
// it reports whether one was running.
func (c *composer) endRepeat() bool {
	c.mu.Lock()
	cancel, done := c.cancel, c.done
	c.mu.Unlock()
	if cancel == nil {
		return false
	}
	cancel()
	<-done
	return true
}

// refreshProgress is called by the tab's pump on the UI goroutine.
func (c *composer) refreshProgress() {
	c.mu.Lock()
	total := c.total
	c.mu.Unlock()
	sent, bytes := c.sent.Load(), c.sentBytes.Load()
	running := c.running.Load()
	if running || sent > 0 || bytes > 0 {
		what := fmt.Sprintf("sent %d", sent)
		if c.Mode.Selected == "File" {
			what = fmt.Sprintf("sent %s", humanBytes(uint64(bytes)))
			if total > 0 {
				what += " of " + humanBytes(uint64(total))
			}
		} else if total > 0 {
			what += fmt.Sprintf(" of %d", total)
		}
		if !running {
			what += " — done"
		}
		setText(c.Progress, what)
	}
	if !running && c.Repeat.Disabled() {
		c.Repeat.Enable()
		c.Stop.Disable()
		if e := c.runErr.Swap(nil); e != nil {
			c.showError(errors.New(*e))
		}
	}
}

func (c *composer) showError(err error) {
	if err == nil {
		c.Status.SetText("")
		c.Status.Hide()
		return
	}
	c.Status.SetText(err.Error())
	c.Status.Show()
}

// remember adds text to the history (no repeats of the last entry).
func (c *composer) remember(text string) {
	if text != "" && (len(c.history) == 0 || c.history[len(c.history)-1] != text) {
		c.history = append(c.history, text)
		if len(c.history) > historyMax {
			c.history = c.history[1:]
		}
	}
	c.histPos = len(c.history)
}

// walkHistory moves through the history; past the newest entry is empty input.
func (c *composer) walkHistory(delta int) (string, bool) {
	pos := c.histPos + delta
	if pos < 0 || pos > len(c.history) {
		return "", false
	}
	c.histPos = pos
	if pos == len(c.history) {
		return "", true
	}
	return c.history[pos], true
}

// setTargets updates the peer choices; the selection survives when its peer does.
func (c *composer) setTargets(peers []sessions.PeerInfo) {
	opts := make([]string, 0, len(peers)+1)
	opts = append(opts, targetAll)
	m := map[string]sessions.PeerID{targetAll: sessions.PeerAll}
	for _, p := range peers {
		if p.State == sessions.PeerClosed {
			continue
		}
		label := fmt.Sprintf("#%d %s", p.ID, p.Addr)
		opts = append(opts, label)
		m[label] = p.ID
	}
	if len(opts) == len(c.Target.Options) {
		same := true
		for i := range opts {
			same = same && opts[i] == c.Target.Options[i]
		}
		if same {
			return
		}
	}
	c.targets = m
	sel := c.Target.Selected
	c.Target.Options = opts
	if _, ok := m[sel]; !ok {
		sel = targetAll
	}
	c.Target.SetSelected(sel)
	c.Target.Refresh()
}

func (c *composer) browse() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		c.Input.SetText(r.URI().Path())
		r.Close()
	}, c.window)
	d.Show()
}

// selectPeer makes id the target (the peers panel's selection).
func (c *composer) selectPeer(id sessions.PeerID) {
	for label, pid := range c.targets {
		if pid == id {
			c.Target.SetSelected(label)
			return
		}
	}
}
