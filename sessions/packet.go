package sessions

import (
	"container/list"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/sockplay/sockplay/netcore"
)

// Defaults for the peers of a shared datagram socket: each source address
// is a peer until it has been quiet for DefaultPeerIdle, and at most
// DefaultMaxPeers are kept (the quietest go first), so a server that many
// one-shot senders reach keeps bounded memory. Counters stay exact.
const (
	DefaultPeerIdle = 3 * time.Minute
	DefaultMaxPeers = 4096
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
	sweep := time.Now()
	every := max(s.cfg.PeerIdle/4, 10*time.Millisecond)
	deadline := false // a read deadline is set so quiet peers go even without traffic
	for {
		s.waitOutputs()
		if !deadline && s.quietPeers() > 0 {
			pc.SetReadDeadline(sweep.Add(every))
			deadline = true
		}
		n, from, cut, err := netcore.ReadDatagram(pc, &buf)
		if deadline && (err == nil || errors.Is(err, os.ErrDeadlineExceeded)) {
			if now := time.Now(); now.Sub(sweep) >= every {
				sweep = now
				s.forgetQuietPeers(now)
				pc.SetReadDeadline(time.Time{})
				deadline = false
			}
			if err != nil {
				continue
			}
		}
		if err != nil {
			if s.ctx.Err() != nil || isClosedErr(err) {
				s.forgetPacketPeers(pc)
				return
			}
			// ICMP errors of earlier sends surface here; the socket lives on.
			s.emit(Entry{Kind: KindError, Err: err, Text: "receive: " + netcore.DatagramErrorText(err)})
			if !s.sleepCtx(10 * time.Millisecond) {
				s.forgetPacketPeers(pc)
				return
			}
			continue
		}
		now := time.Now()
		p := s.packetPeer(pc, from, now)
		if p == nil {
			return
		}
		if p.relay != nil {
			s.relayDatagram(p, buf[:n], cut)
			continue
		}
		s.dataIn(p, buf[:n], &scratch)
		if cut {
			s.truncated(p, n)
		}
	}
}

// quietPeers is how many datagram peers may be forgotten.
func (s *Session) quietPeers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.quiet.Len()
}

// packetPeer finds or creates the peer for a source address, marking it
// active; creating one past MaxPeers forgets the quietest.
func (s *Session) packetPeer(pc net.PacketConn, from net.Addr, now time.Time) *peer {
	key := addrText(from)
	s.mu.Lock()
	p := s.byAddr[key]
	if p != nil && p.lru != nil {
		p.lastIn = now
		s.quiet.MoveToBack(p.lru)
	}
	s.mu.Unlock()
	if p != nil {
		return p
	}
	p = &peer{pc: pc, raddr: from, addr: key, local: addrText(pc.LocalAddr()), lastIn: now}
	if key == "(unnamed)" {
		p.raddr = nil // an unbound unixgram client cannot be answered
	}
	if s.cfg.Role == Relay {
		p.relay = &relayPeer{}
	}
	if !s.addPeer(p, false) {
		return nil
	}
	s.peerEvent(KindAccepted, p, "first datagram from this address", NoteNone)
	if p.relay != nil {
		s.relayDialDatagram(p)
	}
	s.mu.Lock()
	n := s.quiet.Len()
	s.mu.Unlock()
	if n > s.cfg.MaxPeers {
		// Down to three quarters at once, so that a stream of new senders
		// costs one entry per quarter of MaxPeers, not one per datagram.
		drop := n - s.cfg.MaxPeers*3/4
		s.forgetPeers(func(q *peer, i int) bool { return i < drop && q != p },
			fmt.Sprintf("the quietest, to keep at most %d", s.cfg.MaxPeers))
	}
	return p
}

// forgetQuietPeers forgets the datagram peers that sent nothing for PeerIdle.
func (s *Session) forgetQuietPeers(now time.Time) {
	idle := s.cfg.PeerIdle
	s.forgetPeers(func(q *peer, _ int) bool { return now.Sub(q.lastIn) >= idle },
		"no datagram for "+idle.String())
}

// forgetPeers removes, oldest activity first, the datagram peers that drop
// picks (it stops at the first it does not), and says how many in one entry.
func (s *Session) forgetPeers(drop func(q *peer, i int) bool, why string) {
	var gone []*peer
	s.mu.Lock()
	for el, i := s.quiet.Front(), 0; el != nil; i++ {
		q := el.Value.(*peer)
		if !drop(q, i) {
			break
		}
		next := el.Next()
		gone = append(gone, q)
		el = next
	}
	s.mu.Unlock()
	for _, q := range gone {
		s.removePeer(q)
		q.state.Store(int32(PeerClosed))
	}
	if len(gone) == 0 {
		return
	}
	what := "peers"
	if len(gone) == 1 {
		what = "peer"
	}
	s.emit(Entry{Kind: KindInfo, Note: NotePeersForgotten, Count: uint64(len(gone)),
		Text: fmt.Sprintf("%d datagram %s forgotten (%s); a new datagram makes a peer again", len(gone), what, why)})
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
		s.peerEvent(KindClosed, p, reasonClosedByYou, NoteNone)
	}
}

// quietList keeps the datagram peers ordered by their last datagram, the
// quietest first. Guarded by Session.mu.
type quietList = list.List
