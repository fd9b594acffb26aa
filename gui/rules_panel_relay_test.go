package gui

import (
	"strings"
	"testing"

	"github.com/sockplay/sockplay/netcore/rules"
	"github.com/sockplay/sockplay/sessions"
)

// The Rules panel on a relay: each row's side and drop, the words of
// rewriting, and the test box trying a message from one side.
func TestRelayRulesPanel(t *testing.T) {
	m := newTestMain(t)
	tab, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "relay", URL: "tcp://127.0.0.1:0", Target: "tcp://127.0.0.1:9", Framing: "line"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tab.Close)
	tab.RulesButton.OnTapped()
	d, ok := m.Dialog.(*RulesDialog)
	if !ok {
		t.Fatalf("Rules… showed %T", m.Dialog)
	}
	if got := rulesTitle(tab); !strings.HasPrefix(got, "Intercept rules") {
		t.Errorf("title %q", got)
	}
	help := rulesHelp(tab)
	for _, w := range []string{"[from=client]", "[from=target]", "drop", "replaces the message"} {
		if !strings.Contains(help, w) {
			t.Errorf("the help does not mention %q", w)
		}
	}
	d.addRow(ruleOf("re", `^user=(\w+)$`, `user={{1}}-via-relay`))
	d.Rows[0].From.SetSelected(fromClient)
	d.addRow(ruleOf("prefix", "token=", ""))
	d.Rows[1].ReplyMode.SetSelected(replyDrop)
	d.validate()
	if d.Problem.Visible() {
		t.Fatalf("problem: %s", d.Problem.Text)
	}

	tests := []struct {
		from, msg, want string
	}{
		{testFromClient, "user=ann", `rule 1 (re) rewrites it into 18 bytes for the target`},
		{testFromTarget, "user=ann", "no rule matches: the relay forwards it to the client as it is"},
		{testFromTarget, "token=abc", "rule 2 (prefix) drops it: nothing goes to the client"},
	}
	for _, tt := range tests {
		d.TestFrom.SetSelected(tt.from)
		d.TestInput.SetText(tt.msg)
		if !strings.Contains(d.TestResult.Text, tt.want) {
			t.Errorf("%s %q: %q, want %q", tt.from, tt.msg, d.TestResult.Text, tt.want)
		}
	}
	d.ApplyButton.OnTapped()
	if d.Problem.Visible() {
		t.Fatalf("apply: %s", d.Problem.Text)
	}
	r := tab.Spec().Rules
	if r == nil || len(r.Rules) != 2 || r.Rules[0].From != rules.FromClient || !r.Rules[1].Drop || r.Rules[1].Reply.Source != "" {
		t.Errorf("the tab keeps %+v", r)
	}
	d.Hide()

	// A server's panel refuses what only a relay does, in the engine's words.
	server, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "server", URL: "tcp://127.0.0.1:0"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(server.Close)
	server.RulesButton.OnTapped()
	sd := m.Dialog.(*RulesDialog)
	sd.load(*r)
	sd.validate()
	if !sd.ApplyButton.Disabled() || !strings.Contains(sd.Problem.Text, "applies to relay sessions only") {
		t.Errorf("a server with relay rules: apply disabled %v, %q", sd.ApplyButton.Disabled(), sd.Problem.Text)
	}
	sd.Hide()
}
