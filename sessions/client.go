package sessions

import (
	"context"
	"fmt"
	"time"
)

// startClient dials once; with AutoReconnect it also starts the goroutine
// that redials after a loss.
func (s *Session) startClient() error {
	if err := s.dial(s.ctx); err != nil {
		return err
	}
	if s.cfg.AutoReconnect {
		s.wg.Add(1)
		go s.autoReconnect()
	}
	return nil
}

// dial connects and makes the connection the client's current peer.
func (s *Session) dial(ctx context.Context) error {
	s.dialMu.Lock()
	defer s.dialMu.Unlock()
	ep := s.cfg.Endpoint
	if s.cfg.Unconnected {
		pc, raddr, err := netDialPacket(ctx, ep, s.cfg.Options)
		if err != nil {
			return err
		}
		s.mu.Lock()
		old := s.pc
		s.pc = pc
		s.mu.Unlock()
		if old != nil {
			old.Close()
		}
		p := &peer{pc: pc, raddr: raddr, addr: addrText(raddr), local: addrText(pc.LocalAddr())}
		if !s.addPeer(p, true) {
			pc.Close()
			return ErrClosed
		}
		s.peerEvent(KindConnected, p, "unconnected socket "+pc.LocalAddr().String(), NoteNone)
		s.setState(StateConnected)
		s.wg.Add(1)
		go s.readPacket(pc)
		return nil
	}
	c, err := netDial(ctx, ep, s.cfg.Options)
	if err != nil {
		return err
	}
	if ep.TLS() {
		if c, err = s.tlsClient(ctx, c); err != nil {
			return err
		}
	}
	if _, ok := s.startConn(c, KindConnected, true); !ok {
		return ErrClosed
	}
	s.setState(StateConnected)
	return nil
}

// Reconnect closes the client's connection, if any, and dials again. It
// returns once connected or failed.
func (s *Session) Reconnect(ctx context.Context) error {
	if s.cfg.Role != Client {
		return ErrNotClient
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	if !s.started {
		s.mu.Unlock()
		return ErrNotStarted
	}
	cur := s.current
	s.mu.Unlock()
	if cur != nil {
		s.ClosePeer(cur.id)
		if !s.waitGone(ctx, cur.id) {
			return ctx.Err()
		}
	}
	s.setState(StateReconnecting)
	dctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(s.ctx, cancel)
	defer stop()
	if err := s.dial(dctx); err != nil {
		s.setState(StateDisconnected)
		s.emit(Entry{Kind: KindError, Text: err.Error(), Err: err})
		return err
	}
	return nil
}

// waitGone waits until peer id left the table (its reader logged the close).
func (s *Session) waitGone(ctx context.Context, id PeerID) bool {
	ch, unsub := s.PeersChanged()
	defer unsub()
	for {
		s.mu.Lock()
		_, there := s.peers[id]
		s.mu.Unlock()
		if !there {
			return true
		}
		select {
		case <-ch:
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
			return false
		}
	}
}

// autoReconnect redials after the connection ended on its own, with a pause
// that doubles from ReconnectMin up to ReconnectMax. It exits with the session.
func (s *Session) autoReconnect() {
	defer s.wg.Done()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-s.lost:
		}
		delay := s.cfg.ReconnectMin
		for attempt := 1; ; attempt++ {
			s.setState(StateReconnecting)
			s.logEvent(KindInfo, nil, fmt.Sprintf("reconnecting in %v (attempt %d)", delay, attempt))
			if !s.sleepCtx(delay) {
				return
			}
			s.mu.Lock()
			have := s.current != nil
			s.mu.Unlock()
			if have { // reconnected by hand meanwhile
				break
			}
			err := s.dial(s.ctx)
			if err == nil {
				break
			}
			if s.ctx.Err() != nil {
				return
			}
			s.emit(Entry{Kind: KindError, Text: err.Error(), Err: err})
			delay = min(2*delay, s.cfg.ReconnectMax)
		}
	}
}
