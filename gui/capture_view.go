package gui

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/sessions"
)

// A capture view is a session tab over one conversation of a capture
// file: the same traffic log, hex pane, Messages mode with any framing,
// filters and export as a live session, with no sockets and nothing to
// send. Its session comes from sessions.FromCapture, read as the
// conversation's server saw it: in is what the client sent, out what the
// server answered. The file is read on a goroutine the tab owns; until
// then the tab says so.

// captureRef is the capture a tab shows or plays, if any.
func (s SessionSpec) captureRef() *CaptureRef {
	switch {
	case s.Capture != nil:
		return s.Capture
	case s.Replay != nil:
		return &s.Replay.CaptureRef
	}
	return nil
}

// openCaptureView opens ref as a read-only session tab.
func (m *MainWindow) openCaptureView(ref CaptureRef) {
	for _, t := range m.sessionTabs {
		if c := t.spec.Capture; c != nil && *c == ref {
			m.Tabs.Select(t.Item)
			return
		}
	}
	spec := SessionSpec{Capture: &ref}
	if _, err := m.OpenSession(spec); err != nil {
		m.showError("Cannot open "+ref.Name(), err)
	}
}

// placeholderSpec is the never-started session a capture view shows while
// its file is read: it has the view's framing, and an address nobody dials.
func (s SessionSpec) placeholderSpec() sessions.Spec {
	return sessions.Spec{Role: "server", URL: "tcp://127.0.0.1:0", Framing: s.Framing}
}

// captureHeader is a capture view's header: what it is and where it came
// from, the counters each way, and what can be done with it.
func (t *SessionTab) captureHeader() fyne.CanvasObject {
	for _, l := range []*widget.Label{t.State, t.Local, t.Remote, t.Totals} {
		l.Truncation = fyne.TextTruncateEllipsis
	}
	ref := *t.spec.Capture
	framingButton := widget.NewButtonWithIcon("Framing…", theme.DocumentCreateIcon(), t.showFramingDialog)
	replayButton := widget.NewButtonWithIcon("Replay as client…", theme.MediaPlayIcon(), func() { t.main.showReplayDialog(ref, false) })
	standIn := widget.NewButtonWithIcon("Stand in as server…", theme.ComputerIcon(), func() { t.main.showReplayDialog(ref, true) })
	buttons := container.NewHBox(framingButton, replayButton, standIn)
	addrs := container.NewGridWithColumns(3, t.State, t.Local, t.Remote)
	return container.NewVBox(container.NewBorder(nil, nil, nil, buttons, addrs), t.Totals, widget.NewSeparator())
}

// loadCapture reads the view's conversation (shared with other tabs of the
// same file) and shows it; called when the tab opens and when its framing
// changes, since the framing cuts the whole conversation anew.
func (t *SessionTab) loadCapture() {
	ref := *t.spec.Capture
	f, err := framing.Parse(orRaw(t.spec.Framing))
	if err != nil {
		t.lastErr = "framing: " + err.Error()
		t.refresh()
		return
	}
	if t.cancel != nil {
		t.cancel() // a load still running for the old framing
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.cancel = cancel
	t.loading = true
	t.lastErr = ""
	t.refresh()
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		conv, err := t.main.captures.conversation(ctx, ref)
		var s *sessions.Session
		if err == nil {
			s, err = sessions.FromCapture(ref.Name(), *conv, f)
		}
		if ctx.Err() != nil {
			return // closed, or a newer load took over
		}
		t.inbox.post(func() {
			if ctx.Err() != nil {
				return
			}
			t.loading = false
			if err != nil {
				t.lastErr = err.Error()
				t.refresh()
				return
			}
			t.conv = conv
			t.swapSession(s)
			t.refresh()
		})
	}()
}

// swapSession makes s the tab's session and its log the view's.
func (t *SessionTab) swapSession(s *sessions.Session) {
	t.sess = s
	t.cur.Store(s)
	t.Traffic.setLog(s.Log())
	t.Detail.clear()
	t.applyFilter()
}

// refreshCapture fills a capture view's header.
func (t *SessionTab) refreshCapture() {
	ref := t.spec.Capture
	state, imp := "Capture "+ref.Stream, widget.MediumImportance
	switch {
	case t.lastErr != "":
		state, imp = "Cannot show it: "+t.lastErr, widget.DangerImportance
	case t.loading:
		state = "Reading " + ref.Name() + "…"
	}
	if t.State.Importance != imp {
		t.State.Importance = imp
		t.State.Refresh()
	}
	setText(t.State, state)
	c := t.conv
	if c == nil {
		setText(t.Local, "client —")
		setText(t.Remote, "server —")
		setText(t.Totals, ref.File)
		return
	}
	setText(t.Local, "client "+c.Client.String())
	setText(t.Remote, "server "+c.Server.String())
	n := t.sess.Counters()
	msgs := ""
	if n.MessagesIn+n.MessagesOut > 0 || t.spec.Framing != "" {
		msgs = fmt.Sprintf(" · %d / %d msgs", n.MessagesIn, n.MessagesOut)
	}
	setText(t.Totals, fmt.Sprintf("in (from the client) %s, %d chunks · out (from the server) %s, %d chunks%s · %s, %s",
		humanBytes(n.BytesIn), n.ChunksIn, humanBytes(n.BytesOut), n.ChunksOut, msgs,
		roundDuration(c.Duration()), conversationEnd(c)))
}

func orRaw(spec string) string {
	if spec == "" {
		return "raw"
	}
	return spec
}
