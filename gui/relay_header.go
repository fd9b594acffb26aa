package gui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// A relay's tab is a server's (peers, log, detail pane, rules, record)
// with, above the log, the hold bar: one switch per direction that queues
// what the relay would forward, its held count, Step (release one) and
// Release all, like a debugger's step; and the framing, which a server
// changes from its composer. A relay has no composer: what it forwards
// is what its sides sent, and a send of its own would read in the log as
// the target's.

// relay reports whether the tab's session is a relay.
func (t *SessionTab) relay() bool { return t.spec.Role == "relay" }

// holdBar is a relay's hold switches, one per direction.
type holdBar struct {
	Lanes   [2]*holdLane // toTarget, toClient
	Framing *widget.Button
	root    fyne.CanvasObject
	syncing bool // refresh is setting the switches
}

// holdLane is one direction's switch, count and release buttons.
type holdLane struct {
	Hold    *widget.Check  // "Hold to target"
	Held    *widget.Label  // "3 held"
	Step    *widget.Button // release the oldest held message
	Release *widget.Button // release all
}

// Directions of the hold bar, as Session.Hold takes them.
const (
	laneToTarget = 0
	laneToClient = 1
)

func (t *SessionTab) buildHoldBar() {
	b := &holdBar{}
	row := container.NewHBox()
	for i, name := range []string{"target", "client"} {
		toTarget := i == laneToTarget
		l := &holdLane{}
		l.Hold = widget.NewCheck("Hold to "+name, func(on bool) {
			if b.syncing || t.sess == nil {
				return
			}
			t.sess.Hold(toTarget, on)
			t.refresh()
		})
		l.Held = widget.NewLabel("0 held")
		l.Step = widget.NewButtonWithIcon("Step", theme.MediaSkipNextIcon(), func() { t.releaseHeld(toTarget, 1) })
		l.Release = widget.NewButtonWithIcon("Release all", theme.MediaFastForwardIcon(), func() { t.releaseHeld(toTarget, 0) })
		l.Step.Disable()
		l.Release.Disable()
		b.Lanes[i] = l
		if i > 0 {
			row.Add(widget.NewSeparator())
		}
		row.Add(l.Hold)
		row.Add(l.Held)
		row.Add(l.Step)
		row.Add(l.Release)
	}
	b.Framing = widget.NewButtonWithIcon("", theme.DocumentCreateIcon(), t.showFramingDialog)
	b.Framing.Importance = widget.LowImportance
	// The bar scrolls rather than set the log's least width.
	b.root = container.NewVBox(container.NewBorder(nil, nil, nil, b.Framing, container.NewHScroll(row)), widget.NewSeparator())
	t.Hold = b
}

// releaseHeld lets n held messages of one direction go (n <= 0: all).
func (t *SessionTab) releaseHeld(toTarget bool, n int) {
	if t.sess != nil {
		t.sess.Release(toTarget, n)
	}
	t.refresh()
}

// withHoldBar puts the hold bar above a relay's log; other tabs' log is
// returned as it is.
func (t *SessionTab) withHoldBar(log fyne.CanvasObject) fyne.CanvasObject {
	if !t.relay() {
		return log
	}
	t.buildHoldBar()
	return container.NewBorder(t.Hold.root, nil, nil, nil, log)
}

// bottomPane is the composer, which a relay has not.
func (t *SessionTab) bottomPane() fyne.CanvasObject {
	if t.relay() {
		return nil
	}
	return container.NewPadded(t.Composer.root)
}

// refreshRelay shows the target in the header and the hold switches and
// counts as the session has them (the pump's refresh: the counts move
// with Changed, not with each chunk).
func (t *SessionTab) refreshRelay() {
	if !t.relay() || t.Hold == nil {
		return
	}
	setText(t.Remote, "forwards to "+shortURL(t.spec.Target))
	s := t.sess
	toTarget, toClient := s.Holding()
	heldTarget, heldClient := s.Held()
	b := t.Hold
	b.syncing = true
	for i, l := range b.Lanes {
		on, held := toTarget, heldTarget
		if i == laneToClient {
			on, held = toClient, heldClient
		}
		if l.Hold.Checked != on {
			l.Hold.SetChecked(on)
		}
		setText(l.Held, fmt.Sprintf("%d held", held))
		if imp := holdImportance(held); l.Held.Importance != imp {
			l.Held.Importance = imp
			l.Held.Refresh()
		}
		for _, btn := range []*widget.Button{l.Step, l.Release} {
			if held > 0 && btn.Disabled() {
				btn.Enable()
			} else if held == 0 && !btn.Disabled() {
				btn.Disable()
			}
		}
	}
	b.syncing = false
	framing := t.spec.Framing
	if framing == "" {
		framing = "raw"
	}
	setText(b.Framing, "Framing: "+framing)
}

// holdImportance marks a count of held messages: they wait for you.
func holdImportance(held int) widget.Importance {
	if held > 0 {
		return widget.WarningImportance
	}
	return widget.MediumImportance
}
