package ping

import (
	"encoding/binary"
	"net/netip"
	"testing"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// FuzzParseReply feeds arbitrary bytes to the matcher of every socket kind
// and payload size class: it must never panic, and whatever it accepts as
// ours must carry our token.
func FuzzParseReply(f *testing.F) {
	tok := token{1, 2, 3, 4, 5, 6, 7, 8}
	payload := make([]byte, DefaultSize)
	fillPayload(payload, tok)
	stampPayload(payload, time.Unix(0, 12345))
	for _, typ := range []icmp.Type{ipv4.ICMPTypeEchoReply, ipv6.ICMPTypeEchoReply, ipv4.ICMPTypeEcho} {
		b, _ := (&icmp.Message{Type: typ, Body: &icmp.Echo{ID: 7, Seq: 1, Data: payload}}).Marshal(nil)
		f.Add(b, uint8(0))
	}
	// A time exceeded quoting our request, as a router sends it.
	req, _ := (&icmp.Message{Type: ipv4.ICMPTypeEcho, Body: &icmp.Echo{ID: 7, Seq: 2, Data: payload}}).Marshal(nil)
	iph := make([]byte, 20)
	iph[0], iph[9] = 0x45, 1
	copy(iph[16:], []byte{10, 0, 0, 9})
	te, _ := (&icmp.Message{Type: ipv4.ICMPTypeTimeExceeded, Body: &icmp.TimeExceeded{Data: append(iph, req...)}}).Marshal(nil)
	f.Add(te, uint8(1))
	f.Add([]byte{}, uint8(2))
	f.Add([]byte{0, 0, 0, 0, 0, 7, 0, 1}, uint8(3))
	f.Fuzz(func(t *testing.T, b []byte, sel uint8) {
		dst := netip.MustParseAddr("10.0.0.9")
		if sel&1 != 0 {
			dst = netip.MustParseAddr("fd00::9")
		}
		sizes := []int{0, 3, 8, 12, DefaultSize}
		size := sizes[int(sel>>1)%len(sizes)]
		m := newMatcher(dst, sel&0x80 != 0, 7, tok, size)
		r := m.parse(b)
		switch r.kind {
		case echoReply:
			if len(b) != 8+size || r.bytes != len(b) || r.seq != binary.BigEndian.Uint16(b[6:8]) {
				t.Fatalf("accepted %x as reply %+v", b, r)
			}
			from, to := tokenSpan(size)
			for i := from; i < to; i++ {
				if b[8+i] != tok[i-from] {
					t.Fatalf("accepted %x without our token", b)
				}
			}
		case icmpError:
			if r.text == "" {
				t.Fatalf("error without text: %x", b)
			}
		}
	})
}

// TestParseReplyRejects covers what the matcher must drop.
func TestParseReplyRejects(t *testing.T) {
	tok := token{9, 9, 9, 9, 9, 9, 9, 9}
	other := token{1, 1, 1, 1, 1, 1, 1, 1}
	dst := netip.MustParseAddr("127.0.0.1")
	mk := func(typ icmp.Type, id int, size int, tk token) []byte {
		p := make([]byte, size)
		fillPayload(p, tk)
		b, _ := (&icmp.Message{Type: typ, Body: &icmp.Echo{ID: id, Seq: 5, Data: p}}).Marshal(nil)
		return b
	}
	tests := []struct {
		name string
		raw  bool
		b    []byte
		want replyKind
	}{
		{"ours, raw", true, mk(ipv4.ICMPTypeEchoReply, 7, 56, tok), echoReply},
		{"ours, datagram, id rewritten", false, mk(ipv4.ICMPTypeEchoReply, 999, 56, tok), echoReply},
		{"our own request on loopback", true, mk(ipv4.ICMPTypeEcho, 7, 56, tok), notOurs},
		{"another pinger's reply, same id", true, mk(ipv4.ICMPTypeEchoReply, 7, 56, other), notOurs},
		{"another id on raw", true, mk(ipv4.ICMPTypeEchoReply, 8, 56, tok), notOurs},
		{"wrong size", true, mk(ipv4.ICMPTypeEchoReply, 7, 40, tok), notOurs},
		{"truncated", true, mk(ipv4.ICMPTypeEchoReply, 7, 56, tok)[:30], notOurs},
		{"size 0 matches by seq and id", true, mk(ipv4.ICMPTypeEchoReply, 7, 0, tok), echoReply},
	}
	for _, tt := range tests {
		size := 56
		if tt.name == "size 0 matches by seq and id" {
			size = 0
		}
		m := newMatcher(dst, tt.raw, 7, tok, size)
		if r := m.parse(tt.b); r.kind != tt.want || r.kind == echoReply && r.seq != 5 {
			t.Errorf("%s: %+v, want kind %d", tt.name, r, tt.want)
		}
	}
}

// TestEchoRequestMatchesMarshal: our hand-built request is what x/net's
// Marshal builds, checksum included (loopback does not verify checksums,
// so the socket tests alone would not notice a wrong one).
func TestEchoRequestMatchesMarshal(t *testing.T) {
	tok := token{0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 0xff}
	for _, size := range []int{0, 1, 7, 8, 9, 56, 1001} {
		p := make([]byte, size)
		fillPayload(p, tok)
		now := time.Unix(1700000000, 123456789)
		b := echoRequest(nil, false, 0xbeef, 0x1234, p)
		finishRequest(b, false, now)
		stampPayload(p, now)
		want, _ := (&icmp.Message{Type: ipv4.ICMPTypeEcho, Body: &icmp.Echo{ID: 0xbeef, Seq: 0x1234, Data: p}}).Marshal(nil)
		if string(b) != string(want) {
			t.Errorf("size %d:\n got %x\nwant %x", size, b, want)
		}
		b6 := echoRequest(nil, true, 1, 2, p)
		finishRequest(b6, true, now)
		want6, _ := (&icmp.Message{Type: ipv6.ICMPTypeEchoRequest, Body: &icmp.Echo{ID: 1, Seq: 2, Data: p}}).Marshal(nil)
		if string(b6) != string(want6) {
			t.Errorf("v6 size %d:\n got %x\nwant %x", size, b6, want6)
		}
	}
}
