package sessions

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/sockplay/sockplay/netcore/framing"
)

// BenchmarkServerReceive: one TCP peer streams into a server session that
// logs every chunk (default 64 MiB log). Compare with the ≈3.5–4 GB/s a bare
// Go sender/receiver pair moves here (shared/notes/network.md).
func BenchmarkServerReceive(b *testing.B) {
	srv, c := benchPeer(b, ReplyNone)
	chunk := make([]byte, 256<<10)
	b.SetBytes(int64(len(chunk)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Write(chunk); err != nil {
			b.Fatal(err)
		}
	}
	want := uint64(b.N) * uint64(len(chunk))
	for srv.Counters().BytesIn < want {
		time.Sleep(time.Millisecond)
	}
}

// BenchmarkEchoRoundTrip: one small request and its echo, client session to
// server session, both logging.
func BenchmarkEchoRoundTrip(b *testing.B) {
	_, c := benchPeer(b, ReplyEcho)
	msg := []byte("ping 0123456789\n")
	got := make([]byte, len(msg))
	b.ReportAllocs()
	for b.Loop() {
		c.Write(msg)
		if _, err := io.ReadFull(c, got); err != nil {
			b.Fatal(err)
		}
	}
}

// benchPeer starts a TCP server session with reply and connects a plain
// socket to it; both close when the benchmark ends.
func benchPeer(b *testing.B, reply ReplyMode) (*Session, net.Conn) {
	return benchPeerWith(b, Config{Reply: reply})
}

// benchPeerBudget is benchPeer with no reply and a view of budget bytes.
func benchPeerBudget(b *testing.B, budget int64) (*Session, net.Conn) {
	return benchPeerWith(b, Config{LogBudget: budget})
}

func benchPeerWith(b *testing.B, cfg Config) (*Session, net.Conn) {
	ep, err := parseEP("tcp://127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	cfg.Role, cfg.Endpoint = Server, ep
	srv, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Start(b.Context()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	c, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	return srv, c
}

// BenchmarkServeMessages: back-to-back 64-byte len:2:be frames into a
// server session that decodes and counts them, the command line's way
// (view of sizes only), per frame; bench/messages.sh measures the same
// through `sockplay serve` against a python3 decoder.
func BenchmarkServeMessages(b *testing.B) {
	spec, err := framing.Parse("len:2:be")
	if err != nil {
		b.Fatal(err)
	}
	srv, c := benchPeerWith(b, Config{Framing: spec, LogSizesOnly: true, LogBudget: 4 << 20})
	const frames = 4096 // one 256 KiB write
	var block []byte
	for i := 0; i < frames; i++ {
		block, _ = spec.Encode(block, make([]byte, 62))
	}
	b.SetBytes(64)
	b.ReportAllocs()
	b.ResetTimer()
	for sent := 0; sent < b.N; sent += frames {
		n := min(frames, b.N-sent)
		if _, err := c.Write(block[:n*64]); err != nil {
			b.Fatal(err)
		}
	}
	for srv.Counters().MessagesIn < uint64(b.N) {
		time.Sleep(100 * time.Microsecond)
	}
}
