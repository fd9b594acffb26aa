package sessions

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore/framing"
)

func TestRunSequence(t *testing.T) {
	t.Parallel()
	line, _ := framing.Parse("line")
	for _, tc := range []struct {
		name, mode, src string
		ok, stopped     bool
		steps, expects  int
		fail            string // the failed step's Text
		ctxAfter        time.Duration
	}{
		{name: "pass", mode: "answer", src: "send PING\nexpect 2s text:PONG\nsend GET /a\nexpect re:^VAL (?P<path>\\S+)$\nsend GET {{path}}/b\nexpect text:VAL /a/b",
			ok: true, steps: 6, expects: 3},
		{name: "greeting and captures", mode: "greet", src: "expect hex:48 45 4c 4c 4f 20 76 3d (v: ..)\nsend GET v{{v}}\nexpect text:VAL v7",
			ok: true, steps: 3, expects: 2},
		{name: "repeat", mode: "answer", src: "repeat 3\n  repeat 2\n    send PING\n    expect text:PONG\n  end\n  wait 1ms\nend",
			ok: true, steps: 15, expects: 6},
		{name: "different message", mode: "answer", src: "send PING\nexpect text:PONG\nsend NOPE\nexpect 2s text:OK",
			steps: 4, expects: 1, fail: `line 4: expect 2s text:OK: FAILED: expected text:OK; came instead (8 bytes): 45 52 52 20 4e 4f 50 45`},
		{name: "timeout", mode: "silent", src: "send PING\nexpect 200ms text:PONG",
			steps: 2, fail: "line 2: expect 200ms text:PONG: FAILED: nothing came within 200ms; expected text:PONG"},
		{name: "peer closes", mode: "close", src: "send PING\nexpect 5s text:PONG\nsend again",
			steps: 2, fail: "line 2: expect 5s text:PONG: FAILED: the peer closed the connection before a message came"},
		{name: "failure in a repeat", mode: "answer", src: "repeat 2\nsend PING\nexpect text:PONG\nsend x\nexpect text:ERR y\nend",
			steps: 4, expects: 1, fail: "line 5 (pass 1): expect text:ERR y: FAILED: expected text:ERR y; came instead (5 bytes): 45 52 52 20 78"},
		{name: "stopped", mode: "silent", src: "send PING\nexpect 10s text:PONG", ctxAfter: 200 * time.Millisecond, stopped: true, steps: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			seq, err := ParseSequence(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			port := testkit.StartPython(t, "", testkit.PyLineServer, tc.mode).Next(t, "its port")
			cli, err := New(Config{Role: Client, Endpoint: ep(t, "tcp://127.0.0.1:"+port), Framing: line})
			if err != nil {
				t.Fatal(err)
			}
			defer cli.Close()
			run, err := cli.NewSequenceRun(seq) // before Start: a greeting is seen
			if err != nil {
				t.Fatal(err)
			}
			defer run.Close()
			if err := cli.Start(testCtx(t)); err != nil {
				t.Fatal(err)
			}
			ctx := testCtx(t)
			if tc.ctxAfter > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.ctxAfter)
				defer cancel()
			}
			var reports []StepResult
			res, err := run.Run(ctx, func(r StepResult) { reports = append(reports, r) })
			if tc.stopped != (err != nil) || (err != nil && !errors.Is(err, ErrSequenceStopped)) {
				t.Fatalf("error %v, stopped %v", err, tc.stopped)
			}
			if res.OK != tc.ok || res.Stopped != tc.stopped || res.Steps != tc.steps || res.Expects != tc.expects {
				t.Fatalf("result %+v; want ok %v stopped %v steps %d expects %d\n%s", res, tc.ok, tc.stopped, tc.steps, tc.expects, texts(reports))
			}
			switch {
			case tc.fail != "" && (res.Failed == nil || res.Failed.Text() != tc.fail):
				t.Fatalf("failed step:\n got  %v\n want %s", res.Failed, tc.fail)
			case tc.fail == "" && res.Failed != nil:
				t.Fatalf("failed: %s", res.Failed.Text())
			}
			// Every step is reported running, then (unless stopped) done.
			ends := 0
			for i, r := range reports {
				if r.Status == StepRunning {
					if i+1 < len(reports) && reports[i+1].N != r.N {
						t.Fatalf("step %d reported running, then %d:\n%s", r.N, reports[i+1].N, texts(reports))
					}
					continue
				}
				ends++
			}
			if want := tc.steps; tc.stopped && ends != want-1 || !tc.stopped && ends != want {
				t.Fatalf("%d step results for %d steps:\n%s", ends, tc.steps, texts(reports))
			}
		})
	}
}

func texts(rs []StepResult) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(r.Text() + "\n")
	}
	return b.String()
}

// TestSequenceTapBounded: messages nobody expects are dropped past the
// tap's bounds, the session never waits, and the next expect says so.
func TestSequenceTapBounded(t *testing.T) {
	tp := &seqTap{wake: make(chan struct{}, 1)}
	for i := 0; i < seqTapMessages+10; i++ {
		tp.WriteEntry(Entry{Kind: KindDataIn, Data: []byte("x")})
	}
	if _, ok, dropped := tp.pop(); ok || dropped != 10 {
		t.Fatalf("pop: ok %v dropped %d, want the 10 dropped first", ok, dropped)
	}
	if _, ok, _ := tp.pop(); !ok {
		t.Fatal("the kept messages are gone")
	}
}
