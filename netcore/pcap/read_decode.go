package pcap

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// Link types read (https://www.tcpdump.org/linktypes.html).
const (
	rdLinkNull     = 0   // BSD loopback: a 4-byte address family in the writer's byte order
	rdLinkEthernet = 1   // Ethernet II, with 802.1Q/802.1ad tags
	rdLinkRaw      = 101 // raw IPv4 or IPv6, by the version nibble
	rdLinkLoop     = 108 // OpenBSD loopback: the address family in network byte order
	rdLinkSLL      = 113 // Linux cooked v1: tshark/tcpdump on "any"
	rdLinkIPv4     = 228
	rdLinkIPv6     = 229
	rdLinkSLL2     = 276 // Linux cooked v2: tcpdump 4.99 on "any", tshark -y LINUX_SLL2
)

const supportedLinks = "Ethernet, Linux cooked (SLL and SLL2), raw IP and BSD loopback"

func linkSupported(l uint16) bool {
	switch l {
	case rdLinkNull, rdLinkEthernet, rdLinkRaw, rdLinkLoop, rdLinkSLL, rdLinkIPv4, rdLinkIPv6, rdLinkSLL2:
		return true
	}
	return false
}

var linkNames = map[uint16]string{
	rdLinkNull: "BSD loopback", rdLinkEthernet: "Ethernet", rdLinkRaw: "raw IP", rdLinkLoop: "OpenBSD loopback",
	rdLinkSLL: "Linux cooked SLL", rdLinkIPv4: "raw IPv4", rdLinkIPv6: "raw IPv6", rdLinkSLL2: "Linux cooked SLL2",
	105: "IEEE 802.11", 127: "802.11 radiotap", 9: "PPP", 220: "Linux USB", 253: "Linux netlink",
}

// linkName is a link type as a person recognises it: "Ethernet (1)".
func linkName(l uint16) string {
	if n := linkNames[l]; n != "" {
		return fmt.Sprintf("%s (%d)", n, l)
	}
	return fmt.Sprintf("%d", l)
}

// Why a packet gave no TCP or UDP segment.
type skipReason uint8

const (
	decodedOK     skipReason = iota
	skipNotIP                // ARP, LLDP, ...: not counted as a problem
	skipOtherProt            // ICMP, SCTP, ...: not counted as a problem
	skipFragment             // an IP fragment: not reassembled
	skipMalformed            // headers that are cut short or impossible
	skipLink                 // a link type not read
)

// TCP flags.
const (
	tcpFIN = 0x01
	tcpSYN = 0x02
	tcpRST = 0x04
	tcpACK = 0x10
)

// segment is a decoded TCP segment or UDP datagram.
type segment struct {
	tcp      bool
	src, dst netip.AddrPort
	payload  []byte // what was captured of the payload
	wire     int    // the payload's length on the wire (≥ len(payload) when the snap length cut it)
	seq, ack uint32
	flags    uint8
}

// decodePacket finds the TCP or UDP segment in one captured packet. The
// payload aliases data.
func decodePacket(link uint16, data []byte, s *segment) skipReason {
	var ip []byte
	var v int
	switch link {
	case rdLinkEthernet:
		if len(data) < 14 {
			return skipMalformed
		}
		et, off := binary.BigEndian.Uint16(data[12:14]), 14
		for (et == 0x8100 || et == 0x88a8 || et == 0x9100) && len(data) >= off+4 {
			et, off = binary.BigEndian.Uint16(data[off+2:off+4]), off+4
		}
		ip, v = data[off:], etherIP(et)
	case rdLinkSLL:
		if len(data) < 16 {
			return skipMalformed
		}
		ip, v = data[16:], etherIP(binary.BigEndian.Uint16(data[14:16]))
	case rdLinkSLL2:
		if len(data) < 20 {
			return skipMalformed
		}
		ip, v = data[20:], etherIP(binary.BigEndian.Uint16(data[0:2]))
	case rdLinkNull, rdLinkLoop:
		if len(data) < 4 {
			return skipMalformed
		}
		// LINKTYPE_NULL is in the byte order of the machine that wrote
		// it; the family is small, so its zero bytes tell the order.
		fam := binary.LittleEndian.Uint32(data[:4])
		if link == rdLinkLoop || data[0] == 0 && data[1] == 0 {
			fam = binary.BigEndian.Uint32(data[:4])
		}
		switch fam {
		case 2:
			v = 4
		case 10, 24, 28, 30: // AF_INET6 on Linux, NetBSD/OpenBSD, FreeBSD, macOS
			v = 6
		}
		ip = data[4:]
	case rdLinkRaw:
		if len(data) < 1 {
			return skipMalformed
		}
		ip, v = data, int(data[0]>>4)
	case rdLinkIPv4:
		ip, v = data, 4
	case rdLinkIPv6:
		ip, v = data, 6
	default:
		return skipLink
	}
	switch v {
	case 4:
		return decodeIPv4(ip, s)
	case 6:
		return decodeIPv6(ip, s)
	}
	return skipNotIP
}

func etherIP(et uint16) int {
	switch et {
	case 0x0800:
		return 4
	case 0x86dd:
		return 6
	}
	return 0
}

func decodeIPv4(b []byte, s *segment) skipReason {
	if len(b) < 20 || b[0]>>4 != 4 {
		return skipMalformed
	}
	hl := int(b[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(b[2:4]))
	if total == 0 { // segmentation offload: the length was never filled in
		total = len(b)
	}
	if hl < 20 || total < hl || len(b) < hl {
		return skipMalformed
	}
	if frag := binary.BigEndian.Uint16(b[6:8]); frag&0x3fff != 0 { // more fragments, or an offset
		return skipFragment
	}
	src, _ := netip.AddrFromSlice(b[12:16])
	dst, _ := netip.AddrFromSlice(b[16:20])
	end := min(len(b), total) // past it: Ethernet padding, a trailing FCS
	return decodeTransport(b[9], src, dst, b[hl:end], total-hl, s)
}

func decodeIPv6(b []byte, s *segment) skipReason {
	if len(b) < 40 || b[0]>>4 != 6 {
		return skipMalformed
	}
	plen := int(binary.BigEndian.Uint16(b[4:6]))
	if plen == 0 { // a jumbogram or segmentation offload: what is there
		plen = len(b) - 40
	}
	next := b[6]
	src, _ := netip.AddrFromSlice(b[8:24])
	dst, _ := netip.AddrFromSlice(b[24:40])
	rest := b[40:min(len(b), 40+plen)]
	wire := plen
	for range 16 { // extension headers; more than 16 is no real packet
		var hl int
		switch next {
		case 0, 43, 60: // hop-by-hop, routing, destination options
			if len(rest) < 8 {
				return skipMalformed
			}
			hl = (int(rest[1]) + 1) * 8
		case 51: // authentication header
			if len(rest) < 8 {
				return skipMalformed
			}
			hl = (int(rest[1]) + 2) * 4
		case 44: // fragment
			if len(rest) < 8 {
				return skipMalformed
			}
			if binary.BigEndian.Uint16(rest[2:4])&0xfff9 != 0 { // an offset, or more fragments
				return skipFragment
			}
			hl = 8
		default:
			return decodeTransport(next, src, dst, rest, wire, s)
		}
		if hl > len(rest) {
			return skipMalformed
		}
		next, rest, wire = rest[0], rest[hl:], wire-hl
	}
	return skipMalformed
}

// decodeTransport reads a TCP or UDP header from b, the captured part of an
// IP payload that is wire bytes long.
func decodeTransport(proto byte, src, dst netip.Addr, b []byte, wire int, s *segment) skipReason {
	switch proto {
	case 6:
		if len(b) < 20 {
			return skipMalformed
		}
		hl := int(b[12]>>4) * 4
		if hl < 20 || hl > len(b) || hl > wire {
			return skipMalformed
		}
		*s = segment{tcp: true,
			src:     netip.AddrPortFrom(src, binary.BigEndian.Uint16(b[0:2])),
			dst:     netip.AddrPortFrom(dst, binary.BigEndian.Uint16(b[2:4])),
			seq:     binary.BigEndian.Uint32(b[4:8]),
			ack:     binary.BigEndian.Uint32(b[8:12]),
			flags:   b[13],
			payload: b[hl:],
			wire:    wire - hl,
		}
		return decodedOK
	case 17:
		if len(b) < 8 {
			return skipMalformed
		}
		n := int(binary.BigEndian.Uint16(b[4:6]))
		switch {
		case n == 0: // a jumbogram: the IP length says
			n = wire
		case n < 8 || n > wire:
			return skipMalformed
		}
		*s = segment{
			src:     netip.AddrPortFrom(src, binary.BigEndian.Uint16(b[0:2])),
			dst:     netip.AddrPortFrom(dst, binary.BigEndian.Uint16(b[2:4])),
			payload: b[8:min(len(b), n)],
			wire:    n - 8,
		}
		return decodedOK
	}
	return skipOtherProt
}
