package pcap

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net/netip"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Hostile files: what reading holds stays bounded, whatever the file
// claims, and the capture says what it did not keep.

// streamPcap writes a pcap of raw IP packets made by next (until it
// returns nil) into a pipe, so a test reads a file far larger than it
// ever holds.
func streamPcap(next func(i int, b []byte) []byte) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		bw := bytes.NewBuffer(nil)
		w := newTestPcapWith(bw, rdLinkRaw, binary.LittleEndian, false, 65535)
		buf := make([]byte, 0, 70000)
		for i := 0; ; i++ {
			p := next(i, buf)
			if p == nil {
				break
			}
			w.add(t0.Add(time.Duration(i)*time.Microsecond), p, len(p))
			if bw.Len() > 1<<20 {
				if _, err := pw.Write(bw.Bytes()); err != nil {
					return
				}
				bw.Reset()
			}
		}
		pw.Write(bw.Bytes())
		pw.Close()
	}()
	return pr
}

// heapAfter is the live heap once c has been read (c still referenced).
func heapAfter(c *Capture) uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	runtime.KeepAlive(c)
	return m.HeapAlloc
}

func baseHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// A million tiny streams (a SYN each, to a new port): the table stops at
// MaxConversations, counts the rest, and says so.
func TestMillionTinyStreams(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 200_000
	}
	before := baseHeap()
	srv := netip.MustParseAddrPort("10.0.0.1:80")
	r := streamPcap(func(i int, b []byte) []byte {
		if i == n {
			return nil
		}
		src := netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 1, byte(i >> 16), byte(i >> 8)}), uint16(i)|1)
		return rawTCP(b, src, srv, uint32(i), 0, tcpSYN, nil)
	})
	c, err := Read(context.Background(), r, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Packets != n || len(c.Conversations) != DefaultMaxConversations {
		t.Errorf("%d packets, %d conversations", c.Packets, len(c.Conversations))
	}
	if len(c.Notes) != 1 || !strings.Contains(c.Notes[0], "more conversations than the 100000 read") {
		t.Errorf("notes %q", c.Notes)
	}
	held := heapAfter(c) - before
	t.Logf("%d streams: %d conversations kept in %.1f MiB", n, len(c.Conversations), float64(held)/(1<<20))
	if held > 160<<20 {
		t.Errorf("holds %d MiB", held>>20)
	}
}

// A stream that never ends keeps MaxStreamBytes of it, counts the rest,
// and its chunks stop there; many streams stop at MaxTotalBytes.
func TestEndlessStream(t *testing.T) {
	const seg = 60000
	total := 4500 * seg // 257 MiB
	if testing.Short() {
		total = 1100 * seg
	}
	before := baseHeap()
	cli, srv := netip.MustParseAddrPort("10.0.0.2:40000"), netip.MustParseAddrPort("10.0.0.1:80")
	payload := bytes.Repeat([]byte("x"), seg)
	r := streamPcap(func(i int, b []byte) []byte {
		switch {
		case i == 0:
			return rawTCP(b, cli, srv, 0, 0, tcpSYN, nil)
		case (i-1)*seg >= total:
			return nil
		}
		return rawTCP(b, cli, srv, uint32(1+(i-1)*seg), 0, tcpACK, payload)
	})
	opt := Options{MaxStreamBytes: 8 << 20}
	c, err := Read(context.Background(), r, opt)
	if err != nil {
		t.Fatal(err)
	}
	cv := c.Conversations[0]
	kept := int64(len(joined(cv)[0]))
	if cv.Bytes[0] != int64(total) || kept > opt.MaxStreamBytes || kept < opt.MaxStreamBytes/2 || cv.Dropped[0] != cv.Bytes[0]-kept {
		t.Errorf("bytes %d, kept %d, dropped %d", cv.Bytes[0], kept, cv.Dropped[0])
	}
	if len(c.Notes) != 1 || !strings.Contains(c.Notes[0], "1 conversation holds more payload than is kept (8 MiB a conversation, 512 MiB in all)") {
		t.Errorf("notes %q", c.Notes)
	}
	checkCounts(t, cv)
	held := heapAfter(c) - before
	t.Logf("a %d MiB stream: %d MiB kept, %.1f MiB held", total>>20, kept>>20, float64(held)/(1<<20))
	if held > 24<<20 {
		t.Errorf("holds %d MiB", held>>20)
	}
}

// Many conversations reach MaxTotalBytes together: the capture stops
// keeping payload there, conversation by conversation.
func TestTotalLimit(t *testing.T) {
	var b bytes.Buffer
	w := newTestPcapWith(&b, rdLinkRaw, binary.LittleEndian, true, 65535)
	srv := netip.MustParseAddrPort("10.0.0.1:80")
	buf := make([]byte, 0, 2000)
	for i := range 100 {
		cli := netip.AddrPortFrom(netip.MustParseAddr("10.0.0.2"), uint16(1000+i))
		p := rawTCP(buf, cli, srv, 0, 0, tcpSYN, nil)
		w.add(t0, p, len(p))
		p = rawTCP(buf, cli, srv, 1, 0, tcpACK, bytes.Repeat([]byte{byte(i)}, 1000))
		w.add(t0, p, len(p))
	}
	opt := Options{MaxTotalBytes: 50 * (1000 + chunkCost)}
	c, err := readBytes(b.Bytes(), opt)
	if err != nil {
		t.Fatal(err)
	}
	var kept, capped int
	for _, cv := range c.Conversations {
		kept += len(joined(cv)[0])
		if cv.Dropped[0] > 0 {
			capped++
		}
		checkCounts(t, cv)
	}
	if kept != 50*1000 || capped != 50 || len(c.Conversations) != 100 {
		t.Errorf("kept %d bytes, %d conversations capped of %d", kept, capped, len(c.Conversations))
	}
}

// A hole that is never filled: the direction holds at most MaxOutOfOrder
// bytes (or maxHeld segments) after it before declaring it a gap.
func TestOutOfOrderBound(t *testing.T) {
	for _, tt := range []struct {
		name  string
		seg   int
		opt   Options
		limit int64
	}{
		{"bytes", 1000, Options{MaxOutOfOrder: 64 << 10}, 64 << 10},
		{"segments", 1, Options{}, maxHeld},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			w := newTestPcapWith(&b, rdLinkRaw, binary.LittleEndian, true, 65535)
			cli, srv := netip.MustParseAddrPort("10.0.0.2:40000"), netip.MustParseAddrPort("10.0.0.1:80")
			buf := make([]byte, 0, 2000)
			p := rawTCP(buf, cli, srv, 0, 0, tcpSYN, nil)
			w.add(t0, p, len(p))
			n := 5000
			for i := range n { // offset 0..seg is never captured
				p = rawTCP(buf, cli, srv, uint32(1+tt.seg*(i+1)), 0, 0, bytes.Repeat([]byte{'y'}, tt.seg))
				w.add(t0, p, len(p))
			}
			c, err := readBytes(b.Bytes(), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			cv := c.Conversations[0]
			if len(cv.Chunks) == 0 || cv.Chunks[0].Gap != int64(tt.seg) || cv.Missing[0] != int64(tt.seg) || cv.Bytes[0] != int64(n*tt.seg) {
				t.Fatalf("first chunk %+v, missing %v, bytes %v", cv.Chunks[0], cv.Missing, cv.Bytes)
			}
			// The gap was declared when the limit was passed, not at the end:
			// the first chunk came from a packet well before the last.
			if last := cv.Chunks[0].Frame; int64(last) > tt.limit/int64(tt.seg)+3 {
				t.Errorf("the gap waited until packet %d", last)
			}
			checkCounts(t, cv)
		})
	}
}

// A record or block that claims gigabytes is refused before anything is
// allocated for it; a gigantic snap length is no allocation at all.
func TestGiganticLengthsAllocateNothing(t *testing.T) {
	var p bytes.Buffer
	newTestPcapWith(&p, 1, binary.LittleEndian, false, 0xffffffff)
	p.Write([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0xf0, 0xff, 0xff, 0x7f, 0xf0, 0xff, 0xff, 0x7f})
	ng := &ngFile{order: binary.LittleEndian}
	ng.section()
	ng.iface(1)
	body := binary.LittleEndian.AppendUint32(nil, 0)
	body = binary.LittleEndian.AppendUint64(body, 0)
	body = binary.LittleEndian.AppendUint32(body, 0x7ffffff0)
	body = binary.LittleEndian.AppendUint32(body, 0x7ffffff0)
	ng.b.Write(binary.LittleEndian.AppendUint32(nil, rdBlockEPB))
	ng.b.Write(binary.LittleEndian.AppendUint32(nil, 0xfffffff0))
	ng.b.Write(body)
	for name, data := range map[string][]byte{"pcap": p.Bytes(), "pcapng": ng.b.Bytes()} {
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		_, err := readBytes(data, Options{})
		runtime.ReadMemStats(&m1)
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v", name, err)
		}
		if a := m1.TotalAlloc - m0.TotalAlloc; a > 1<<20 {
			t.Errorf("%s: allocated %d bytes", name, a)
		}
	}
}

// Reading stops when its context ends, with what it read so far.
func TestReadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c, err := Read(ctx, bytes.NewReader(synth(t, handshake(1, 2))), Options{})
	if !errors.Is(err, context.Canceled) || c == nil {
		t.Errorf("%v, %v", c, err)
	}
}
