package gui

import (
	"context"
	"encoding/base64"
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
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/sessions"
)

// Composer choices, as the selects show them.
var (
	modeChoices     = []string{"Text", "Hex", "Base64", "File"}
	endingChoices   = []string{noLineEnd, "+ \\n", "+ \\r\\n"}
	endingNames     = map[string]string{noLineEnd: "none", "+ \\n": "lf", "+ \\r\\n": "crlf"}
	checksumChoices = []string{noChecksum, "sum8", "xor8", "crc16-modbus", "crc16-ccitt-false", "crc32"}
)

const targetAll = "All peers"

// The selects say what "none" is of, so they need no label beside them.
const (
	noLineEnd  = "no line end"
	noChecksum = "no checksum"
)

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
	Sequence   *widget.Button // opens the tab's Sequence panel (the tab sets it up)
	Stop       *widget.Button // "Stop repeat": the header has the session's Stop
	Progress   *widget.Label
	// Status is one line under the composer, its height kept whether or not
	// it says something, so the composer never jumps: an error (red) or a
	// hint (grey), with SendRaw or Undo beside it when they apply.
	Status  *widget.Label
	SendRaw *widget.Button      // "Send raw anyway": the payload the framing refused, unframed
	Undo    *widget.Button      // puts back the text a mode switch converted
	Framing *widget.SelectEntry // "session", or a spec for these sends only
	// FramingHint names the session's own framing; EditFraming changes it
	// on the live session (sessiontab_framing.go sets onEditFraming).
	FramingHint *widget.Label
	EditFraming *widget.Button
	Library     *libraryBar // nil without a workspace

	window   fyne.Window
	session  func() sender
	targets  map[string]sessions.PeerID
	history  []historyEntry
	histPos  int
	draft    historyEntry // what was being typed before Up went into the history
	counter  payload.Counter
	root     fyne.CanvasObject
	onChange func() // the tab saves its spec
	// sessionFraming is the session's own framing, for files sent with it.
	sessionFraming framing.Spec
	onEditFraming  func() // opens the session's framing dialog

	mode      string // the mode the text is written in (Mode's last choice)
	syncing   bool   // the composer sets its own widgets: no conversion, no clearing
	rawData   []byte // what SendRaw sends, to rawTarget
	rawTarget sessions.PeerID
	undoText  string // what Undo puts back
	undoMode  string

	mu        sync.Mutex
	cancel    context.CancelFunc
	done      chan struct{}
	sent      atomic.Int64 // sends done in the current run
	sentBytes atomic.Int64
	total     int64 // sends (or bytes for a file) planned, 0 = open-ended
	runErr    atomic.Pointer[string]
	running   atomic.Bool
}

const textPlaceholder = `Type what to send: text with \r \n \t \xNN escapes, or hex such as 01 03 00 00 00 0a. Ctrl+Enter sends.`

func newComposer(w fyne.Window, session func() sender, framingSpec string, lib payloadLibrary) *composer {
	c := &composer{window: w, session: session, targets: map[string]sessions.PeerID{targetAll: sessions.PeerAll}}
	c.Input = newSendEntry()
	c.Input.SetPlaceHolder(textPlaceholder)
	c.Input.SetMinRowsVisible(2)
	c.Input.onSend = c.SendOnce
	c.Input.onHistory = c.walkHistory
	c.Input.OnChanged = func(string) { c.inputChanged() }

	c.Mode = widget.NewSelect(modeChoices, c.modeChanged)
	c.Browse = widget.NewButtonWithIcon("Browse…", theme.FolderOpenIcon(), c.browse)
	c.Browse.Hide()
	c.LineEnding = widget.NewSelect(endingChoices, func(string) { c.changed() })
	c.Checksum = widget.NewSelect(checksumChoices, func(string) { c.changed() })
	c.Target = widget.NewSelect([]string{targetAll}, nil)
	c.Target.SetSelected(targetAll)
	c.Mode.SetSelected("Text")
	c.LineEnding.SetSelected(noLineEnd)
	c.Checksum.SetSelected(noChecksum)

	c.SendButton = widget.NewButtonWithIcon("Send", theme.MailSendIcon(), c.SendOnce)
	c.SendButton.Importance = widget.HighImportance
	c.Every = widget.NewEntry()
	c.Every.SetText("1000")
	c.Times = widget.NewEntry()
	c.Times.SetText("10")
	c.Repeat = widget.NewButtonWithIcon("Repeat", theme.MediaReplayIcon(), c.StartRepeat)
	c.Stop = widget.NewButtonWithIcon("Stop repeat", theme.MediaStopIcon(), c.StopRepeat)
	c.Sequence = widget.NewButtonWithIcon("Sequence…", theme.ListIcon(), nil)
	c.Stop.Disable()
	c.Progress = widget.NewLabel("")
	c.Status = widget.NewLabel("")
	c.Status.Truncation = fyne.TextTruncateEllipsis // one line, always there
	c.SendRaw = widget.NewButtonWithIcon("Send raw anyway", theme.MailSendIcon(), c.sendRawAnyway)
	c.SendRaw.Hide()
	c.Undo = widget.NewButtonWithIcon("Undo", theme.ContentUndoIcon(), c.undoConversion)
	c.Undo.Hide()
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
	c.FramingHint = widget.NewLabel("")
	c.FramingHint.Importance = widget.LowImportance
	c.EditFraming = widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), func() {
		if c.onEditFraming != nil {
			c.onEditFraming()
		}
	})
	c.EditFraming.Importance = widget.LowImportance
	c.EditFraming.Hide() // shown once a tab can change its session's framing
	c.setSessionFraming(c.sessionFraming)

	// Three rows, none wider than half a 1920 px screen: the payload's
	// options; repeating; a status line (errors, hints and what they
	// offer) with the payload library at its end. Texts that grow are
	// cut with an ellipsis instead of widening the window.
	c.FramingHint.Truncation = fyne.TextTruncateEllipsis // a long spec is in the dialog whole
	options := container.NewBorder(nil, nil,
		container.NewHBox(c.Mode, c.Browse, c.LineEnding, c.Checksum, widget.NewLabel("To"), c.Target,
			widget.NewLabel("Framing"), fixedWidth(c.Framing, 130)),
		c.EditFraming, c.FramingHint)
	c.Progress.Truncation = fyne.TextTruncateEllipsis
	repeat := container.NewBorder(nil, nil,
		container.NewHBox(widget.NewLabel("Every"), fixedWidth(c.Every, 80), widget.NewLabel("ms (0: no gap),"),
			fixedWidth(c.Times, 70), widget.NewLabel("times (0: until stopped)"), c.Repeat, c.Stop, c.Sequence),
		nil, c.Progress)
	ends := container.NewHBox(c.SendRaw, c.Undo)
	if lib != nil {
		c.Library = newLibraryBar(c, lib)
		ends.Add(c.Library.root)
	}
	status := container.New(reservedRow{c.SendRaw, c.Undo},
		container.NewBorder(nil, nil, nil, ends, c.Status))
	c.root = container.NewBorder(options, container.NewVBox(repeat, status), nil, c.SendButton, c.Input)
	return c
}

// reservedRow lays out one object at full size and keeps the height of the
// tallest of its reserved objects (buttons that come and go), so showing
// them, or a message, moves nothing around it.
type reservedRow []fyne.CanvasObject

func (r reservedRow) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	for _, o := range r {
		s.Height = max(s.Height, o.MinSize().Height)
	}
	return s
}

func (r reservedRow) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// setSessionFraming is the session's framing changed (or set at start):
// files and "session" sends use it, and the hint names it.
func (c *composer) setSessionFraming(spec framing.Spec) {
	c.sessionFraming = spec
	c.FramingHint.SetText("(session: " + spec.String() + ")")
}

// modeChanged follows the mode select: File shows Browse, and text typed in
// one of Text, Hex and Base64 is rewritten as the same bytes in the other.
func (c *composer) modeChanged(m string) {
	prev := c.mode
	c.mode = m
	if m == "File" {
		c.Browse.Show()
		c.Input.SetPlaceHolder("Path of the file to send, or Browse…")
	} else {
		c.Browse.Hide()
		c.Input.SetPlaceHolder(textPlaceholder)
	}
	if !c.syncing && prev != "" && prev != m {
		c.convertInput(prev, m)
	}
	c.changed()
}

// convertInput rewrites the input, written in mode from, in mode to; when
// it cannot (macros, text that does not parse), the text stays as typed
// and the status says why.
func (c *composer) convertInput(from, to string) {
	text := c.Input.Text
	fm, ferr := payload.ParseMode(from)
	tm, terr := payload.ParseMode(to)
	if ferr != nil || terr != nil || fm == payload.File || tm == payload.File || text == "" {
		return
	}
	converted, n, err := convertPayload(text, fm, tm)
	if err != nil {
		c.showHint(err.Error())
		return
	}
	c.setInput(converted)
	c.undoText, c.undoMode = text, from
	c.showHint(fmt.Sprintf("%s written as %s.", byteCount(n), to))
	c.Undo.Show()
}

// undoConversion puts back the text as it was before the last mode switch,
// in its mode.
func (c *composer) undoConversion() {
	c.syncing = true
	c.Mode.SetSelected(c.undoMode)
	c.syncing = false
	c.setInput(c.undoText)
	c.clearStatus()
}

// setInput replaces the input's text without clearing the status.
func (c *composer) setInput(text string) {
	c.syncing = true
	c.Input.SetText(text)
	c.syncing = false
}

// inputChanged: what the status said was about the text before this edit.
func (c *composer) inputChanged() {
	if !c.syncing {
		c.clearStatus()
	}
	c.changed()
}

// clearStatus clears the status line, except for a framing box that is
// still bad.
func (c *composer) clearStatus() {
	_, err := c.framingOverride()
	c.showError(err)
}

// errHasMacros is why a payload with macros keeps its text on a mode switch.
var errHasMacros = errors.New("kept as typed: macros ({{counter}}, {{time}}…) are written the same in every mode, and their bytes change with each send")

// convertPayload renders text written in mode from and writes its bytes in
// mode to: hex as "01 03 ..", text with escapes, base64 padded. It also
// returns the number of bytes.
func convertPayload(text string, from, to payload.Mode) (string, int, error) {
	if hasMacros(text, from) {
		return text, 0, errHasMacros
	}
	p, err := payload.Compile(payload.Spec{Mode: from, Source: text})
	if err != nil {
		return text, 0, fmt.Errorf("kept as typed: it is not valid %s (%w)", strings.ToLower(from.String()), err)
	}
	b, err := p.Render(nil, time.Time{})
	if err != nil {
		return text, 0, err
	}
	switch to {
	case payload.Hex:
		return payload.FormatHex(b), len(b), nil
	case payload.Base64:
		return base64.StdEncoding.EncodeToString(b), len(b), nil
	case payload.Text:
		return payload.EscapeText(b), len(b), nil
	}
	return text, 0, fmt.Errorf("kept as typed: %s cannot be converted", to)
}

// hasMacros reports whether src, in mode m, holds a {{macro}}: in Text an
// escaped brace (\{) starts none; Base64 has none.
func hasMacros(src string, m payload.Mode) bool {
	switch m {
	case payload.Hex:
		return strings.Contains(src, "{{")
	case payload.Text:
		for i := 0; i < len(src); i++ {
			if src[i] == '\\' {
				i++
				continue
			}
			if strings.HasPrefix(src[i:], "{{") {
				return true
			}
		}
	}
	return false
}

// checksumName is the payload syntax's name of a checksum choice.
func checksumName(label string) string {
	if label == noChecksum {
		return "none"
	}
	return label
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
		Checksum:   checksumName(c.Checksum.Selected),
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

// SetState restores the composer's settings; unknown names keep the
// defaults. The text is taken as written in the restored mode.
func (c *composer) SetState(s ComposerState) {
	c.syncing = true
	defer func() { c.syncing = false }()
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
	for _, label := range checksumChoices {
		if checksumName(label) == s.Checksum {
			c.Checksum.SetSelected(label)
		}
	}
	if s.Framing == "" {
		c.Framing.SetText(framingSession)
	} else {
		c.Framing.SetText(s.Framing)
	}
	c.Input.SetText(s.Text)
	c.clearStatus()
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
	c.remember(historyEntry{Mode: c.Mode.Selected, Text: c.Input.Text})
	return p, override, true
}

// nothingToSend is why Send and Ctrl+Enter do nothing on an empty
// composer: the line ending, a checksum or the framing would otherwise go
// out alone (an empty payload in a line frame is a bare "\n").
const nothingToSend = "Nothing to send: the composer is empty."

// empty reports whether nothing is typed: in Hex and Base64, spaces and
// line breaks are only separators.
func (c *composer) empty() bool {
	switch c.Mode.Selected {
	case "Text":
		return c.Input.Text == ""
	case "Hex", "Base64":
		return strings.TrimSpace(c.Input.Text) == ""
	}
	return false // File: the parser says a path is needed
}

func (c *composer) target() sessions.PeerID { return c.targets[c.Target.Selected] }

// SendOnce sends the payload once (Ctrl+Enter). A file is streamed in the
// background with progress, like a repeat.
func (c *composer) SendOnce() {
	if c.running.Load() {
		c.showError(errors.New("a repeat or file send is running; stop it first"))
		return
	}
	if c.empty() {
		c.showHint(nothingToSend)
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
	to := c.target()
	if err == nil {
		err = c.session().SendWith(to, data, override)
	}
	c.showError(err)
	if errors.Is(err, framing.ErrCannotEncode) {
		// The framing refused these bytes; they may still be what the
		// person wants on the wire.
		c.rawData, c.rawTarget = data, to
		c.SendRaw.Show()
	}
}

// rawFraming sends bytes as they are.
var rawFraming = framing.Spec{Kind: framing.KindRaw}

// sendRawAnyway sends the payload the framing refused, unframed, to the
// peer it was meant for.
func (c *composer) sendRawAnyway() {
	data, to := c.rawData, c.rawTarget
	c.rawData = nil
	if data == nil {
		c.showError(nil)
		return
	}
	if err := c.session().SendWith(to, data, &rawFraming); err != nil {
		c.showError(err)
		return
	}
	c.showHint(fmt.Sprintf("Sent %s raw, without framing.", byteCount(len(data))))
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
	case c.empty():
		c.showHint(nothingToSend)
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

// showError shows err in red on the status line, or clears the line (nil).
// Either way the offers of the last message (SendRaw, Undo) go.
func (c *composer) showError(err error) {
	c.SendRaw.Hide()
	c.Undo.Hide()
	if err == nil {
		c.setStatus("", widget.MediumImportance)
		return
	}
	c.setStatus(err.Error(), widget.DangerImportance)
}

// showHint says something that is not an error, in grey.
func (c *composer) showHint(msg string) {
	c.SendRaw.Hide()
	c.Undo.Hide()
	c.setStatus(msg, widget.LowImportance)
}

func (c *composer) setStatus(text string, imp widget.Importance) {
	if c.Status.Importance != imp {
		c.Status.Importance = imp
		c.Status.Refresh()
	}
	setText(c.Status, text)
}

// historyEntry is one sent payload: its text and the mode it is written in.
type historyEntry struct{ Mode, Text string }

// remember adds a sent payload to the history (no repeats of the last
// entry); the next Up starts from the newest.
func (c *composer) remember(e historyEntry) {
	if e.Text != "" && (len(c.history) == 0 || c.history[len(c.history)-1] != e) {
		c.history = append(c.history, e)
		if len(c.history) > historyMax {
			c.history = c.history[1:]
		}
	}
	c.histPos = len(c.history)
}

// walkHistory moves through the history (Up: -1, Down: +1), putting the
// entry's text and mode in the composer. Leaving the bottom keeps what was
// being typed; coming back down past the newest entry restores it.
func (c *composer) walkHistory(delta int) bool {
	pos := c.histPos + delta
	if pos < 0 || pos > len(c.history) {
		return false
	}
	if c.histPos == len(c.history) {
		c.draft = historyEntry{Mode: c.Mode.Selected, Text: c.Input.Text}
	}
	c.histPos = pos
	e := c.draft
	if pos < len(c.history) {
		e = c.history[pos]
	}
	c.syncing = true
	c.Mode.SetSelected(e.Mode)
	c.Input.SetText(e.Text)
	c.syncing = false
	c.clearStatus()
	return true
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
