package sessions

// Sequences: a named list of steps run on one session — send, wait,
// expect a message, repeat a block — written one step a line in a text
// file that the command line (connect --script) and the window's
// workspace share. The grammar is here; running is in sequence_run.go.
//
//	# read, write, read back (Modbus/TCP, framing len:2:be:off=4)
//	name modbus-write-check
//	send hex:00 01 00 00 00 06 01 03 00 00 00 01
//	expect 2s hex:00 01 00 00 00 05 01 03 02 (old: .. ..)
//	send hex:00 02 00 00 00 06 01 06 00 00 00 2a
//	expect 2s hex:00 02 00 00 00 06 01 06 00 00 00 2a
//	repeat 3
//	  send hex:00 03 00 00 00 06 01 03 00 00 00 01
//	  expect 2s hex:00 03 00 00 00 05 01 03 02 00 2a
//	end
//	wait 100ms
//
// Lines (leading spaces are only for the eye; blank lines and # comments
// are ignored):
//
//	name NAME              the sequence's name (at most once)
//	send PAYLOAD           payload syntax: text with escapes unless hex: or base64:
//	                       (text: forces text); the macros ({{counter}}, ...) and the
//	                       captures of earlier expects: {{name}}, and {{0}}, the
//	                       message the latest expect took. Framing is the session's.
//	wait DURATION          pause (Go duration: 100ms, 2s; up to 1h)
//	expect [TIMEOUT] MATCH the next message must match MATCH (the match of reply
//	                       rules: text:, prefix:, contains:, re: or hex:) within
//	                       TIMEOUT (default 5s, up to 1h); named groups ((name: ..) in
//	                       hex, (?P<name>..) in re) capture for later sends
//	repeat N               run the lines up to the matching "end" N times (1 to
//	end                    1000000; repeats nest up to 8 deep)
//
// What an expect takes: the next message (after the session's framing;
// one read's chunk without one) that arrived after the message the
// previous expect took — messages that came during sends and waits count.
// A different message fails the step (a person scripting a device means
// "the next message is the answer"), showing what came in hex; nothing
// within the timeout fails it too, as does the peer closing.

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/netcore/rules"
)

// StepKind is what a sequence step does.
type StepKind string

// Step kinds, as the file and the JSON spell them.
const (
	StepSend   StepKind = "send"
	StepWait   StepKind = "wait"
	StepExpect StepKind = "expect"
	StepRepeat StepKind = "repeat"
)

// Limits of a sequence: beyond them a file is more likely a typo than a plan.
const (
	DefaultExpectTimeout = 5 * time.Second
	MaxSequenceWait      = time.Hour // a wait or an expect's timeout
	MaxRepeat            = 1000000
	MaxRepeatDepth       = 8
)

// SeqStep is one step as a person wrote it, the one form shared by the
// file format and saved workspaces (JSON).
type SeqStep struct {
	Kind StepKind `json:"kind"`
	// Line is the step's line in the file it came from (0 otherwise).
	Line    int           `json:"line,omitempty"`
	Payload *payload.Spec `json:"payload,omitempty"` // send
	// Wait is how long a wait pauses, or an expect's timeout (0: the default).
	Wait  time.Duration `json:"wait,omitempty"`
	Match string        `json:"match,omitempty"` // expect: KIND:PATTERN
	Times int           `json:"times,omitempty"` // repeat
	Steps []SeqStep     `json:"steps,omitempty"` // repeat: the block
}

// Sequence is a named list of steps.
type Sequence struct {
	Name  string    `json:"name,omitempty"`
	Steps []SeqStep `json:"steps"`
}

// ErrBadSequence matches every *SequenceError.
var ErrBadSequence = errors.New("bad sequence")

// SequenceError is one sentence naming the line (or step) and what is
// wrong with it: `line 4 "expect 2s hex:zz": match: "zz" is not ...`.
type SequenceError struct {
	Line int    // 0 when the step did not come from a file
	Text string // the line as written
	Err  error
}

func (e *SequenceError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d ", e.Line)
	}
	if e.Text != "" {
		b.WriteString(rules.Quote(e.Text))
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *SequenceError) Unwrap() error        { return e.Err }
func (e *SequenceError) Is(target error) bool { return target == ErrBadSequence }

// ParseSequence reads a sequence file (see the top of this file) and
// checks it by compiling it. The error is a *SequenceError.
func ParseSequence(src string) (Sequence, error) {
	var seq Sequence
	type open struct {
		step *SeqStep
		text string
	}
	var stack []open
	named := false
	add := func(st SeqStep) *SeqStep {
		list := &seq.Steps
		if len(stack) > 0 {
			list = &stack[len(stack)-1].step.Steps
		}
		*list = append(*list, st)
		return &(*list)[len(*list)-1]
	}
	for i, raw := range strings.Split(src, "\n") {
		n := i + 1
		t := strings.TrimSpace(strings.TrimSuffix(raw, "\r"))
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		bad := func(format string, a ...any) error {
			return &SequenceError{Line: n, Text: t, Err: fmt.Errorf(format, a...)}
		}
		word, rest := cutField(t)
		switch word {
		case "name":
			if named {
				return Sequence{}, bad("the sequence has a name already")
			}
			if rest == "" {
				return Sequence{}, bad("name needs a name, e.g. name modbus-check")
			}
			if len(stack) > 0 {
				return Sequence{}, bad("name goes outside repeat blocks")
			}
			named, seq.Name = true, rest
		case "send":
			if rest == "" {
				return Sequence{}, bad("send needs a payload, e.g. send PING\\n or send hex:01 02")
			}
			ps := payload.Spec{Mode: payload.Text, Source: rest}
			for _, m := range []payload.Mode{payload.Hex, payload.Base64, payload.Text} {
				if src, ok := strings.CutPrefix(rest, m.String()+":"); ok {
					ps.Mode, ps.Source = m, strings.TrimSpace(src)
					break
				}
			}
			add(SeqStep{Kind: StepSend, Line: n, Payload: &ps})
		case "wait":
			d, err := time.ParseDuration(rest)
			if err != nil || d <= 0 || d > MaxSequenceWait {
				return Sequence{}, bad("%s is not a duration from 1ns to %v, e.g. wait 100ms", rules.Quote(rest), MaxSequenceWait)
			}
			add(SeqStep{Kind: StepWait, Line: n, Wait: d})
		case "expect":
			st := SeqStep{Kind: StepExpect, Line: n, Match: rest}
			if first, more := cutField(rest); more != "" {
				if d, err := time.ParseDuration(first); err == nil {
					if d <= 0 || d > MaxSequenceWait {
						return Sequence{}, bad("timeout %s is not from 1ns to %v", first, MaxSequenceWait)
					}
					st.Wait, st.Match = d, more
				}
			}
			if _, err := time.ParseDuration(st.Match); err == nil {
				return Sequence{}, bad("expect needs a match after the timeout, e.g. expect %s text:OK", st.Match)
			}
			if st.Match == "" {
				return Sequence{}, bad("expect needs a match, e.g. expect 2s text:OK or expect hex:01 03 *")
			}
			add(st)
		case "repeat":
			times, err := strconv.Atoi(rest)
			if err != nil || times < 1 || times > MaxRepeat {
				return Sequence{}, bad("%s is not a count from 1 to %d, e.g. repeat 3", rules.Quote(rest), MaxRepeat)
			}
			if len(stack) == MaxRepeatDepth {
				return Sequence{}, bad("repeats nest %d deep at most", MaxRepeatDepth)
			}
			stack = append(stack, open{add(SeqStep{Kind: StepRepeat, Line: n, Times: times}), t})
		case "end":
			if rest != "" {
				return Sequence{}, bad("end stands alone on its line")
			}
			if len(stack) == 0 {
				return Sequence{}, bad("there is no repeat to end")
			}
			top := stack[len(stack)-1]
			if len(top.step.Steps) == 0 {
				return Sequence{}, bad("the repeat at line %d has no steps", top.step.Line)
			}
			stack = stack[:len(stack)-1]
		default:
			return Sequence{}, bad("%s is not a step; use send, wait, expect, repeat N ... end (or name, # comment)", rules.Quote(word))
		}
	}
	if len(stack) > 0 {
		top := stack[len(stack)-1]
		return Sequence{}, &SequenceError{Line: top.step.Line, Text: top.text, Err: errors.New(`it has no "end"`)}
	}
	if _, _, err := compileSequence(seq); err != nil {
		return Sequence{}, err
	}
	return seq, nil
}

// cutField splits the first word off s (both trimmed).
func cutField(s string) (word, rest string) {
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimSpace(s[i:])
}

// Format writes the sequence as a file that ParseSequence reads back,
// blocks indented by two spaces.
func (seq Sequence) Format() string {
	var b strings.Builder
	if seq.Name != "" {
		b.WriteString("name " + seq.Name + "\n")
	}
	formatSteps(&b, seq.Steps, "")
	return b.String()
}

func formatSteps(b *strings.Builder, steps []SeqStep, indent string) {
	for _, st := range steps {
		b.WriteString(indent)
		b.WriteString(st.String())
		b.WriteByte('\n')
		if st.Kind == StepRepeat {
			formatSteps(b, st.Steps, indent+"  ")
			b.WriteString(indent + "end\n")
		}
	}
}

// String is the step's line (a repeat's first line only).
func (st SeqStep) String() string {
	switch st.Kind {
	case StepSend:
		if st.Payload == nil {
			return "send"
		}
		src := st.Payload.Source
		switch {
		case st.Payload.Mode != payload.Text:
			return "send " + st.Payload.Mode.String() + ":" + src
		case strings.HasPrefix(src, "hex:") || strings.HasPrefix(src, "base64:") || strings.HasPrefix(src, "text:"):
			return "send text:" + src
		}
		return "send " + src
	case StepWait:
		return "wait " + st.Wait.String()
	case StepExpect:
		if st.Wait > 0 {
			return "expect " + st.Wait.String() + " " + st.Match
		}
		if first, more := cutField(st.Match); more != "" {
			if _, err := time.ParseDuration(first); err == nil {
				return "expect " + DefaultExpectTimeout.String() + " " + st.Match
			}
		}
		return "expect " + st.Match
	case StepRepeat:
		return "repeat " + strconv.Itoa(st.Times)
	}
	return string(st.Kind)
}

// seqOp is a compiled step.
type seqOp struct {
	step  *SeqStep
	pl    *payload.Payload // send
	match *rules.Match     // expect
	// capAt[i] is where group i of match goes in the run's captures (0:
	// not kept, the group has no name); capAt[0] is 0, the whole message.
	capAt []int
	body  []seqOp
}

// captureRef finds {{NAME}} in a payload's source (not after a backslash).
var captureRef = regexp.MustCompile(`(^|[^\\])\{\{([^{}]*)\}\}`)

// compileSequence checks every step and compiles it. names[0] is "" (the
// latest expect's message) and names[i] a capture by name, in the order
// the file first captures them.
func compileSequence(seq Sequence) ([]seqOp, []string, error) {
	c := seqCompiler{names: []string{""}}
	ops, err := c.steps(seq.Steps, 0)
	if err != nil {
		return nil, nil, err
	}
	if len(ops) == 0 {
		return nil, nil, &SequenceError{Err: errors.New("the sequence has no steps")}
	}
	return ops, c.names, nil
}

type seqCompiler struct {
	names    []string
	expected bool // an expect comes before this step
}

func (c *seqCompiler) steps(steps []SeqStep, depth int) ([]seqOp, error) {
	ops := make([]seqOp, 0, len(steps))
	for i := range steps {
		st := &steps[i]
		op, err := c.step(st, depth)
		if err != nil {
			var se *SequenceError
			if errors.As(err, &se) {
				return nil, err
			}
			return nil, &SequenceError{Line: st.Line, Text: st.String(), Err: err}
		}
		ops = append(ops, op)
	}
	return ops, nil
}

func (c *seqCompiler) step(st *SeqStep, depth int) (seqOp, error) {
	op := seqOp{step: st}
	switch st.Kind {
	case StepSend:
		if st.Payload == nil {
			return op, errors.New("send needs a payload")
		}
		ps := *st.Payload
		switch ps.Mode {
		case payload.Text, payload.Hex, payload.Base64:
		default:
			return op, errors.New("a send is text, hex or base64")
		}
		if strings.ContainsAny(ps.Source, "\r\n") {
			return op, errors.New(`a step is one line: write \n for a line break`)
		}
		if ps.Source == "" {
			return op, errors.New("send needs a payload")
		}
		if ps.Mode == payload.Text && strings.TrimSpace(ps.Source) != ps.Source {
			return op, errors.New(`spaces at its start or end would be lost in a sequence file: write \x20`)
		}
		for _, m := range captureRef.FindAllStringSubmatch(ps.Source, -1) {
			if err := c.checkRef(m[2]); err != nil {
				return op, err
			}
		}
		pl, err := payload.CompileCaptures(ps, c.names)
		if err != nil {
			return op, fmt.Errorf("payload: %w", err)
		}
		op.pl = pl
	case StepWait:
		if st.Wait <= 0 || st.Wait > MaxSequenceWait {
			return op, fmt.Errorf("wait %v is not from 1ns to %v", st.Wait, MaxSequenceWait)
		}
	case StepExpect:
		if st.Wait < 0 || st.Wait > MaxSequenceWait {
			return op, fmt.Errorf("timeout %v is not from 1ns to %v", st.Wait, MaxSequenceWait)
		}
		m, err := rules.ParseMatch(st.Match)
		if err != nil {
			return op, fmt.Errorf("match: %w", err)
		}
		op.match = m
		groups := m.Groups()
		op.capAt = make([]int, len(groups))
		for i, g := range groups {
			if i == 0 || g == "" {
				continue
			}
			at := slices.Index(c.names, g)
			if at < 0 {
				at = len(c.names)
				c.names = append(c.names, g)
			}
			op.capAt[i] = at
		}
		c.expected = true
	case StepRepeat:
		if st.Times < 1 || st.Times > MaxRepeat {
			return op, fmt.Errorf("repeat %d is not from 1 to %d", st.Times, MaxRepeat)
		}
		if depth >= MaxRepeatDepth {
			return op, fmt.Errorf("repeats nest %d deep at most", MaxRepeatDepth)
		}
		if len(st.Steps) == 0 {
			return op, errors.New("the repeat has no steps")
		}
		body, err := c.steps(st.Steps, depth+1)
		if err != nil {
			return op, err
		}
		op.body = body
	default:
		return op, fmt.Errorf("%s is not a step; use send, wait, expect or repeat", rules.Quote(string(st.Kind)))
	}
	return op, nil
}

// checkRef refuses a {{...}} a send cannot have yet: a capture no earlier
// expect takes, or one by number (a sequence's captures go by name).
func (c *seqCompiler) checkRef(name string) error {
	name = strings.TrimSpace(name)
	if strings.Contains(name, ":") || slices.Contains(payload.MacroNames, name) {
		return nil // a macro; the payload compiler checks it
	}
	captured := "no expect before it captures anything"
	if len(c.names) > 1 {
		captured = "captured so far: " + strings.Join(c.names[1:], ", ")
	}
	switch {
	case name == "0":
		if !c.expected {
			return errors.New("{{0}} is the message the latest expect took, and no expect comes before this send")
		}
	case name != "" && strings.Trim(name, "0123456789") == "":
		return fmt.Errorf("{{%s}}: a sequence's captures go by name, e.g. (v: .. ..) in hex or (?P<v>...) in re, then {{v}}", name)
	case !slices.Contains(c.names, name):
		return fmt.Errorf("{{%s}} is neither a macro (counter, time, unix, unixms, rand) nor a capture of an earlier expect; %s", name, captured)
	}
	return nil
}
