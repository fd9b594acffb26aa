package ping

import (
	"encoding/binary"
	"net/netip"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// Payload layout. With 8 bytes or more, like iputils: the send time first
// (Unix nanoseconds, big-endian), then our token, then bytes counting up.
// Below 8 bytes the payload is as much of the token as fits, and the send
// time lives only in the pinger's table.
const (
	stampLen = 8
	tokenLen = 8
)

// token is random per pinger: what tells our replies from other processes'.
type token [tokenLen]byte

// fillPayload writes a payload of len(b) bytes, all but the send time:
// the transport stamps that (stampPayload) right before its system call, so
// the RTT holds nothing of our own work.
func fillPayload(b []byte, tok token) {
	if len(b) < stampLen {
		copy(b, tok[:])
		return
	}
	n := copy(b[stampLen:], tok[:])
	for i := stampLen + n; i < len(b); i++ {
		b[i] = byte(i)
	}
}

// stampPayload writes the send time into a payload that has room for it.
func stampPayload(b []byte, t time.Time) {
	if len(b) >= stampLen {
		binary.BigEndian.PutUint64(b, uint64(t.UnixNano()))
	}
}

// checksum is the Internet checksum (RFC 1071) of an ICMPv4 message; for
// ICMPv6 the kernel computes it, as it must cover a pseudo-header.
func checksum(b []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return ^uint16(sum)
}

// echoRequest writes an echo request with payload into buf (grown as
// needed) and returns it; the checksum is left for finish.
func echoRequest(buf []byte, v6 bool, id, seq uint16, payload []byte) []byte {
	b := append(buf[:0], 8, 0, 0, 0, byte(id>>8), byte(id), byte(seq>>8), byte(seq))
	if v6 {
		b[0] = 128
	}
	return append(b, payload...)
}

// finishRequest stamps the send time and, for IPv4, the checksum.
func finishRequest(b []byte, v6 bool, now time.Time) {
	stampPayload(b[8:], now)
	if !v6 {
		b[2], b[3] = 0, 0
		binary.BigEndian.PutUint16(b[2:], checksum(b))
	}
}

// tokenSpan is where the token sits in a payload of size bytes.
func tokenSpan(size int) (from, to int) {
	if size < stampLen {
		return 0, size
	}
	return stampLen, min(size, stampLen+tokenLen)
}

type replyKind uint8

const (
	notOurs   replyKind = iota // someone else's packet, our own request, or garbage
	echoReply                  // an echo reply to one of our probes
	icmpError                  // an ICMP error quoting one of our probes
)

// reply is what matcher.parse found in one ICMP message.
type reply struct {
	kind     replyKind
	seq      uint16
	stamp    int64 // payload send time (Unix ns); valid when hasStamp
	hasStamp bool
	bytes    int    // ICMP length, header included
	text     string // icmpError: iputils' description
}

// matcher holds what identifies our probes in what a socket receives.
type matcher struct {
	v6    bool
	raw   bool   // check the echo ID; on datagram sockets the kernel rewrites it and filters for us
	id    uint16 // echo ID we send (raw sockets)
	tok   token
	size  int        // payload bytes we send; a reply must echo exactly that many
	dst   netip.Addr // the target: an ICMP error must quote a probe to it
	proto int        // 1 or 58, for icmp.ParseMessage
}

func newMatcher(dst netip.Addr, raw bool, id uint16, tok token, size int) *matcher {
	m := &matcher{v6: dst.Is6(), raw: raw, id: id, tok: tok, size: size, dst: dst, proto: 1}
	if m.v6 {
		m.proto = 58
	}
	return m
}

// parse classifies one ICMP message (no IP header). It never panics on
// hostile input: every length is checked (FuzzParseReply).
func (m *matcher) parse(b []byte) reply {
	msg, err := icmp.ParseMessage(m.proto, b)
	if err != nil {
		return reply{}
	}
	typ := icmpType(msg.Type)
	switch {
	case !m.v6 && typ == 0, m.v6 && typ == 129: // echo reply
		e, ok := msg.Body.(*icmp.Echo)
		if !ok || m.raw && uint16(e.ID) != m.id || len(e.Data) != m.size || !m.tokenOK(e.Data) {
			return reply{}
		}
		r := reply{kind: echoReply, seq: uint16(e.Seq), bytes: len(b)}
		if m.size >= stampLen {
			r.stamp, r.hasStamp = int64(binary.BigEndian.Uint64(e.Data)), true
		}
		return r
	case !m.v6 && (typ == 3 || typ == 11 || typ == 12), m.v6 && typ >= 1 && typ <= 4:
		var quoted []byte
		mtu := 0
		switch body := msg.Body.(type) {
		case *icmp.DstUnreach:
			quoted = body.Data
			if !m.v6 && len(b) >= 8 {
				mtu = int(binary.BigEndian.Uint16(b[6:8]))
			}
		case *icmp.TimeExceeded:
			quoted = body.Data
		case *icmp.ParamProb:
			quoted = body.Data
		case *icmp.PacketTooBig:
			quoted, mtu = body.Data, body.MTU
		default:
			return reply{}
		}
		seq, ok := m.quotedProbe(quoted)
		if !ok {
			return reply{}
		}
		r := reply{kind: icmpError, seq: seq, bytes: len(b)}
		if m.v6 {
			r.text = errorText6(typ, msg.Code, mtu)
		} else {
			r.text = errorText4(typ, msg.Code, mtu)
		}
		return r
	}
	return reply{}
}

// tokenOK checks the token bytes in a payload of m.size bytes.
func (m *matcher) tokenOK(data []byte) bool {
	from, to := tokenSpan(m.size)
	if len(data) < to {
		return false
	}
	for i := from; i < to; i++ {
		if data[i] != m.tok[i-from] {
			return false
		}
	}
	return true
}

// quotedProbe finds our echo request in the packet an ICMP error quotes: the
// original IP header, then at least 8 bytes of ICMP. Token bytes are checked
// as far as the router quoted them.
func (m *matcher) quotedProbe(q []byte) (seq uint16, ok bool) {
	var icmpPart []byte
	if m.v6 {
		if len(q) < 40+8 || q[0]>>4 != 6 || q[6] != 58 {
			return 0, false
		}
		if dst, _ := netip.AddrFromSlice(q[24:40]); dst != m.dst.WithZone("") {
			return 0, false
		}
		icmpPart = q[40:]
		if icmpPart[0] != 128 {
			return 0, false
		}
	} else {
		if len(q) < 20 || q[0]>>4 != 4 {
			return 0, false
		}
		hl := int(q[0]&0x0f) * 4
		if hl < 20 || len(q) < hl+8 || q[9] != 1 {
			return 0, false
		}
		if dst, _ := netip.AddrFromSlice(q[16:20]); dst != m.dst {
			return 0, false
		}
		icmpPart = q[hl:]
		if icmpPart[0] != 8 {
			return 0, false
		}
	}
	if m.raw && binary.BigEndian.Uint16(icmpPart[4:6]) != m.id {
		return 0, false
	}
	data := icmpPart[8:]
	from, to := tokenSpan(m.size)
	for i := from; i < to && i < len(data); i++ {
		if data[i] != m.tok[i-from] {
			return 0, false
		}
	}
	return binary.BigEndian.Uint16(icmpPart[6:8]), true
}

// icmpType turns x/net's ipv4.ICMPType or ipv6.ICMPType into its number.
func icmpType(t icmp.Type) int {
	switch v := t.(type) {
	case ipv4.ICMPType:
		return int(v)
	case ipv6.ICMPType:
		return int(v)
	}
	return -1
}
