package pcap

import "net/netip"

// Unix sockets are shown as TCP or UDP between made-up loopback
// addresses: see the package doc for the choice and why.

// UnixSocketAddr is where a recording shows the unix socket that the
// session's URL names.
var UnixSocketAddr = netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), unixBasePort)

// unixBasePort is the first port of the dynamic range (RFC 6335), which
// no protocol owns, so Wireshark guesses no dissector from the ports.
const unixBasePort = 49152

// unixPeersPerAddr is how many peers share one address: the ports above
// unixBasePort.
const unixPeersPerAddr = 65535 - unixBasePort

// UnixPeerAddr is where a recording shows peer n of a unix socket
// (n from 1): 127.0.0.2 port 49152+n for the first 16383 peers, then
// 127.0.0.3 from port 49153, and so on, so no two peers of a session
// share an address and port.
func UnixPeerAddr(n uint64) netip.AddrPort {
	if n == 0 {
		n = 1
	}
	k := n - 1
	host := 2 + uint32(k/unixPeersPerAddr) // 127.0.0.2, 127.0.0.3, ...
	port := unixBasePort + 1 + uint16(k%unixPeersPerAddr)
	a := [4]byte{127, byte(host >> 16), byte(host >> 8), byte(host)}
	return netip.AddrPortFrom(netip.AddrFrom4(a), port)
}
