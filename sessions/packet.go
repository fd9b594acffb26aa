package sessions

import (
	"net"
	"time"

	"github.com/sockplay/sockplay/netcore"
)

// readPacket is the one goroutine reading a shared datagram socket (a UDP or
// unixgram server, an unconnected UDP client). Each source address is a
// peer, created on its first datagram. It exits when the socket closes.
func (s *Session) readPacket(pc net.PacketConn) {
	defer s.wg.Done()
	size := datagramBuffer
	if s.cfg.Endpoint.Scheme == netcore.SchemeUnixgram {
		size = unixgramBuffer
	}
	buf := make([]byte, size)
	var scratch []byte
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			if s.ctx.Err() != nil || isClosedErr(err) {
				s.forgetPacketPeers(pc)
				return
			}
			// ICMP errors of earlier sends surface here; the socket lives on.
			s.logEvent(KindError, nil, "receive: "+err.Error())
			if !s.sleepCtx(10 * time.Millisecond) {
				s.forgetPacketPeers(pc)
				return
			}
			continue
		}
		p := s.packetPeer(pc, from)
		if p == nil {
			return
		}
		s.dataIn(p, buf[:n], &scratch)
	}
}

// packetPeer finds or creates the peer for a source address.
func (s *Session) packetPeer(pc net.PacketConn, from net.Addr) *peer {
	key := addrText(from)
	s.mu.Lock()
	p := s.byAddr[key]
	s.mu.Unlock()
	if p != nil {
		return p
	}
	p = &peer{pc: pc, raddr: from, addr: key, local: addrText(pc.LocalAddr())}
	if key == "(unnamed)" {
		p.raddr = nil // an unbound unixgram client cannot be answered
	}
	if !s.addPeer(p, false) {
		return nil
	}
	s.logEvent(KindAccepted, p, "first datagram from this address")
	return p
}

// forgetPacketPeers logs the end of every peer of a datagram socket that
// closed (only that socket's: an unconnected client's reconnect has a new one).
func (s *Session) forgetPacketPeers(pc net.PacketConn) {
	s.mu.Lock()
	var ps []*peer
	for _, p := range s.peers {
		if p.conn == nil && p.pc == pc {
			ps = append(ps, p)
		}
	}
	s.mu.Unlock()
	for _, p := range ps {
		s.removePeer(p)
		p.state.Store(int32(PeerClosed))
		s.logEvent(KindClosed, p, "closed by you")
	}
}
