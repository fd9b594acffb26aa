package gui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"github.com/sockplay/sockplay/sessions"
)

// followView is a traffic view in a window of its own, laid out as on
// screen.
func followView(t *testing.T, budget int64) (*trafficView, *sessions.Log, fyne.Window) {
	t.Helper()
	sharedApp(t)
	l := sessions.NewLog(budget)
	v := newTrafficView(l)
	w := newTempWindow(t, container.NewBorder(nil, v.JumpButton, nil, nil, v.List))
	w.Resize(fyne.NewSize(900, 400))
	return v, l, w
}

func addRows(l *sessions.Log, n int, size int) {
	for i := 0; i < n; i++ {
		l.Add(sessions.Entry{Kind: sessions.KindDataIn, Peer: 1, Addr: "127.0.0.1:5000", Data: make([]byte, size)})
	}
}

// lastRowVisible reports whether the list shows its newest row.
func lastRowVisible(v *trafficView) bool {
	return !v.awayFromBottom(v.length(), v.List.GetScrollOffset())
}

// Following a person can trust: at the bottom it follows; scrolled up it
// holds still; Jump to latest follows again, also for the rows after the
// jump; a list that grows or loses its oldest rows, or a window resized,
// never pauses it.
func TestTrafficViewFollows(t *testing.T) {
	v, l, w := followView(t, 1<<20)
	addRows(l, 300, 10)
	v.refresh()
	if !v.follow || !lastRowVisible(v) {
		t.Fatalf("a new view does not follow: offset %v of %d rows", v.List.GetScrollOffset(), v.length())
	}
	v.List.ScrollToTop() // the person scrolls up
	addRows(l, 10, 10)
	v.refresh()
	if v.follow || !v.JumpButton.Visible() || v.List.GetScrollOffset() != 0 {
		t.Fatalf("scrolled up, the view moved (follow %v, jump shown %v, offset %v)", v.follow, v.JumpButton.Visible(), v.List.GetScrollOffset())
	}
	test.Tap(v.JumpButton)
	if !v.follow || v.JumpButton.Visible() || !lastRowVisible(v) {
		t.Fatal("Jump to latest did not follow")
	}
	for round := 0; round < 5; round++ {
		addRows(l, 7, 10)
		v.refresh()
		if !v.follow || !lastRowVisible(v) {
			t.Fatalf("round %d after the jump: the newest row is off-screen (offset %v, %d rows)", round, v.List.GetScrollOffset(), v.length())
		}
	}
	w.Resize(fyne.NewSize(700, 250))
	addRows(l, 3, 10)
	v.refresh()
	if !v.follow || !lastRowVisible(v) {
		t.Fatal("a resize paused following")
	}
	// The person scrolls back to the very bottom: it follows again.
	v.List.ScrollToTop()
	addRows(l, 1, 10)
	v.refresh()
	v.List.ScrollToBottom()
	addRows(l, 1, 10)
	v.refresh()
	if !v.follow {
		t.Fatal("back at the bottom, the view does not follow")
	}
	// End jumps too.
	v.List.ScrollToTop()
	addRows(l, 1, 10)
	v.refresh()
	v.List.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEnd})
	addRows(l, 5, 10)
	v.refresh()
	if !v.follow || !lastRowVisible(v) {
		t.Fatal("End did not follow")
	}
}

// A flood that pushes the oldest rows out keeps the view following and
// shows one "not kept" row first, with counts.
func TestTrafficViewFollowsThroughDrops(t *testing.T) {
	v, l, _ := followView(t, 64<<10)
	for i := 0; i < 50; i++ {
		addRows(l, 40, 500)
		v.refresh()
		if !v.follow || !lastRowVisible(v) {
			t.Fatalf("refresh %d: following paused while the log dropped", i)
		}
	}
	e, ok := v.entry(0)
	if !ok || e.Note != sessions.NoteViewDropped || e.Count == 0 {
		t.Fatalf("first row %+v", e)
	}
	o := v.createRow()
	v.updateRow(0, o)
	if got := fmt.Sprint(cellTexts(o)); !strings.Contains(got, "rows not kept") {
		t.Fatalf("marker row %s", got)
	}
}

// The selected row's entry stays selected while rows before it go, and the
// detail pane is cleared when it goes itself.
func TestTrafficViewSelectionFollowsItsEntry(t *testing.T) {
	v, l, _ := followView(t, 64<<10)
	var shown, cleared int
	v.onSelect = func(sessions.Entry) { shown++ }
	v.onUnselect = func() { cleared++ }
	l.Add(sessions.Entry{Kind: sessions.KindAccepted, Peer: 1, Addr: "127.0.0.1:5000"})
	addRows(l, 20, 100)
	v.refresh()
	v.List.Select(5)
	sel := v.selected
	addRows(l, 200, 500) // pushes the selected chunk out
	v.refresh()
	if v.selected != 0 || cleared != 1 || shown != 1 {
		t.Fatalf("selected %d (was %d), cleared %d, shown %d", v.selected, sel, cleared, shown)
	}
	// An event is kept through the flood: selected, it stays.
	v.List.Select(v.rowOf(1 | eventBit))
	addRows(l, 200, 500)
	v.refresh()
	if v.selected != 1|eventBit || cleared != 1 {
		t.Fatalf("the selected event lost: %d, cleared %d", v.selected, cleared)
	}
}
