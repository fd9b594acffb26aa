package gui

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/gui/uikit"
	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/socktable"
	"github.com/sockplay/sockplay/sessions"
)

// kernelEvery is how often the kernel is asked: TCP states change at human
// speed, and each lookup is one netlink round trip per connection.
const kernelEvery = time.Second

// kernelMaxConns bounds the lookups per refresh; a server with thousands of
// peers shows the first ones and says how many more there are.
const kernelMaxConns = 64

// kernelView shows, for each TCP connection of a session, the kernel's own
// view: its state (FIN_WAIT_2 after our half-close, CLOSE_WAIT when the peer
// half-closed, TIME_WAIT after an active close), RTT and retransmissions from
// TCP_INFO, and the queues. Finding the sockets and following them until the
// kernel forgets them (so TIME_WAIT stays visible) is socktable.ConnWatch's;
// this is how it looks. The lookups run on a pump the view owns, about once
// a second.
type kernelView struct {
	get     func() *sessions.Session
	compact bool // a client: one line per connection, no list

	root   fyne.CanvasObject
	Title  *widget.Label
	Status *widget.Label   // "no TCP connection", where the rows would be
	More   *widget.Label   // how many rows are not shown, beside the button
	List   *widget.List    // servers
	Lines  *fyne.Container // clients

	rows  []socktable.WatchedConn // UI goroutine only
	more  int
	shown []kernelRow // the list's rows as last drawn; updateRow shows these

	// merged: the tab's own pump shows the looks, in its refresh (flush),
	// so that they share its frame instead of costing one of their own;
	// next is the look waiting for it.
	merged atomic.Bool
	next   atomic.Pointer[kernelLook]

	// watch is the lookup side's: the pump's goroutine, or refresh when
	// there is none.
	watch *socktable.ConnWatch
	pump  *uikit.Pump

	diagram *connDiagram // kerneldiagram.go: the state diagram of one connection
}

// kernelLook is one lookup, handed from the pump to the UI goroutine.
type kernelLook struct {
	rows []socktable.WatchedConn
	more int
	peer peerLook // the diagram's connection (kerneldiagram.go)
}

// newKernelView builds the view for the session get returns (it changes
// when the tab restarts) and, outside tests, starts its pump.
func newKernelView(get func() *sessions.Session, compact bool) *kernelView {
	k := &kernelView{get: get, compact: compact, watch: socktable.NewConnWatch(kernelMaxConns)}
	k.Title = widget.NewLabelWithStyle("Kernel's view (TCP_INFO)", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	k.Title.Truncation = fyne.TextTruncateEllipsis // the pane's width is the person's
	k.Status = widget.NewLabel("no TCP connection")
	k.Status.Truncation = fyne.TextTruncateEllipsis
	k.More = widget.NewLabel("")
	k.More.Truncation = fyne.TextTruncateEllipsis
	if compact {
		k.Lines = container.NewVBox()
	} else {
		k.List = widget.NewList(func() int { return len(k.shown) }, k.newRow, k.updateRow)
	}
	k.diagram = newConnDiagram(k, !compact)
	if compact {
		k.root = container.NewBorder(nil, nil, nil, k.diagram.Button, k.Lines)
	} else {
		// The title has its line and the button sits under the rows:
		// beside the button, a server's narrow peers pane cut the title
		// to "Kernel's ...". No line more than before: the window must
		// still fit 960x600 (TestWindowFitsIn960x600).
		k.root = container.NewBorder(container.NewVBox(widget.NewSeparator(), k.Title),
			container.NewBorder(nil, nil, k.diagram.Button, nil, k.More), nil, nil,
			container.NewStack(k.List, container.NewVBox(k.Status)))
	}
	k.show(nil, 0)
	if runPumps {
		k.pump = uikit.Poll(k.diagram.every, func(ctx context.Context, _ bool) (kernelLook, bool) {
			l := k.look(ctx)
			if k.merged.Load() {
				k.next.Store(&l)
				return l, false
			}
			return l, true
		}, k.apply)
	}
	return k
}

// look asks the kernel about the connections, and about the other end of
// the diagram's connection while the diagram is open (pump goroutine).
func (k *kernelView) look(ctx context.Context) kernelLook {
	rows, more := k.lookup(ctx)
	return kernelLook{rows, more, k.diagram.look(ctx, rows)}
}

// apply shows a look (UI goroutine).
func (k *kernelView) apply(l kernelLook) {
	k.show(l.rows, l.more)
	k.diagram.show(l.rows, l.peer)
}

// pending reports whether a look waits for flush (any goroutine); a nil
// view (not a TCP session) has none.
func (k *kernelView) pending() bool { return k != nil && k.next.Load() != nil }

// flush shows the look that waits, if any (UI goroutine).
func (k *kernelView) flush() {
	if k == nil {
		return
	}
	if l := k.next.Swap(nil); l != nil {
		k.apply(*l)
	}
}

// addKernelView puts the kernel's view of the tab's TCP connections into
// the tab: under the peers list for a server, above the traffic for a
// client. Other kinds of session have no TCP_INFO and get nothing.
func (t *SessionTab) addKernelView(middle fyne.CanvasObject) fyne.CanvasObject {
	if ep, err := netcore.ParseEndpoint(t.spec.URL); err != nil || ep.Scheme != netcore.SchemeTCP {
		return middle
	}
	t.kernel = newKernelView(t.cur.Load, !t.server())
	if sp, ok := middle.(*container.Split); ok && t.server() {
		peers := container.NewVSplit(sp.Leading, t.kernel.root)
		peers.Offset = 0.55
		sp.Leading = peers
		t.kernel.diagram.dockIn(func() *fyne.CanvasObject { return &sp.Trailing }, sp.Refresh) // kerneldiagram.go
		return sp
	}
	c := container.NewBorder(t.kernel.root, nil, nil, nil, middle)
	t.kernel.diagram.dockIn(func() *fyne.CanvasObject { return &c.Objects[0] }, c.Refresh) // the middle, given first
	return c
}

// refresh looks up and shows at once (tests; the pump does the same in
// two halves).
func (k *kernelView) refresh() {
	k.apply(k.look(context.Background()))
}

// stop ends the pump and waits for it; a nil view (not a TCP session) has
// nothing to stop.
func (k *kernelView) stop() {
	if k != nil && k.pump != nil {
		k.pump.Stop()
	}
}

// lookup asks the kernel about the session's open connections and those
// it followed before.
func (k *kernelView) lookup(ctx context.Context) ([]socktable.WatchedConn, int) {
	return k.watch.Look(ctx, liveConns(k.get()))
}

// liveConns is the session's open connections, named by peer ID.
func liveConns(s *sessions.Session) []socktable.LiveConn {
	if s == nil {
		return nil
	}
	var live []socktable.LiveConn
	for _, p := range s.Peers() {
		l, errL := netip.ParseAddrPort(p.Local)
		a, errA := netip.ParseAddrPort(p.Addr)
		if errL != nil || errA != nil || p.State == sessions.PeerClosed {
			continue
		}
		live = append(live, socktable.LiveConn{ID: uint64(p.ID), Conn4: socktable.Conn4{Local: l, Peer: a}})
	}
	return live
}

// show puts rows on screen (UI goroutine).
func (k *kernelView) show(rows []socktable.WatchedConn, more int) {
	k.rows, k.more = rows, more
	setVisible(k.Status, len(rows) == 0) // statediagram.go
	moreText := ""
	if more > 0 {
		moreText = fmt.Sprintf("%d more not shown", more)
	}
	setText(k.More, moreText)
	if !k.compact {
		// Once a second, mostly the same numbers: a list refresh re-sets
		// every row and paints a frame, so only when a row reads otherwise.
		shown := make([]kernelRow, len(rows))
		for i, r := range rows {
			shown[i] = kernelRowWords(r, false)
		}
		if !slices.Equal(shown, k.shown) {
			k.shown = shown
			k.List.Refresh()
		}
		return
	}
	// A client has one connection, plus a TIME_WAIT leftover after a
	// reconnect: a few labels, rebuilt only when their number changes.
	if len(rows) == 0 {
		rows = []socktable.WatchedConn{{}}
	}
	if len(k.Lines.Objects) != len(rows) {
		objs := make([]fyne.CanvasObject, len(rows))
		for i := range objs {
			objs[i] = k.newRow()
		}
		k.Lines.Objects = objs
		k.Lines.Refresh()
	}
	for i, o := range k.Lines.Objects {
		k.fill(kernelRowWords(rows[i], true), o)
	}
}

func (k *kernelView) newRow() fyne.CanvasObject {
	state := widget.NewLabelWithStyle("CLOSE_WAIT", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	ends := widget.NewLabelWithStyle("#000 [ffff:ffff::ffff]:65535", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	ends.Truncation = fyne.TextTruncateClip
	info := widget.NewLabel("RTT 123.45 ms ± 12.3 · retrans 0 (0 total) · Recv-Q 0 · Send-Q 0")
	info.SizeName = theme.SizeNameCaptionText
	info.Truncation = fyne.TextTruncateClip
	if k.compact {
		info.SizeName = theme.SizeNameText
		return container.NewBorder(nil, nil, container.NewHBox(widget.NewLabel("Kernel:"), state), nil, info)
	}
	// One line a connection (its peer number, then its numbers, cut where
	// the pane ends): the pane beside the log must stay short enough for
	// the window to fit a 600-pixel-high screen.
	info.SizeName = theme.SizeNameText
	ends.Hide() // the peer's number leads the numbers in info
	return container.NewBorder(nil, nil, container.NewHBox(state, ends), nil, info)
}

func (k *kernelView) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i < len(k.shown) {
		k.fill(k.shown[i], o)
	}
}

// fill writes one connection's words into a row made by newRow.
func (k *kernelView) fill(w kernelRow, o fyne.CanvasObject) {
	b := o.(*fyne.Container)
	info := b.Objects[0].(*widget.Label)
	left := b.Objects[1].(*fyne.Container)
	state := left.Objects[0].(*widget.Label) // a server's: state, then the hidden ends
	if k.compact {
		state = left.Objects[1].(*widget.Label) // after "Kernel:"
	}
	if state.Importance != w.imp {
		state.Importance = w.imp
		state.Refresh()
	}
	setText(state, w.state)
	setText(info, w.text)
}

// kernelRow is what a row shows of one connection: its state, the
// state's colour, and the rest of the line.
type kernelRow struct {
	state string
	imp   widget.Importance
	text  string
}

// kernelRowWords is the row of one connection.
func kernelRowWords(r socktable.WatchedConn, compact bool) kernelRow {
	st, imp := "GONE", widget.LowImportance
	if !r.Peer.IsValid() {
		st = "—" // no connection yet
	}
	if r.Found {
		st, imp = r.TCP.State.Name(), stateImportance(r.TCP.State)
	}
	text := kernelInfoText(r, compact)
	if !compact {
		// The peers list just above names #N's address; here the numbers
		// come first, where the narrow pane showed "#1 127.0.0.1:536" and
		// cut them off.
		text = fmt.Sprintf("#%d · %s", r.ID, text)
	}
	return kernelRow{st, imp, text}
}

// stateImportance colours the states a person should notice: a peer that
// half-closed (CLOSE_WAIT: someone forgot to close) and leftovers.
func stateImportance(s socktable.State) widget.Importance {
	switch s {
	case socktable.Established:
		return widget.SuccessImportance
	case socktable.CloseWait, socktable.FinWait1, socktable.FinWait2, socktable.LastAck, socktable.Closing:
		return widget.WarningImportance
	case socktable.TimeWait, socktable.Close:
		return widget.LowImportance
	}
	return widget.MediumImportance
}

// kernelInfoText is the numbers of one connection, in words a person reads.
func kernelInfoText(r socktable.WatchedConn, compact bool) string {
	switch {
	case !r.Peer.IsValid():
		return "no TCP connection yet"
	case !r.Found && r.Err != nil && !errors.Is(r.Err, socktable.ErrNotFound):
		return "cannot ask the kernel: " + r.Err.Error()
	case !r.Found:
		return "the kernel has no such socket any more"
	}
	c := r.TCP
	queues := fmt.Sprintf("Recv-Q %d · Send-Q %d", c.RecvQ, c.SendQ)
	if !c.HasInfo {
		if c.State == socktable.TimeWait {
			return "no TCP_INFO in TIME_WAIT (the kernel drops it within 60 s) · " + queues
		}
		return "no TCP_INFO · " + queues
	}
	if compact { // a whole row to itself
		return fmt.Sprintf("%s to %s · RTT %s ± %s · retrans %d (%d total) · %s · cwnd %d",
			r.Local, r.Peer, rttText(c.RTT), rttText(c.RTTVar), c.Retransmits, c.TotalRetrans, queues, c.SendCwnd)
	}
	// A narrow column under the peers: the essentials first.
	return fmt.Sprintf("RTT %s · retrans %d/%d · Q %d/%d", rttText(c.RTT), c.Retransmits, c.TotalRetrans, c.RecvQ, c.SendQ)
}

func rttText(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}
