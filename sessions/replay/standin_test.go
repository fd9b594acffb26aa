package replay

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/netcore/pcap"
	"github.com/sockplay/sockplay/sessions"
)

// startStandIn runs a stand-in for c on 127.0.0.1 and collects its steps.
type standRun struct {
	s     *StandIn
	url   string
	mu    sync.Mutex
	steps []Step
}

func startStandIn(t *testing.T, c pcap.Conversation, cfg StandInConfig) *standRun {
	t.Helper()
	if cfg.Spec.URL == "" {
		cfg.Spec.URL = c.Proto + "://127.0.0.1:0"
	}
	s, err := NewStandIn(c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := &standRun{s: s}
	if err := s.Start(context.Background(), func(st Step) {
		r.mu.Lock()
		r.steps = append(r.steps, st)
		r.mu.Unlock()
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	r.url = c.Proto + "://" + s.Addr().String()
	return r
}

func (r *standRun) kinds(of string) []Step {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Step
	for _, st := range r.steps {
		if of == "" || st.Kind == of {
			out = append(out, st)
		}
	}
	return out
}

// ask sends each request framed (len:2) on one connection and reads one
// framed answer for each ("(none)" when nothing comes within wait).
func ask(t *testing.T, addr string, wait time.Duration, reqs ...string) []string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var out []string
	for _, r := range reqs {
		if _, err := c.Write([]byte(frame(r))); err != nil {
			t.Fatal(err)
		}
		c.SetReadDeadline(time.Now().Add(wait))
		var h [2]byte
		if _, err := io.ReadFull(c, h[:]); err != nil {
			out = append(out, "(none)")
			continue
		}
		b := make([]byte, binary.BigEndian.Uint16(h[:]))
		if _, err := io.ReadFull(c, b); err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

func want(reqs ...string) []string {
	var out []string
	for _, r := range reqs {
		a, ok := answers[r]
		if !ok {
			a = r // written out in the table
		}
		out = append(out, a)
	}
	return out
}

func TestStandInAnswers(t *testing.T) {
	testkit.NoLeaks(t)
	captured := exchange("tcp", "hello", "temp?", "status?", "bye")
	unknownReply := &payload.Spec{Source: "ERR {{counter:1}}"}
	tests := []struct {
		name    string
		framing string
		match   Match
		unknown *payload.Spec
		ask     []string
		answers []string
		kinds   string // of the request steps
	}{
		{"order, in order", "len:2", MatchOrder, nil, []string{"hello", "temp?", "status?", "bye"}, want("hello", "temp?", "status?", "bye"), "request,request,request,request"},
		{"order, out of order: answered by position", "len:2", MatchOrder, nil, []string{"temp?", "hello"}, want("hello", "temp?"), "request,request"},
		{"content, out of order", "len:2", MatchContent, nil, []string{"bye", "temp?", "hello", "status?"}, want("bye", "temp?", "hello", "status?"), "request,request,request,request"},
		{"content, unknown without a reply", "len:2", MatchContent, nil, []string{"what?", "temp?"}, []string{"(none)", answers["temp?"]}, "unknown,request"},
		{"content, unknown with a reply", "len:2", MatchContent, unknownReply, []string{"what?", "temp?", "nope"}, []string{"ERR 1", answers["temp?"], "ERR 2"}, "unknown,request,unknown"},
		{"order, past the end", "len:2", MatchOrder, unknownReply, []string{"hello", "temp?", "status?", "bye", "more?"}, append(want("hello", "temp?", "status?", "bye"), "ERR 1"), "request,request,request,request,unknown"},
		{"raw, order", "", MatchOrder, nil, []string{"hello", "temp?", "status?", "bye"}, want("hello", "temp?", "status?", "bye"), "request,request,request,request"},
		{"raw, content, out of order", "", MatchContent, nil, []string{"status?", "hello"}, want("status?", "hello"), "request,request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := startStandIn(t, captured, StandInConfig{Spec: sessions.Spec{Framing: tt.framing}, Match: tt.match, Unknown: tt.unknown})
			got := ask(t, strings.TrimPrefix(r.url, "tcp://"), 300*time.Millisecond, tt.ask...)
			if strings.Join(got, "|") != strings.Join(tt.answers, "|") {
				t.Fatalf("answers %q, want %q", got, tt.answers)
			}
			testkit.Eventually(t, "the client's done step", func() bool { return len(r.kinds(KindDone)) == 1 })
			var kinds []string
			for _, st := range r.kinds("") {
				if st.Kind == KindRequest || st.Kind == KindUnknown {
					kinds = append(kinds, st.Kind)
					if string(st.Got[0]) != frameIf(tt.framing, tt.ask[st.Step-1]) {
						t.Errorf("step %d got %q, the client asked %q", st.Step, st.Got[0], tt.ask[st.Step-1])
					}
				}
			}
			if strings.Join(kinds, ",") != tt.kinds {
				t.Fatalf("steps %s, want %s: %+v", strings.Join(kinds, ","), tt.kinds, r.kinds(""))
			}
			if cs := r.kinds(KindClient); len(cs) != 1 || cs[0].Client == "" {
				t.Fatalf("client steps %+v", cs)
			}
		})
	}
}

func frameIf(f, s string) string {
	if f == "" {
		return frame(s)
	}
	return s
}

// TestStandInOrderNotesDifference: matching by order answers whatever is
// asked, and the step says the request differs from the capture's.
func TestStandInOrderNotesDifference(t *testing.T) {
	testkit.NoLeaks(t)
	r := startStandIn(t, exchange("tcp", "hello", "temp?"), StandInConfig{Spec: sessions.Spec{Framing: "len:2"}})
	ask(t, strings.TrimPrefix(r.url, "tcp://"), time.Second, "hellO")
	testkit.Eventually(t, "the request step", func() bool { return len(r.kinds(KindRequest)) == 1 })
	st := r.kinds(KindRequest)[0]
	if st.Match || !strings.Contains(st.Diff, "first difference at byte 4") || !strings.Contains(st.Note, "answered as the capture's request 1, which differs") {
		t.Fatalf("step %+v", st)
	}
	if sum := r.s.Close(); sum.Answered != 1 || sum.Matched != 0 || len(sum.Differed) != 1 || sum.Clients != 1 {
		t.Fatalf("summary %+v", sum)
	}
}

// TestStandInRawMergedRequests: raw TCP requests that arrive merged in
// one chunk, or split, are cut by the capture's requests.
func TestStandInRawMergedRequests(t *testing.T) {
	testkit.NoLeaks(t)
	for _, m := range []Match{MatchOrder, MatchContent} {
		t.Run(string(m), func(t *testing.T) {
			r := startStandIn(t, exchange("tcp", "hello", "temp?", "bye"), StandInConfig{Match: m})
			c, err := net.Dial("tcp", strings.TrimPrefix(r.url, "tcp://"))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			all := frame("hello") + frame("temp?") + frame("bye")
			c.Write([]byte(all[:3]))
			time.Sleep(20 * time.Millisecond)
			c.Write([]byte(all[3:]))
			want := frame("hi there") + frame("21.5 C") + frame("goodbye")
			got := make([]byte, len(want))
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := io.ReadFull(c, got); err != nil || string(got) != want {
				t.Fatalf("got %q (%v), want %q", got, err, want)
			}
		})
	}
}

// TestStandInClients: several clients at once, each from the start.
func TestStandInClients(t *testing.T) {
	testkit.NoLeaks(t)
	r := startStandIn(t, exchange("tcp", "hello", "temp?", "bye"), StandInConfig{Spec: sessions.Spec{Framing: "len:2"}})
	var wg sync.WaitGroup
	errs := make(chan error, 5)
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp", strings.TrimPrefix(r.url, "tcp://"))
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			for _, q := range []string{"hello", "temp?", "bye"} {
				c.Write([]byte(frame(q)))
				b := make([]byte, 2+len(answers[q]))
				c.SetReadDeadline(time.Now().Add(5 * time.Second))
				if _, err := io.ReadFull(c, b); err != nil || string(b) != frame(answers[q]) {
					errs <- fmt.Errorf("%q answered %q (%v)", q, b, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	testkit.Eventually(t, "five done steps", func() bool { return len(r.kinds(KindDone)) == 5 })
	if sum := r.s.Close(); sum.Clients != 5 || sum.Answered != 15 || sum.Matched != 15 {
		t.Fatalf("summary %+v", sum)
	}
}

// TestStandInGreeting: a server that spoke first greets each client.
func TestStandInGreeting(t *testing.T) {
	testkit.NoLeaks(t)
	r := startStandIn(t, conv("tcp", sv("220 ready\r\n"), cl("QUIT\r\n"), sv("221 bye\r\n")), StandInConfig{Spec: sessions.Spec{Framing: "crlf"}})
	c, err := net.Dial("tcp", strings.TrimPrefix(r.url, "tcp://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	b := make([]byte, len("220 ready\r\n"))
	if _, err := io.ReadFull(c, b); err != nil || string(b) != "220 ready\r\n" {
		t.Fatalf("greeting %q (%v)", b, err)
	}
	c.Write([]byte("QUIT\r\n"))
	b = make([]byte, len("221 bye\r\n"))
	if _, err := io.ReadFull(c, b); err != nil || string(b) != "221 bye\r\n" {
		t.Fatalf("answer %q (%v)", b, err)
	}
}

// TestStandInUDP: each datagram is a request; each source address a
// client, done once it asked every request of the capture.
func TestStandInUDP(t *testing.T) {
	testkit.NoLeaks(t)
	testkit.NeedUDP(t)
	var chunks []pcap.Chunk
	for _, q := range []string{"hello", "temp?", "bye"} {
		chunks = append(chunks, cl(q), sv(answers[q]))
	}
	for _, m := range []Match{MatchOrder, MatchContent} {
		t.Run(string(m), func(t *testing.T) {
			r := startStandIn(t, conv("udp", chunks...), StandInConfig{Match: m})
			c, err := net.Dial("udp", strings.TrimPrefix(r.url, "udp://"))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			order := []string{"bye", "hello", "temp?"}
			if m == MatchOrder {
				order = []string{"hello", "temp?", "bye"}
			}
			for _, q := range order {
				c.Write([]byte(q))
				b := make([]byte, 100)
				c.SetReadDeadline(time.Now().Add(5 * time.Second))
				n, err := c.Read(b)
				if err != nil || string(b[:n]) != answers[q] {
					t.Fatalf("%q answered %q (%v)", q, b[:n], err)
				}
			}
			testkit.Eventually(t, "the done step", func() bool { return len(r.kinds(KindDone)) == 1 })
			if d := r.kinds(KindDone)[0]; d.Note != "asked every request of the capture" || d.Step != 3 {
				t.Fatalf("done step %+v", d)
			}
		})
	}
}

// TestReplayAgainstStandIn: a conversation replayed against its own
// stand-in matches every reply, raw, framed and over UDP.
func TestReplayAgainstStandIn(t *testing.T) {
	testkit.NoLeaks(t)
	var udp []pcap.Chunk
	for _, q := range []string{"hello", "temp?", "status?"} {
		udp = append(udp, cl(q), sv(answers[q]))
	}
	tests := []struct {
		name    string
		c       pcap.Conversation
		framing string
		pace    Pace
	}{
		{"raw", exchange("tcp", "hello", "temp?", "status?", "bye"), "", PaceReply},
		{"framed", exchange("tcp", "hello", "temp?", "status?", "bye"), "len:2", PaceReply},
		{"framed, fast", exchange("tcp", "hello", "temp?", "status?", "bye"), "len:2", PaceFast},
		{"greeting and two replies", conv("tcp", sv("hi\n"), cl("a\n"), sv("A\n"), sv("AA\n"), cl("b\n")), "line", PaceReply},
		{"udp", conv("udp", udp...), "", PaceReply},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.c.Proto == "udp" {
				testkit.NeedUDP(t)
			}
			r := startStandIn(t, tt.c, StandInConfig{Spec: sessions.Spec{Framing: tt.framing}})
			steps, sum, err := runClient(t, tt.c, ClientConfig{Spec: sessions.Spec{URL: r.url, Framing: tt.framing}, Pace: tt.pace})
			if err != nil || !sum.OK {
				t.Fatalf("summary %+v (%v); steps %+v", sum, err, steps)
			}
		})
	}
}

// TestStandInFloodIsCut: a client that floods while the stand-in cannot
// keep up (its report is slow) is closed once 64 MiB (here 256 KiB)
// wait, so memory stays bounded; the stand-in goes on serving others.
func TestStandInFloodIsCut(t *testing.T) {
	testkit.NoLeaks(t)
	defer func(l int64) { tapLimit = l }(tapLimit)
	tapLimit = 256 << 10
	release := make(chan struct{})
	var once sync.Once
	s, err := NewStandIn(exchange("tcp", "hello"), StandInConfig{Spec: sessions.Spec{URL: "tcp://127.0.0.1:0", Framing: "len:2"}})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var steps []Step
	if err := s.Start(context.Background(), func(st Step) {
		if st.Kind == KindRequest {
			<-release // the worker is stuck here while the flood comes in
		}
		mu.Lock()
		steps = append(steps, st)
		mu.Unlock()
	}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	defer once.Do(func() { close(release) })
	c, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte(frame("hello")))
	junk := []byte(frame(strings.Repeat("x", 60000)))
	c.SetWriteDeadline(time.Now().Add(10 * time.Second))
	var werr error
	// The kernel's buffers take tens of MiB before a write waits (this
	// machine's tcp_rmem allows 32 MiB), so the bound is well past them.
	for i := 0; i < 1200 && werr == nil; i++ { // 69 MiB at most
		_, werr = c.Write(junk)
	}
	if werr == nil {
		t.Fatal("69 MiB went in; the flood was not cut")
	}
	once.Do(func() { close(release) })
	testkit.Eventually(t, "the error step", func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, st := range steps {
			if st.Kind == KindError && strings.Contains(st.Note, "sent more than 256 KiB that was not yet matched; it is closed") {
				return true
			}
		}
		return false
	})
	if got := ask(t, s.Addr().String(), 5*time.Second, "hello"); got[0] != answers["hello"] {
		t.Fatalf("another client got %q", got)
	}
}
