package cli

// connect --script FILE: run a sequence (sessions' file format) on the
// connection and exit 0 when every expect passed, 1 when a step failed,
// 2 when the file is bad. serve does not take --script: a sequence is one
// conversation, and a server has no peer to send to until one comes and
// may have many; script the client side with connect, or answer with
// rules.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/sessions"
)

// maxScriptSize bounds a sequence file: a bigger one is not a script.
const maxScriptSize = 1 << 20

// readScript reads and parses a sequence file; the error is one sentence
// naming the flag, the file and the line.
func readScript(path string) (sessions.Sequence, error) {
	f, err := os.Open(path)
	if err != nil {
		return sessions.Sequence{}, fmt.Errorf("--script %s: %w", path, openErr(err)) // rules.go
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxScriptSize+1))
	if err != nil {
		return sessions.Sequence{}, fmt.Errorf("--script %s: %w", path, err)
	}
	if len(b) > maxScriptSize {
		return sessions.Sequence{}, fmt.Errorf("--script %s: the file is larger than %d KiB; a sequence is a few lines", path, maxScriptSize>>10)
	}
	seq, err := sessions.ParseSequence(string(b))
	if err != nil {
		return sessions.Sequence{}, fmt.Errorf("--script %s: %w", path, err)
	}
	return seq, nil
}

// stepJSON is a step's result as --json prints it: bytes in hex.
type stepJSON struct {
	N         int               `json:"n"`
	Line      int               `json:"line,omitempty"`
	Kind      string            `json:"kind"`
	Step      string            `json:"step"`
	Iteration []int             `json:"iteration,omitempty"`
	Status    string            `json:"status"`
	ElapsedMS float64           `json:"elapsed_ms"`
	TookMS    float64           `json:"took_ms"`
	Sent      string            `json:"sent,omitempty"`
	Got       *string           `json:"got,omitempty"`
	Captures  map[string]string `json:"captures,omitempty"`
	Note      string            `json:"note,omitempty"`
}

type resultJSON struct {
	Sequence  string  `json:"sequence"`
	OK        bool    `json:"ok"`
	Steps     int     `json:"steps"`
	Expects   int     `json:"expects"`
	Stopped   bool    `json:"stopped,omitempty"`
	FailedN   int     `json:"failed_step,omitempty"`
	FailedAt  int     `json:"failed_line,omitempty"`
	ElapsedMS float64 `json:"elapsed_ms"`
}

func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func toStepJSON(r sessions.StepResult) stepJSON {
	j := stepJSON{N: r.N, Line: r.Line, Kind: string(r.Kind), Step: r.Step, Iteration: r.Iteration, Status: string(r.Status),
		ElapsedMS: millis(r.Elapsed), TookMS: millis(r.Took), Sent: payload.FormatHex(r.Sent), Note: r.Note}
	if r.Got != nil {
		g := payload.FormatHex(r.Got)
		j.Got = &g
	}
	for name, c := range r.Captures {
		if j.Captures == nil {
			j.Captures = map[string]string{}
		}
		j.Captures[name] = payload.FormatHex(c)
	}
	return j
}

// runScript connects, runs seq and says how it went: each step's result
// on stdout as it ends (a line, or a JSON object with --json), then the
// sequence's; -v shows each step starting on stderr; a failed step is
// also the last line on stderr.
func runScript(ctx context.Context, s Stdio, sess *sessions.Session, spec sessions.Spec, seq sessions.Sequence, jsonOut, verbose bool) int {
	run, err := sess.NewSequenceRun(seq) // before Start: a greeting is the first message
	if err != nil {
		sess.Close()
		return usageErrorf(s, "connect", "--script: %v", err)
	}
	rec := startRecording(sess, spec)
	if err := sess.Start(ctx); err != nil {
		sess.Close()
		rec.stop()
		if code, ok := interrupted(ctx); ok {
			fmt.Fprintln(s.Err, "sockplay connect: interrupted while connecting")
			return code
		}
		fmt.Fprintf(s.Err, "sockplay connect: %v\n", err)
		return ExitFail
	}
	var outErr error
	write := func(b []byte) {
		if outErr == nil {
			_, outErr = s.Out.Write(b)
		}
	}
	res, runErr := run.Run(ctx, func(r sessions.StepResult) {
		switch {
		case r.Status == sessions.StepRunning:
			if verbose {
				fmt.Fprintln(s.Err, r.Text())
			}
		case jsonOut:
			b, _ := json.Marshal(toStepJSON(r))
			write(append(b, '\n'))
		default:
			write([]byte(r.Text() + "\n"))
		}
	})
	run.Close()
	sess.Close()
	code := ExitOK
	if rec.stop() {
		code = ExitFail
	}
	if jsonOut {
		j := resultJSON{Sequence: res.Name, OK: res.OK, Steps: res.Steps, Expects: res.Expects, Stopped: res.Stopped, ElapsedMS: millis(res.Elapsed)}
		if res.Failed != nil {
			j.FailedN, j.FailedAt = res.Failed.N, res.Failed.Line
		}
		b, _ := json.Marshal(j)
		write(append(b, '\n'))
	} else {
		write([]byte(res.Text() + "\n"))
	}
	switch {
	case runErr != nil:
		if c, ok := interrupted(ctx); ok {
			fmt.Fprintf(s.Err, "sockplay connect: interrupted at step %d\n", res.Steps)
			return c
		}
		fmt.Fprintf(s.Err, "sockplay connect: %v\n", runErr)
		return ExitFail
	case res.Failed != nil:
		fmt.Fprintf(s.Err, "sockplay connect: %s\n", res.Failed.Text())
		return ExitFail
	case outErr != nil:
		fmt.Fprintf(s.Err, "sockplay connect: %v\n", outErr)
		return ExitFail
	}
	return code
}

// sequenceHelp ends the usage of connect.
const sequenceHelp = `
SEQUENCES (--script FILE): one step a line, # comments, leading spaces ignored.
  name NAME                 the sequence's name
  send PAYLOAD              payload syntax (hex: or base64: prefix, else text), through --framing;
                            {{name}} is what an earlier expect captured, {{0}} the message it took
  wait DURATION             e.g. wait 100ms
  expect [TIMEOUT] MATCH    the next message must match (MATCH as in RULES; default timeout 5s);
                            a different message fails the step, showing what came in hex
  repeat N ... end          run the lines between N times (nesting allowed)
  Example (Modbus/TCP, --framing len:2:be:off=4):
    send hex:00 01 00 00 00 06 01 03 00 00 00 01
    expect 2s hex:00 01 00 00 00 05 01 03 02 (old: .. ..)
`

func printSequenceHelp(w io.Writer) { fmt.Fprint(w, sequenceHelp) }
