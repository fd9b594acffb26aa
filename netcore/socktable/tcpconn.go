package socktable

import (
	"net/netip"
	"time"
)

// TCPConn is the kernel's view of one TCP connection, for a session tab
// that shows what its socket is doing: state (FIN-WAIT-2 after a
// half-close, TIME-WAIT after an active close), queues, RTT, retransmits.
type TCPConn struct {
	Socket
	// HasInfo is false when the kernel keeps no tcp_info for the socket:
	// in TIME-WAIT and SYN-RECV, and on systems other than Linux.
	HasInfo      bool
	RTT, RTTVar  time.Duration // smoothed round-trip time and its variance
	Retransmits  uint8         // unrecovered retransmits of the current segment
	TotalRetrans uint32        // segments retransmitted over the connection's life
	Unacked      uint32        // segments sent and not yet acknowledged
	Lost         uint32        // segments the kernel believes lost
	SendCwnd     uint32        // congestion window, in segments
}

// Conn4 names a TCP connection by its two ends, as net.Conn reports them.
type Conn4 struct{ Local, Peer netip.AddrPort }

// sameEnds reports whether the kernel's socket s is the connection asked
// for; an IPv4 end also matches its IPv4-mapped IPv6 form.
func sameEnds(s *Socket, local, peer netip.AddrPort) bool {
	eq := func(a, b netip.AddrPort) bool {
		return a.Port() == b.Port() && a.Addr().Unmap() == b.Addr().Unmap()
	}
	return eq(s.Local, local) && eq(s.Peer, peer)
}
