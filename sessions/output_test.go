package sessions

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"hash"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
)

// hashOutput is a slow output: it pauses before its first entry, then
// hashes every byte that came in.
type hashOutput struct {
	pause   time.Duration
	mu      sync.Mutex
	h       hash.Hash
	n       int64
	closed  int
	flushes int
	started bool
}

func newHashOutput(pause time.Duration) *hashOutput {
	return &hashOutput{pause: pause, h: sha256.New()}
}

func (o *hashOutput) WriteEntry(e Entry) error {
	if !o.started {
		o.started = true
		time.Sleep(o.pause)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	switch e.Kind {
	case KindDataIn:
		o.h.Write(e.Data)
		o.n += int64(len(e.Data))
	case KindClosed:
		o.closed++
	}
	return nil
}

func (o *hashOutput) Flush() error { o.flushes++; return nil }

func (o *hashOutput) sum() ([]byte, int64, int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.h.Sum(nil), o.n, o.closed
}

func randomFile(t *testing.T, size int) (string, []byte) {
	t.Helper()
	b := make([]byte, size)
	rand.Read(b)
	path := filepath.Join(testkit.TempDir(t), "data.bin")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return path, sum[:]
}

// A slow output gets every byte of a stream that overflows the view many
// times, in order, while the memory waiting for it stays within its budget
// plus one read: the session stopped reading instead (socat sends into a
// closed TCP window meanwhile).
func TestOutputGetsEveryByteWhileTheViewDrops(t *testing.T) {
	testkit.Need(t, "socat")
	testkit.NoLeaks(t)
	const size = 40 << 20
	path, want := randomFile(t, size)
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), LogBudget: 256 << 10})
	out := newHashOutput(1500 * time.Millisecond)
	h := srv.AddOutput(out, OutputOptions{Name: "test"})
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	lent := lentChunks.Load()
	proc(t, "socat", "-u", "OPEN:"+path, "TCP:"+srv.Addr().String())
	testkit.Eventually(t, "the peer's close reaches the output", func() bool {
		_, _, closed := out.sum()
		return closed == 1
	})
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	got, n, _ := out.sum()
	if n != size || string(got) != string(want) {
		t.Fatalf("output saw %d of %d bytes, hash match %v", n, size, string(got) == string(want))
	}
	if db, _ := srv.Log().DroppedTotal(); db == 0 {
		t.Fatalf("the view dropped nothing; the test proves nothing")
	}
	st := h.Stats()
	if limit := int64(DefaultOutputBudget + DefaultReadBuffer + 4*entryOverhead); st.PeakQueued > limit {
		t.Fatalf("peak queued %d bytes, more than budget and one read (%d)", st.PeakQueued, limit)
	}
	if st.Waits == 0 {
		t.Fatalf("the reader never waited for the slow output: %+v", st)
	}
	if lentChunks.Load() == lent {
		t.Errorf("the only output copied every chunk instead of keeping the reader's full buffers")
	}
	t.Logf("40 MiB through an output that paused 1.5 s: peak queued %.1f MiB, reader waited %d times for %v; heap in use %.1f -> %.1f MiB",
		float64(st.PeakQueued)/(1<<20), st.Waits, st.Waited.Round(time.Millisecond),
		float64(before.HeapInuse)/(1<<20), float64(after.HeapInuse)/(1<<20))
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
}

// failingOutput fails at its n-th entry.
type failingOutput struct {
	n, seen int
}

var errDiskFull = errors.New("no space left on device")

func (o *failingOutput) WriteEntry(Entry) error {
	o.seen++
	if o.seen >= o.n {
		return errDiskFull
	}
	return nil
}

func (o *failingOutput) Flush() error { return nil }

// An output that fails stops alone: the session goes on, says why once,
// and nobody waits on the dead output.
func TestFailedOutputStopsAlone(t *testing.T) {
	testkit.NoLeaks(t)
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), Reply: ReplyEcho})
	h := srv.AddOutput(&failingOutput{n: 3}, OutputOptions{Name: "recording", Budget: 1})
	cli := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv))})
	for i := 0; i < 20; i++ {
		if err := cli.Send(PeerAll, []byte("ping")); err != nil {
			t.Fatal(err)
		}
	}
	waitLog(t, cli, "every echo", gotIn(string(repeatBytes("ping", 20))))
	<-h.Done()
	if err := h.Err(); !errors.Is(err, errDiskFull) || err.Error() != "recording: no space left on device" {
		t.Fatalf("handle error %v", err)
	}
	es := waitLog(t, srv, "the stop logged", func(es []Entry) bool {
		for _, e := range es {
			if e.Note == NoteOutputStopped {
				return true
			}
		}
		return false
	})
	n := 0
	for _, e := range es {
		if e.Note == NoteOutputStopped {
			n++
			if !errors.Is(e.Err, errDiskFull) {
				t.Fatalf("entry %+v", e)
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d stop entries:\n%s", n, dump(es))
	}
}

// flushFailingOutput writes entries but fails to flush them: a disk that
// fills when the buffer reaches it.
type flushFailingOutput struct{}

func (flushFailingOutput) WriteEntry(Entry) error { return nil }
func (flushFailingOutput) Flush() error           { return errDiskFull }

// An output whose Flush fails while the session is quiet ends there: its
// Done closes without waiting for more traffic or Close (a recording whose
// last write found the disk full showed as running until stopped).
func TestOutputFailingAtIdleFlushEnds(t *testing.T) {
	testkit.NoLeaks(t)
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), Reply: ReplyEcho})
	h := srv.AddOutput(flushFailingOutput{}, OutputOptions{Name: "recording"})
	srv.emit(Entry{Kind: KindInfo, Text: "one entry, then quiet"})
	select {
	case <-h.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the output did not end after its Flush failed")
	}
	if err := h.Err(); !errors.Is(err, errDiskFull) {
		t.Fatalf("handle error %v", err)
	}
}

func repeatBytes(s string, n int) []byte {
	var b []byte
	for range n {
		b = append(b, s...)
	}
	return b
}

// Close waits for an output to write everything it was handed, and an
// output attached before Start sees the session from its first entry.
func TestCloseDrainsOutputs(t *testing.T) {
	testkit.NoLeaks(t)
	s, err := New(Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0")})
	if err != nil {
		t.Fatal(err)
	}
	out := &recordOutput{delay: 20 * time.Millisecond}
	s.AddOutput(out, OutputOptions{})
	if err := s.Start(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	cli := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(s))})
	cli.Send(PeerAll, []byte("hello"))
	waitLog(t, s, "data", gotIn("hello"))
	s.Close()
	kinds := out.kinds()
	if len(kinds) < 4 || kinds[0] != KindListening || kinds[len(kinds)-1] != KindInfo {
		t.Fatalf("output saw %v", kinds)
	}
	if seqs := out.seqs(); !increasing(seqs) {
		t.Fatalf("seqs out of order: %v", seqs)
	}
}

type recordOutput struct {
	delay time.Duration
	mu    sync.Mutex
	es    []Entry
}

func (o *recordOutput) WriteEntry(e Entry) error {
	time.Sleep(o.delay)
	e.Data = append([]byte(nil), e.Data...)
	o.mu.Lock()
	o.es = append(o.es, e)
	o.mu.Unlock()
	return nil
}

func (o *recordOutput) Flush() error { return nil }

func (o *recordOutput) kinds() []EntryKind {
	o.mu.Lock()
	defer o.mu.Unlock()
	var k []EntryKind
	for _, e := range o.es {
		k = append(k, e.Kind)
	}
	return k
}

func (o *recordOutput) seqs() []uint64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	var s []uint64
	for _, e := range o.es {
		s = append(s, e.Seq)
	}
	return s
}

func increasing(s []uint64) bool {
	for i := 1; i < len(s); i++ {
		if s[i] <= s[i-1] {
			return false
		}
	}
	return true
}

// Many peers writing at once reach an output in one order, the log's.
func TestOutputOrderMatchesTheLog(t *testing.T) {
	testkit.NoLeaks(t)
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), Reply: ReplyEcho})
	out := &recordOutput{}
	h := srv.AddOutput(out, OutputOptions{Budget: 4 << 10})
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		c := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv))})
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				c.Send(PeerAll, []byte("0123456789abcdef"))
			}
		}()
	}
	wg.Wait()
	testkit.Eventually(t, "all echoed", func() bool { return srv.Counters().BytesOut == 8*50*16 })
	h.Close()
	seqs := out.seqs()
	if !increasing(seqs) {
		t.Fatalf("out of order")
	}
	var in, outB int
	out.mu.Lock()
	for _, e := range out.es {
		switch e.Kind {
		case KindDataIn:
			in += len(e.Data)
		case KindDataOut:
			outB += len(e.Data)
		}
	}
	out.mu.Unlock()
	if in != 8*50*16 || outB != 8*50*16 {
		t.Fatalf("output saw %d in, %d out", in, outB)
	}
}
