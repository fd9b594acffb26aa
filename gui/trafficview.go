package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/sessions"
)

// scanBudget bounds how many new log entries one refresh indexes, so a
// flood never holds the UI goroutine (or the log's lock) for long; the rest
// is indexed on the next ticks.
const scanBudget = 50000

// eventBit marks an event's seq in the view's index: the log keeps events
// and traffic apart, and drops each at its own pace.
const eventBit = uint64(1) << 63

// trafficView is the virtualised list of a session's log. It keeps the
// sequence numbers of the entries that pass its filter and formats a row
// only when Fyne asks for it (when it scrolls into view). When the log has
// let old entries go, the first row says how many and how much.
type trafficView struct {
	log    *sessions.Log
	filter trafficFilter
	// preview is what rows show after the size: previewText, previewHex
	// or previewHexText.
	preview string
	relay   bool // a relay's rows name their direction (relay_view.go)

	idx     []uint64 // seqs (with eventBit) of matching entries, oldest first
	scanned uint64   // next seq to look at
	version uint64   // log version at the last refresh
	marker  bool     // row 0 is the log's "not kept" marker
	cols    int      // restCols the rows were last cut to

	List       *logList
	JumpButton *widget.Button // shown while following is paused

	// Following: at the bottom the view follows new rows; a person who
	// scrolls up holds it still; Jump to latest (or End) follows again.
	follow     bool
	lastOffset float32
	rowHeight  float32
	dirty      bool // rows must be redrawn even if none were added

	selected  uint64 // seq (with eventBit) of the selected row; 0: none
	selecting bool   // the view re-selects a row itself

	// onSelect is called with the chosen entry (a copy); onUnselect when
	// the selected row left the view (trimmed, filtered out, cleared).
	onSelect   func(e sessions.Entry)
	onUnselect func()
}

func newTrafficView(log *sessions.Log) *trafficView {
	v := &trafficView{log: log, follow: true, preview: previewHexText}
	v.List = newLogList(v.length, v.createRow, v.updateRow)
	v.List.onEnd = v.jumpToLatest
	v.List.OnSelected = func(id widget.ListItemID) {
		if v.selecting {
			return
		}
		seq, ok := v.seqAt(id)
		if !ok {
			return
		}
		v.selected = seq
		if e, ok := v.entry(id); ok && v.onSelect != nil {
			v.onSelect(e)
		}
	}
	v.JumpButton = widget.NewButtonWithIcon("Jump to latest (End)", theme.MoveDownIcon(), v.jumpToLatest)
	v.JumpButton.Importance = widget.HighImportance
	v.JumpButton.Hide()
	return v
}

// jumpToLatest follows new rows again from the newest one.
func (v *trafficView) jumpToLatest() {
	v.follow = true
	v.JumpButton.Hide()
	v.scrollToLast()
}

// setLog points the view at a new session's log (after a restart).
func (v *trafficView) setLog(log *sessions.Log) {
	v.log = log
	v.reindex()
}

// setFilter changes what is shown and reindexes from the oldest entry.
func (v *trafficView) setFilter(f trafficFilter) error {
	if err := f.compile(); err != nil {
		return err
	}
	v.filter = f
	v.reindex()
	return nil
}

// setPreview changes what the rows show after the size.
func (v *trafficView) setPreview(p string) {
	if p == v.preview {
		return
	}
	v.preview = p
	v.List.Refresh()
}

func (v *trafficView) reindex() {
	v.dirty = true
	v.idx = v.idx[:0]
	v.scanned = 0
	v.version = 0
	v.refresh()
}

// refresh forgets entries the log let go, indexes new ones (up to
// scanBudget), keeps the selection on its row, and follows. It runs on
// the UI goroutine.
func (v *trafficView) refresh() {
	v.version = v.log.Version()
	prevRows := v.length()
	trimmed := v.trim()
	_, dropped := v.log.Dropped()
	marker := dropped > 0
	if marker != v.marker {
		v.marker, trimmed = marker, true
	}
	before := len(v.idx)
	n := 0
	v.scanned = v.log.Range(v.scanned, func(e sessions.Entry) bool {
		if v.filter.match(&e) {
			seq := e.Seq
			if !e.Kind.Data() {
				seq |= eventBit
			}
			v.idx = append(v.idx, seq)
		}
		n++
		return n < scanBudget
	})
	if n >= scanBudget {
		v.version = 0 // more to index: come back next tick
	}
	if n := v.restCols(); n != v.cols { // resized: cut the rows again
		v.cols, v.dirty = n, true
	}
	if trimmed || len(v.idx) != before || v.dirty {
		v.dirty = false
		v.keepSelection()
		v.followScroll(prevRows)
	}
}

// trim drops the seqs the log no longer holds: traffic below its first
// kept traffic entry, events below its first kept event. Only the front of
// the index can hold such seqs, so only the front is looked at, and the
// kept ones there move up rather than the whole index moving down.
func (v *trafficView) trim() bool {
	firstData, firstEvent := v.log.Firsts()
	limit := max(firstData, firstEvent)
	end := 0
	for end < len(v.idx) && v.idx[end]&^eventBit < limit {
		end++
	}
	if end == 0 {
		return false
	}
	w := end
	for i := end - 1; i >= 0; i-- {
		s := v.idx[i]
		keep := s&eventBit != 0 && s&^eventBit >= firstEvent || s&eventBit == 0 && s >= firstData
		if keep {
			w--
			v.idx[w] = s
		}
	}
	if w == 0 {
		return false
	}
	v.idx = v.idx[w:] // append reallocates (copying only live seqs) when it needs room
	return true
}

// keepSelection moves the list's selection to where its entry is now, or
// clears it (and the detail pane) when the entry left the view.
func (v *trafficView) keepSelection() {
	if v.selected == 0 {
		return
	}
	row := v.rowOf(v.selected)
	v.selecting = true
	defer func() { v.selecting = false }()
	if row < 0 {
		v.selected = 0
		v.List.UnselectAll()
		if v.onUnselect != nil {
			v.onUnselect()
		}
		return
	}
	v.List.Select(row)
}

// rowOf is the row showing seq, or -1.
func (v *trafficView) rowOf(seq uint64) int {
	lo, hi := 0, len(v.idx)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if v.idx[m]&^eventBit < seq&^eventBit {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(v.idx) && v.idx[lo] == seq {
		if v.marker {
			lo++
		}
		return lo
	}
	return -1
}

// followScroll keeps the newest row in view while following. A person who
// scrolled up (the offset fell and the view is away from the bottom)
// pauses it; a list that grows, shrinks at its top or is resized does not,
// and scrolling back to the bottom follows again. prevRows is the row
// count the list had when it was last laid out.
func (v *trafficView) followScroll(prevRows int) {
	off := v.List.GetScrollOffset()
	away := v.awayFromBottom(prevRows, off)
	switch {
	case v.follow && away && off+1 < v.lastOffset:
		v.follow = false
		v.JumpButton.Show()
	case !v.follow && !away:
		v.follow = true
		v.JumpButton.Hide()
	}
	if v.follow {
		v.scrollToLast()
		return
	}
	v.lastOffset = off
	v.List.Refresh()
}

// awayFromBottom reports whether a list of n rows, scrolled to off, shows
// less than its last row.
func (v *trafficView) awayFromBottom(n int, off float32) bool {
	if v.rowHeight == 0 {
		v.rowHeight = v.createRow().MinSize().Height
	}
	h := v.List.Size().Height
	if h == 0 || n == 0 {
		return false // not laid out yet: nothing a person did
	}
	sep := theme.Padding()
	content := float32(n)*(v.rowHeight+sep) - sep
	return off+h < content-v.rowHeight/2
}

// scrollToLast shows the newest row. ScrollTo, unlike ScrollToBottom, is
// safe on a list never drawn yet (a tab restored but not shown).
func (v *trafficView) scrollToLast() {
	v.List.Refresh()
	if n := v.length(); n > 0 {
		v.List.ScrollTo(n - 1)
	}
	v.lastOffset = v.List.GetScrollOffset()
}

func (v *trafficView) length() int {
	if v.marker {
		return len(v.idx) + 1
	}
	return len(v.idx)
}

// seqAt is the seq (with eventBit) row id shows; the marker row has none.
func (v *trafficView) seqAt(id widget.ListItemID) (uint64, bool) {
	if v.marker {
		id--
	}
	if id < 0 || id >= len(v.idx) {
		return 0, false
	}
	return v.idx[id], true
}

// entry returns a copy of row id's entry (the marker for the first row of
// a log that let entries go), or false when the log no longer has it.
func (v *trafficView) entry(id widget.ListItemID) (sessions.Entry, bool) {
	if v.marker && id == 0 {
		return v.log.Marker()
	}
	seq, ok := v.seqAt(id)
	if !ok {
		return sessions.Entry{}, false
	}
	seq &^= eventBit
	var out sessions.Entry
	found := false
	v.log.Range(seq, func(e sessions.Entry) bool {
		if e.Seq == seq {
			out = e
			out.Data = append([]byte(nil), e.Data...)
			found = true
		}
		return false
	})
	return out, found
}

func (v *trafficView) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if v.marker && id == 0 {
		if m, ok := v.log.Marker(); ok {
			c := v.cells(&m)
			c.rest = "… " + m.Text
			v.fillRow(o, c)
		}
		return
	}
	seq, ok := v.seqAt(id)
	if !ok {
		return
	}
	seq &^= eventBit
	var c rowCells
	found := false
	v.log.Range(seq, func(e sessions.Entry) bool {
		if e.Seq == seq {
			c = v.cells(&e)
			found = true
		}
		return false
	})
	if !found { // let go between the index and this draw; the next refresh trims it
		c = rowCells{rest: "(no longer kept)", restColor: theme.ColorNamePlaceHolder, arrowColor: theme.ColorNameDisabled}
	}
	v.fillRow(o, c)
}

// logList is the traffic list with End and Home: End jumps to the newest
// row and follows again, Home goes to the oldest.
type logList struct {
	widget.List
	onEnd func()
}

func newLogList(length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *logList {
	l := &logList{}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

// TypedKey handles End and Home, and leaves the rest to the list.
func (l *logList) TypedKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeyEnd:
		if l.onEnd != nil {
			l.onEnd()
		}
	case fyne.KeyHome:
		l.ScrollToTop()
	default:
		l.List.TypedKey(e)
	}
}
