package gui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore/rules"
)

// The Rules panel on a relay: a rule does not answer, it rewrites the
// message it matched in what is forwarded (its reply replaces it) or
// drops it; each row says which side's messages it sees (from=client,
// from=target, or both), the reply's select offers "drop", and the test
// box tries a message as if one side had sent it (rules.Set.ApplyFrom).

// Choices of a rule's side, and of the test box's.
const (
	fromBoth   = "from both"
	fromClient = "from client"
	fromTarget = "from target"

	testFromClient = "client sent"
	testFromTarget = "target sent"

	replyDrop = "drop" // the reply select's choice on a relay
)

var fromChoices = []string{fromBoth, fromClient, fromTarget}

func (d *RulesDialog) relay() bool { return d.t.relay() }

// rulesTitle is the panel's title for the tab.
func rulesTitle(t *SessionTab) string {
	if t.relay() {
		return "Intercept rules — " + t.Item.Text
	}
	return "Reply rules — " + t.Item.Text
}

// rulesHelp is the panel's help line for the tab.
func rulesHelp(t *SessionTab) string {
	match := "Rules see whole messages after the session's framing. Match: text (the whole message), prefix, contains, " +
		"re (a regular expression; (?P<name>…) captures) or hex (bytes, .. any byte, * any bytes, (name: …) captures). "
	if t.relay() {
		return match + "On a relay a rule does not answer: its reply replaces the message in what is forwarded " +
			"({{1}} or {{name}} for what was captured, and the macros), and drop (or an empty reply) forwards nothing. " +
			"Each rule sees what one side sent ([from=client], [from=target]) or both; delay holds that direction back, close ends both connections."
	}
	return match + "A reply uses the payload syntax, {{1}} or {{name}} for what was captured, and the macros."
}

// replyModes are a row's reply choices: "drop" too on a relay (or for a
// rule that has it, so a loaded rule shows as it is).
func (d *RulesDialog) replyModes(r rules.Rule) []string {
	if d.relay() || r.Drop {
		return []string{"text", "hex", replyDrop}
	}
	return []string{"text", "hex"}
}

// replyModeOfRule is the reply select's choice for r.
func replyModeOfRule(r rules.Rule) string {
	if r.Drop {
		return replyDrop
	}
	return replyModeName(r.Reply.Mode)
}

// fromSelect is a row's side select.
func fromSelect(r rules.Rule, changed func(string)) *widget.Select {
	s := widget.NewSelect(fromChoices, nil)
	switch r.From {
	case rules.FromClient:
		s.SetSelected(fromClient)
	case rules.FromTarget:
		s.SetSelected(fromTarget)
	default:
		s.SetSelected(fromBoth)
	}
	s.OnChanged = changed
	return s
}

// relayRule reads a row's side and drop into r; a dropping rule has no
// reply, and its reply box is off.
func relayRule(row *ruleRow, r *rules.Rule) {
	switch row.From.Selected {
	case fromClient:
		r.From = rules.FromClient
	case fromTarget:
		r.From = rules.FromTarget
	}
	if row.ReplyMode.Selected == replyDrop {
		r.Drop = true
		r.Reply.Source = ""
		row.Reply.Disable()
	} else {
		row.Reply.Enable()
	}
}

// relayOnly refuses, on a session that is not a relay, what only a
// relay does (a loaded rule with from= or drop), as the engine would.
func (d *RulesDialog) relayOnly(set *rules.Set) error {
	if d.relay() || set == nil {
		return nil
	}
	return set.RelayOnly()
}

// testSide is the side the test box's message comes from: a relay's
// choice, or both for other sessions (every rule takes part).
func (d *RulesDialog) testSide() rules.Side {
	if !d.relay() || d.TestFrom == nil {
		return rules.FromBoth
	}
	if d.TestFrom.Selected == testFromTarget {
		return rules.FromTarget
	}
	return rules.FromClient
}

// relayTestWords says what a relay does with a tested message: forwards
// it as it is, rewrites it, or drops it.
func relayTestWords(side rules.Side, n int, l rules.List, fired []rules.Fired) string {
	to := "target"
	if side == rules.FromTarget {
		to = "client"
	}
	if len(fired) == 0 {
		return fmt.Sprintf("%d bytes: no rule matches: the relay forwards it to the %s as it is.", n, to)
	}
	var b strings.Builder
	for _, f := range fired {
		who := "the default rule"
		if f.Rule != rules.DefaultRule {
			who = fmt.Sprintf("rule %d (%s)", f.Rule+1, l.Rules[f.Rule].Kind)
		}
		switch {
		case f.Drop || f.Reply == nil:
			fmt.Fprintf(&b, "%s drops it: nothing goes to the %s", who, to)
		default:
			fmt.Fprintf(&b, "%s rewrites it into %d bytes for the %s: %s  %q", who, len(f.Reply), to, hexPreview(f.Reply, 32), capRunes(string(f.Reply), 60))
		}
		if f.Delay > 0 {
			fmt.Fprintf(&b, ", after %s", f.Delay)
		}
		if f.Close {
			b.WriteString(", then closes both connections")
		}
		b.WriteByte('\n')
	}
	return strings.TrimSpace(b.String())
}

// testPrompt is the test box's line before a message is typed.
func testPrompt(relay bool) string {
	if relay {
		return "Type a message above to see which rule rewrites or drops it, and the exact bytes forwarded."
	}
	return "Type a message above to see which rule answers it and the exact reply."
}

// replyPlaceHolder is a row's reply box when empty.
func replyPlaceHolder(relay bool) string {
	if relay {
		return "replaces the message (empty: forwards nothing)"
	}
	return "reply (empty: none)"
}
