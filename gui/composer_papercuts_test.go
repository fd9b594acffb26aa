package gui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/sessions"
)

func keyUp(c *composer)   { c.Input.TypedKey(&fyne.KeyEvent{Name: fyne.KeyUp}) }
func keyDown(c *composer) { c.Input.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown}) }

// Up and Down bring back what was sent in the mode it was written in, and
// coming back past the newest entry restores the draft being typed.
func TestComposerHistoryKeepsModeAndDraft(t *testing.T) {
	m := newTestMain(t)
	server, client := openPair(t, m)
	c := client.Composer
	send := func(mode, text string) {
		t.Helper()
		c.Mode.SetSelected(mode)
		c.Input.SetText(text)
		c.SendOnce()
		if c.Status.Text != "" {
			t.Fatalf("sending %s %q: %s", mode, text, c.Status.Text)
		}
	}
	send("Text", `hello\n`)
	send("Hex", "01 02 03")
	waitFor(t, "both sends", func() bool { return server.Session().Counters().BytesIn == 9 }, server, client)

	c.Mode.SetSelected("Base64")
	c.Input.SetText("ZHJh") // a draft, not sent
	c.Input.CursorRow = 0
	want := []struct{ mode, text string }{
		{"Hex", "01 02 03"}, // Up
		{"Text", `hello\n`}, // Up
		{"Text", `hello\n`}, // Up at the oldest: stays
		{"Hex", "01 02 03"}, // Down
		{"Base64", "ZHJh"},  // Down: the draft, in its mode
		{"Base64", "ZHJh"},  // Down at the bottom: stays
	}
	for i, w := range want {
		if i < 3 {
			keyUp(c)
		} else {
			keyDown(c)
		}
		if c.Mode.Selected != w.mode || c.Input.Text != w.text {
			t.Errorf("step %d: %s %q, want %s %q", i, c.Mode.Selected, c.Input.Text, w.mode, w.text)
		}
	}
	if c.Status.Text != "" {
		t.Errorf("walking the history says %q (a recalled mode is not a conversion)", c.Status.Text)
	}
}

func TestConvertPayload(t *testing.T) {
	tests := []struct {
		text     string
		from, to payload.Mode
		want     string
		err      string
	}{
		{`hello\r\n`, payload.Text, payload.Hex, "68 65 6c 6c 6f 0d 0a", ""},
		{"68 65 6c 6c 6f 0d 0a", payload.Hex, payload.Text, `hello\r\n`, ""},
		{"0x0103 00\n0a", payload.Hex, payload.Base64, "AQMACg==", ""},
		{"AQMACg==", payload.Base64, payload.Text, `\x01\x03\0\n`, ""},
		{`\{{not a macro}}`, payload.Text, payload.Hex, "7b 7b 6e 6f 74 20 61 20 6d 61 63 72 6f 7d 7d", ""},
		{"#{{counter}}", payload.Text, payload.Hex, "#{{counter}}", "macros"},
		{"01 {{rand:2}}", payload.Hex, payload.Text, "01 {{rand:2}}", "macros"},
		{"zz", payload.Hex, payload.Text, "zz", "not valid hex"},
	}
	for _, tt := range tests {
		got, _, err := convertPayload(tt.text, tt.from, tt.to)
		if got != tt.want || (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("convert %q %s -> %s = %q, %v; want %q, error with %q", tt.text, tt.from, tt.to, got, err, tt.want, tt.err)
		}
	}
}

// Switching Text -> Hex -> Base64 -> Text rewrites the same bytes; Undo
// puts the typed text back; a payload with macros keeps its text and
// says why; the status line keeps its height through all of it.
func TestComposerModeSwitchConverts(t *testing.T) {
	m := newTestMain(t)
	tab, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "client", URL: "tcp://127.0.0.1:9"}})
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Close()
	m.Window.Resize(fyne.NewSize(1200, 760))
	c := tab.Composer
	height := c.root.MinSize().Height

	c.Input.SetText(`hi\r\n`)
	for _, step := range []struct{ mode, text string }{
		{"Hex", "68 69 0d 0a"}, {"Base64", "aGkNCg=="}, {"Text", `hi\r\n`},
	} {
		c.Mode.SetSelected(step.mode)
		if c.Input.Text != step.text {
			t.Errorf("to %s: %q, want %q", step.mode, c.Input.Text, step.text)
		}
	}
	if !strings.Contains(c.Status.Text, "4 bytes written as Text") || !c.Undo.Visible() {
		t.Errorf("after converting: status %q, Undo shown %v", c.Status.Text, c.Undo.Visible())
	}
	if h := c.root.MinSize().Height; h != height {
		t.Errorf("the composer's height went from %v to %v with a hint", height, h)
	}
	c.Mode.SetSelected("Hex")
	test.Tap(c.Undo)
	if c.Mode.Selected != "Text" || c.Input.Text != `hi\r\n` || c.Undo.Visible() {
		t.Errorf("Undo left %s %q (Undo shown %v)", c.Mode.Selected, c.Input.Text, c.Undo.Visible())
	}

	c.Input.SetText("n={{counter}}")
	c.Mode.SetSelected("Hex")
	if c.Input.Text != "n={{counter}}" || !strings.Contains(c.Status.Text, "macros") {
		t.Errorf("a macro payload became %q, status %q", c.Input.Text, c.Status.Text)
	}
	c.Input.SetText("01")
	if c.Status.Text != "" {
		t.Errorf("editing left the status %q", c.Status.Text)
	}
	c.Mode.SetSelected("File")
	if c.Input.Text != "01" {
		t.Errorf("to File: %q, want the text kept", c.Input.Text)
	}
}

// Ctrl+Enter (and Send, and Repeat) on an empty composer sends nothing:
// before, the session's line framing made it a bare "\n", and so did a
// line ending on a raw session.
func TestComposerEmptySendsNothing(t *testing.T) {
	m := newTestMain(t)
	server, client := openFramedPair(t, m, "line")
	c := client.Composer
	tryAll := func(what string) {
		t.Helper()
		typeShortcut(t, m.Window.Canvas(), sendShortcut)
		c.Input.TypedShortcut(sendShortcut) // the composer focused
		test.Tap(c.SendButton)
		c.StartRepeat()
		if c.Status.Text != nothingToSend || c.running.Load() {
			t.Errorf("%s: status %q (repeat running %v), want %q", what, c.Status.Text, c.running.Load(), nothingToSend)
		}
	}
	c.Input.SetText("")
	tryAll("line framing")
	c.Framing.SetText("raw")
	c.LineEnding.SetSelected(`+ \n`)
	tryAll(`raw with a \n line ending`)
	c.Mode.SetSelected("Hex")
	c.Input.SetText("  \n ")
	tryAll("hex of spaces")

	c.Framing.SetText(framingSession)
	c.LineEnding.SetSelected(noLineEnd)
	c.Input.SetText("41")
	c.SendOnce() // then something, to know the empties did not arrive first
	waitFor(t, "the A", func() bool { return server.Session().Counters().BytesIn > 0 }, server, client)
	time.Sleep(50 * time.Millisecond)
	client.Refresh()
	if got := string(receivedBytes(server.Session())); got != "A\n" {
		t.Errorf("server got %q, want only A in its line frame", got)
	}
}

// A payload the framing cannot carry offers "Send raw anyway", which sends
// the very bytes unframed to the same peer.
func TestComposerSendRawAnyway(t *testing.T) {
	m := newTestMain(t)
	server, client := openFramedPair(t, m, "line")
	c := client.Composer
	c.Input.SetText(`x\ny`)
	c.SendOnce()
	if !strings.Contains(c.Status.Text, "delimiter") || !c.SendRaw.Visible() {
		t.Fatalf("status %q, Send raw shown %v", c.Status.Text, c.SendRaw.Visible())
	}
	if b := buttonLabelled(client.Item.Content, "Send raw anyway"); b != c.SendRaw {
		t.Fatalf("Send raw anyway is not shown in the tab")
	}
	test.Tap(c.SendRaw)
	waitFor(t, "the raw bytes", func() bool { return string(receivedBytes(server.Session())) == "x\ny" }, server, client)
	if c.SendRaw.Visible() || c.Status.Text != "Sent 3 bytes raw, without framing." {
		t.Errorf("after sending raw: status %q, button shown %v", c.Status.Text, c.SendRaw.Visible())
	}

	c.SendOnce()
	c.Input.SetText("fixed")
	if c.SendRaw.Visible() || c.Status.Text != "" {
		t.Errorf("editing kept the offer: status %q, button %v", c.Status.Text, c.SendRaw.Visible())
	}
}

// Save as… puts the cursor in the name with the pre-filled name selected:
// typing replaces it, Enter saves.
func TestSaveAsReplacesTheName(t *testing.T) {
	m := newTestMain(t)
	tab, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "client", URL: "tcp://127.0.0.1:9"}})
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Close()
	c := tab.Composer
	if c.Library == nil {
		t.Fatal("no payload library")
	}
	c.Input.SetText("01 03")
	if err := m.Workspace.SavePayload("modbus read 10", c.State()); err != nil {
		t.Fatal(err)
	}
	c.Library.reload()
	c.Library.Pick.SetSelected("modbus read 10")
	test.Tap(c.Library.Save)
	focused := m.Window.Canvas().Focused()
	if focused != c.Library.Name {
		t.Fatalf("focused %T, want the name entry", focused)
	}
	for _, r := range "counter ping" { // typed as the window types: into the focused widget
		focused.TypedRune(r)
	}
	if c.Library.Name.Text != "counter ping" {
		t.Fatalf("name %q, want the typed name alone", c.Library.Name.Text)
	}
	c.Library.Name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	var names []string
	for _, p := range m.Workspace.Payloads() {
		names = append(names, p.Name)
	}
	if strings.Join(names, ",") != "counter ping,modbus read 10" && strings.Join(names, ",") != "modbus read 10,counter ping" {
		t.Errorf("payloads %v", names)
	}
	if c.Library.Pick.Selected != "counter ping" || !strings.Contains(c.Status.Text, "Saved") {
		t.Errorf("after saving: selected %q, status %q", c.Library.Pick.Selected, c.Status.Text)
	}
}

// No two buttons a tab shows share a label: the composer's is "Stop
// repeat", the session's "Start"/"Stop".
func TestNoTwoVisibleButtonsShareALabel(t *testing.T) {
	m := newTestMain(t)
	server, client := openPair(t, m)
	m.Window.Resize(fyne.NewSize(1200, 760))
	for _, tab := range []*SessionTab{server, client} {
		m.Tabs.Select(tab.Item)
		tab.Refresh()
		seen := map[string]bool{}
		for _, b := range visibleButtons(tab.Item.Content) {
			if b.Text == "" {
				continue
			}
			if seen[b.Text] {
				t.Errorf("%s: two buttons labelled %q", tab.spec.Title(), b.Text)
			}
			seen[b.Text] = true
		}
		if !seen["Stop"] || !seen["Stop repeat"] {
			t.Errorf("%s: buttons %v, want the session's Stop and the composer's Stop repeat", tab.spec.Title(), seen)
		}
	}
}
