package sessions

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore/framing"
)

// pySender connects to the port in argv[1], sends argv[2] random bytes
// (lines of them, so a line framing has messages), closes, and prints
// their sha256.
const pySender = `
import hashlib, os, socket, sys
n = int(sys.argv[2])
data = bytearray(os.urandom(n))
for i in range(100, n, 100):
    data[i] = 10
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(data)
s.close()
print(hashlib.sha256(data).hexdigest(), flush=True)
`

// A quiet server drops what a peer sends in the kernel only when nothing
// looks at the bytes; python3's bytes are counted and logged to the byte
// either way, and whatever looks at them gets them all.
func TestQuietStreamDropsBytesOnlyWhenNobodyLooks(t *testing.T) {
	if !discardSupported {
		t.Skip("bytes are always read on this system")
	}
	const size = 8<<20 + 4321
	lines, err := framing.Parse("line")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		sizesOnly bool
		output    bool
		framing   framing.Spec
		discard   bool
	}{
		{name: "sizes only, nothing looks", sizesOnly: true, discard: true},
		{name: "an output wants the bytes", sizesOnly: true, output: true},
		{name: "line framing", sizesOnly: true, framing: lines},
		{name: "the log keeps bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), LogSizesOnly: tt.sizesOnly, Framing: tt.framing})
			col := &dataCollector{kind: KindDataIn}
			var h *OutputHandle
			if tt.output {
				h = srv.AddOutput(col, OutputOptions{Name: "collector"})
			}
			before := discardReads.Load()
			port := strconv.Itoa(srv.Addr().(*net.TCPAddr).Port)
			py := testkit.StartPython(t, "", pySender, port, strconv.Itoa(size))
			sum := py.Next(t, "the sha256 it sent")
			waitLog(t, srv, "the peer's close", func(es []Entry) bool { return count(es, KindClosed) == 1 })
			if c := srv.Counters(); c.BytesIn != size {
				t.Errorf("counted %d bytes in, want %d", c.BytesIn, size)
			}
			if n := loggedBytes(srv, KindDataIn); n != size {
				t.Errorf("the log holds %d bytes in, want %d", n, size)
			}
			if dropped := discardReads.Load() > before; dropped != tt.discard {
				t.Errorf("dropped in the kernel: %v, want %v", dropped, tt.discard)
			}
			if !hasText(entries(srv.Log()), KindClosed, "peer closed") {
				t.Errorf("the close does not say the peer closed:\n%s", dump(entries(srv.Log())))
			}
			if tt.output {
				if err := h.Close(); err != nil {
					t.Fatal(err)
				}
				got := sha256.Sum256(col.bytes())
				if h := hex.EncodeToString(got[:]); h != sum {
					t.Errorf("the output got %d bytes with sha256 %s, python3 sent %s", len(col.bytes()), h, sum)
				}
			}
		})
	}
}

// An output added while bytes are being dropped gets every byte sent after
// it was added; the counters hold all of them.
func TestQuietStreamOutputAddedMidway(t *testing.T) {
	if !discardSupported {
		t.Skip("bytes are always read on this system")
	}
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), LogSizesOnly: true})
	c, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	first := bytes.Repeat([]byte("dropped "), 64<<10)
	before := discardReads.Load()
	if _, err := c.Write(first); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, "the first bytes counted", func() bool { return srv.Counters().BytesIn == uint64(len(first)) })
	if discardReads.Load() == before {
		t.Fatal("the first bytes were read, not dropped")
	}
	col := &dataCollector{kind: KindDataIn}
	h := srv.AddOutput(col, OutputOptions{Name: "collector"})
	second := []byte("kept: every one of these bytes reaches the output added before they were sent\n")
	if _, err := c.Write(second); err != nil {
		t.Fatal(err)
	}
	want := uint64(len(first) + len(second))
	testkit.Eventually(t, "all bytes counted", func() bool { return srv.Counters().BytesIn == want })
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if got := col.bytes(); !bytes.Equal(got, second) {
		t.Errorf("the output got %q, want %q", got, second)
	}
}

// A server that answers reads what it answers: echo sends every byte back.
func TestQuietStreamEchoReads(t *testing.T) {
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), LogSizesOnly: true, Reply: ReplyEcho})
	c, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	before := discardReads.Load()
	msg := []byte("echo me, every byte\n")
	if _, err := c.Write(msg); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("echoed %q, %v; want %q", got, err, msg)
	}
	if discardReads.Load() != before {
		t.Error("bytes an echo answers were dropped")
	}
}

// Dropping bytes keeps what reading tells: the idle timeout and a reset.
func TestQuietStreamEnds(t *testing.T) {
	if !discardSupported {
		t.Skip("bytes are always read on this system")
	}
	tests := []struct {
		name, reason string
		idle         time.Duration
		reset        bool
	}{
		{name: "idle timeout", reason: "timed out", idle: 200 * time.Millisecond},
		{name: "reset", reason: "reset by peer", reset: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), LogSizesOnly: true, Options: netOptions{IdleTimeout: tt.idle}})
			c, err := net.Dial("tcp", srv.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			before := discardReads.Load()
			msg := []byte("twelve bytes")
			if _, err := c.Write(msg); err != nil {
				t.Fatal(err)
			}
			testkit.Eventually(t, "the bytes counted", func() bool { return srv.Counters().BytesIn == uint64(len(msg)) })
			if discardReads.Load() == before {
				t.Fatal("the bytes were read, not dropped")
			}
			if tt.reset {
				c.(*net.TCPConn).SetLinger(0)
				c.Close()
			}
			es := waitLog(t, srv, tt.reason, func(es []Entry) bool { return hasText(es, KindClosed, tt.reason) })
			if n := loggedBytes(srv, KindDataIn); n != int64(len(msg)) {
				t.Errorf("the log holds %d bytes in, want %d:\n%s", n, len(msg), dump(es))
			}
		})
	}
}

// For the discard path's own figure: go test -bench QuietStream ./sessions
func BenchmarkQuietStreamReceive(b *testing.B) {
	for _, sizesOnly := range []bool{false, true} {
		b.Run(fmt.Sprintf("dropped=%v", sizesOnly && discardSupported), func(b *testing.B) {
			srv, err := New(Config{Role: Server, Endpoint: ep(b, "tcp://127.0.0.1:0"), LogSizesOnly: sizesOnly, ReadBuffer: 2 << 20})
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			if err := srv.Start(b.Context()); err != nil {
				b.Fatal(err)
			}
			c, err := net.Dial("tcp", srv.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			buf := make([]byte, 1<<20)
			b.SetBytes(int64(len(buf)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := c.Write(buf); err != nil {
					b.Fatal(err)
				}
			}
			want := uint64(b.N * len(buf))
			for srv.Counters().BytesIn < want {
				time.Sleep(100 * time.Microsecond)
			}
		})
	}
}
