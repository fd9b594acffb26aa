package gui

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore/socktable"
)

// The kernel view's state diagram: a "State diagram" button in a TCP
// session tab's kernel view opens, beside the traffic, RFC 793's diagram
// for one connection (the one selected in the server's kernel list, or
// the client's), fed by the kernel view's own polling, faster while it is
// open. Both ends are drawn when the other end is on this machine too (a
// loopback pair: its socket is in our kernel's table), else ours alone.
// The states are followed while the diagram is closed too (one more
// lookup a turn, for the other end), so that it shows the way the
// connection came when it opens after a half-close.

// kernelDiagramEvery is the kernel view's pace while the diagram is open:
// quick enough to see most states, for a lookup or two per connection.
const kernelDiagramEvery = 250 * time.Millisecond

// connDiagram is the diagram pane of one kernel view.
type connDiagram struct {
	k      *kernelView
	server bool // the tab is a server: our end is "server"

	// Shared with the pump's goroutine.
	open atomic.Bool
	sel  atomic.Pointer[socktable.Conn4] // the connection chosen in the list; nil: the default

	// UI goroutine only.
	Button   *widget.Button
	Diagram  *stateDiagram
	Info     *widget.Label
	panel    fyne.CanvasObject
	slot     func() *fyne.CanvasObject // where the tab's traffic sits (dockIn)
	relayout func()
	middle   fyne.CanvasObject // the traffic, there while closed
	split    *container.Split  // the traffic and the panel, there while open

	last         peerLook        // the latest turn's
	key          socktable.Conn4 // the connection the trails follow
	ours, theirs stateTrail
	theirsSeen   bool // the other end was found in our table at least once
}

// peerLook is what the pump found of the diagram's connection: which one
// it is, and the other end's socket when it is ours too.
type peerLook struct {
	key    socktable.Conn4
	ok     bool // there is a connection to show
	theirs socktable.TCPConn
	found  bool  // the other end is in our table
	err    error // why it could not be asked
}

func newConnDiagram(k *kernelView, server bool) *connDiagram {
	d := &connDiagram{k: k, server: server}
	d.Button = widget.NewButtonWithIcon("State diagram", theme.GridIcon(), d.toggle)
	d.Button.Importance = widget.LowImportance
	d.Diagram = newStateDiagram()
	d.Diagram.empty = "No TCP connection yet: start the session."
	d.Info = widget.NewLabel("")
	d.Info.Wrapping = fyne.TextWrapWord
	d.Info.SizeName = theme.SizeNameCaptionText
	title := widget.NewLabelWithStyle("TCP state diagram", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	closeBtn := widget.NewButtonWithIcon("", theme.CancelIcon(), d.toggle)
	closeBtn.Importance = widget.LowImportance
	d.panel = container.NewBorder(container.NewVBox(container.NewBorder(nil, nil, nil, closeBtn, title), d.Info),
		nil, nil, nil, d.Diagram)
	if k.List != nil {
		k.List.OnSelected = func(i widget.ListItemID) {
			if i < len(k.rows) {
				c := k.rows[i].Conn4
				d.sel.Store(&c)
				if k.pump != nil {
					k.pump.Kick()
				}
			}
		}
	}
	return d
}

// dockIn says where the diagram opens: beside the object in slot (the
// tab's traffic, which stays where it is while the diagram is closed),
// and how to lay out what holds it after a change.
func (d *connDiagram) dockIn(slot func() *fyne.CanvasObject, refresh func()) {
	d.slot, d.relayout = slot, refresh
	d.middle = *slot()
}

// toggle opens or closes the diagram beside the traffic.
func (d *connDiagram) toggle() {
	if d.slot == nil {
		return // not placed in a tab
	}
	if d.open.Load() {
		d.open.Store(false)
		*d.slot() = d.middle
		d.Button.Importance = widget.LowImportance
	} else {
		d.open.Store(true)
		if d.split == nil {
			d.split = container.NewHSplit(d.middle, d.panel)
			d.split.Offset = 0.55
		}
		*d.slot() = d.split
		d.Button.Importance = widget.HighImportance
		d.draw() // what was followed so far; the next turn comes sooner
		if d.k.pump != nil {
			d.k.pump.Kick()
		}
	}
	d.Button.Refresh()
	d.relayout()
}

// Open reports whether the diagram is shown.
func (d *connDiagram) Open() bool { return d != nil && d.open.Load() }

// every is the kernel view's pace.
func (d *connDiagram) every() time.Duration {
	if d.Open() {
		return kernelDiagramEvery
	}
	return kernelEvery
}

// look runs on the pump's goroutine after the rows' lookups: it picks the
// diagram's connection and asks the kernel about its other end.
func (d *connDiagram) look(ctx context.Context, rows []socktable.WatchedConn) peerLook {
	var l peerLook
	if p := d.sel.Load(); p != nil {
		l.key, l.ok = *p, true
	} else if len(rows) > 0 {
		r := rows[0]
		if !d.server {
			r = rows[len(rows)-1] // the newest: a reconnect's, not an old TIME-WAIT
		}
		l.key, l.ok = r.Conn4, r.Peer.IsValid()
	}
	if !l.ok {
		return l
	}
	lctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	c, err := socktable.LookupTCP(lctx, l.key.Peer, l.key.Local)
	l.theirs, l.found = c, err == nil
	if err != nil && !errors.Is(err, socktable.ErrNotFound) {
		l.err = err
	}
	return l
}

// show follows one turn of the kernel view and, when open, draws it (UI
// goroutine).
func (d *connDiagram) show(rows []socktable.WatchedConn, l peerLook) {
	d.last = l
	if !l.ok {
		d.draw()
		return
	}
	if l.key != d.key {
		d.key = l.key
		d.ours, d.theirs, d.theirsSeen = stateTrail{}, stateTrail{}, false
	}
	ourName, theirName := "client (this tab)", "server"
	if d.server {
		ourName, theirName = "server (this tab)", "client"
	}
	d.ours.Name, d.theirs.Name = ourName, theirName

	var st socktable.State // gone, unless the kernel still has it
	var left time.Duration
	for _, r := range rows {
		if r.Conn4 == l.key && r.Found {
			st = r.TCP.State
			left = timeWaitLeft(r.TCP.Socket)
		}
	}
	d.ours.add([]socktable.State{st}, left)
	switch {
	case l.found:
		d.theirsSeen = true
		d.theirs.add([]socktable.State{l.theirs.State}, timeWaitLeft(l.theirs.Socket))
	case d.theirsSeen:
		d.theirs.add([]socktable.State{0}, 0)
	}
	d.draw()
}

// draw shows the trails on the diagram, when it is open.
func (d *connDiagram) draw() {
	if !d.Open() {
		return
	}
	l := d.last
	if !l.ok {
		d.Diagram.show(nil, "No TCP connection yet: start the session, or select a connection.")
		setText(d.Info, "")
		return
	}
	trails := []*stateTrail{&d.ours}
	info := fmt.Sprintf("From %s to %s, as the kernel reports it %d times a second.", l.key.Local, l.key.Peer, time.Second/kernelDiagramEvery)
	switch {
	case d.theirsSeen:
		trails = append(trails, &d.theirs)
	case l.err != nil:
		info += " The other end could not be asked: " + l.err.Error() + "."
	default:
		info += " The other end is not on this machine: only ours is drawn."
	}
	setText(d.Info, info)
	d.Diagram.show(trails, "")
}

// timeWaitLeft is a TIME-WAIT socket's time left, when the table says.
func timeWaitLeft(s socktable.Socket) time.Duration {
	if s.State == socktable.TimeWait && s.Timer == socktable.TimerTimeWait {
		return s.Expires
	}
	return 0
}
