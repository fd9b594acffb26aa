package gui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/sessions"
)

// scanBudget bounds how many new log entries one refresh indexes, so a
// flood never holds the UI goroutine (or the log's lock) for long; the rest
// is indexed on the next ticks.
const scanBudget = 50000

// previewBytes is how much of a chunk a row shows, and previewRunes the
// most characters its text may have once escaped: a row is measured and
// shaped on every redraw, so it must stay short.
const (
	previewBytes = 64
	previewRunes = 140
)

// trafficView is the virtualised list of a session's log. It keeps the
// sequence numbers of the entries that pass its filter and formats a row
// only when Fyne asks for it (when it scrolls into view).
type trafficView struct {
	log    *sessions.Log
	filter trafficFilter

	idx     []uint64 // seqs of matching entries, oldest first
	scanned uint64   // next seq to look at
	version uint64   // log version at the last refresh

	List       *widget.List
	JumpButton *widget.Button // shown when follow mode paused
	follow     bool
	lastOffset float32
	dirty      bool // rows must be redrawn even if none were added

	// onSelect is called with the chosen entry (a copy).
	onSelect func(e sessions.Entry)
}

func newTrafficView(log *sessions.Log) *trafficView {
	v := &trafficView{log: log, follow: true}
	v.List = widget.NewList(v.length, v.createRow, v.updateRow)
	v.List.OnSelected = func(id widget.ListItemID) {
		if e, ok := v.entry(id); ok && v.onSelect != nil {
			v.onSelect(e)
		}
	}
	v.JumpButton = widget.NewButton("Jump to latest", func() {
		v.follow = true
		v.JumpButton.Hide()
		v.List.ScrollToBottom()
		v.lastOffset = v.List.GetScrollOffset()
	})
	v.JumpButton.Importance = widget.HighImportance
	v.JumpButton.Hide()
	return v
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

func (v *trafficView) reindex() {
	v.dirty = true
	v.idx = v.idx[:0]
	v.scanned = 0
	v.version = 0
	v.List.UnselectAll()
	v.refresh()
}

// refresh indexes new entries (up to scanBudget), forgets entries the log
// dropped, and refreshes the list. It runs on the UI goroutine.
func (v *trafficView) refresh() {
	v.version = v.log.Version()
	first := v.log.First()
	// Trim entries the log no longer holds (budget or Clear).
	cut := 0
	for cut < len(v.idx) && v.idx[cut] < first {
		cut++
	}
	if cut > 0 {
		v.idx = v.idx[cut:] // append reallocates (copying only live seqs) when it needs room
	}
	before := len(v.idx)
	n := 0
	v.scanned = v.log.Range(v.scanned, func(e sessions.Entry) bool {
		if v.filter.match(&e) {
			v.idx = append(v.idx, e.Seq)
		}
		n++
		return n < scanBudget
	})
	if n >= scanBudget {
		v.version = 0 // more to index: come back next tick
	}
	if cut > 0 || len(v.idx) != before || v.dirty {
		v.dirty = false
		v.followScroll()
	}
}

// followScroll keeps the newest row in view unless the person scrolled up,
// which pauses following until "Jump to latest".
func (v *trafficView) followScroll() {
	if v.follow {
		if off := v.List.GetScrollOffset(); off+1 < v.lastOffset {
			v.follow = false
			v.JumpButton.Show()
		}
	}
	v.List.Refresh()
	if v.follow {
		v.List.ScrollToBottom()
		v.lastOffset = v.List.GetScrollOffset()
	}
}

func (v *trafficView) length() int { return len(v.idx) }

// entry returns a copy of row id's entry, or false when the log dropped it.
func (v *trafficView) entry(id widget.ListItemID) (sessions.Entry, bool) {
	if id < 0 || id >= len(v.idx) {
		return sessions.Entry{}, false
	}
	seq := v.idx[id]
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

func (v *trafficView) createRow() fyne.CanvasObject {
	mono := fyne.TextStyle{Monospace: true}
	// Three labels a row: fewer objects to measure and paint per frame.
	when := widget.NewLabelWithStyle("00:00:00.000000", fyne.TextAlignLeading, mono)
	dir := widget.NewLabelWithStyle("←", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	rest := widget.NewLabelWithStyle("", fyne.TextAlignLeading, mono)
	rest.Truncation = fyne.TextTruncateClip // cheaper than an ellipsis, which re-shapes to fit
	return container.NewBorder(nil, nil, container.NewHBox(when, dir), nil, rest)
}

// Row text pieces; arrows read as "from the peer" and "to the peer".
const (
	arrowIn    = "←"
	arrowOut   = "→"
	arrowEvent = "•"
)

func (v *trafficView) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	c := o.(*fyne.Container)
	left := c.Objects[1].(*fyne.Container)
	when, dir := left.Objects[0].(*widget.Label), left.Objects[1].(*widget.Label)
	rest := c.Objects[0].(*widget.Label)
	if id < 0 || id >= len(v.idx) {
		return
	}
	seq := v.idx[id]
	var e sessions.Entry
	var text string
	found := false
	v.log.Range(seq, func(le sessions.Entry) bool {
		if le.Seq == seq {
			e = le
			text = trafficRowText(le)
			e.Data = nil // not kept past the lock
			found = true
		}
		return false
	})
	if !found {
		setText(when, "")
		setText(dir, "")
		setText(rest, "(dropped from view)")
		return
	}
	setText(when, time.UnixMicro(e.Micros).Format("15:04:05.000000"))
	arrow, imp := arrowEvent, widget.LowImportance
	switch e.Kind {
	case sessions.KindDataIn, sessions.KindMessage:
		arrow, imp = arrowIn, widget.SuccessImportance
	case sessions.KindDataOut:
		arrow, imp = arrowOut, widget.WarningImportance
	case sessions.KindError:
		imp = widget.DangerImportance
	}
	if dir.Importance != imp {
		dir.Importance = imp
		dir.Refresh()
	}
	setText(dir, arrow)
	setText(rest, text)
}

// trafficRowText is the row after the arrow: peer, length and an escaped start
// of the data, or the event in words. Called under the log's lock.
func trafficRowText(e sessions.Entry) string {
	peer := ""
	if e.Peer != sessions.NoPeer {
		peer = fmt.Sprintf("#%d %s", e.Peer, e.Addr)
	}
	if !e.Kind.Data() {
		return fmt.Sprintf("%-24s %s", peer, capRunes(rowPreview(e), previewRunes))
	}
	return fmt.Sprintf("%-24s %8d B  %s", peer, len(e.Data), capRunes(rowPreview(e), previewRunes))
}

// capRunes cuts s to n characters, marking the cut.
func capRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos] + "…"
		}
		i++
	}
	return s
}

// rowPreview is the row's text: an escaped start of the data, or the event
// in words. Called under the log's lock.
func rowPreview(e sessions.Entry) string {
	if !e.Kind.Data() {
		if e.Text != "" {
			return e.Kind.String() + ": " + e.Text
		}
		return e.Kind.String()
	}
	d := e.Data
	more := ""
	if len(d) > previewBytes {
		d, more = d[:previewBytes], "…"
	}
	s := payload.EscapeText(d)
	if e.Kind == sessions.KindMessage && e.Msg != nil && len(e.Msg.Header) > 0 {
		s = "header " + strings.TrimSpace(string(e.Msg.Header)) + " body " + s
	}
	return s + more
}
