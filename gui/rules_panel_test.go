package gui

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/sessions"
)

// pyAsk sends lines to addr from python3 and returns what came back, one
// read per line.
func pyAsk(t *testing.T, addr string, lines ...string) string {
	t.Helper()
	testkit.Need(t, "python3")
	host, port, _ := strings.Cut(addr, ":")
	script := `
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
out = b""
for line in sys.argv[3:]:
    s.sendall(line.encode() + b"\n")
    out += s.recv(4096)
s.close()
sys.stdout.write(out.decode())
`
	cmd := exec.Command("python3", append([]string{"-c", script, host, port}, lines...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, stderr.String())
	}
	return string(out)
}

// The Rules panel: rules typed in rows answer a python3 client at once,
// count their hits, and stay with the tab; the test box says which rule
// fires and the bytes; a bad rule keeps Apply off with the rule named.
func TestRulesPanel(t *testing.T) {
	m := newTestMain(t)
	server, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "server", URL: "tcp://127.0.0.1:0", Framing: "line"}, StartOnOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	waitFor(t, "the server to listen", func() bool { return server.Session().State() == sessions.StateListening }, server)

	server.RulesButton.OnTapped()
	d, ok := m.Dialog.(*RulesDialog)
	if !ok {
		t.Fatalf("Rules… showed %T", m.Dialog)
	}
	// The session's line framing ends each reply with \n.
	d.addRow(ruleOf("re", `^GET (\S+)`, `200 {{1}}`))
	d.addRow(ruleOf("prefix", "PING", `PONG`))
	d.DefaultOn.SetChecked(true)
	d.DefaultReply.SetText(`? {{0}}`)
	d.validate()

	d.TestInput.SetText("GET /status")
	if got := d.TestResult.Text; !strings.HasPrefix(got, `rule 1 (re) answers 11 bytes: 32 30 30 20 2f 73 74 61 74 75 73  "200 /status"`) {
		t.Errorf("test box: %q", got)
	}
	d.Rows[1].Reply.SetText(`PONG\n`)
	d.TestInput.SetText("PING")
	if got := d.TestResult.Text; !strings.Contains(got, "but the session's framing (line) refuses it") {
		t.Errorf("a reply line framing refuses: %q", got)
	}
	d.Rows[1].Reply.SetText("PONG")
	d.TestInput.SetText("HELLO")
	if got := d.TestResult.Text; !strings.HasPrefix(got, "the default reply answers 7 bytes") {
		t.Errorf("test box for the default: %q", got)
	}

	d.Rows[1].Pattern.SetText("")
	d.Rows[1].Kind.SetSelected("re")
	d.Rows[1].Pattern.SetText("(")
	if !d.ApplyButton.Disabled() || !strings.HasPrefix(d.Problem.Text, `Cannot apply yet: rule 2 "re:( => PONG": match:`) {
		t.Errorf("a bad rule: apply disabled %v, problem %q", d.ApplyButton.Disabled(), d.Problem.Text)
	}
	d.Rows[1].Kind.SetSelected("prefix")
	d.Rows[1].Pattern.SetText("PING")
	d.ApplyButton.OnTapped()
	if d.Problem.Visible() {
		t.Fatalf("apply: %s", d.Problem.Text)
	}

	got := pyAsk(t, server.Session().Addr().String(), "GET /status", "PING", "what?")
	if got != "200 /status\nPONG\n? what?\n" {
		t.Errorf("the python3 client got %q", got)
	}
	waitFor(t, "the hits", func() bool { return d.Rows[0].Hits.Text == "1 hit" && d.Rows[1].Hits.Text == "1 hit" }, server)
	if server.RulesButton.Text != "Rules (2)…" {
		t.Errorf("button %q", server.RulesButton.Text)
	}
	if r := server.Spec().Rules; r == nil || len(r.Rules) != 2 || r.Default == nil {
		t.Errorf("the tab keeps %+v", r)
	}

	// Turned off, a rule answers nothing: the default does.
	d.Rows[1].On.SetChecked(false)
	d.ApplyButton.OnTapped()
	if got := pyAsk(t, server.Session().Addr().String(), "PING"); got != "? PING\n" {
		t.Errorf("with PING off, got %q", got)
	}
	d.Hide()
}

// Rules and a fixed reply do not mix: the panel says so and keeps them.
func TestRulesPanelRefusedWithReply(t *testing.T) {
	m := newTestMain(t)
	server, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "server", URL: "tcp://127.0.0.1:0", Reply: "echo"}, StartOnOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	waitFor(t, "the server to listen", func() bool { return server.Session().State() == sessions.StateListening }, server)
	server.showRules()
	d := m.Dialog.(*RulesDialog)
	d.addRow(ruleOf("text", "a", "b"))
	d.validate()
	d.ApplyButton.OnTapped()
	if !d.Problem.Visible() || !strings.Contains(d.Problem.Text, "Reply: none") || server.Spec().Rules != nil {
		t.Errorf("rules on an echo server: %q", d.Problem.Text)
	}
}
