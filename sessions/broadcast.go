package sessions

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// StallAfter is how long a send to every peer waits for one peer that does
// not read before it gives up on that peer, so the others keep getting data.
const StallAfter = 2 * time.Second

// Broadcast sends data to every current peer, like Send(PeerAll, data),
// except that a stream peer that stopped reading holds the others back
// only once: when its socket buffers stay full for StallAfter, it is
// named in the log as stalled, and later broadcasts skip it, counting what
// it missed, until it closes. The kernel's socket buffers are each peer's
// bounded queue. It answers ErrNoPeers when there is nobody to send to.
// Broadcasts must come from one goroutine (stdin's pump).
func (s *Session) Broadcast(data []byte) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	targets := make([]*peer, 0, len(s.peers))
	for _, p := range s.peers {
		targets = append(targets, p)
	}
	s.mu.Unlock()
	if len(targets) == 0 {
		return ErrNoPeers
	}
	var errs []error
	sent := 0
	for _, p := range targets {
		if p.stalled.Load() {
			p.missed.Add(uint64(len(data))) // said when the peer ends
			continue
		}
		if err := s.sendStalling(p, data); err != nil {
			errs = append(errs, err)
			continue
		}
		sent++
	}
	if sent == 0 && len(errs) == 0 {
		return nil // every peer is stalled; each was told
	}
	return joinErrs(errs)
}

// missedNote says, as a peer ends, what Broadcast did not send it.
func (s *Session) missedNote(p *peer) {
	if n := p.missed.Load(); n > 0 || p.stalled.Load() {
		s.emit(Entry{Kind: KindInfo, Note: NoteStalled, Peer: p.id, Addr: p.addr, Bytes: n,
			Text: fmt.Sprintf("%d bytes sent to all peers were not sent to %s while it was not reading", n, p.addr)})
	}
}

// sendStalling sends to one peer with a write deadline on streams, and
// marks the peer stalled when the deadline passes.
func (s *Session) sendStalling(p *peer, data []byte) error {
	if p.conn == nil || !p.stream {
		return s.sendTo(p, data)
	}
	p.conn.SetWriteDeadline(time.Now().Add(StallAfter))
	p.probing.Store(true) // a timeout is the stall said below, not a send error
	err := s.sendTo(p, data)
	p.probing.Store(false)
	p.conn.SetWriteDeadline(time.Time{})
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		p.stalled.Store(true)
		s.emit(Entry{Kind: KindError, Note: NoteStalled, Peer: p.id, Addr: p.addr, Err: err,
			Text: fmt.Sprintf("%s stopped reading (its buffers stayed full for %v): what is sent to all peers now skips it, and the others go on", p.addr, StallAfter)})
		return nil
	}
	return err
}

// BroadcastCloseWrite half-closes every current stream peer (it then reads
// EOF after what it was sent), as `serve --half-close` does at stdin's
// end. Datagram peers are left as they are.
func (s *Session) BroadcastCloseWrite() error {
	var errs []error
	for _, pi := range s.Peers() {
		p, err := s.peer(pi.ID)
		if err != nil || !p.stream || p.conn == nil {
			continue
		}
		if err := s.CloseWrite(pi.ID); err != nil && !errors.Is(err, ErrNoPeer) {
			errs = append(errs, err)
		}
	}
	return joinErrs(errs)
}

// WaitPeer waits until the session has a peer, or ctx or the session ends
// (ErrClosed). `serve` holds stdin for the first peer with it, as ncat -l does.
func (s *Session) WaitPeer(ctx context.Context) error {
	ch, unsub := s.PeersChanged()
	defer unsub()
	for {
		s.mu.Lock()
		n, closed := len(s.peers), s.closed
		s.mu.Unlock()
		switch {
		case closed:
			return ErrClosed
		case n > 0:
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
