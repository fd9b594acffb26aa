package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/sessions"
)

// The composer's pencil changes the framing of the live session: sends
// and the tab's saved spec follow, and a framing the session refuses is
// named in the dialog.
func TestChangeFramingOnLiveSession(t *testing.T) {
	m := newTestMain(t)
	server, client := openPair(t, m)
	c := client.Composer
	if !c.EditFraming.Visible() || c.FramingHint.Text != "(session: raw)" {
		t.Fatalf("pencil shown %v, hint %q", c.EditFraming.Visible(), c.FramingHint.Text)
	}
	test.Tap(c.EditFraming)
	d, ok := m.Dialog.(*FramingDialog)
	if !ok {
		t.Fatalf("dialog %T", m.Dialog)
	}
	d.Form.Spec.SetText("lne")
	if !d.Apply.Disabled() {
		t.Error("Apply enabled with a bad spec")
	}
	d.Form.SelectFraming("len")
	d.Form.Width.SetSelected("2")
	test.Tap(d.Apply)
	if got := client.Session().Framing().String(); got != "len:2:be" {
		t.Fatalf("session framing %q", got)
	}
	if client.Spec().Framing != "len:2:be" || c.FramingHint.Text != "(session: len:2:be)" {
		t.Errorf("spec framing %q, hint %q", client.Spec().Framing, c.FramingHint.Text)
	}
	c.Input.SetText("hi")
	c.SendOnce()
	waitFor(t, "a framed hi", func() bool { return string(receivedBytes(server.Session())) == "\x00\x02hi" }, server, client)

	// A server whose fixed reply the new framing cannot carry says so in
	// the dialog, and keeps its framing.
	fixed, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "server", URL: "tcp://127.0.0.1:0", Reply: "fixed",
		ReplyPayload: &payload.Spec{Mode: payload.Text, Source: `a\nb`}}})
	if err != nil {
		t.Fatal(err)
	}
	defer fixed.Close()
	test.Tap(fixed.Composer.EditFraming)
	d = m.Dialog.(*FramingDialog)
	d.Form.SetSpec("line")
	test.Tap(d.Apply)
	if !strings.Contains(d.Problem.Text, "cannot carry the fixed reply") || fixed.Spec().Framing != "" {
		t.Errorf("refused framing: problem %q, spec framing %q", d.Problem.Text, fixed.Spec().Framing)
	}
	test.Tap(d.Cancel)
}
