package gui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore/pcap"
	"github.com/sockplay/sockplay/sessions/replay"
)

// CaptureTab lists the conversations of a capture file (File → Open
// capture…), as `sockplay pcap FILE` does: each TCP stream and UDP flow
// with its ends, packets and bytes each way, times and how it ended. A
// conversation opens as a read-only session tab, or is replayed against a
// live server, or stood in for.
type CaptureTab struct {
	main *MainWindow
	Item *container.TabItem
	Path string

	capture  *pcap.Capture // nil while reading, or when the file is no capture
	readErr  error         // the file went wrong (after what capture holds), or is no capture
	selected int           // row of the selected conversation, -1 for none
	cancel   context.CancelFunc
	done     chan struct{} // closed when the read has ended
	inbox    inbox         // the read's outcome, for the UI goroutine

	Info, Problem *widget.Label
	Reading       *widget.ProgressBarInfinite
	Table         *widget.Table
	Chosen        *widget.Label // the selected conversation, in words
	Open          *widget.Button
	Replay        *widget.Button
	StandIn       *widget.Button
	Reload        *widget.Button
	top           *fyne.Container // laid out again when Reading or Problem shows or hides
}

// Columns of the conversations table.
var captureColumns = []struct {
	title string
	width float32
}{
	{"Stream", 64}, {"Client", 190}, {"Server", 190}, {"Packets", 74},
	{"From client", 96}, {"From server", 96}, {"Start", 84}, {"Duration", 84}, {"End", 220},
}

// ShowOpenCapture asks for a capture file and opens its conversations tab.
func (m *MainWindow) ShowOpenCapture() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		m.OpenCapture(path)
	}, m.Window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".pcapng", ".pcap", ".cap", ".ntar", ".gz"}))
	if dir := m.lastCaptureDir(); dir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			d.SetLocation(l)
		}
	}
	m.showFile(d)
}

// lastCaptureDir is the folder of the capture opened last, if any is open.
func (m *MainWindow) lastCaptureDir() string {
	if n := len(m.captureTabs); n > 0 {
		return filepath.Dir(m.captureTabs[n-1].Path)
	}
	return ""
}

// OpenCapture opens the conversations tab of the capture at path (or
// selects it, when it is open already) and reads the file on a goroutine.
func (m *MainWindow) OpenCapture(path string) *CaptureTab {
	for _, t := range m.captureTabs {
		if captureKey(t.Path) == captureKey(path) {
			m.Tabs.Select(t.Item)
			return t
		}
	}
	t := newCaptureTab(m, path)
	m.captureTabs = append(m.captureTabs, t)
	m.addToolTab(t.Item, t.Close, t)
	t.read()
	return t
}

// restoreCapture reopens a saved conversations tab; a file gone since is
// said in the tab, which can read it again.
func (m *MainWindow) restoreCapture(path string) { m.OpenCapture(path) }

func newCaptureTab(m *MainWindow, path string) *CaptureTab {
	t := &CaptureTab{main: m, Path: path, selected: -1}
	name := widget.NewLabelWithStyle(filepath.Base(path), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	where := widget.NewLabel(filepath.Dir(path))
	where.Truncation = fyne.TextTruncateEllipsis
	t.Info = widget.NewLabel("")
	t.Info.Truncation = fyne.TextTruncateEllipsis
	t.Problem = widget.NewLabel("")
	t.Problem.Importance = widget.DangerImportance
	t.Problem.Wrapping = fyne.TextWrapWord
	t.Problem.Hide()
	t.Reading = widget.NewProgressBarInfinite()
	t.Reading.Hide()

	t.Table = widget.NewTable(
		func() (int, int) { return t.rows(), len(captureColumns) },
		func() fyne.CanvasObject {
			bg := canvas.NewRectangle(theme.Color(theme.ColorNameSelection))
			bg.Hide()
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewStack(bg, l)
		},
		t.updateCell,
	)
	t.Table.ShowHeaderRow = true
	t.Table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.Table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(captureColumns) {
			o.(*widget.Label).SetText(captureColumns[id.Col].title)
		}
	}
	for i, c := range captureColumns {
		t.Table.SetColumnWidth(i, c.width)
	}
	t.Table.OnSelected = func(id widget.TableCellID) { t.selectRow(id.Row) }

	t.Chosen = widget.NewLabel("Select a conversation.")
	t.Chosen.Truncation = fyne.TextTruncateEllipsis
	t.Open = widget.NewButtonWithIcon("Open", theme.FolderOpenIcon(), func() { t.act(t.main.openCaptureView) })
	t.Open.Importance = widget.HighImportance
	t.Replay = widget.NewButtonWithIcon("Replay as client…", theme.MediaPlayIcon(), func() { t.act(func(r CaptureRef) { t.main.showReplayDialog(r, false) }) })
	t.StandIn = widget.NewButtonWithIcon("Stand in as server…", theme.ComputerIcon(), func() { t.act(func(r CaptureRef) { t.main.showReplayDialog(r, true) }) })
	t.Reload = widget.NewButtonWithIcon("Read again", theme.ViewRefreshIcon(), t.read)
	t.updateActions()

	t.top = container.NewVBox(
		container.NewBorder(nil, nil, name, t.Reload, where),
		t.Info, t.Reading, t.Problem, widget.NewSeparator())
	bottom := container.NewBorder(widget.NewSeparator(), nil, nil,
		container.NewHBox(t.Open, t.Replay, t.StandIn), t.Chosen)
	content := container.NewBorder(t.top, container.NewPadded(bottom), nil, nil, t.Table)
	t.Item = container.NewTabItemWithIcon(cutAtWord("Capture "+filepath.Base(path), tabTitleMax), theme.FileIcon(), content)
	return t
}

// read (re)reads the file on a goroutine the tab owns; the table shows
// what it holds when done.
func (t *CaptureTab) read() {
	t.stopRead()
	ctx, cancel := context.WithCancel(context.Background())
	t.cancel, t.done = cancel, make(chan struct{})
	done := t.done
	t.capture, t.readErr, t.selected = nil, nil, -1
	t.Table.UnselectAll()
	t.Info.SetText("Reading " + t.Path + "…")
	t.Problem.Hide()
	t.Reading.Show()
	t.Reading.Start()
	t.updateActions()
	t.Table.Refresh()
	t.relayout()
	go func() {
		defer close(done)
		c, err := t.main.captures.get(ctx, t.Path)
		if ctx.Err() != nil {
			return // the tab closed
		}
		t.inbox.post(func() {
			if ctx.Err() == nil { // not read again or closed since
				t.show(c, err)
			}
		})
	}()
}

// relayout lays the tab out again: a child shown or hidden does not move
// its neighbours until its container is refreshed, and the content's
// Border must give the table the room the top gave back.
func (t *CaptureTab) relayout() {
	if t.top == nil {
		return
	}
	t.top.Refresh()
	if c, ok := t.Item.Content.(*fyne.Container); ok {
		c.Refresh()
	}
}

// Refresh shows what a read has found since (tests call it; in the app
// the read's outcome arrives by itself).
func (t *CaptureTab) Refresh() { t.inbox.drain() }

func (t *CaptureTab) stopRead() {
	if t.cancel != nil {
		t.cancel()
		<-t.done
		t.cancel = nil
	}
}

// show puts a read's outcome on screen: the conversations it found, and
// in red what went wrong with the file (after what is listed) and what
// the reader left out.
func (t *CaptureTab) show(c *pcap.Capture, err error) {
	t.Reading.Stop()
	t.Reading.Hide()
	t.capture, t.readErr = c, err
	if c != nil {
		t.Info.SetText(captureSummary(c))
	} else {
		t.Info.SetText("Nothing could be read from this file.")
	}
	var problems []string
	if err != nil {
		problems = append(problems, captureErrorText(err, c != nil))
	}
	if c != nil {
		problems = append(problems, c.Notes...)
	}
	if len(problems) > 0 {
		t.Problem.SetText(strings.Join(problems, "\n"))
		t.Problem.Show()
	} else {
		t.Problem.Hide()
	}
	t.Table.Refresh()
	t.relayout()
	if t.rows() > 0 {
		t.selectRow(0) // not Table.Select: its scrolling leaves a gap above the header
	}
	t.updateActions()
}

// captureErrorText is a read error as the tab shows it: the reader's
// sentence, and whether what came before it is listed.
func captureErrorText(err error, partial bool) string {
	msg := err.Error()
	var fe *pcap.FormatError
	if partial && errors.As(err, &fe) {
		return msg + ". The conversations below are what came before it."
	}
	return msg
}

// captureSummary is the file in a line: format, links, packets, span,
// what it holds.
func captureSummary(c *pcap.Capture) string {
	var tcp, udp int
	for _, cv := range c.Conversations {
		if cv.Proto == "tcp" {
			tcp++
		} else {
			udp++
		}
	}
	parts := []string{c.Format}
	parts = append(parts, c.Links...)
	parts = append(parts, replay.Plural(c.Packets, "packet"))
	if !c.First.IsZero() {
		parts = append(parts, fmt.Sprintf("%s to %s (%s)", c.First.Local().Format("2006-01-02 15:04:05"),
			c.Last.Local().Format("15:04:05"), roundDuration(c.Last.Sub(c.First))))
	}
	parts = append(parts, replay.Plural(tcp, "TCP stream")+", "+replay.Plural(udp, "UDP flow"))
	if c.Skipped > 0 {
		parts = append(parts, fmt.Sprintf("%d other packets (not TCP or UDP)", c.Skipped))
	}
	return strings.Join(parts, " · ")
}

func (t *CaptureTab) rows() int {
	if t.capture == nil {
		return 0
	}
	return len(t.capture.Conversations)
}

func (t *CaptureTab) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	st := o.(*fyne.Container)
	bg, l := st.Objects[0].(*canvas.Rectangle), st.Objects[1].(*widget.Label)
	if id.Row < 0 || id.Row >= t.rows() {
		l.SetText("")
		bg.Hide()
		return
	}
	if id.Row == t.selected {
		bg.FillColor = theme.Color(theme.ColorNameSelection)
		bg.Show()
	} else {
		bg.Hide()
	}
	c := t.capture.Conversations[id.Row]
	l.Alignment = fyne.TextAlignLeading
	if id.Col >= 3 && id.Col <= 7 {
		l.Alignment = fyne.TextAlignTrailing
	}
	l.SetText(conversationCell(t.capture, c, id.Col))
}

// conversationCell is one cell of the table.
func conversationCell(capt *pcap.Capture, c *pcap.Conversation, col int) string {
	switch col {
	case 0:
		return c.Name()
	case 1:
		return c.Client.String()
	case 2:
		return c.Server.String()
	case 3:
		return fmt.Sprint(c.Packets[0] + c.Packets[1])
	case 4:
		return humanBytes(uint64(c.Bytes[0]))
	case 5:
		return humanBytes(uint64(c.Bytes[1]))
	case 6:
		return fmt.Sprintf("%.3f s", c.First.Sub(capt.First).Seconds())
	case 7:
		return roundDuration(c.Duration())
	case 8:
		return conversationEnd(c)
	}
	return ""
}

// conversationEnd says how it ended and what the capture lacks of it.
func conversationEnd(c *pcap.Conversation) string {
	var parts []string
	switch {
	case c.End != "":
		parts = append(parts, c.EndText())
	case c.Proto == "tcp":
		parts = append(parts, "open at the end") // the table's column is narrow
	default:
		parts = append(parts, "datagrams")
	}
	if c.Proto == "tcp" && !c.Syn {
		parts = append(parts, "began before the capture")
	}
	if m := c.Missing[0] + c.Missing[1]; m > 0 {
		parts = append(parts, humanBytes(uint64(m))+" never captured")
	}
	if d := c.Dropped[0] + c.Dropped[1]; d > 0 {
		parts = append(parts, humanBytes(uint64(d))+" not kept (too big)")
	}
	return strings.Join(parts, ", ")
}

func (t *CaptureTab) selectRow(row int) {
	if row < 0 || row >= t.rows() {
		row = -1
	}
	t.selected = row
	t.updateActions()
	t.Table.Refresh() // the whole row shows the selection, not one cell
}

// ref names the selected conversation.
func (t *CaptureTab) ref() (CaptureRef, bool) {
	if t.selected < 0 || t.selected >= t.rows() {
		return CaptureRef{}, false
	}
	return CaptureRef{File: t.Path, Stream: t.capture.Conversations[t.selected].Name()}, true
}

func (t *CaptureTab) act(f func(CaptureRef)) {
	if r, ok := t.ref(); ok {
		f(r)
	}
}

func (t *CaptureTab) updateActions() {
	r, ok := t.ref()
	for _, b := range []*widget.Button{t.Open, t.Replay, t.StandIn} {
		if ok {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	switch {
	case ok:
		c := t.capture.Conversations[t.selected]
		t.Chosen.SetText(fmt.Sprintf("%s: client %s, server %s; %s from the client, %s from the server",
			r.Stream, c.Client, c.Server, humanBytes(uint64(c.Bytes[0])), humanBytes(uint64(c.Bytes[1]))))
	case t.capture != nil && t.rows() == 0:
		t.Chosen.SetText("This capture holds no TCP or UDP conversation.")
	case t.capture != nil:
		t.Chosen.SetText("Select a conversation.")
	default:
		t.Chosen.SetText("")
	}
}

// Close ends a read in flight; the file's bytes are let go once no tab
// uses them.
func (t *CaptureTab) Close() {
	t.stopRead()
	for i, c := range t.main.captureTabs {
		if c == t {
			t.main.captureTabs = append(t.main.captureTabs[:i], t.main.captureTabs[i+1:]...)
			break
		}
	}
	t.main.pruneCaptures()
}

// toolTab is how the workspace keeps it.
func (t *CaptureTab) toolTab() ToolTab {
	return ToolTab{Kind: toolCapture, Capture: &CaptureSettings{File: t.Path}}
}

// CaptureSettings is a conversations tab as the workspace keeps it.
type CaptureSettings struct {
	File string `json:"file"`
}

// pruneCaptures lets go of the captures no tab shows.
func (m *MainWindow) pruneCaptures() {
	var inUse []string
	for _, t := range m.captureTabs {
		inUse = append(inUse, t.Path)
	}
	for _, t := range m.sessionTabs {
		if r := t.spec.captureRef(); r != nil {
			inUse = append(inUse, r.File)
		}
	}
	m.captures.prune(inUse)
}

// roundDuration is a duration as a person reads it: 0.35 s, 12.4 s, 3 min 5 s.
func roundDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%.3f s", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%d min %d s", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
}
