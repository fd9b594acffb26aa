package pcap

// Packet synthesis: the IP and TCP/UDP headers of what a session read and
// wrote, built with gopacket's layers. The payload is not copied into
// gopacket's buffer: the headers are built alone (the block writer puts
// them and the payload into its file buffer), and the transport checksum over header and payload is summed here, eight
// bytes a step (gopacket's runs two bytes a step and wants the payload in
// its buffer; on a 1 GiB recording that was most of the recorder's time).
// TestHeadersMatchGopacket checks that every kind of packet comes out
// byte for byte as gopacket.SerializeLayers with FixLengths and
// ComputeChecksums makes it.

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"net"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// MSS is the most payload one synthesized TCP segment carries: what Linux
// uses on loopback (MTU 65536, less 20 bytes of IPv4 header, 20 of TCP
// and 12 of timestamps). An IPv4 packet of it is 65523 bytes and an IPv6
// payload 65503, both under the 65535 their length fields allow; a larger
// chunk is split into segments of this size, as the sender's TCP did.
const MSS = 65483

// The most one UDP datagram carries: 65535 less the IPv4 and UDP
// headers, or, over IPv6, less the UDP header alone (the IPv6 header is
// not counted in its length field). Real datagrams never exceed them; a
// larger unix datagram is written in parts (UDPFlow.Data).
const (
	MaxUDPPayload4 = 65507
	MaxUDPPayload6 = 65527
)

// maxUDPPayload is the limit for datagrams from src.
func maxUDPPayload(src *flowEnd) int {
	if src.ap.Addr().Is4() {
		return MaxUDPPayload4
	}
	return MaxUDPPayload6
}

// synthWindow is the window field of every segment after the handshake.
// With the window scale of 14 both SYNs announce, it offers about 1 GiB,
// so a large chunk never fills the window and Wireshark's analysis never
// calls a segment "window full".
const (
	synthWindow      = 65535
	synthWindowScale = 14
)

// synthTTL is the TTL (hop limit) of every synthesized packet, as Linux sends them.
const synthTTL = 64

// segFlag is a set of TCP flags.
type segFlag uint8

const (
	segFIN segFlag = 1 << iota
	segSYN
	segRST
	segPSH
	segACK
)

// flowEnd is one end of a flow, with its address in the form gopacket's
// layers want it (made once per flow, not per packet).
type flowEnd struct {
	ap netip.AddrPort
	ip net.IP
}

func newFlowEnd(ap netip.AddrPort) flowEnd {
	a := ap.Addr().WithZone("")
	return flowEnd{ap: netip.AddrPortFrom(a, ap.Port()), ip: net.IP(a.AsSlice())}
}

// headerBuilder builds headers into one reused gopacket buffer; what it
// returns is valid until its next call.
type headerBuilder struct {
	sb   gopacket.SerializeBuffer
	ip4  layers.IPv4
	ip6  layers.IPv6
	tcp  layers.TCP
	udp  layers.UDP
	opts []layers.TCPOption
}

func newHeaderBuilder() *headerBuilder {
	return &headerBuilder{sb: gopacket.NewSerializeBuffer()}
}

// synthSYNOptions are the options of both SYNs: the MSS and a window scale
// (as a NOP-padded option, the way Linux orders them).
var synthSYNOptions = []layers.TCPOption{
	{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{MSS >> 8, MSS & 0xff}},
	{OptionType: layers.TCPOptionKindNop},
	{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{synthWindowScale}},
}

// tcpHeaders returns the IP and TCP headers of a segment from src to dst
// carrying payload, its lengths and checksums computed for that payload.
func (b *headerBuilder) tcpHeaders(src, dst *flowEnd, ipID uint16, seq, ack uint32, fl segFlag, payload []byte) ([]byte, error) {
	h, sum, err := b.tcpHead(src, dst, ipID, seq, ack, fl, len(payload))
	if err != nil {
		return nil, err
	}
	sum.put(h, payload)
	return h, nil
}

// tcpHead is tcpHeaders for a payload of n bytes not summed yet: the
// transport checksum is left for sum.put, so that the writer sums the
// payload from its own copy, still in cache, instead of reading it twice
// from where the session put it.
func (b *headerBuilder) tcpHead(src, dst *flowEnd, ipID uint16, seq, ack uint32, fl segFlag, n int) ([]byte, l4Sum, error) {
	b.tcp = layers.TCP{
		SrcPort: layers.TCPPort(src.ap.Port()), DstPort: layers.TCPPort(dst.ap.Port()),
		Seq: seq, Ack: ack, Window: synthWindow,
		FIN: fl&segFIN != 0, SYN: fl&segSYN != 0, RST: fl&segRST != 0, PSH: fl&segPSH != 0, ACK: fl&segACK != 0,
	}
	if fl&segSYN != 0 {
		b.tcp.Options = synthSYNOptions
	}
	if err := b.sb.Clear(); err != nil {
		return nil, l4Sum{}, err
	}
	if err := b.tcp.SerializeTo(b.sb, gopacket.SerializeOptions{FixLengths: true}); err != nil {
		return nil, l4Sum{}, fmt.Errorf("tcp header: %w", err)
	}
	return b.finish(src, dst, ipID, layers.IPProtocolTCP, len(b.sb.Bytes()), 16, n)
}

// udpHeaders returns the IP and UDP headers of a datagram carrying payload.
func (b *headerBuilder) udpHeaders(src, dst *flowEnd, ipID uint16, payload []byte) ([]byte, error) {
	if len(payload) > maxUDPPayload(src) {
		return nil, fmt.Errorf("udp payload of %d bytes: more than a datagram holds", len(payload))
	}
	b.udp = layers.UDP{SrcPort: layers.UDPPort(src.ap.Port()), DstPort: layers.UDPPort(dst.ap.Port()), Length: uint16(8 + len(payload))}
	if err := b.sb.Clear(); err != nil {
		return nil, err
	}
	if err := b.udp.SerializeTo(b.sb, gopacket.SerializeOptions{}); err != nil {
		return nil, fmt.Errorf("udp header: %w", err)
	}
	h, sum, err := b.finish(src, dst, ipID, layers.IPProtocolUDP, 8, 6, len(payload))
	if err != nil {
		return nil, err
	}
	sum.put(h, payload)
	return h, nil
}

// l4Sum is a transport checksum summed over the pseudo header and the
// transport header, still to be finished over the payload by put.
type l4Sum struct {
	sum uint64
	at  int // where the checksum goes in the headers
	udp bool
}

// put finishes the checksum over payload and writes it into head.
func (s l4Sum) put(head, payload []byte) {
	c := ^csumFold(csumAdd(s.sum, payload))
	if c == 0 && s.udp {
		c = 0xffff // a UDP checksum of zero means "none": its ones-complement twin is sent instead (RFC 768)
	}
	binary.BigEndian.PutUint16(head[s.at:], c)
}

// finish puts the IP header before the transport header already in the
// buffer, for a payload of n bytes, and sums what the transport checksum
// (at csumAt in the transport header) covers but the payload.
func (b *headerBuilder) finish(src, dst *flowEnd, ipID uint16, proto layers.IPProtocol, thLen, csumAt int, n int) ([]byte, l4Sum, error) {
	l4Len := thLen + n
	var ipLen int
	if src.ap.Addr().Is4() {
		b.ip4 = layers.IPv4{Version: 4, IHL: 5, Length: uint16(20 + l4Len), Id: ipID, TTL: synthTTL,
			Protocol: proto, SrcIP: src.ip, DstIP: dst.ip}
		if proto == layers.IPProtocolTCP {
			b.ip4.Flags = layers.IPv4DontFragment
		}
		if err := b.ip4.SerializeTo(b.sb, gopacket.SerializeOptions{ComputeChecksums: true}); err != nil {
			return nil, l4Sum{}, fmt.Errorf("ipv4 header: %w", err)
		}
		ipLen = 20
	} else {
		b.ip6 = layers.IPv6{Version: 6, Length: uint16(l4Len), NextHeader: proto, HopLimit: synthTTL, SrcIP: src.ip, DstIP: dst.ip}
		if err := b.ip6.SerializeTo(b.sb, gopacket.SerializeOptions{}); err != nil {
			return nil, l4Sum{}, fmt.Errorf("ipv6 header: %w", err)
		}
		ipLen = 40
	}
	h := b.sb.Bytes()
	th := h[ipLen:]
	th[csumAt], th[csumAt+1] = 0, 0
	sum := csumPseudo(src, dst, proto, l4Len)
	sum = csumAdd(sum, th) // even length, so the payload starts at an even offset
	return h, l4Sum{sum: sum, at: ipLen + csumAt, udp: proto == layers.IPProtocolUDP}, nil
}

// csumPseudo is the ones-complement sum of the pseudo header the
// TCP and UDP checksums cover (RFC 793, RFC 8200 section 8.1).
func csumPseudo(src, dst *flowEnd, proto layers.IPProtocol, l4Len int) uint64 {
	var ph [40]byte
	n := copy(ph[:], src.ip)
	n += copy(ph[n:], dst.ip)
	sum := csumAdd(0, ph[:n])
	var tail [8]byte
	binary.BigEndian.PutUint32(tail[0:], uint32(l4Len))
	tail[7] = byte(proto)
	return csumAdd(sum, tail[:])
}

// csumAdd adds b to the ones-complement sum acc (RFC 1071). b must start
// at an even offset of what is summed; an odd last byte is padded with a
// zero. It adds 64-bit words read in the machine-independent little-endian
// order: the ones-complement sum does not depend on byte order (RFC 1071,
// 2(B)), so csumFold swaps the two bytes back once, at the end. Two carry
// chains run side by side, which the CPU overlaps (about 30 GB/s here in
// cache, against 18 with one chain; gopacket's two-byte loop does 1.5).
func csumAdd(acc uint64, b []byte) uint64 {
	var acc1, c0, c1 uint64
	for len(b) >= 64 {
		acc, c0 = bits.Add64(acc, binary.LittleEndian.Uint64(b), c0)
		acc1, c1 = bits.Add64(acc1, binary.LittleEndian.Uint64(b[8:]), c1)
		acc, c0 = bits.Add64(acc, binary.LittleEndian.Uint64(b[16:]), c0)
		acc1, c1 = bits.Add64(acc1, binary.LittleEndian.Uint64(b[24:]), c1)
		acc, c0 = bits.Add64(acc, binary.LittleEndian.Uint64(b[32:]), c0)
		acc1, c1 = bits.Add64(acc1, binary.LittleEndian.Uint64(b[40:]), c1)
		acc, c0 = bits.Add64(acc, binary.LittleEndian.Uint64(b[48:]), c0)
		acc1, c1 = bits.Add64(acc1, binary.LittleEndian.Uint64(b[56:]), c1)
		b = b[64:]
	}
	for len(b) >= 8 {
		acc, c0 = bits.Add64(acc, binary.LittleEndian.Uint64(b), c0)
		b = b[8:]
	}
	acc = csumCarry(csumCarry(csumCarry(acc, c0), acc1), c1)
	var tail uint64
	for i, x := range b {
		tail |= uint64(x) << (8 * i)
	}
	return csumCarry(acc, tail)
}

// csumCarry is a ones-complement addition: the carry goes around.
func csumCarry(a, b uint64) uint64 {
	s, c := bits.Add64(a, b, 0)
	return s + c // s <= 2^64-2 when c is 1
}

// csumFold folds a sum of csumAdd to 16 bits, in network order.
func csumFold(acc uint64) uint16 {
	acc = (acc >> 32) + (acc & 0xffffffff)
	acc = (acc >> 32) + (acc & 0xffffffff)
	acc = (acc >> 16) + (acc & 0xffff)
	acc = (acc >> 16) + (acc & 0xffff)
	return bits.ReverseBytes16(uint16(acc))
}

// icmpUnreachable returns a whole ICMP "port unreachable" packet from
// router (the host that answered) to to, quoting orig, the packet that was
// refused (cut as the kernel cuts it: to 576 bytes of ICMPv4, 1280 of
// ICMPv6). Rare, so gopacket builds all of it, checksums included.
func (b *headerBuilder) icmpUnreachable(from, to *flowEnd, ipID uint16, orig []byte) ([]byte, error) {
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if from.ap.Addr().Is4() {
		orig = orig[:min(len(orig), 576-20-8)]
		ip := &layers.IPv4{Version: 4, Id: ipID, TTL: synthTTL, Protocol: layers.IPProtocolICMPv4, SrcIP: from.ip, DstIP: to.ip}
		icmp := &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(layers.ICMPv4TypeDestinationUnreachable, layers.ICMPv4CodePort)}
		if err := gopacket.SerializeLayers(b.sb, opts, ip, icmp, gopacket.Payload(orig)); err != nil {
			return nil, fmt.Errorf("icmp packet: %w", err)
		}
		return b.sb.Bytes(), nil
	}
	orig = orig[:min(len(orig), 1280-40-8)]
	ip := &layers.IPv6{Version: 6, NextHeader: layers.IPProtocolICMPv6, HopLimit: synthTTL, SrcIP: from.ip, DstIP: to.ip}
	icmp := &layers.ICMPv6{TypeCode: layers.CreateICMPv6TypeCode(layers.ICMPv6TypeDestinationUnreachable, layers.ICMPv6CodePortUnreachable)}
	if err := icmp.SetNetworkLayerForChecksum(ip); err != nil {
		return nil, fmt.Errorf("icmpv6 packet: %w", err)
	}
	// The four unused bytes after the type, code and checksum, then the quote.
	body := append(make([]byte, 4, 4+len(orig)), orig...)
	if err := gopacket.SerializeLayers(b.sb, opts, ip, icmp, gopacket.Payload(body)); err != nil {
		return nil, fmt.Errorf("icmpv6 packet: %w", err)
	}
	return b.sb.Bytes(), nil
}
