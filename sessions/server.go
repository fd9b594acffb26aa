package sessions

import (
	"crypto/tls"
	"net"
	"time"

	"github.com/sockplay/sockplay/netcore"
)

// startServer listens (stream) or binds (datagram) and starts the goroutine
// that accepts or reads.
func (s *Session) startServer() error {
	ep := s.cfg.Endpoint
	if ep.Stream() {
		ln, err := netListen(s.ctx, ep, s.cfg.Options)
		if err != nil {
			return explainListenErr(s.ctx, err)
		}
		s.mu.Lock()
		s.ln = ln
		s.mu.Unlock()
		if s.ctx.Err() != nil { // cancelled while listening: AfterFunc may have missed ln
			ln.Close()
			return s.ctx.Err()
		}
		s.emit(Entry{Kind: KindListening, Addr: ln.Addr().String()})
		s.setState(StateListening)
		s.wg.Add(1)
		go s.acceptLoop(ln)
		return nil
	}
	pc, err := netListenPacket(s.ctx, ep, s.cfg.Options)
	if err != nil {
		return explainListenErr(s.ctx, err)
	}
	s.mu.Lock()
	s.pc = pc
	s.mu.Unlock()
	if s.ctx.Err() != nil {
		pc.Close()
		return s.ctx.Err()
	}
	s.emit(Entry{Kind: KindListening, Addr: pc.LocalAddr().String()})
	s.setState(StateListening)
	s.wg.Add(1)
	go s.readPacket(pc)
	return nil
}

// Addr is the address the server listens on (with the port the kernel chose
// for port 0), or the client's local address; nil before Start.
func (s *Session) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.ln != nil:
		return s.ln.Addr()
	case s.pc != nil:
		return s.pc.LocalAddr()
	case s.current != nil && s.current.conn != nil:
		return s.current.conn.LocalAddr()
	}
	return nil
}

// acceptLoop accepts until the listener closes. An accept error is logged and
// accepting goes on, after a pause that grows while the error repeats (out of
// file descriptors clears only when some peer goes).
func (s *Session) acceptLoop(ln net.Listener) {
	defer s.wg.Done()
	var delay time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if s.ctx.Err() != nil || isClosedErr(err) {
				return
			}
			s.logEvent(KindError, nil, "accept: "+err.Error())
			switch {
			case outOfResources(err):
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			default:
				delay = 5 * time.Millisecond
			}
			if !s.sleepCtx(delay) {
				return
			}
			continue
		}
		delay = 0
		s.tuneAccepted(c)
		if s.tls != nil { // handshaken by the peer's reader, so one slow client holds up no other
			c = tls.Server(c, s.tls.Config)
		}
		if s.cfg.Role == Relay {
			if !s.startPair(c) {
				return
			}
			continue
		}
		if _, ok := s.startConn(c, KindAccepted, false); !ok {
			return
		}
	}
}

// tuneAccepted applies the per-connection options an accepted TCP socket
// does not inherit from the listener in Go (it sets TCP_NODELAY itself).
func (s *Session) tuneAccepted(c net.Conn) {
	o := s.cfg.Options
	if o.NoDelay != nil {
		netcore.SetNoDelay(c, *o.NoDelay)
	}
	if o.Linger != nil {
		netcore.SetLinger(c, *o.Linger)
	}
}
