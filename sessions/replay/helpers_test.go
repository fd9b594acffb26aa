package replay

import (
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore/pcap"
)

// The test protocol: a request and its answer are each a 2-byte
// big-endian length and that many bytes (framing len:2).
var answers = map[string]string{
	"hello":   "hi there",
	"temp?":   "21.5 C",
	"status?": "\x00\x01ok\xff",
	"bye":     "goodbye",
}

func frame(s string) string {
	var h [2]byte
	binary.BigEndian.PutUint16(h[:], uint16(len(s)))
	return string(h[:]) + s
}

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// conv builds a conversation from chunks; each chunk is 10 ms after the
// one before unless it says when.
func conv(proto string, chunks ...pcap.Chunk) pcap.Conversation {
	c := pcap.Conversation{ID: 0, Proto: proto,
		Client: netip.MustParseAddrPort("10.0.0.2:50000"), Server: netip.MustParseAddrPort("10.0.0.1:502")}
	at := t0
	for i, ch := range chunks {
		if ch.Time.IsZero() {
			at = at.Add(10 * time.Millisecond)
			ch.Time = at
		} else {
			at = ch.Time
		}
		chunks[i] = ch
	}
	c.Chunks = chunks
	return c
}

func cl(data string) pcap.Chunk { return pcap.Chunk{FromClient: true, Data: []byte(data)} }
func sv(data string) pcap.Chunk { return pcap.Chunk{Data: []byte(data)} }

func at(ch pcap.Chunk, d time.Duration) pcap.Chunk { ch.Time = t0.Add(d); return ch }

// exchange is the framed conversation of the test protocol: each
// request answered as answers says.
func exchange(proto string, reqs ...string) pcap.Conversation {
	var chunks []pcap.Chunk
	for _, r := range reqs {
		chunks = append(chunks, cl(frame(r)), sv(frame(answers[r])))
	}
	return conv(proto, chunks...)
}

// lenServer is a live server of the test protocol on 127.0.0.1: it
// answers each request from table (unknown requests: "?"), on every
// connection, until the test ends. It records when each request came.
type lenServer struct {
	addr string
	mu   sync.Mutex
	got  []time.Time
	reqs []string
}

func newLenServer(t *testing.T, table map[string]string) *lenServer {
	t.Helper()
	s := &lenServer{}
	s.addr = testkit.ServeTCP(t, func(c net.Conn) {
		for {
			b, err := testkit.ReadFrame16(c)
			if err != nil {
				return
			}
			s.mu.Lock()
			s.got = append(s.got, time.Now())
			s.reqs = append(s.reqs, string(b))
			s.mu.Unlock()
			a, ok := table[string(b)]
			if !ok {
				a = "?"
			}
			if _, err := c.Write([]byte(frame(a))); err != nil {
				return
			}
		}
	})
	return s
}

func (s *lenServer) times() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.got...)
}

// udpServer answers each datagram from table ("?" for unknown ones).
func udpServer(t *testing.T, table map[string]string) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { pc.Close(); <-done })
	go func() {
		defer close(done)
		buf := make([]byte, 65536)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				if errors.Is(err, net.ErrClosed) {
					return
				}
				continue
			}
			a, ok := table[string(buf[:n])]
			if !ok {
				a = "?"
			}
			pc.WriteTo([]byte(a), from)
		}
	}()
	return pc.LocalAddr().String()
}

// changed is answers with one answer changed.
func changed(req, answer string) map[string]string {
	m := map[string]string{}
	for k, v := range answers {
		m[k] = v
	}
	m[req] = answer
	return m
}
