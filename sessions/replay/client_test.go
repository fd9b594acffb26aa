package replay

import (
	"context"
	"errors"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore/pcap"
	"github.com/sockplay/sockplay/sessions"
)

// runClient replays c against url and returns the steps and summary.
func runClient(t *testing.T, c pcap.Conversation, cfg ClientConfig) ([]Step, Summary, error) {
	t.Helper()
	r, err := NewClient(c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var steps []Step
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sum, err := r.Run(ctx, func(s Step) {
		steps = append(steps, s)
		// As the window does: each step a line in the session's log, red
		// when it differed. Those lines are not the sockets' errors, so
		// the next steps must go on as if they were not there.
		r.Session().Note(s.Text(), s.Status != StatusMatch)
	})
	return steps, sum, err
}

func statuses(steps []Step) string {
	var s []string
	for _, st := range steps {
		s = append(s, st.Status)
	}
	return strings.Join(s, ",")
}

func TestClientReplay(t *testing.T) {
	testkit.NoLeaks(t)
	reqs := []string{"hello", "temp?", "status?", "bye"}
	tests := []struct {
		name     string
		proto    string
		framing  string
		pace     Pace
		table    map[string]string
		statuses string
		differed []int
		diff     string // in the first differing step's Diff
	}{
		{"raw, reply", "tcp", "", PaceReply, answers, "match,match,match,match", nil, ""},
		{"framed, reply", "tcp", "len:2", PaceReply, answers, "match,match,match,match", nil, ""},
		{"framed, fast", "tcp", "len:2", PaceFast, answers, "match,match,match,match", nil, ""},
		{"raw, fast", "tcp", "", PaceFast, answers, "match,match,match,match", nil, ""},
		{"framed, captured", "tcp", "len:2", PaceCaptured, answers, "match,match,match,match", nil, ""},
		{"framed, a changed reply", "tcp", "len:2", PaceReply, changed("temp?", "19.0 C"), "match,differ,match,match", []int{2},
			"expected 6 bytes, got 6 bytes; first difference at byte 0 (3 bytes differ)"},
		{"raw, a changed reply", "tcp", "", PaceReply, changed("status?", "\x00\x01OK\xff"), "match,match,differ,match", []int{3},
			"expected 7 bytes, got 7 bytes; first difference at byte 4 (2 bytes differ)"},
		{"raw, a longer reply", "tcp", "", PaceReply, changed("bye", "goodbye!"), "match,match,match,differ", []int{4},
			"expected 9 bytes, got 10 bytes; first difference at byte 1"},
		{"udp", "udp", "", PaceReply, answers, "match,match,match,match", nil, ""},
		{"udp, a changed reply", "udp", "", PaceReply, changed("hello", "hey"), "differ,match,match,match", []int{1},
			"expected 8 bytes, got 3 bytes; first difference at byte 1"},
		{"udp, fast", "udp", "", PaceFast, answers, "match,match,match,match", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c pcap.Conversation
			var url string
			if tt.proto == "udp" {
				testkit.NeedUDP(t)
				var chunks []pcap.Chunk
				for _, r := range reqs {
					chunks = append(chunks, cl(r), sv(answers[r]))
				}
				c = conv("udp", chunks...)
				url = "udp://" + udpServer(t, tt.table)
			} else {
				c = exchange("tcp", reqs...)
				url = "tcp://" + newLenServer(t, tt.table).addr
			}
			steps, sum, err := runClient(t, c, ClientConfig{Spec: sessions.Spec{URL: url, Framing: tt.framing}, Pace: tt.pace, Timeout: 3 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if got := statuses(steps); got != tt.statuses {
				t.Fatalf("statuses %s, want %s; steps %+v", got, tt.statuses, steps)
			}
			if !slices.Equal(sum.Differed, tt.differed) || sum.OK != (tt.differed == nil) || sum.Steps != len(reqs) {
				t.Fatalf("summary %+v, want differed %v", sum, tt.differed)
			}
			for _, st := range steps {
				if st.Match != (st.Status == StatusMatch) || (st.Diff == "") != st.Match {
					t.Fatalf("step %d: match %v, status %s, diff %q", st.Step, st.Match, st.Status, st.Diff)
				}
				if st.Kind != KindSend || len(st.Sent) != 1 {
					t.Fatalf("step %d: kind %s, sent %q", st.Step, st.Kind, st.Sent)
				}
			}
			if tt.diff != "" {
				st := steps[tt.differed[0]-1]
				if !strings.Contains(st.Diff, tt.diff) {
					t.Fatalf("diff of step %d:\n%s\nwant it to hold %q", st.Step, st.Diff, tt.diff)
				}
			}
		})
	}
}

// TestClientReplayFaults: a server that never answers (timeout), one
// that hangs up (closed, and the rest is not played), one that is not
// there (Run's error), and one that speaks first.
func TestClientReplayFaults(t *testing.T) {
	testkit.NoLeaks(t)
	serve := func(t *testing.T, handle func(c net.Conn)) string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		t.Cleanup(func() { l.Close(); <-done })
		go func() {
			defer close(done)
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
			handle(c)
		}()
		return "tcp://" + l.Addr().String()
	}
	c := exchange("tcp", "hello", "temp?")
	t.Run("silent server", func(t *testing.T) {
		url := serve(t, func(c net.Conn) { io.Copy(io.Discard, c) })
		began := time.Now()
		steps, sum, err := runClient(t, c, ClientConfig{Spec: sessions.Spec{URL: url, Framing: "len:2"}, Timeout: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if statuses(steps) != "timeout,timeout" || sum.OK || !strings.Contains(steps[0].Note, "no whole reply within 200ms") {
			t.Fatalf("steps %+v summary %+v", steps, sum)
		}
		if el := time.Since(began); el > 2*time.Second {
			t.Fatalf("two 200 ms timeouts took %v", el)
		}
	})
	t.Run("server hangs up", func(t *testing.T) {
		url := serve(t, func(c net.Conn) { c.Read(make([]byte, 100)) })
		steps, sum, err := runClient(t, c, ClientConfig{Spec: sessions.Spec{URL: url, Framing: "len:2"}, Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if statuses(steps) != "closed" || sum.OK || !strings.Contains(sum.Stopped, "the connection ended after step 1") ||
			!strings.Contains(sum.Stopped, "1 turns were not played") {
			t.Fatalf("steps %+v summary %+v", steps, sum)
		}
	})
	t.Run("nobody listens", func(t *testing.T) {
		_, _, err := runClient(t, c, ClientConfig{Spec: sessions.Spec{URL: "tcp://" + testkit.FreeAddr(t)}})
		if !errors.Is(err, syscall.ECONNREFUSED) && !strings.Contains(err.Error(), "nothing listens") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("nobody listens on udp", func(t *testing.T) {
		testkit.NeedUDP(t)
		uc := conv("udp", cl("hello"), sv("hi there"), cl("bye"), sv("goodbye"))
		url := "udp://127.0.0.1:" + strconv.Itoa(testkit.FreePort(t, "udp"))
		began := time.Now()
		steps, sum, err := runClient(t, uc, ClientConfig{Spec: sessions.Spec{URL: url}, Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if sum.OK || len(steps) == 0 || steps[0].Status != StatusError || !strings.Contains(steps[0].Note, "receive: ") {
			t.Fatalf("steps %+v summary %+v", steps, sum)
		}
		if el := time.Since(began); el > 3*time.Second {
			t.Fatalf("the refusal took %v to be seen", el)
		}
		t.Logf("%s: %s", steps[0].Status, steps[0].Note)
	})
	t.Run("greeting", func(t *testing.T) {
		url := serve(t, func(c net.Conn) {
			c.Write([]byte("220 ready\r\n"))
			b := make([]byte, 100)
			n, _ := c.Read(b)
			if string(b[:n]) == "HELO x\r\n" {
				c.Write([]byte("250 ok\r\n"))
			}
			c.Read(b)
		})
		gc := conv("tcp", sv("220 ready\r\n"), cl("HELO x\r\n"), sv("250 ok\r\n"))
		steps, sum, err := runClient(t, gc, ClientConfig{Spec: sessions.Spec{URL: url, Framing: "crlf"}})
		if err != nil {
			t.Fatal(err)
		}
		if statuses(steps) != "match,match" || steps[0].Kind != KindGreeting || len(steps[0].Sent) != 0 || !sum.OK {
			t.Fatalf("steps %+v summary %+v", steps, sum)
		}
	})
}

// TestClientPaceCaptured: captured pacing sends the requests with the
// capture's gaps between them (measured where the server receives them),
// fast sends them at once, and reply waits for each answer only.
func TestClientPaceCaptured(t *testing.T) {
	testkit.NoLeaks(t)
	gaps := []time.Duration{0, 300 * time.Millisecond, 100 * time.Millisecond, 400 * time.Millisecond}
	var chunks []pcap.Chunk
	var off time.Duration
	reqs := []string{"hello", "temp?", "status?", "bye"}
	for i, r := range reqs {
		off += gaps[i]
		chunks = append(chunks, at(cl(frame(r)), off), at(sv(frame(answers[r])), off+time.Millisecond))
	}
	c := conv("tcp", chunks...)
	for _, pace := range []Pace{PaceCaptured, PaceFast, PaceReply} {
		t.Run(string(pace), func(t *testing.T) {
			srv := newLenServer(t, answers)
			_, sum, err := runClient(t, c, ClientConfig{Spec: sessions.Spec{URL: "tcp://" + srv.addr, Framing: "len:2"}, Pace: pace})
			if err != nil || !sum.OK {
				t.Fatalf("summary %+v, err %v", sum, err)
			}
			got := srv.times()
			if len(got) != len(reqs) {
				t.Fatalf("server got %d requests", len(got))
			}
			// Offsets from the first request: sends are scheduled from the
			// start, so a late one does not delay the rest. Timers are late,
			// never early, and later on a loaded machine (2 shared cores).
			var want time.Duration
			for i := 1; i < len(got); i++ {
				want += gaps[i]
				off := got[i].Sub(got[0])
				t.Logf("request %d at +%v (capture: +%v)", i+1, off, want)
				switch {
				case pace == PaceCaptured && (off < want-50*time.Millisecond || off > want+150*time.Millisecond):
					t.Errorf("request %d came at +%v, the capture's was +%v", i+1, off, want)
				case pace != PaceCaptured && off > 150*time.Millisecond:
					t.Errorf("request %d came at +%v with pace %s", i+1, off, pace)
				}
			}
		})
	}
}
