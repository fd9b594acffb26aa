package sessions

import (
	"crypto/sha256"
	"hash"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
)

// exclusiveOutput notes every call it gets, and whether two ever ran at
// once: an inline output is called by readers and by its own goroutine,
// never by two of them together.
type exclusiveOutput struct {
	inCall   atomic.Bool
	overlaps atomic.Int64

	mu        sync.Mutex
	h         hash.Hash // of the data in
	in, out   int
	seqs      []uint64
	closed    int
	writes    int // entries so far
	flushedAt int // writes when the last flush ran; -1 before any
}

func newExclusiveOutput() *exclusiveOutput {
	return &exclusiveOutput{h: sha256.New(), flushedAt: -1}
}

func (o *exclusiveOutput) enter() {
	if o.inCall.Swap(true) {
		o.overlaps.Add(1)
	}
	time.Sleep(10 * time.Microsecond) // widen the window an overlap would need
}

func (o *exclusiveOutput) WriteEntry(e Entry) error {
	o.enter()
	defer o.inCall.Store(false)
	o.mu.Lock()
	defer o.mu.Unlock()
	o.writes++
	o.seqs = append(o.seqs, e.Seq)
	switch e.Kind {
	case KindDataIn:
		o.h.Write(e.Data)
		o.in += len(e.Data)
	case KindDataOut:
		o.out += len(e.Data)
	case KindClosed:
		o.closed++
	}
	return nil
}

func (o *exclusiveOutput) Flush() error {
	o.enter()
	defer o.inCall.Store(false)
	o.mu.Lock()
	o.flushedAt = o.writes
	o.mu.Unlock()
	return nil
}

// flushedAll says whether a flush ran after the last entry written.
func (o *exclusiveOutput) flushedAll() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.writes > 0 && o.flushedAt == o.writes
}

// Readers that write an inline output themselves keep the log's order
// across peers, never call the output while another call runs, and the
// output's goroutine still writes what queued meanwhile.
func TestInlineOutputKeepsOrderAcrossPeers(t *testing.T) {
	testkit.NoLeaks(t)
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), Reply: ReplyEcho})
	out := newExclusiveOutput()
	h := srv.AddOutput(out, OutputOptions{Budget: 4 << 10, Inline: true})
	before := inlineWrites.Load()
	const peers, sends, size = 8, 50, 16
	var wg sync.WaitGroup
	for range peers {
		c := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv))})
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range sends {
				c.Send(PeerAll, []byte("0123456789abcdef"))
				time.Sleep(time.Millisecond) // let the queue run dry now and then
			}
		}()
	}
	wg.Wait()
	testkit.Eventually(t, "all echoed", func() bool { return srv.Counters().BytesOut == peers*sends*size })
	// Then one peer at a time, each chunk sent once the output has the last
	// one and its echo: the queue runs dry, and readers write inline.
	c := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv))})
	const more = 20
	for i := range more {
		c.Send(PeerAll, []byte("0123456789abcdef"))
		want := (peers*sends + i + 1) * size
		testkit.Eventually(t, "the output has the chunk and its echo", func() bool {
			out.mu.Lock()
			defer out.mu.Unlock()
			return out.in == want && out.out == want
		})
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if !increasing(out.seqs) {
		t.Fatalf("entries reached the output out of the log's order")
	}
	if total := (peers*sends + more) * size; out.in != total || out.out != total {
		t.Fatalf("output saw %d in, %d out; want %d each", out.in, out.out, total)
	}
	if n := out.overlaps.Load(); n != 0 {
		t.Fatalf("the output was called %d times while another call ran", n)
	}
	if inlineWrites.Load() == before {
		t.Fatalf("no reader wrote inline; the test proves nothing")
	}
	if !out.flushedAll() {
		t.Fatalf("Close left entries unflushed")
	}
}

// A stream through an inline output arrives whole and in order, and a
// pause in the traffic flushes the output without waiting for Close.
func TestInlineOutputStreamAndPauseFlush(t *testing.T) {
	testkit.Need(t, "socat")
	testkit.NoLeaks(t)
	const size = 8 << 20
	path, want := randomFile(t, size)
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), ReadBuffer: 2 << 20})
	out := newExclusiveOutput()
	h := srv.AddOutput(out, OutputOptions{Name: "file", Inline: true})
	before := inlineWrites.Load()
	proc(t, "socat", "-u", "OPEN:"+path, "TCP:"+srv.Addr().String())
	testkit.Eventually(t, "the peer's close reaches the output", func() bool {
		out.mu.Lock()
		defer out.mu.Unlock()
		return out.closed == 1
	})
	testkit.Eventually(t, "a flush once the traffic paused", out.flushedAll)
	out.mu.Lock()
	got, n := out.h.Sum(nil), out.in
	out.mu.Unlock()
	if n != size || string(got) != string(want) {
		t.Fatalf("output saw %d of %d bytes, hash match %v", n, size, string(got) == string(want))
	}
	if inlineWrites.Load() == before {
		t.Fatalf("no chunk was written inline")
	}
	if n := out.overlaps.Load(); n != 0 {
		t.Fatalf("the output was called %d times while another call ran", n)
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
}
