package gui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"github.com/sockplay/sockplay/sessions"
	"image/color"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/socktable"
)

const socketsTitle = "Sockets"

// Columns of the table, named as ss names them.
const (
	colNetid = iota
	colState
	colRecvQ
	colSendQ
	colLocal
	colPeer
	colProcess
	numSockCols
)

var sockColumns = [numSockCols]struct {
	title string
	width float32
}{
	{"Netid", 70}, {"State", 110}, {"Recv-Q", 76}, {"Send-Q", 76},
	{"Local Address:Port", 250}, {"Peer Address:Port", 250}, {"Process", 250},
}

// Refresh intervals offered; the first listing runs at once.
var sockIntervals = []struct {
	label string
	every time.Duration
}{{"0.5 s", 500 * time.Millisecond}, {"1 s", time.Second}, {"2 s", 2 * time.Second}, {"5 s", 5 * time.Second}}

// The state choices: any, the ss groups, then single states.
const anyState = "any state"

var stateChoices = []string{anyState, "listening", "established", "connected", "synchronized", "bucket", "big",
	"syn-sent", "syn-recv", "fin-wait-1", "fin-wait-2", "time-wait", "close-wait", "last-ack", "closing", "closed"}

// Family choices.
const (
	famAll = "IPv4 + IPv6"
	fam4   = "IPv4 only"
	fam6   = "IPv6 only"
)

// rowMark is how a row changed since the previous listing.
type rowMark uint8

const (
	markNone rowMark = iota
	markNew          // appeared since the last refresh
	markGone         // vanished: shown struck through for one refresh
)

// sockRow is one table row, formatted once per refresh rather than per paint.
type sockRow struct {
	sock  socktable.Socket
	key   string
	mark  rowMark
	order int // the kernel's order, to keep sorting stable
	cells [numSockCols]string
}

// SocketsTab browses the machine's sockets as ss does: a sortable table
// refreshed on a goroutine the tab owns, with filters, a summary like
// ss -s and actions on the selected row. Widgets are touched only on the
// UI goroutine; the goroutine hands over each listing with one fyne.Do.
type SocketsTab struct {
	main *MainWindow
	Item *container.TabItem

	Table *widget.Table

	// Filters.
	TCP, UDP, Unix *widget.Check
	Family         *widget.Select
	State          *widget.Select
	Listening      *widget.Check
	Addr, Process  *widget.Entry
	Text           *widget.Entry
	FilterError    *widget.Label

	// Refresh.
	Interval   *widget.Select
	Pause      *widget.Button
	RefreshNow *widget.Button

	Summary, Status, Selection *widget.Label

	// Row actions, on the selected row (also on a right click).
	Copy, OpenClient, GoToSession, CloseSocket *widget.Button

	// UI goroutine only.
	all      []sockRow       // the last listing, with vanished rows
	rows     []sockRow       // what the table shows: filtered and sorted
	prev     map[string]bool // keys of the last listing, to mark new ones
	listed   bool            // a listing has been applied
	filter   socktable.Filter
	listen   bool
	sortCol  int // -1: the kernel's order
	sortDesc bool
	selKey   string
	lastErr  string

	// Shared with the listing goroutine.
	every   atomic.Int64 // time.Duration
	paused  atomic.Bool
	pending atomic.Bool
	kick    chan struct{}
	cancel  context.CancelFunc
	done    chan struct{}
	ctx     context.Context
}

// SocketsSettings is the Sockets tab's filters, refresh and sort as the
// workspace keeps them, in the words the filter parsers and ss use.
type SocketsSettings struct {
	// Protocols checked, of "tcp", "udp" and "unix". Absent is the tab's
	// default (tcp and udp); [] is none checked.
	Protocols []string `json:"protocols"`
	Family    string   `json:"family,omitempty"` // "any" (or ""), "ipv4", "ipv6"
	State     string   `json:"state,omitempty"`  // "any" (or ""), or a state or ss group: "listening", "time-wait"…
	Listening bool     `json:"listening_only,omitempty"`
	Address   string   `json:"address,omitempty"` // as typed: "127.0.0.1", ":8080"…
	Process   string   `json:"process,omitempty"`
	Text      string   `json:"text,omitempty"`
	Refresh   string   `json:"refresh,omitempty"` // "500ms", "1s", "2s" or "5s"; "" is 1s
	Paused    bool     `json:"paused,omitempty"`
	// Sort is the column sorted by ("netid", "state", "recv-q", "send-q",
	// "local", "peer", "process"); "" is the kernel's order.
	Sort           string `json:"sort,omitempty"`
	SortDescending bool   `json:"sort_descending,omitempty"`
}

// sockColumnKeys name the columns in the workspace file.
var sockColumnKeys = [numSockCols]string{"netid", "state", "recv-q", "send-q", "local", "peer", "process"}

// sockFamilies maps the saved family words to the tab's choices.
var sockFamilies = map[string]string{"": famAll, "any": famAll, "ipv4": fam4, "ipv6": fam6}

// Settings is what the tab's filters, refresh and sort are now.
func (t *SocketsTab) Settings() SocketsSettings {
	s := SocketsSettings{Protocols: []string{}, Family: "any", State: "any", Listening: t.Listening.Checked,
		Address: t.Addr.Text, Process: t.Process.Text, Text: t.Text.Text, Paused: t.paused.Load(), SortDescending: t.sortDesc}
	for _, p := range []struct {
		c    *widget.Check
		word string
	}{{t.TCP, "tcp"}, {t.UDP, "udp"}, {t.Unix, "unix"}} {
		if p.c.Checked {
			s.Protocols = append(s.Protocols, p.word)
		}
	}
	for word, choice := range sockFamilies {
		if word != "" && choice == t.Family.Selected {
			s.Family = word
		}
	}
	if st := t.State.Selected; st != "" && st != anyState {
		s.State = st
	}
	every := time.Duration(t.every.Load())
	for _, iv := range sockIntervals {
		if iv.every == every {
			s.Refresh = every.String()
		}
	}
	if t.sortCol >= 0 && t.sortCol < numSockCols {
		s.Sort = sockColumnKeys[t.sortCol]
	}
	return s
}

func (t *SocketsTab) toolTab() ToolTab {
	s := t.Settings()
	return ToolTab{Kind: toolSockets, Sockets: &s}
}

// checked returns s with every value the tab could not use set back to
// the tab's default, and a sentence for each.
func (s SocketsSettings) checked() (SocketsSettings, []string) {
	var notes []string
	note := func(format string, a ...any) { notes = append(notes, fmt.Sprintf(format, a...)) }
	if s.Protocols != nil {
		var kept []string
		for _, p := range s.Protocols {
			switch p {
			case "tcp", "udp", "unix":
				kept = append(kept, p)
			default:
				note("protocol %q is not one of tcp, udp, unix, so it was left out", p)
			}
		}
		if len(kept) == 0 && len(s.Protocols) > 0 {
			kept = nil // only unknown ones: the default, rather than none
		} else if kept == nil {
			kept = []string{}
		}
		s.Protocols = kept
	}
	if _, ok := sockFamilies[s.Family]; !ok {
		note("family %q is not one of any, ipv4, ipv6; the default (IPv4 + IPv6) is used instead", s.Family)
		s.Family = "any"
	}
	if s.State != "" && s.State != "any" && !slices.Contains(stateChoices, s.State) {
		note("state %q is not a socket state or group sockplay offers; the default (any state) is used instead", s.State)
		s.State = "any"
	}
	for _, f := range []struct {
		name  string
		field *string
	}{{"address filter", &s.Address}, {"process filter", &s.Process}, {"text filter", &s.Text}} {
		if !oneLine(*f.field) {
			note("the %s is not one line of text, so it was cleared", f.name)
			*f.field = ""
		}
	}
	if _, err := socktable.ParseAddrMatch(strings.TrimSpace(s.Address)); err != nil {
		note("the address filter %q is not usable (%s), so it was cleared", s.Address,
			strings.TrimSuffix(err.Error(), ": "+socktable.ErrBadFilter.Error()))
		s.Address = ""
	}
	if s.Refresh != "" {
		d, err := time.ParseDuration(s.Refresh)
		ok := false
		for _, iv := range sockIntervals {
			ok = ok || err == nil && d == iv.every
		}
		if !ok {
			note("refresh interval %q is not one of 500ms, 1s, 2s, 5s; the default (1s) is used instead", s.Refresh)
			s.Refresh = ""
		}
	}
	if s.Sort != "" && !slices.Contains(sockColumnKeys[:], s.Sort) {
		note("sort column %q is not one of %s; the kernel's order is used instead", s.Sort, strings.Join(sockColumnKeys[:], ", "))
		s.Sort, s.SortDescending = "", false
	}
	return s, notes
}

// applySettings sets the filters, refresh and sort from s (checked). It
// neither lists nor saves: the goroutine, started after, lists unless paused.
func (t *SocketsTab) applySettings(s SocketsSettings) {
	if s.Protocols != nil {
		t.TCP.Checked = slices.Contains(s.Protocols, "tcp")
		t.UDP.Checked = slices.Contains(s.Protocols, "udp")
		t.Unix.Checked = slices.Contains(s.Protocols, "unix")
	}
	t.Family.Selected = sockFamilies[s.Family]
	t.State.Selected = anyState
	if s.State != "" && s.State != "any" {
		t.State.Selected = s.State
	}
	t.Listening.Checked = s.Listening
	for _, w := range []fyne.Widget{t.TCP, t.UDP, t.Unix, t.Family, t.State, t.Listening} {
		w.Refresh()
	}
	t.Addr.SetText(s.Address)
	t.Process.SetText(s.Process)
	t.Text.SetText(s.Text)
	if d, err := time.ParseDuration(s.Refresh); err == nil {
		for _, iv := range sockIntervals {
			if iv.every == d {
				t.every.Store(int64(d))
				t.Interval.Selected = iv.label
				t.Interval.Refresh()
			}
		}
	}
	t.sortCol, t.sortDesc = -1, false
	if i := slices.Index(sockColumnKeys[:], s.Sort); i >= 0 {
		t.sortCol, t.sortDesc = i, s.SortDescending
	}
	t.setPaused(s.Paused)
	t.readFilter()
}

// restoreSockets reopens the Sockets tab from the workspace with settings
// s (already checked). It lists (only the local table) unless it was paused.
func (m *MainWindow) restoreSockets(s SocketsSettings) *SocketsTab {
	t := newSocketsTab(m)
	t.applySettings(s)
	m.sockets = t
	m.addToolTab(t.Item, t.stop, t)
	t.start()
	return t
}

// listSockets is socktable.List, as a variable so a test can count calls.
var listSockets = socktable.List

// destroyTCP is socktable.DestroyTCP, as a variable so a test can refuse.
var destroyTCP = socktable.DestroyTCP

func newSocketsTab(m *MainWindow) *SocketsTab {
	t := &SocketsTab{main: m, sortCol: -1, kick: make(chan struct{}, 1)}
	t.ctx, t.cancel = context.WithCancel(context.Background())
	t.every.Store(int64(time.Second))
	t.buildTable()
	t.buildFilters()
	t.buildActions()

	t.Summary = widget.NewLabel("Listing…")
	t.Summary.Truncation = fyne.TextTruncateEllipsis
	t.Status = widget.NewLabel("")
	t.Status.Wrapping = fyne.TextWrapWord
	t.Status.Hide()

	refresh := container.NewHBox(widget.NewLabel("Refresh every"), t.Interval, t.Pause, t.RefreshNow)
	top := container.NewVBox(t.filterBar(), container.NewBorder(nil, nil, nil, refresh, t.Summary), t.FilterError, widget.NewSeparator())
	actions := container.NewHBox(t.Copy, t.OpenClient, t.GoToSession, t.CloseSocket)
	bottom := container.NewVBox(widget.NewSeparator(), t.Status, container.NewBorder(nil, nil, nil, actions, t.Selection))
	t.Item = container.NewTabItemWithIcon(socketsTitle, theme.ListIcon(), container.NewBorder(top, bottom, nil, nil, t.Table))
	t.readFilter()
	t.updateActions()
	return t
}

func (t *SocketsTab) buildTable() {
	t.Table = widget.NewTable(
		func() (int, int) { return len(t.rows), numSockCols },
		func() fyne.CanvasObject { return newSockCell(t) },
		func(id widget.TableCellID, o fyne.CanvasObject) { t.updateCell(id, o.(*sockCell)) },
	)
	t.Table.ShowHeaderRow = true
	t.Table.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("Local Address:Port", nil)
		b.Importance = widget.LowImportance
		b.Alignment = widget.ButtonAlignLeading
		b.IconPlacement = widget.ButtonIconTrailingText
		return b
	}
	t.Table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		b := o.(*widget.Button)
		if id.Col < 0 || id.Col >= numSockCols {
			return
		}
		col := id.Col
		b.OnTapped = func() { t.SortBy(col) }
		var icon fyne.Resource
		if col == t.sortCol {
			icon = theme.MenuDropUpIcon()
			if t.sortDesc {
				icon = theme.MenuDropDownIcon()
			}
		}
		if b.Text != sockColumns[col].title || b.Icon != icon {
			b.Text, b.Icon = sockColumns[col].title, icon
			b.Refresh()
		}
	}
	for i, c := range sockColumns {
		t.Table.SetColumnWidth(i, c.width)
	}
	t.Table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(t.rows) {
			t.selKey = t.rows[id.Row].key
		}
		t.updateActions()
		t.Table.Refresh() // tint the whole row, not only the cell
	}
}

func (t *SocketsTab) buildFilters() {
	onChange := func() { t.readFilter() }
	// A click is saved in the workspace at once; typing is saved on Enter
	// or with the next save (as the composers' text is), not per keystroke.
	onClick := func() { t.readFilter(); t.changed() }
	t.TCP = widget.NewCheck("TCP", func(bool) { onClick() })
	t.UDP = widget.NewCheck("UDP", func(bool) { onClick() })
	t.Unix = widget.NewCheck("Unix", func(bool) { onClick() })
	t.TCP.Checked, t.UDP.Checked, t.Unix.Checked = true, true, false // ss -tuan: Unix sockets are many and rarely the point
	t.Family = widget.NewSelect([]string{famAll, fam4, fam6}, func(string) { onClick() })
	t.Family.Selected = famAll
	t.State = widget.NewSelect(stateChoices, func(string) { onClick() })
	t.State.Selected = anyState
	t.Listening = widget.NewCheck("Listening only", func(bool) { onClick() })
	t.Addr = widget.NewEntry()
	t.Addr.SetPlaceHolder("Address or :port")
	t.Addr.OnChanged = func(string) { onChange() }
	t.Process = widget.NewEntry()
	t.Process.SetPlaceHolder("Process")
	t.Process.OnChanged = func(string) { onChange() }
	t.Text = widget.NewEntry()
	t.Text.SetPlaceHolder("Text anywhere in the row")
	t.Text.OnChanged = func(string) { onChange() }
	for _, e := range []*widget.Entry{t.Addr, t.Process, t.Text} {
		e.OnSubmitted = func(string) { t.changed() }
	}
	t.FilterError = widget.NewLabel("")
	t.FilterError.Importance = widget.DangerImportance
	t.FilterError.Hide()

	labels := make([]string, len(sockIntervals))
	for i, iv := range sockIntervals {
		labels[i] = iv.label
	}
	t.Interval = widget.NewSelect(labels, func(s string) {
		for _, iv := range sockIntervals {
			if iv.label == s {
				t.every.Store(int64(iv.every))
			}
		}
		t.kickList()
		t.changed()
	})
	t.Interval.Selected = "1 s"
	t.Pause = widget.NewButtonWithIcon("Pause", theme.MediaPauseIcon(), t.TogglePause)
	t.RefreshNow = widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), t.kickList)
}

func (t *SocketsTab) filterBar() fyne.CanvasObject {
	// Fixed widths for the short entries; the free text takes the rest.
	sized := func(o fyne.CanvasObject, w float32) fyne.CanvasObject {
		return container.NewGridWrap(fyne.NewSize(w, o.MinSize().Height), o)
	}
	left := container.NewHBox(t.TCP, t.UDP, t.Unix, widget.NewSeparator(), t.Family, t.State, t.Listening,
		sized(t.Addr, 170), sized(t.Process, 130))
	return container.NewBorder(nil, nil, left, nil, t.Text)
}

func (t *SocketsTab) buildActions() {
	t.Selection = widget.NewLabel("Select a row (or right-click it) to copy it, connect to it, jump to its session or close it.")
	t.Selection.Truncation = fyne.TextTruncateEllipsis
	t.Copy = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), t.CopySelected)
	t.OpenClient = widget.NewButtonWithIcon("Open client session", theme.LoginIcon(), t.OpenClientSelected)
	t.GoToSession = widget.NewButtonWithIcon("Go to session tab", theme.NavigateNextIcon(), t.GoToSessionSelected)
	t.CloseSocket = widget.NewButtonWithIcon("Close socket (RST)", theme.CancelIcon(), t.CloseSelected)
	t.CloseSocket.Importance = widget.DangerImportance
}

// readFilter turns the filter widgets into a socktable.Filter; a value the
// parsers refuse is named under the bar and the previous filter stays.
func (t *SocketsTab) readFilter() {
	if t.FilterError == nil || t.Text == nil {
		return // still building
	}
	var f socktable.Filter
	if t.TCP.Checked {
		f.Protos |= socktable.ProtoTCP
	}
	if t.UDP.Checked {
		f.Protos |= socktable.ProtoUDP
	}
	if t.Unix.Checked {
		f.Protos |= socktable.ProtoUnix
	}
	none := f.Protos == 0 // the zero set means all: nothing checked shows nothing
	switch t.Family.Selected {
	case fam4:
		f.Families = socktable.FamilySetOf(socktable.IPv4, socktable.Unix)
	case fam6:
		f.Families = socktable.FamilySetOf(socktable.IPv6, socktable.Unix)
	}
	var problems []string
	if st := t.State.Selected; st != "" && st != anyState {
		set, err := socktable.ParseStates(st)
		if err != nil {
			problems = append(problems, filterSentence(err))
		}
		f.States = set
	}
	am, err := socktable.ParseAddrMatch(strings.TrimSpace(t.Addr.Text))
	if err != nil {
		problems = append(problems, filterSentence(err))
	}
	f.Addr = am
	f.Process = strings.TrimSpace(t.Process.Text)
	f.Text = strings.TrimSpace(t.Text.Text)
	if len(problems) > 0 {
		t.FilterError.SetText(strings.Join(problems, "; "))
		t.FilterError.Show()
		return
	}
	t.FilterError.Hide()
	if none {
		f.Protos = 1 << 7 // no kind: matches nothing
	}
	t.filter, t.listen = f, t.Listening.Checked
	t.view()
}

// filterSentence is a parser's refusal without the ": bad socket filter"
// tag, which is for errors.Is, not for the person reading it.
func filterSentence(err error) string {
	s := strings.TrimSuffix(err.Error(), ": "+socktable.ErrBadFilter.Error())
	return strings.ToUpper(s[:1]) + s[1:]
}

// start runs the listing goroutine (not in headless tests, which call
// Refresh themselves); stop ends it and waits.
func (t *SocketsTab) start() {
	if !runPumps {
		return
	}
	t.done = make(chan struct{})
	go t.run()
}

func (t *SocketsTab) stop() {
	if t.main.sockets == t {
		t.main.sockets = nil
	}
	t.cancel()
	if t.done != nil {
		<-t.done
	}
}

// run lists on a timer (or at once when kicked) and hands each listing to
// the UI goroutine. At most one hand-over is pending: a slow frame skips a
// listing rather than queueing them. It exits when the tab closes.
func (t *SocketsTab) run() {
	defer close(t.done)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-t.ctx.Done():
			return
		case <-t.kick:
		case <-timer.C:
			if t.paused.Load() {
				timer.Reset(time.Duration(t.every.Load()))
				continue
			}
		}
		timer.Reset(time.Duration(t.every.Load()))
		if t.pending.Load() {
			continue
		}
		socks, err := t.list()
		if t.ctx.Err() != nil {
			return
		}
		t.pending.Store(true)
		doFromGoroutine(func() {
			defer t.pending.Store(false)
			if t.ctx.Err() == nil {
				t.apply(socks, err)
			}
		})
	}
}

// list reads the whole table with owners: the summary counts every socket,
// and filtering the last listing again is instant when a filter changes.
func (t *SocketsTab) list() ([]socktable.Socket, error) {
	ctx, cancel := context.WithTimeout(t.ctx, 10*time.Second)
	defer cancel()
	return listSockets(ctx, socktable.Options{Processes: true})
}

// Refresh lists now and shows the result, synchronously (tests; the
// goroutine does the same in two halves).
func (t *SocketsTab) Refresh() {
	socks, err := t.list()
	t.apply(socks, err)
}

func (t *SocketsTab) kickList() {
	select {
	case t.kick <- struct{}{}:
	default:
	}
}

// TogglePause stops or resumes the automatic refresh.
func (t *SocketsTab) TogglePause() {
	t.setPaused(!t.paused.Load())
	if !t.paused.Load() {
		t.kickList()
	}
	t.changed()
}

// setPaused shows the refresh as paused or running; it lists nothing.
func (t *SocketsTab) setPaused(on bool) {
	t.paused.Store(on)
	if on {
		t.Pause.SetText("Resume")
		t.Pause.SetIcon(theme.MediaPlayIcon())
		t.Pause.Importance = widget.HighImportance
	} else {
		t.Pause.SetText("Pause")
		t.Pause.SetIcon(theme.MediaPauseIcon())
		t.Pause.Importance = widget.MediumImportance
	}
	t.Pause.Refresh()
	t.updateSummary()
}

// changed saves the workspace after a setting changed (a click, Enter).
func (t *SocketsTab) changed() {
	if t.main != nil {
		t.main.saveWorkspaceLogged()
	}
}

// apply takes a new listing: rows not in the previous one are marked new,
// rows of the previous one missing now stay one more refresh, marked gone.
func (t *SocketsTab) apply(socks []socktable.Socket, err error) {
	if err != nil {
		t.lastErr = listErrorText(err)
		t.updateSummary()
		return
	}
	t.lastErr = ""
	now := make(map[string]bool, len(socks))
	all := make([]sockRow, 0, len(socks)+8)
	for i := range socks {
		r := sockRow{sock: socks[i], key: sockKey(&socks[i]), order: i}
		if t.listed && !t.prev[r.key] {
			r.mark = markNew
		}
		now[r.key] = true
		formatRow(&r)
		all = append(all, r)
	}
	for _, r := range t.all {
		if r.mark != markGone && !now[r.key] {
			r.mark = markGone
			r.order = len(all)
			all = append(all, r)
		}
	}
	t.all, t.prev, t.listed = all, now, true
	t.view()
}

func listErrorText(err error) string {
	if errors.Is(err, netcore.ErrUnsupported) {
		return "The socket browser cannot list sockets here: " + err.Error() + "."
	}
	return "Listing sockets failed: " + err.Error()
}

// view filters and sorts the last listing into the table.
func (t *SocketsTab) view() {
	rows := t.rows[:0]
	for i := range t.all {
		r := &t.all[i]
		if t.filter.Match(&r.sock) && (!t.listen || r.sock.IsListener()) {
			rows = append(rows, *r)
		}
	}
	t.rows = rows
	t.sortRows()
	t.updateSummary()
	t.updateActions()
	t.Table.Refresh()
}

// SortBy sorts by column col; the same column again reverses the order.
func (t *SocketsTab) SortBy(col int) {
	if t.sortCol == col {
		t.sortDesc = !t.sortDesc
	} else {
		t.sortCol, t.sortDesc = col, false
	}
	t.sortRows()
	t.Table.Refresh()
	t.changed()
}

func (t *SocketsTab) sortRows() {
	col, desc := t.sortCol, t.sortDesc
	slices.SortStableFunc(t.rows, func(a, b sockRow) int {
		c := 0
		if col >= 0 {
			c = compareCol(col, &a, &b)
			if desc {
				c = -c
			}
		}
		if c == 0 {
			c = cmp.Compare(a.order, b.order)
		}
		return c
	})
}

func compareCol(col int, a, b *sockRow) int {
	x, y := &a.sock, &b.sock
	switch col {
	case colNetid:
		return cmp.Compare(x.Proto, y.Proto)
	case colState:
		return cmp.Compare(a.cells[colState], b.cells[colState])
	case colRecvQ:
		return cmp.Compare(x.RecvQ, y.RecvQ)
	case colSendQ:
		return cmp.Compare(x.SendQ, y.SendQ)
	case colLocal:
		return compareEnd(x, x.Local, x.Path, y, y.Local, y.Path)
	case colPeer:
		return compareEnd(x, x.Peer, "", y, y.Peer, "")
	case colProcess:
		return cmp.Or(strings.Compare(strings.ToLower(a.cells[colProcess]), strings.ToLower(b.cells[colProcess])),
			cmp.Compare(firstPID(x), firstPID(y)))
	}
	return 0
}

// compareEnd orders endpoints by address then port (9 before 10), Unix
// sockets after IP ones, by path.
func compareEnd(x *socktable.Socket, xa netip.AddrPort, xp string, y *socktable.Socket, ya netip.AddrPort, yp string) int {
	xu, yu := x.Proto.IsUnix(), y.Proto.IsUnix()
	switch {
	case xu && yu:
		return cmp.Or(strings.Compare(xp, yp), cmp.Compare(x.Inode, y.Inode))
	case xu != yu:
		if xu {
			return 1
		}
		return -1
	}
	return cmp.Or(xa.Addr().Unmap().Compare(ya.Addr().Unmap()), cmp.Compare(xa.Port(), ya.Port()))
}

func firstPID(s *socktable.Socket) int {
	if len(s.Owners) == 0 {
		return 0
	}
	return s.Owners[0].PID
}

// sockKey names a socket across listings: a TCP connection keeps its key
// from ESTAB to TIME-WAIT (its inode does not); a Unix socket is its inode.
func sockKey(s *socktable.Socket) string {
	if s.Proto.IsUnix() {
		return s.Proto.String() + " " + strconv.FormatUint(uint64(s.Inode), 10)
	}
	return s.Proto.String() + " " + s.Local.String() + " " + s.Peer.String()
}

func formatRow(r *sockRow) {
	s := &r.sock
	r.cells = [numSockCols]string{
		s.Proto.String(), s.State.String(),
		strconv.FormatUint(uint64(s.RecvQ), 10), strconv.FormatUint(uint64(s.SendQ), 10),
		s.LocalString(), s.PeerString(), ownersText(s.Owners),
	}
}

// ownersText is the Process column: "python3 (pid 4242)", several joined.
func ownersText(os []socktable.Owner) string {
	var b strings.Builder
	seen := map[int]bool{}
	for _, o := range os {
		if seen[o.PID] {
			continue
		}
		seen[o.PID] = true
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (pid %d)", o.Name, o.PID)
	}
	return b.String()
}

// sockRowText is a row as one line of text, for the clipboard.
func sockRowText(r *sockRow) string {
	c := r.cells
	return strings.TrimRight(fmt.Sprintf("%-5s %-10s %6s %6s %-28s %-28s %s",
		c[colNetid], c[colState], c[colRecvQ], c[colSendQ], c[colLocal], c[colPeer], c[colProcess]), " ")
}

// updateSummary counts every socket of the last listing by state, as
// ss -s does, and says how many rows the filters keep.
func (t *SocketsTab) updateSummary() {
	if t.Summary == nil {
		return
	}
	var tcp [socktable.Closing + 1]int
	tcpAll, udp, unix, gone := 0, 0, 0, 0
	for i := range t.all {
		r := &t.all[i]
		if r.mark == markGone {
			gone++
			continue
		}
		switch {
		case r.sock.Proto == socktable.TCP:
			tcpAll++
			if int(r.sock.State) < len(tcp) {
				tcp[r.sock.State]++
			}
		case r.sock.Proto == socktable.UDP:
			udp++
		default:
			unix++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "TCP %d (estab %d, listen %d", tcpAll, tcp[socktable.Established], tcp[socktable.Listen])
	for _, st := range []socktable.State{socktable.TimeWait, socktable.CloseWait, socktable.FinWait1, socktable.FinWait2,
		socktable.SynSent, socktable.SynRecv, socktable.LastAck, socktable.Closing} {
		if n := tcp[st]; n > 0 {
			fmt.Fprintf(&b, ", %s %d", strings.ToLower(st.String()), n)
		}
	}
	fmt.Fprintf(&b, ") · UDP %d · Unix %d · showing %d", udp, unix, len(t.rows))
	if gone > 0 {
		fmt.Fprintf(&b, " (%d just closed)", gone)
	}
	if t.paused.Load() {
		b.WriteString(" · paused")
	}
	switch {
	case !t.listed && t.lastErr == "" && t.paused.Load():
		setText(t.Summary, "Paused: nothing listed yet. Resume, or the refresh button, lists the sockets.")
	case !t.listed && t.lastErr == "":
		setText(t.Summary, "Listing…")
	default:
		setText(t.Summary, b.String())
	}
	if t.lastErr != "" {
		t.showStatus(t.lastErr, true)
	}
}

// showStatus says what the last action did (or why listing failed).
func (t *SocketsTab) showStatus(text string, bad bool) {
	imp := widget.MediumImportance
	if bad {
		imp = widget.DangerImportance
	}
	if t.Status.Importance != imp {
		t.Status.Importance = imp
		t.Status.Refresh()
	}
	setText(t.Status, text)
	t.Status.Show()
}

// selected is the selected row, or nil when it left the table.
func (t *SocketsTab) selected() *sockRow {
	if t.selKey == "" {
		return nil
	}
	for i := range t.rows {
		if t.rows[i].key == t.selKey {
			return &t.rows[i]
		}
	}
	return nil
}

// SelectRow selects row i of the table (tests; a click does the same).
func (t *SocketsTab) SelectRow(i int) { t.Table.Select(widget.TableCellID{Row: i, Col: 0}) }

// updateActions enables the buttons that apply to the selected row and
// describes it.
func (t *SocketsTab) updateActions() {
	if t.Copy == nil {
		return
	}
	r := t.selected()
	enable := func(b *widget.Button, on bool) {
		if on && b.Disabled() {
			b.Enable()
		} else if !on && !b.Disabled() {
			b.Disable()
		}
	}
	enable(t.Copy, r != nil)
	enable(t.OpenClient, r != nil && clientURL(&r.sock) != "")
	own := (*SessionTab)(nil)
	if r != nil {
		own = t.ownTab(&r.sock)
	}
	enable(t.GoToSession, own != nil)
	enable(t.CloseSocket, r != nil && canDestroy(&r.sock))
	switch {
	case r == nil:
		setText(t.Selection, "Select a row (or right-click it) to copy it, connect to it, jump to its session or close it.")
	case own != nil:
		setText(t.Selection, fmt.Sprintf("%s %s %s: sockplay's own, in tab %q", r.cells[colNetid], r.cells[colState], r.cells[colLocal], own.Item.Text))
	default:
		setText(t.Selection, fmt.Sprintf("%s %s, local %s, peer %s  %s", r.cells[colNetid], r.cells[colState], r.cells[colLocal], r.cells[colPeer], r.cells[colProcess]))
	}
}

// CopySelected puts the selected row on the clipboard, as a line of text.
func (t *SocketsTab) CopySelected() {
	if r := t.selected(); r != nil {
		t.main.App.Clipboard().SetContent(sockRowText(r))
		t.showStatus("Copied: "+sockRowText(r), false)
	}
}

// clientURL is the endpoint a client session would dial to reach listener
// s ("" when s is not one): a wildcard address becomes loopback.
func clientURL(s *socktable.Socket) string {
	if !s.IsListener() {
		return ""
	}
	switch s.Proto {
	case socktable.TCP, socktable.UDP:
		a := s.Local.Addr().Unmap()
		if a.IsUnspecified() {
			if s.Family == socktable.IPv6 && !s.DualStack {
				a = netip.IPv6Loopback()
			} else {
				a = netip.AddrFrom4([4]byte{127, 0, 0, 1})
			}
		}
		if s.Local.Port() == 0 {
			return ""
		}
		return s.Proto.String() + "://" + netip.AddrPortFrom(a, s.Local.Port()).String()
	case socktable.UnixStream:
		if s.Path != "" {
			return "unix://" + s.Path
		}
	case socktable.UnixDgram:
		if s.Path != "" {
			return "unixgram://" + s.Path
		}
	}
	return ""
}

// OpenClientSelected opens and starts a client session to the selected
// listener.
func (t *SocketsTab) OpenClientSelected() {
	r := t.selected()
	if r == nil {
		return
	}
	url := clientURL(&r.sock)
	if url == "" {
		t.showStatus("Only a listening socket (or an unconnected UDP or Unix datagram socket with an address) can be connected to.", true)
		return
	}
	if _, err := t.main.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "client", URL: url}, StartOnOpen: true}); err != nil {
		t.showStatus("Cannot open a client session to "+url+": "+err.Error(), true)
	}
}

// ownTab is the session tab whose socket s is: its listener or bound
// socket, or one of its connections (matched by both ends).
func (t *SocketsTab) ownTab(s *socktable.Socket) *SessionTab {
	ours := false
	for _, o := range s.Owners {
		ours = ours || o.PID == os.Getpid()
	}
	for _, tab := range t.main.SessionTabs() {
		sess := tab.Session()
		if sess == nil {
			continue
		}
		if s.Proto.IsUnix() {
			if ep := sess.Config().Endpoint; ours && ep.Path != "" && ep.Path == s.Path {
				return tab
			}
			continue
		}
		if a := sess.Addr(); a != nil && s.IsListener() && sameEnd(s.Local, a.String()) && sess.Config().Endpoint.Network() == s.Proto.String() {
			return tab
		}
		if s.IsListener() {
			continue
		}
		for _, p := range sess.Peers() {
			if sameEnd(s.Local, p.Local) && sameEnd(s.Peer, p.Addr) {
				return tab
			}
		}
	}
	return nil
}

// sameEnd compares a kernel endpoint with one net.Addr printed; an IPv4
// address matches its IPv4-mapped form.
func sameEnd(a netip.AddrPort, s string) bool {
	b, err := netip.ParseAddrPort(s)
	return err == nil && a.Port() == b.Port() && a.Addr().Unmap() == b.Addr().Unmap()
}

// GoToSessionSelected selects the session tab the selected socket is from.
func (t *SocketsTab) GoToSessionSelected() {
	if r := t.selected(); r != nil {
		if tab := t.ownTab(&r.sock); tab != nil {
			t.main.Tabs.Select(tab.Item)
		}
	}
}

// canDestroy: sock_destroy resets a TCP connection; a listener, a closed
// socket or a TIME-WAIT leftover has no one to reset.
func canDestroy(s *socktable.Socket) bool {
	if s.Proto != socktable.TCP {
		return false
	}
	switch s.State {
	case socktable.Listen, socktable.Close, socktable.TimeWait:
		return false
	}
	return true
}

// CloseSelected asks, then closes the selected TCP connection from outside
// (as ss -K does). Refusals are named: it needs CAP_NET_ADMIN.
func (t *SocketsTab) CloseSelected() {
	r := t.selected()
	if r == nil || !canDestroy(&r.sock) {
		return
	}
	s := r.sock
	who := "its process"
	if o := ownersText(s.Owners); o != "" {
		who = o
	}
	msg := fmt.Sprintf("Close the TCP connection from %s to %s?\n%s gets \"connection aborted\" on its next call and the peer gets a reset,\nas 'ss -K' does. This needs CAP_NET_ADMIN.",
		r.cells[colLocal], r.cells[colPeer], who)
	d := dialog.NewConfirm("Close socket (RST)", msg, func(ok bool) {
		if ok {
			t.destroy(s)
		}
	}, t.main.Window)
	d.SetConfirmText("Close socket")
	t.main.show(d)
}

// destroy runs the one netlink request (sub-millisecond) and says how it went.
func (t *SocketsTab) destroy(s socktable.Socket) {
	ctx, cancel := context.WithTimeout(t.ctx, 5*time.Second)
	defer cancel()
	if err := destroyTCP(ctx, s.Local, s.Peer); err != nil {
		text := "Could not close the socket: " + err.Error()
		t.showStatus(text, true)
		t.main.show(dialog.NewInformation("Could not close the socket", wrapText(err.Error(), 80), t.main.Window))
		return
	}
	t.showStatus(fmt.Sprintf("Closed tcp %s to %s (reset sent to the peer).", s.LocalString(), s.PeerString()), false)
	t.kickList()
}

// wrapText breaks a long sentence at spaces so a dialog stays narrow.
func wrapText(s string, width int) string {
	var b strings.Builder
	n := 0
	for i, w := range strings.Fields(s) {
		if i > 0 {
			if n+1+len(w) > width {
				b.WriteByte('\n')
				n = 0
			} else {
				b.WriteByte(' ')
				n++
			}
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}

// rowMenu is the right-click menu of a row: the same actions as the bar.
func (t *SocketsTab) rowMenu(row int, pos fyne.Position) {
	if row < 0 || row >= len(t.rows) {
		return
	}
	t.SelectRow(row)
	item := func(label string, b *widget.Button) *fyne.MenuItem {
		mi := fyne.NewMenuItem(label, b.OnTapped)
		mi.Icon = b.Icon
		mi.Disabled = b.Disabled()
		return mi
	}
	menu := fyne.NewMenu("", item("Copy row", t.Copy), item("Open client session", t.OpenClient),
		item("Go to session tab", t.GoToSession), fyne.NewMenuItemSeparator(), item("Close socket (RST)…", t.CloseSocket))
	widget.ShowPopUpMenuAtPosition(menu, t.main.Window.Canvas(), pos)
}

func (t *SocketsTab) updateCell(id widget.TableCellID, c *sockCell) {
	if id.Row < 0 || id.Row >= len(t.rows) || id.Col < 0 || id.Col >= numSockCols {
		return
	}
	r := &t.rows[id.Row]
	c.row, c.col = id.Row, id.Col
	var bg color.Color = color.Transparent
	switch {
	case r.key == t.selKey:
		bg = theme.Color(theme.ColorNameSelection)
	case r.mark == markNew:
		bg = withAlpha(theme.Color(theme.ColorNameSuccess), 0x38)
	case r.mark == markGone:
		bg = withAlpha(theme.Color(theme.ColorNameError), 0x20)
	}
	if c.bg.FillColor != bg {
		c.bg.FillColor = bg
		c.bg.Refresh()
	}
	imp := widget.MediumImportance
	if r.mark == markGone {
		imp = widget.LowImportance
	}
	if c.label.Importance != imp {
		c.label.Importance = imp
		c.label.Refresh()
	}
	align := fyne.TextAlignLeading
	if id.Col == colRecvQ || id.Col == colSendQ {
		align = fyne.TextAlignTrailing
	}
	if c.label.Alignment != align {
		c.label.Alignment = align
		c.label.Refresh()
	}
	setText(c.label, r.cells[id.Col])
	if gone := r.mark == markGone; gone != c.strike.Visible() {
		c.strike.Hidden = !gone
		c.strike.Refresh()
	}
	if c.strike.Visible() {
		c.placeStrike(c.Size())
		c.strike.Refresh()
	}
}

func withAlpha(c color.Color, a uint8) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = a
	return n
}

// sockCell is one table cell: a row tint behind the text and, for a socket
// that vanished, a line through it. A right click opens the row's menu.
type sockCell struct {
	widget.BaseWidget
	tab      *SocketsTab
	row, col int
	bg       *canvas.Rectangle
	label    *widget.Label
	strike   *canvas.Line
}

func newSockCell(t *SocketsTab) *sockCell {
	c := &sockCell{tab: t, bg: canvas.NewRectangle(color.Transparent), label: widget.NewLabel("[ffff:ffff::ffff]:65535"),
		strike: canvas.NewLine(theme.Color(theme.ColorNameForeground))}
	c.label.Truncation = fyne.TextTruncateEllipsis
	c.label.TextStyle.Monospace = true
	c.strike.StrokeWidth = 1
	c.strike.Hide()
	c.ExtendBaseWidget(c)
	return c
}

func (c *sockCell) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.New(&strikeLayout{c}, c.bg, c.label, c.strike))
}

// Tapped selects the cell's row. The cell must handle it: being
// SecondaryTappable, it is what a click finds, and the table never hears it.
func (c *sockCell) Tapped(*fyne.PointEvent) {
	c.tab.Table.Select(widget.TableCellID{Row: c.row, Col: c.col})
}

// TappedSecondary opens the row's menu (a right click).
func (c *sockCell) TappedSecondary(e *fyne.PointEvent) { c.tab.rowMenu(c.row, e.AbsolutePosition) }

// strikeLayout fills the cell with the tint and the label, and draws the
// strike line through the middle of the text.
type strikeLayout struct{ c *sockCell }

func (l *strikeLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs[:2] {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
	l.c.placeStrike(size)
}

// placeStrike puts the strike line through the text as it is now.
func (c *sockCell) placeStrike(size fyne.Size) {
	pad := theme.Padding() * 2
	w := fyne.MeasureText(c.label.Text, theme.TextSize(), c.label.TextStyle).Width
	w = max(min(w, size.Width-2*pad), 0)
	x := pad
	if c.label.Alignment == fyne.TextAlignTrailing {
		x = size.Width - pad - w
	}
	c.strike.Position1 = fyne.NewPos(x, size.Height/2)
	c.strike.Position2 = fyne.NewPos(x+w, size.Height/2)
}

func (l *strikeLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return objs[1].MinSize()
}
