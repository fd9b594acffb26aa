package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore/rules"
	"github.com/sockplay/sockplay/sessions"
)

// The Sequence panel runs a script on a client tab against a server tab
// that answers by rules: each step a line (✓, ✗ with what came in hex),
// the verdict above them and in the log; a bad line is the parser's
// sentence and Run stays off; the script is kept with the tab.
func TestSequencePanel(t *testing.T) {
	m := newTestMain(t)
	list, err := rules.Parse("text:PING => PONG\nre:^GET (\\S+) => 200 {{1}}")
	if err != nil {
		t.Fatal(err)
	}
	server, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "server", URL: "tcp://127.0.0.1:0", Framing: "line", Rules: &list}, StartOnOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	waitFor(t, "the server to listen", func() bool { return server.Session().State() == sessions.StateListening }, server)
	client, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "client", URL: "tcp://" + server.Session().Addr().String(), Framing: "line"}, StartOnOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	waitFor(t, "the client to connect", func() bool { return client.Session().State() == sessions.StateConnected }, client)

	client.Composer.Sequence.OnTapped()
	d, ok := m.Dialog.(*SequenceDialog)
	if !ok {
		t.Fatalf("Sequence… showed %T", m.Dialog)
	}
	d.Script.SetText("name smoke\nsend PING\nexpect 2s bogus:PONG")
	if !d.Problem.Visible() || !strings.Contains(d.Problem.Text, "line 3") || !d.RunB.Disabled() {
		t.Errorf("a bad line: problem %q, run disabled %v", d.Problem.Text, d.RunB.Disabled())
	}
	d.Script.SetText("name smoke\nsend PING\nexpect 2s text:PONG\nrepeat 2\n  send GET /x\n  expect 2s re:^200 (?P<path>\\S+)$\nend\nsend GET {{path}}y\nexpect 1s text:200 /xz")
	if d.Problem.Visible() || d.RunB.Disabled() {
		t.Fatalf("a good script: problem %q", d.Problem.Text)
	}
	d.RunB.OnTapped()
	waitFor(t, "the sequence to end", func() bool {
		d.mu.Lock()
		defer d.mu.Unlock()
		return !d.running
	}, client)
	d.mu.Lock()
	lines := append([]string(nil), d.lines...)
	d.mu.Unlock()
	if len(lines) != 8 || !strings.HasPrefix(lines[0], "✓ line 2: send PING") || !strings.HasPrefix(lines[7], "✗ line 9: expect") ||
		!strings.Contains(lines[7], "came instead (7 bytes): 32 30 30 20 2f 78 79") {
		t.Errorf("step lines:\n%s", strings.Join(lines, "\n"))
	}
	if d.Status.Importance != widget.DangerImportance || !strings.HasPrefix(d.Status.Text, "Sequence smoke: FAILED at line 9") {
		t.Errorf("status %q", d.Status.Text)
	}
	if !anyRow(client, "sequence smoke: FAILED") || !anyRow(client, "sequence: line 2: send PING: ok") {
		t.Errorf("the log lacks the sequence's rows: %q", rowTexts(client.Traffic))
	}
	if !strings.Contains(client.Spec().Sequence, "name smoke") {
		t.Errorf("the tab keeps %q", client.Spec().Sequence)
	}
	d.Hide()
}
