package sessions

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/netcore/payload"
)

const modbusSeq = `# read, write, read back
name modbus-write-check
send hex:00 01 00 00 00 06 01 03 00 00 00 01
expect 2s hex:00 01 00 00 00 05 01 03 02 (old: .. ..)
send hex:00 02 00 00 00 06 01 06 00 00 00 2a
expect 2s hex:00 02 00 00 00 06 01 06 00 00 00 2a
repeat 3
  send hex:00 03 00 00 00 06 01 03 00 00 00 01
  expect 2s hex:00 03 00 00 00 05 01 03 02 00 2a
end
wait 100ms
`

func TestParseSequence(t *testing.T) {
	seq, err := ParseSequence(modbusSeq)
	if err != nil {
		t.Fatal(err)
	}
	hex := func(s string) *payload.Spec { return &payload.Spec{Mode: payload.Hex, Source: s} }
	want := Sequence{Name: "modbus-write-check", Steps: []SeqStep{
		{Kind: StepSend, Line: 3, Payload: hex("00 01 00 00 00 06 01 03 00 00 00 01")},
		{Kind: StepExpect, Line: 4, Wait: 2 * time.Second, Match: "hex:00 01 00 00 00 05 01 03 02 (old: .. ..)"},
		{Kind: StepSend, Line: 5, Payload: hex("00 02 00 00 00 06 01 06 00 00 00 2a")},
		{Kind: StepExpect, Line: 6, Wait: 2 * time.Second, Match: "hex:00 02 00 00 00 06 01 06 00 00 00 2a"},
		{Kind: StepRepeat, Line: 7, Times: 3, Steps: []SeqStep{
			{Kind: StepSend, Line: 8, Payload: hex("00 03 00 00 00 06 01 03 00 00 00 01")},
			{Kind: StepExpect, Line: 9, Wait: 2 * time.Second, Match: "hex:00 03 00 00 00 05 01 03 02 00 2a"},
		}},
		{Kind: StepWait, Line: 11, Wait: 100 * time.Millisecond},
	}}
	if !reflect.DeepEqual(seq, want) {
		t.Fatalf("got\n%#v\nwant\n%#v", seq, want)
	}
	// Format reads back as the same steps; JSON too (the workspace's form).
	again, err := ParseSequence(seq.Format())
	if err != nil {
		t.Fatalf("formatted: %v\n%s", err, seq.Format())
	}
	if !sameSteps(again, seq) {
		t.Fatalf("round trip changed it:\n%s", seq.Format())
	}
	b, _ := json.Marshal(seq)
	var fromJSON Sequence
	if err := json.Unmarshal(b, &fromJSON); err != nil || !reflect.DeepEqual(fromJSON, seq) {
		t.Fatalf("json round trip: %v\n%s", err, b)
	}
}

// sameSteps compares sequences without their line numbers.
func sameSteps(a, b Sequence) bool {
	return a.Name == b.Name && reflect.DeepEqual(noLines(a.Steps), noLines(b.Steps))
}

func noLines(steps []SeqStep) []SeqStep {
	out := make([]SeqStep, len(steps))
	for i, st := range steps {
		st.Line = 0
		st.Steps = noLines(st.Steps)
		if len(st.Steps) == 0 {
			st.Steps = nil
		}
		out[i] = st
	}
	return out
}

func TestParseSequenceKinds(t *testing.T) {
	for _, tc := range []struct{ src, format string }{
		{"send PING\\r\\n\nexpect text:PONG\\r\\n", "send PING\\r\\n\nexpect text:PONG\\r\\n\n"},
		{"send text:hex:00", "send text:hex:00\n"},
		{"send base64:aGk=", "send base64:aGk=\n"},
		{"expect re:^v=(?P<v>\\d+)\nsend got {{v}} and {{0}} at {{counter}}", "expect re:^v=(?P<v>\\d+)\nsend got {{v}} and {{0}} at {{counter}}\n"},
		{"repeat 2\nrepeat 3\nsend a\nend\nend", "repeat 2\n  repeat 3\n    send a\n  end\nend\n"},
		{"expect 1m30s contains:a => b", "expect 1m30s contains:a => b\n"},
	} {
		seq, err := ParseSequence(tc.src)
		if err != nil {
			t.Errorf("%q: %v", tc.src, err)
			continue
		}
		if got := seq.Format(); got != tc.format {
			t.Errorf("%q: format %q, want %q", tc.src, got, tc.format)
		}
	}
}

func TestParseSequenceErrors(t *testing.T) {
	for _, tc := range []struct{ src, err string }{
		{"", "the sequence has no steps"},
		{"# only\n\n", "the sequence has no steps"},
		{"send a\nsned b", `line 2 "sned b": "sned" is not a step; use send, wait, expect, repeat N ... end (or name, # comment)`},
		{"send", `line 1 "send": send needs a payload, e.g. send PING\n or send hex:01 02`},
		{"send hex:zz", `line 1 "send hex:zz": payload: "z" at column 1 is not a hex digit`},
		{"wait soon", `line 1 "wait soon": "soon" is not a duration from 1ns to 1h0m0s, e.g. wait 100ms`},
		{"wait 2h", `line 1 "wait 2h": "2h" is not a duration from 1ns to 1h0m0s, e.g. wait 100ms`},
		{"expect", `line 1 "expect": expect needs a match, e.g. expect 2s text:OK or expect hex:01 03 *`},
		{"expect 2s", `line 1 "expect 2s": expect needs a match after the timeout, e.g. expect 2s text:OK`},
		{"expect -1s text:a", `line 1 "expect -1s text:a": timeout -1s is not from 1ns to 1h0m0s`},
		{"expect OK", `line 1 "expect OK": match: "OK" needs a kind: start it with text:, prefix:, contains:, re: or hex:`},
		{"send a\nexpect re:(x", `line 2 "expect re:(x": match: missing closing ) in "(x"`},
		{"expect hex:01 (v: ..) 0", `line 1 "expect hex:01 (v: ..) 0": match: "0" at column 12 is half a byte; write two hex digits`},
		{"repeat 0\nsend a\nend", `line 1 "repeat 0": "0" is not a count from 1 to 1000000, e.g. repeat 3`},
		{"repeat 3\nsend a", `line 1 "repeat 3": it has no "end"`},
		{"send a\nend", `line 2 "end": there is no repeat to end`},
		{"repeat 2\nend", `line 2 "end": the repeat at line 1 has no steps`},
		{"repeat 2\nsend a\nend now", `line 3 "end now": end stands alone on its line`},
		{"name a\nname b\nsend x", `line 2 "name b": the sequence has a name already`},
		{"send {{v}}", `line 1 "send {{v}}": {{v}} is neither a macro (counter, time, unix, unixms, rand) nor a capture of an earlier expect; no expect before it captures anything`},
		{"send {{0}}", `line 1 "send {{0}}": {{0}} is the message the latest expect took, and no expect comes before this send`},
		{"expect hex:(a: ..)\nsend {{1}}", `line 2 "send {{1}}": {{1}}: a sequence's captures go by name, e.g. (v: .. ..) in hex or (?P<v>...) in re, then {{v}}`},
		{"expect hex:(a: ..)\nsend {{b}}", `line 2 "send {{b}}": {{b}} is neither a macro (counter, time, unix, unixms, rand) nor a capture of an earlier expect; captured so far: a`},
		{"send  x\\x20", ""},
		{strings.Repeat("repeat 2\n", 9) + "send a\n" + strings.Repeat("end\n", 9), `line 9 "repeat 2": repeats nest 8 deep at most`},
	} {
		_, err := ParseSequence(tc.src)
		if tc.err == "" {
			if err != nil {
				t.Errorf("%q: %v", tc.src, err)
			}
			continue
		}
		if err == nil || err.Error() != tc.err {
			t.Errorf("%q:\n got  %v\n want %s", tc.src, err, tc.err)
			continue
		}
		var se *SequenceError
		if !errors.Is(err, ErrBadSequence) || !errors.As(err, &se) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: %v is not one ErrBadSequence line", tc.src, err)
		}
	}
}

// FuzzParseSequence: any text parses to a sequence or one ErrBadSequence
// sentence, never a panic; what parses formats to text that parses to the
// same steps.
func FuzzParseSequence(f *testing.F) {
	for _, s := range []string{modbusSeq, "send a\nexpect re:(?P<x>.)\nsend {{x}}{{0}}", "repeat 2\n repeat 2\n  wait 1ms\n end\nend", "send base64:aGk=\nexpect 1s prefix:h", "expect 2s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		seq, err := ParseSequence(src)
		if err != nil {
			if !errors.Is(err, ErrBadSequence) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q (%T) is not one ErrBadSequence line", err, err)
			}
			return
		}
		out := seq.Format()
		again, err := ParseSequence(out)
		if err != nil {
			t.Fatalf("formatted sequence does not parse: %v\n%s", err, out)
		}
		if !sameSteps(seq, again) {
			t.Fatalf("round trip changed it:\n%q\n%#v\n%#v", out, seq, again)
		}
	})
}
