package sessions

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/netcore/payload"
)

// StepStatus is where a step of a running sequence is.
type StepStatus string

// Step statuses.
const (
	StepRunning StepStatus = "running" // reported when the step starts
	StepPassed  StepStatus = "pass"
	StepFailed  StepStatus = "fail"
)

// StepResult is the progress of one step, reported when it starts
// (StepRunning) and when it ends. Steps in a repeat are reported once per
// time they run.
type StepResult struct {
	N    int      `json:"n"` // steps run so far, this one included
	Line int      `json:"line,omitempty"`
	Kind StepKind `json:"kind"`
	Step string   `json:"step"` // the step's line
	// Iteration is the 1-based pass of each repeat around the step, outer first.
	Iteration []int      `json:"iteration,omitempty"`
	Status    StepStatus `json:"status"`
	// Elapsed is the time since the sequence started; Took the step's own.
	Elapsed time.Duration `json:"elapsed_ns"`
	Took    time.Duration `json:"took_ns"`
	Sent    []byte        `json:"sent,omitempty"` // a send's bytes
	Got     []byte        `json:"got,omitempty"`  // the message an expect took
	// Captures are the named groups an expect captured.
	Captures map[string][]byte `json:"captures,omitempty"`
	Note     string            `json:"note,omitempty"` // why it failed, in words
}

// Text is the step's result in a line, for logs and the command line;
// what came is in hex when an expect failed on it.
func (r StepResult) Text() string {
	where := r.Where()
	switch r.Status {
	case StepFailed:
		s := fmt.Sprintf("%s: %s: FAILED: %s", where, r.Step, r.Note)
		if r.Got != nil {
			s += fmt.Sprintf("; came instead (%d bytes): %s", len(r.Got), hexCut(r.Got))
		}
		return s
	case StepRunning:
		return fmt.Sprintf("%s: %s: running", where, r.Step)
	}
	s := fmt.Sprintf("%s: %s: ok in %s", where, r.Step, roundDur(r.Took))
	switch r.Kind {
	case StepSend:
		s += fmt.Sprintf(", sent %d bytes: %s", len(r.Sent), hexCut(r.Sent))
	case StepExpect:
		s += fmt.Sprintf(", got %d bytes: %s", len(r.Got), hexCut(r.Got))
	}
	return s
}

// Where is "line 4", or "line 4 (pass 2)" inside a repeat ("pass 2.1"
// in nested ones), or "step N" for a step that has no line.
func (r StepResult) Where() string {
	where := fmt.Sprintf("step %d", r.N)
	if r.Line > 0 {
		where = fmt.Sprintf("line %d", r.Line)
	}
	if len(r.Iteration) > 0 {
		where += fmt.Sprintf(" (pass %s)", joinInts(r.Iteration, "."))
	}
	return where
}

// hexCut is b in hex, the first 256 bytes of it when longer: a line a
// person reads, not a dump.
func hexCut(b []byte) string {
	const most = 256
	if len(b) > most {
		return payload.FormatHex(b[:most]) + " …"
	}
	return payload.FormatHex(b)
}

func joinInts(ns []int, sep string) string {
	s := ""
	for i, n := range ns {
		if i > 0 {
			s += sep
		}
		s += fmt.Sprint(n)
	}
	return s
}

func roundDur(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

// SequenceResult is how a sequence ended.
type SequenceResult struct {
	Name    string        `json:"name,omitempty"`
	OK      bool          `json:"ok"`      // every step ran and every expect passed
	Steps   int           `json:"steps"`   // steps run (repeats count each time)
	Expects int           `json:"expects"` // expects that passed
	Failed  *StepResult   `json:"failed,omitempty"`
	Stopped bool          `json:"stopped,omitempty"` // ctx ended it
	Elapsed time.Duration `json:"elapsed_ns"`
}

// Text is the result in a line.
func (r SequenceResult) Text() string {
	name := "sequence"
	if r.Name != "" {
		name += " " + r.Name
	}
	counts := fmt.Sprintf("%d steps, %d expects passed, in %s", r.Steps, r.Expects, roundDur(r.Elapsed))
	switch {
	case r.OK:
		return fmt.Sprintf("%s: passed: %s", name, counts)
	case r.Stopped:
		return fmt.Sprintf("%s: stopped: %s", name, counts)
	case r.Failed != nil:
		return fmt.Sprintf("%s: FAILED at %s (%s): %s", name, r.Failed.Where(), r.Failed.Step, counts)
	}
	return name + ": failed: " + counts
}

// ErrSequenceStopped is RunSequence's error when ctx ended the run.
var ErrSequenceStopped = errors.New("sequence stopped")

// Bounds of what waits for a running sequence's expects: beyond them the
// messages are dropped and the next expect fails saying so, because the
// session's reader must never wait for a sequence (its sends wait for the
// session's outputs, and the tap is one).
const (
	seqTapMessages = 4096
	seqTapBytes    = 16 << 20
)

// SequenceRun is a compiled sequence attached to a session: it sees every
// message from the moment it is made, so make it before Start when the
// peer speaks first. Run it once, then Close it.
type SequenceRun struct {
	sess  *Session
	seq   Sequence
	ops   []seqOp
	names []string
	tap   *seqTap
	out   *OutputHandle
}

// NewSequenceRun compiles seq (an *SequenceError when it is bad) and
// starts taking the session's messages for it.
func (s *Session) NewSequenceRun(seq Sequence) (*SequenceRun, error) {
	ops, names, err := compileSequence(seq)
	if err != nil {
		return nil, err
	}
	t := &seqTap{framed: s.Framing().Kind != framing.KindRaw, wake: make(chan struct{}, 1)}
	r := &SequenceRun{sess: s, seq: seq, ops: ops, names: names, tap: t}
	r.out = s.AddOutput(t, OutputOptions{Name: "sequence", Wants: t.wants})
	return r, nil
}

// Close stops taking messages. It does not close the session.
func (r *SequenceRun) Close() error { return r.out.Close() }

// RunSequence runs seq on the session from now on and reports each step
// to progress (if not nil), on this goroutine. The error is a
// *SequenceError for a bad sequence, or ErrSequenceStopped (with ctx's
// error) when ctx ended it; a failed step is not an error: the result
// says which.
func (s *Session) RunSequence(ctx context.Context, seq Sequence, progress func(StepResult)) (SequenceResult, error) {
	r, err := s.NewSequenceRun(seq)
	if err != nil {
		return SequenceResult{Name: seq.Name}, err
	}
	defer r.Close()
	return r.Run(ctx, progress)
}

// Run runs the steps in order until one fails, all passed or ctx ends.
func (r *SequenceRun) Run(ctx context.Context, progress func(StepResult)) (SequenceResult, error) {
	x := &seqExec{run: r, ctx: ctx, progress: progress, start: time.Now(), caps: make([][]byte, len(r.names))}
	defer x.pause.stop()
	ok := x.ops(r.ops)
	res := SequenceResult{Name: r.seq.Name, OK: ok, Steps: x.n, Expects: x.expects, Failed: x.failed, Elapsed: time.Since(x.start)}
	if !ok && x.failed == nil {
		res.Stopped = true
		return res, fmt.Errorf("%w: %w", ErrSequenceStopped, context.Cause(ctx))
	}
	return res, nil
}

// seqExec is one run's state, on the caller's goroutine.
type seqExec struct {
	run      *SequenceRun
	ctx      context.Context
	progress func(StepResult)
	start    time.Time
	n        int
	expects  int
	iter     []int
	caps     [][]byte // by the run's names
	counter  payload.Counter
	pause    pause
	failed   *StepResult
}

// ops runs a block; false when a step failed or ctx ended.
func (x *seqExec) ops(ops []seqOp) bool {
	for i := range ops {
		op := &ops[i]
		if x.ctx.Err() != nil {
			return false
		}
		if op.step.Kind == StepRepeat {
			x.iter = append(x.iter, 0)
			for k := 1; k <= op.step.Times; k++ {
				x.iter[len(x.iter)-1] = k
				if !x.ops(op.body) {
					return false
				}
			}
			x.iter = x.iter[:len(x.iter)-1]
			continue
		}
		if !x.step(op) {
			return false
		}
	}
	return true
}

func (x *seqExec) step(op *seqOp) bool {
	x.n++
	st := op.step
	res := StepResult{N: x.n, Line: st.Line, Kind: st.Kind, Step: st.String(), Status: StepRunning}
	if len(x.iter) > 0 {
		res.Iteration = append([]int{}, x.iter...)
	}
	began := time.Now()
	res.Elapsed = began.Sub(x.start)
	x.report(res)
	var err error
	switch st.Kind {
	case StepSend:
		rep := Repeat{Payload: op.pl, Counter: &x.counter, Times: 1, To: PeerAll, Captures: x.caps,
			Sent: func(b []byte) { res.Sent = append([]byte{}, b...) }}
		err = rep.Run(x.ctx, x.run.sess, nil)
		if err == nil && res.Sent == nil {
			return false // ctx ended before the send
		}
	case StepWait:
		if !x.pause.wait(x.ctx, st.Wait) {
			return false
		}
	case StepExpect:
		if err = x.expect(op, &res); err == nil && res.Got == nil {
			return false // ctx ended while waiting
		}
	}
	now := time.Now()
	res.Took, res.Elapsed = now.Sub(began), now.Sub(x.start)
	if err != nil {
		res.Status, res.Note = StepFailed, err.Error()
		x.failed = &res
		x.report(res)
		return false
	}
	res.Status = StepPassed
	x.report(res)
	return true
}

func (x *seqExec) report(r StepResult) {
	if x.progress != nil {
		x.progress(r)
	}
}

// expect takes the next message and matches it; nil with res.Got nil
// when ctx ended first.
func (x *seqExec) expect(op *seqOp, res *StepResult) error {
	timeout := op.step.Wait
	if timeout == 0 {
		timeout = DefaultExpectTimeout
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	expired := false
	for {
		ev, ok, dropped := x.run.tap.pop()
		switch {
		case dropped > 0:
			return fmt.Errorf("%d messages came that no expect took in time (more than %d or %d MiB waited); they were dropped", dropped, seqTapMessages, seqTapBytes>>20)
		case ok && ev.kind == KindClosed:
			if ev.text != "" {
				return fmt.Errorf("the peer closed the connection before a message came (%s)", ev.text)
			}
			return errors.New("the peer closed the connection before a message came")
		case ok && ev.kind == KindError:
			return fmt.Errorf("no message came: %s", ev.text)
		case ok:
			caps, matched := op.match.Match(ev.data)
			if !matched {
				res.Got = ev.data
				return fmt.Errorf("expected %s", op.match)
			}
			res.Got = ev.data
			x.caps[0] = ev.data
			names := op.match.Groups()
			for i := 1; i < len(caps); i++ {
				if op.capAt[i] == 0 {
					continue
				}
				x.caps[op.capAt[i]] = caps[i]
				if res.Captures == nil {
					res.Captures = map[string][]byte{}
				}
				res.Captures[names[i]] = caps[i]
			}
			x.expects++
			return nil
		case expired:
			return fmt.Errorf("nothing came within %v; expected %s", timeout, op.match)
		}
		select {
		case <-x.ctx.Done():
			return nil
		case <-t.C:
			expired = true // one more look: it may have come just now
		case <-x.run.tap.wake:
		}
	}
}

// seqEvent is a message (or the peer's end) with its own bytes.
type seqEvent struct {
	kind EntryKind
	data []byte
	text string
}

// seqTap is the output that hands a sequence what the peer sends, never
// making the session wait: past its bounds it drops and counts.
type seqTap struct {
	framed bool

	mu      sync.Mutex
	evs     []seqEvent
	size    int
	dropped int
	wake    chan struct{} // cap 1
}

func (t *seqTap) wants(e *Entry) bool {
	switch e.Kind {
	case KindMessage, KindClosed:
		return true
	case KindDataIn:
		return !t.framed || e.Note == NoteUndecoded
	case KindError:
		return e.Peer != NoPeer && e.Note != NoteRemark && e.Note != NoteOutputStopped
	}
	return false
}

// WriteEntry queues a copy of e and wakes the run.
func (t *seqTap) WriteEntry(e Entry) error {
	ev := seqEvent{kind: e.Kind, text: e.Text}
	if e.Kind == KindClosed && e.Err == nil {
		ev.text = "" // a clean close says nothing more than "closed"
	}
	if e.Kind == KindMessage || e.Kind == KindDataIn {
		ev.data = append([]byte{}, e.Data...)
	}
	t.mu.Lock()
	if ev.data != nil && (len(t.evs) >= seqTapMessages || t.size+len(ev.data) > seqTapBytes) {
		t.dropped++
	} else {
		t.evs = append(t.evs, ev)
		t.size += len(ev.data)
	}
	t.mu.Unlock()
	select {
	case t.wake <- struct{}{}:
	default:
	}
	return nil
}

// Flush has nothing to do: WriteEntry hands everything over at once.
func (t *seqTap) Flush() error { return nil }

// pop takes the oldest event; dropped > 0 reports (once) what was lost.
func (t *seqTap) pop() (ev seqEvent, ok bool, dropped int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.dropped > 0 {
		d := t.dropped
		t.dropped = 0
		return ev, false, d
	}
	if len(t.evs) == 0 {
		return ev, false, 0
	}
	ev = t.evs[0]
	t.evs[0] = seqEvent{}
	t.evs = t.evs[1:]
	t.size -= len(ev.data)
	if len(t.evs) == 0 {
		t.evs = nil
	}
	return ev, true, 0
}
