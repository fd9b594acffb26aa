package pcap

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"net/netip"
	"os"
	"runtime"
	"testing"
)

// fuzzOptions are small limits, so the fuzzer reaches them.
var fuzzOptions = Options{MaxPacket: 64 << 10, MaxConversations: 64, MaxStreamBytes: 64 << 10,
	MaxTotalBytes: 256 << 10, MaxOutOfOrder: 16 << 10}

// FuzzRead reads arbitrary bytes as a capture: no panic, an error that is
// a FormatError (or none), and a capture within the limits whose counts
// agree with its chunks. Seeds: the real captures in testdata, cut short
// and corrupted here and there.
func FuzzRead(f *testing.F) {
	for _, file := range realCaptures(f) {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		// Small seeds: the fuzzer mutates inputs about the size of its
		// seeds, and a few packets reach every path.
		b = b[:min(len(b), 6000)]
		f.Add(b)
		bad := append([]byte(nil), b...)
		for i := 40; i < len(bad); i += 397 {
			bad[i] ^= 0xff
		}
		f.Add(bad)
	}
	f.Add([]byte("\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\x14\x01\x00\x00"))
	f.Fuzz(func(t *testing.T, in []byte) {
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		c, err := Read(context.Background(), bytes.NewReader(in), fuzzOptions)
		runtime.ReadMemStats(&m1)
		// Whatever the lengths in the file say, reading allocates about
		// what the limits allow, not what the file claims.
		if a := m1.TotalAlloc - m0.TotalAlloc; a > 32<<20 {
			t.Fatalf("reading %d bytes allocated %d MiB", len(in), a>>20)
		}
		var fe *FormatError
		if err != nil && !errors.As(err, &fe) {
			t.Fatalf("%T %v is no FormatError", err, err)
		}
		if c == nil {
			if err == nil {
				t.Fatal("no capture and no error")
			}
			return
		}
		checkCapture(t, c, fuzzOptions)
	})
}

// checkCapture checks what every capture must be: conversations numbered
// from 0 each protocol, in order; within the limits; counts that agree
// with the chunks.
func checkCapture(t *testing.T, c *Capture, opt Options) {
	t.Helper()
	if len(c.Conversations) > opt.MaxConversations {
		t.Fatalf("%d conversations", len(c.Conversations))
	}
	next := map[string]int{}
	var total int64
	for _, cv := range c.Conversations {
		if cv.ID != next[cv.Proto] {
			t.Fatalf("%s after %d", cv.Name(), next[cv.Proto]-1)
		}
		next[cv.Proto]++
		var kept int64
		for _, ch := range cv.Chunks {
			kept += int64(len(ch.Data)) + chunkCost
			if ch.Gap < 0 || ch.Gap == 0 && ch.Data == nil {
				t.Fatalf("%s: chunk %+v", cv.Name(), ch)
			}
		}
		if kept > opt.MaxStreamBytes {
			t.Fatalf("%s keeps %d bytes", cv.Name(), kept)
		}
		total += kept
		checkCounts(t, cv)
	}
	if total > opt.MaxTotalBytes {
		t.Fatalf("the capture keeps %d bytes", total)
	}
}

// FuzzReassembly sends two streams of known bytes as segments the fuzzer
// chooses (where, how long, in what order, with which flags and
// acknowledgements, from which ISN), and checks what the reassembly makes
// of them: each chunk holds exactly the stream's bytes at its place after
// the gaps before it, so nothing is ever glued, duplicated or made up, and
// every captured byte is delivered or counted as retransmitted.
func FuzzReassembly(f *testing.F) {
	f.Add(uint32(1000), uint32(5000), []byte{0, 0, 0, 10, 0, 0, 1, 0, 5, 8, 0, 0, 0, 10, 6})
	f.Add(uint32(0xfffffff0), uint32(7), []byte{0, 0, 30, 20, 0, 0, 0, 0, 20, 1, 0, 0, 10, 10, 0, 1, 0, 0, 5, 30})
	f.Add(uint32(1), uint32(2), bytes.Repeat([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 30))
	f.Fuzz(func(t *testing.T, ci, si uint32, ops []byte) {
		cli, srv := netip.MustParseAddrPort("10.0.0.2:40000"), netip.MustParseAddrPort("10.0.0.1:80")
		ref := func(dir, off int) byte { return byte(off*7 + dir*131 + off>>8) }
		var b bytes.Buffer
		w := newTestPcapWith(&b, rdLinkRaw, binary.LittleEndian, true, 65535)
		buf := make([]byte, 0, 1<<16)
		add := func(p []byte) { w.add(t0, p, len(p)) }
		add(rawTCP(buf, cli, srv, ci, 0, tcpSYN, nil))
		add(rawTCP(buf, srv, cli, si, ci+1, tcpSYN|tcpACK, nil))
		var sent [2]int64 // captured payload bytes each way
		// Each op, 5 bytes: direction and flags, offset (2), length, ack.
		for ; len(ops) >= 5; ops = ops[5:] {
			dir := int(ops[0] & 1)
			flags := uint8(tcpACK)
			if ops[0]&2 != 0 {
				flags |= tcpFIN
			}
			if ops[0]&4 != 0 {
				flags &^= tcpACK
			}
			off := int(binary.BigEndian.Uint16(ops[1:3])) % 4096
			n := int(ops[3]) * 7
			ackOff := int(ops[4]) * 9
			payload := make([]byte, n)
			for i := range payload {
				payload[i] = ref(dir, off+i)
			}
			src, dst, isn, other := cli, srv, ci, si
			if dir == 1 {
				src, dst, isn, other = srv, cli, si, ci
			}
			add(rawTCP(buf, src, dst, isn+1+uint32(off), other+1+uint32(ackOff), flags, payload))
			sent[dir] += int64(n)
		}
		opt := Options{MaxOutOfOrder: 2048}
		c, err := readBytes(b.Bytes(), opt)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Conversations) != 1 {
			t.Fatalf("%d conversations", len(c.Conversations))
		}
		cv := c.Conversations[0]
		var pos [2]int
		for _, ch := range cv.Chunks {
			dir := 1
			if ch.FromClient {
				dir = 0
			}
			pos[dir] += int(ch.Gap)
			for i, x := range ch.Data {
				if want := ref(dir, pos[dir]+i); x != want {
					t.Fatalf("direction %d byte %d is %#x, the stream has %#x there", dir, pos[dir]+i, x, want)
				}
			}
			pos[dir] += len(ch.Data)
		}
		for dir := range 2 {
			if cv.Bytes[dir]+cv.Retransmitted[dir] != sent[dir] {
				t.Errorf("direction %d: %d delivered + %d retransmitted != %d captured", dir, cv.Bytes[dir], cv.Retransmitted[dir], sent[dir])
			}
		}
		checkCounts(t, cv)
	})
}
