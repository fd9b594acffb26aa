package rules

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/netcore/payload"
)

func mustParse(t *testing.T, src string) *Set {
	t.Helper()
	l, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Compile(l)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// replies applies s to msg and returns what it sent, "-" for a rule that
// fired without bytes.
func replies(s *Set, msg []byte) []string {
	var out []string
	for _, f := range s.Apply(msg, nil, time.Unix(0, 0), nil) {
		if f.Reply == nil {
			out = append(out, "-")
			continue
		}
		out = append(out, string(f.Reply))
	}
	return out
}

func TestMatchKinds(t *testing.T) {
	modbus := "\x12\x34\x00\x00\x00\x06\x01\x03\x00\x00\x00\x02"
	for _, tc := range []struct {
		rule string
		msg  string
		want []string // nil: no match
	}{
		{`text:PING => PONG`, "PING", []string{"PONG"}},
		{`text:PING => PONG`, "PING!", nil},
		{`text:PING\r\n => PONG\n`, "PING\r\n", []string{"PONG\n"}},
		{`text: => empty`, "", []string{"empty"}},
		{`prefix:GET => yes`, "GET /", []string{"yes"}},
		{`prefix:GET => yes`, "POST /", nil},
		{`contains:\x00\xff => bin`, "a\x00\xffb", []string{"bin"}},
		{`contains:ERR => saw {{0}}`, "an ERR here", []string{"saw an ERR here"}},
		{`re:^GET (\S+) => path={{1}}`, "GET /index.html HTTP/1.0", []string{"path=/index.html"}},
		{`re:^GET (?P<path>\S+) => {{path}}!`, "GET /x", []string{"/x!"}},
		{`re:^(a)|(b)$ => [{{1}}{{2}}] []`, "b", []string{"[b]"}},
		{`re:^GET => x`, "POST", nil},
		{`re:v=(\d+) => hex:{{1}} 0a`, "v=42", []string{"42\n"}},
		{`hex:01 02 => ok`, "\x01\x02", []string{"ok"}},
		{`hex:01 02 => ok`, "\x01\x02\x03", nil},
		{`hex:0102 .. => ok`, "\x01\x02\xee", []string{"ok"}},
		{`hex:01 .. 03 => ok`, "\x01\x02\x04", nil},
		{`hex:(.. ..) 00 00 00 06 (..) 03 00 00 00 02 => hex:{{1}} 00 00 00 07 {{2}} 03 04 00 2a 01 f4`, modbus,
			[]string{"\x12\x34\x00\x00\x00\x07\x01\x03\x04\x00\x2a\x01\xf4"}},
		{`hex:(tid: .. ..) 00 00 00 06 (unit: ..) 03 * => hex:{{tid}} {{unit}}`, modbus, []string{"\x12\x34\x01"}},
		{`hex:(tid: .. ..) 00 00 00 06 (unit: ..) 03 * => text:{{tid}}-{{2}}`, modbus, []string{"\x12\x34-\x01"}},
		{`hex:(*) 0d 0a => [{{1}}] []`, "ab\r\ncd\r\n", []string{"[ab\r\ncd]"}},
		{`hex:* (ff) * (ff) * => {{1}}{{2}}`, "a\xffb\xffc", []string{"\xff\xff"}},
		{`hex:* (ff ..) * => {{1}}`, "ab", nil},
		{`hex:((a: ..) ..) => hex:{{2}} {{1}}`, "xy", []string{"xxy"}},
		{`hex:* => any`, "", []string{"any"}},
		{`text:QUIT => [close]`, "QUIT", []string{"-"}},
		{`text:A => B [end=crlf]`, "A", []string{"B\r\n"}},
		{`text:A => hex:01 03 [sum=crc16-modbus]`, "A", []string{"\x01\x03\x40\x21"}},
		{`text:A => base64:aGk=`, "A", []string{"hi"}},
		{`text:A => n{{counter}}`, "A", []string{"n0"}},
		{`text:A => B [off]`, "A", nil},
	} {
		s := mustParse(t, tc.rule)
		if got := replies(s, []byte(tc.msg)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s on %q: got %q, want %q", tc.rule, tc.msg, got, tc.want)
		}
	}
}

func TestModeAndDefault(t *testing.T) {
	rules := "prefix:A => one\ncontains:B => two\ndefault => none of {{0}}\n"
	for _, tc := range []struct {
		mode, msg string
		want      []string
	}{
		{"", "AB", []string{"one"}},
		{"mode first\n", "AB", []string{"one"}},
		{"mode all\n", "AB", []string{"one", "two"}},
		{"mode all\n", "xB", []string{"two"}},
		{"mode all\n", "xx", []string{"none of xx"}},
		{"", "xx", []string{"none of xx"}},
	} {
		s := mustParse(t, tc.mode+rules)
		if got := replies(s, []byte(tc.msg)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q %q: got %q, want %q", tc.mode, tc.msg, got, tc.want)
		}
	}
	s := mustParse(t, "text:A => a [delay=150ms close]\n")
	f := s.Apply([]byte("A"), nil, time.Now(), nil)
	if len(f) != 1 || f[0].Rule != 0 || f[0].Delay != 150*time.Millisecond || !f[0].Close {
		t.Errorf("fired %+v", f)
	}
	s = mustParse(t, "text:A => a\ndefault => d\n")
	if f := s.Apply([]byte("B"), nil, time.Now(), nil); len(f) != 1 || f[0].Rule != DefaultRule {
		t.Errorf("default fired %+v", f)
	}
}

// TestBadRules checks the exact sentence of each kind of mistake.
func TestBadRules(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`PING => PONG`, `line 1, rule 1 "PING => PONG": match: "PING" needs a kind: start it with text:, prefix:, contains:, re: or hex:`},
		{`txt:PING => PONG`, `line 1, rule 1 "txt:PING => PONG": match: "txt" is not a kind; use text, prefix, contains, re or hex`},
		{`text:PING`, `line 1, rule 1 "text:PING": rule: it needs " => " between the match and the reply, e.g. text:PING => PONG\n`},
		{"text:a => b\nre:(x => y", `line 2, rule 2 "re:(x => y": match: missing closing ) in "(x"`},
		{`re:(?P<time>x) => y`, `line 1, rule 1 "re:(?P<time>x) => y": match: group name "time" is a macro's name; choose another`},
		{`re:(a) => {{2}}`, `line 1, rule 1 "re:(a) => {{2}}": reply: capture "{{2}}" at column 1 does not exist; the match has {{0}}, {{1}}`},
		{`hex:(tid: .. ..) => hex:{{tid}} {{unit}}`, `line 1, rule 1 "hex:(tid: .. ..) => hex:{{tid}} {{unit}}": reply: "{{unit}}" at column 9 is neither a macro (counter, time, unix, unixms, rand) nor a capture; the match has {{0}}, {{1}} ({{tid}})`},
		{`text:a => {{1}}`, `line 1, rule 1 "text:a => {{1}}": reply: capture "{{1}}" at column 1 does not exist; the match has no groups, only {{0}} (the whole message)`},
		{`hex:01 2 => x`, `line 1, rule 1 "hex:01 2 => x": match: "2" at column 4 is half a byte; write two hex digits`},
		{`hex:01 . => x`, `line 1, rule 1 "hex:01 . => x": match: "." at column 4 is half of "..", which matches any byte`},
		{`hex:01 zz => x`, `line 1, rule 1 "hex:01 zz => x": match: "z" at column 4 is not a hex digit, "..", "*", "(" or ")"`},
		{`hex:(01 => x`, `line 1, rule 1 "hex:(01 => x": match: "(" at column 1 is never closed`},
		{`hex:01) => x`, `line 1, rule 1 "hex:01) => x": match: ")" at column 3 closes no group`},
		{`hex:(a: ..)(a: ..) => x`, `line 1, rule 1 "hex:(a: ..)(a: ..) => x": match: group name "a" at column 9 is used twice`},
		{`hex: => x`, `line 1, rule 1 "hex: => x": match: the hex pattern is empty; give bytes, ".." (any byte) or "*" (any bytes)`},
		{`text:a{{time}} => x`, `line 1, rule 1 "text:a{{time}} => x": match: "{{" at column 2 would start a macro, and a match has none (write \{{ for the braces themselves)`},
		{`text:a => \q`, `line 1, rule 1 "text:a => \q": reply: invalid escape "\q" at column 1`},
		{`text:a => hex:0g`, `line 1, rule 1 "text:a => hex:0g": reply: "g" at column 2 is not a hex digit`},
		{`text:a => b [delay=soon]`, `line 1, rule 1 "text:a => b [delay=soon]": options: delay "soon" is not a duration from 0 to 1h0m0s, e.g. delay=100ms`},
		{`text:a => b [loud]`, `line 1, rule 1 "text:a => b [loud]": options: "loud" is not an option; use delay=DURATION, close, off, end=lf|crlf, sum=NAME, or on a relay from=client|target and drop`},
		{`text:a => b [sum=md5]`, `line 1, rule 1 "text:a => b [sum=md5]": options: unknown checksum "md5"; valid names are none, sum8, xor8, crc16-modbus, crc16-ccitt-false, crc32`},
		{"mode sometimes", `line 1 "mode sometimes": mode: "sometimes" is neither first nor all`},
		{"default => a\ndefault => b", `line 2, the default rule "default => b": there is already one; a list has one default`},
		{"default => {{1}}", `line 1, the default rule "default => {{1}}": reply: capture "{{1}}" at column 1 does not exist; the match has no groups, only {{0}} (the whole message)`},
	} {
		_, err := Parse(tc.src)
		if err == nil {
			t.Errorf("%q: no error", tc.src)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("%q:\n got %s\nwant %s", tc.src, err, tc.want)
		}
		var re *Error
		if !errors.Is(err, ErrBadRule) || !errors.As(err, &re) {
			t.Errorf("%q: %T does not match ErrBadRule", tc.src, err)
		}
	}
	// --rule flags: numbered, no line.
	_, err := ParseLines([]string{"text:a => b", "re:[ => c"})
	if want := `rule 2 "re:[ => c": match: missing closing ] in "["`; err == nil || err.Error() != want {
		t.Errorf("ParseLines: got %v, want %s", err, want)
	}
}

func TestFormatRoundTrip(t *testing.T) {
	src := `# a device
mode all
hex:(tid: .. ..) 00 00 00 06 (unit: ..) 03 * => hex:{{tid}} 00 00 00 07 {{unit}} 03 04 00 2a 01 f4
text:QUIT => BYE [close]
re:^GET (\S+) => you asked for {{1}} [delay=100ms end=crlf]
prefix:x => [done] []
contains:y => text:hex:literal [off]
default => ?
`
	l, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	out := l.Format()
	l2, err := Parse(out)
	if err != nil {
		t.Fatalf("%v in\n%s", err, out)
	}
	if !reflect.DeepEqual(l, l2) {
		t.Errorf("round trip changed the list:\n%#v\n%#v", l, l2)
	}
	if l.Rules[3].Reply.Source != "[done]" || l.Rules[4].Reply.Source != "hex:literal" || !l.Rules[4].Off {
		t.Errorf("rules 4, 5: %+v %+v", l.Rules[3], l.Rules[4])
	}
	// JSON, as a workspace stores it.
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	var l3 List
	if err := json.Unmarshal(b, &l3); err != nil || !reflect.DeepEqual(l, l3) {
		t.Errorf("json round trip: %v\n%s", err, b)
	}
	if _, err := Compile(l3); err != nil {
		t.Error(err)
	}
}

func TestCompileChecksJSON(t *testing.T) {
	for _, tc := range []struct {
		l    List
		want string
	}{
		{List{Mode: "some"}, `"mode some": mode: "some" is neither first nor all`},
		{List{Rules: []Rule{{Kind: Text, Pattern: "a"}, {Kind: Text, Pattern: "a ", Reply: payload.Spec{Source: "x"}}}},
			`rule 2 "text:a  => x": match: spaces at its start or end would be lost in a rules file: write \x20`},
		{List{Rules: []Rule{{Kind: Regexp, Pattern: "a => b"}}}, `rule 1 "re:a => b => ": match: " => " would end the match; write =\x3e (text) or [=]> (re) instead`},
		{List{Rules: []Rule{{Kind: Text, Pattern: "a", Reply: payload.Spec{Source: "x\ny"}}}}, "rule 1 \"text:a => x\\ny\": reply: a rule is one line: write \\n for a line break"},
		{List{Rules: []Rule{{Kind: Text, Pattern: "a", Reply: payload.Spec{Mode: payload.File, Source: "/etc/passwd"}}}}, `rule 1 "text:a => file:/etc/passwd": reply: a reply cannot be a file; give text, hex or base64`},
		{List{Rules: []Rule{{Kind: Text, Pattern: "a", Delay: -time.Second}}}, `rule 1 "text:a => [delay=-1s]": options: delay -1s is negative`},
		{List{Default: &Rule{Kind: Text, Pattern: "a"}}, `the default rule "default => ": match: the default rule answers what no rule matched, so it has no match`},
	} {
		_, err := Compile(tc.l)
		if err == nil || err.Error() != tc.want {
			t.Errorf("got %v\nwant %s", err, tc.want)
		}
	}
}

func TestRelayOptions(t *testing.T) {
	s := mustParse(t, "text:A => a [from=client]\ntext:B => [from=target drop]\ntext:C => c\ndefault => D [from=target]")
	apply := func(from Side, msg string) []string {
		var out []string
		for _, f := range s.ApplyFrom(from, []byte(msg), nil, time.Unix(0, 0), nil) {
			switch {
			case f.Drop:
				out = append(out, "drop")
			case f.Reply == nil:
				out = append(out, "-")
			default:
				out = append(out, string(f.Reply))
			}
		}
		return out
	}
	for _, tc := range []struct {
		from Side
		msg  string
		want []string
	}{
		{FromClient, "A", []string{"a"}},
		{FromTarget, "A", []string{"D"}}, // rule 1 is the client's; the target's default answers
		{FromTarget, "B", []string{"drop"}},
		{FromClient, "B", nil},
		{FromClient, "C", []string{"c"}},
		{FromTarget, "C", []string{"c"}},
		{FromClient, "x", nil},
	} {
		if got := apply(tc.from, tc.msg); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("from %s %q: got %q, want %q", tc.from, tc.msg, got, tc.want)
		}
	}
	if !s.For(FromClient) || !s.For(FromTarget) {
		t.Error("For: both sides have rules")
	}
	only := mustParse(t, "text:A => a [from=client]")
	if only.For(FromTarget) || !only.For(FromClient) {
		t.Error("For: only the client's side has a rule")
	}
	err := s.RelayOnly()
	if err == nil || !errors.Is(err, ErrBadRule) || err.Error() != `rule 1 "text:A => a [from=client]": options: from=client applies to relay sessions only (a server or client answers what it receives; it forwards nothing)` {
		t.Errorf("RelayOnly: %v", err)
	}
	if err := mustParse(t, "text:A => a [close]").RelayOnly(); err != nil {
		t.Errorf("RelayOnly without relay options: %v", err)
	}
	if err := mustParse(t, "default => [drop]").RelayOnly(); err == nil || !strings.Contains(err.Error(), "the default rule") {
		t.Errorf("RelayOnly of a default: %v", err)
	}
	for src, want := range map[string]string{
		"text:A => a [from=server]": `line 1, rule 1 "text:A => a [from=server]": options: from=server names no side; write from=client or from=target (no from: both)`,
		"text:A => a [drop]":        `line 1, rule 1 "text:A => a [drop]": options: drop forwards nothing, so the rule takes no reply; remove the reply or the drop`,
		"text:A => [from]":          `line 1, rule 1 "text:A => [from]": options: "from" is not an option; use delay=DURATION, close, off, end=lf|crlf, sum=NAME, or on a relay from=client|target and drop`,
	} {
		if _, err := Parse(src); err == nil || err.Error() != want {
			t.Errorf("%s: got %v\nwant %s", src, err, want)
		}
	}
	l, err := Parse("text:B => [from=target drop]\ntext:A => a [from=client]")
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Format(); got != "text:B => [from=target drop]\ntext:A => a [from=client]\n" {
		t.Errorf("Format: %q", got)
	}
	if _, err := Compile(List{Rules: []Rule{{Kind: Text, Pattern: "x", From: "both"}}}); err == nil {
		t.Error("Compile took from=both")
	}
}
