package sessions

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/sockplay/sockplay/netcore"
)

// startConn registers a connection (accepted or dialed) as a peer, logs kind
// (Accepted or Connected) and starts its reader. False if the session ended.
func (s *Session) startConn(c net.Conn, kind EntryKind, current bool) (*peer, bool) {
	p := &peer{conn: c, addr: addrText(c.RemoteAddr()), local: addrText(c.LocalAddr()), stream: s.cfg.Endpoint.Stream()}
	if !s.addPeer(p, current) {
		c.Close()
		return nil, false
	}
	s.peerEvent(kind, p, "", NoteNone)
	if tc, ok := c.(*tls.Conn); ok && tc.ConnectionState().HandshakeComplete {
		s.tlsDone(p, tc) // a client's: logged before the reader logs any byte
	}
	s.wg.Add(1)
	go s.readConn(p)
	return p, true
}

// readConn is the one goroutine reading p. It reads into a reused buffer that
// grows while reads fill it, and exits when the connection ends (EOF, error,
// timeout, or we closed it); it then logs the reason and forgets p. Before
// each read it waits for slow outputs, so they slow the peer down.
func (s *Session) readConn(p *peer) {
	defer s.wg.Done()
	size := initialReadBuffer
	if !p.stream {
		size = datagramBuffer
		if s.cfg.Endpoint.Scheme == netcore.SchemeUnixgram {
			size = unixgramBuffer
		}
	}
	buf := make([]byte, size)
	// Buffers an output kept (dataInLending) come back here once written,
	// to be read into again: as many as the outputs' budget holds are in
	// flight (four of 2 MiB in 8 MiB), and a buffer dropped for want of
	// room here is a fresh one to fault in later (a 1 GiB `serve > FILE`:
	// 10,300-11,500 page faults with room for 4, 8,300-9,100 with 8).
	spare := make(chan []byte, 8)
	back := func(b []byte) {
		select {
		case spare <- b:
		default:
		}
	}
	var scratch []byte
	idle := s.cfg.Options.IdleTimeout
	var err error
	if err := s.tlsServerHandshake(p); err != nil {
		s.endPeer(p, err)
		return
	}
	deadlineSet := false
	mayDrop := func() bool { return s.canDiscardIn(p) } // asked again as bytes come
	for {
		s.waitOutputs()
		var gap time.Duration // idle framing: a pause this long ends a message
		if p.stream && p.dec != nil && p.decGen == s.framingNow().gen {
			gap = s.gap()
		}
		// The read deadline is the idle timeout, or sooner the end of an
		// unfinished idle-framed message; none at all on the fast path.
		gapEnds := false
		if idle > 0 || gap > 0 {
			var d time.Time
			if idle > 0 {
				d = time.Now().Add(idle)
			}
			if gap > 0 && !p.stuck && p.dec.Buffered() > 0 {
				if g := time.Now().Add(gap); d.IsZero() || g.Before(d) {
					d, gapEnds = g, true
				}
			}
			if !d.IsZero() || deadlineSet {
				p.conn.SetReadDeadline(d)
				deadlineSet = !d.IsZero()
			}
		}
		var n int
		discarded := false
		if p.stream && mayDrop() {
			n, discarded, err = discardRead(p.conn, s.cfg.ReadBuffer, mayDrop)
			if n > 0 {
				s.discardedIn(p, n)
			}
		}
		switch {
		case discarded:
		case p.stream:
			n, err = p.conn.Read(buf)
		default:
			var cut bool
			n, _, cut, err = netcore.ReadDatagram(p.conn, &buf)
			if cut {
				s.dataIn(p, buf[:n], &scratch)
				s.truncated(p, n)
				continue
			}
		}
		if !discarded && (n > 0 || (err == nil && !p.stream)) {
			lend := back
			if !p.stream {
				lend = nil
			}
			if s.dataInLending(p, buf[:n], &scratch, buf, lend) {
				buf = nextBuffer(spare, len(buf))
			}
			if n == len(buf) && p.stream && len(buf) < s.cfg.ReadBuffer {
				buf = make([]byte, min(2*len(buf), s.cfg.ReadBuffer))
			}
		}
		if gapEnds && n == 0 && errors.Is(err, os.ErrDeadlineExceeded) {
			// The pause ended the message, not the connection.
			msgs, ferr := p.dec.Flush()
			s.messages(p, msgs, ferr, &scratch, true)
			continue
		}
		if err == nil {
			continue
		}
		if !p.stream && !p.byUs.Load() && netcore.IsDatagramICMPError(err) {
			// A connected datagram socket reports the ICMP error of an earlier
			// send (nobody listening); the socket itself is fine.
			s.emit(Entry{Kind: KindError, Peer: p.id, Addr: p.addr, Local: p.local, Err: err, Text: "receive: " + netcore.DatagramErrorText(err)})
			if !s.sleepCtx(10 * time.Millisecond) {
				err = net.ErrClosed
				break
			}
			continue
		}
		if errors.Is(err, io.EOF) && p.stream && !p.byUs.Load() {
			// The peer finished sending: a message its FIN completed is
			// answered while the connection can still carry the answer.
			s.flushDecoder(p, &scratch, true)
			if s.cfg.KeepOpenAfterEOF && PeerState(p.state.Load()) != PeerWriteClosed {
				p.state.Store(int32(PeerReadClosed))
				s.peerEvent(KindInfo, p, "peer finished sending (FIN); you can still send", NotePeerFinished)
				select {
				case <-p.done:
				case <-s.ctx.Done():
				}
				p.conn.Close()
			}
		}
		break
	}
	s.endPeer(p, err)
}

// flushDecoder ends p's stream for its decoder: a trailing message (idle
// framing, an http response ended by close) or a truncated frame's error.
func (s *Session) flushDecoder(p *peer, scratch *[]byte, answer bool) {
	if p.dec == nil || !p.stream || p.stuck || p.flushed {
		return
	}
	p.flushed = true
	msgs, ferr := p.dec.Flush()
	s.messages(p, msgs, ferr, scratch, answer)
}

// truncated says that a datagram of p was cut to the n bytes read.
func (s *Session) truncated(p *peer, n int) {
	s.emit(Entry{Kind: KindError, Note: NoteTruncated, Peer: p.id, Addr: p.addr, Bytes: uint64(n),
		Text: fmt.Sprintf("datagram truncated: it was longer than the %d bytes read, and a datagram socket drops the rest", n)})
}

// endPeer closes p, logs why it ended and, for a client, reacts to the loss.
func (s *Session) endPeer(p *peer, err error) {
	p.conn.Close()
	var scratch []byte
	s.flushDecoder(p, &scratch, false) // a trailing frame, or a truncated one
	p.state.Store(int32(PeerClosed))
	s.removePeer(p)
	s.missedNote(p)
	reason := netcore.CloseReason(err)
	if p.byUs.Load() {
		reason = reasonClosedByYou
		if p.aborted.Load() {
			reason = reasonResetByYou
		}
	}
	lost := s.cfg.Role == Client && !p.byUs.Load()
	if lost { // before the log entry, so whoever reads "closed" sees the state
		s.setState(StateDisconnected)
	}
	s.emit(Entry{Kind: KindClosed, Peer: p.id, Addr: p.addr, Local: p.local, Text: reason, Err: closeErr(err)})
	if lost {
		select {
		case s.lost <- struct{}{}:
		default:
		}
	}
}

// ClosePeer closes one peer gracefully (FIN); a datagram peer is forgotten.
func (s *Session) ClosePeer(id PeerID) error {
	p, err := s.peer(id)
	if err != nil {
		return err
	}
	p.markClosed()
	if p.conn == nil {
		s.removePeer(p)
		p.state.Store(int32(PeerClosed))
		s.peerEvent(KindClosed, p, "forgotten by you", NoteNone)
		return nil
	}
	return p.conn.Close()
}

// AbortPeer closes a stream peer with a reset (SO_LINGER 0).
func (s *Session) AbortPeer(id PeerID) error {
	p, err := s.peer(id)
	if err != nil {
		return err
	}
	if p.conn == nil || !p.stream {
		return ErrNotStream
	}
	if netcore.CanReset(p.conn) {
		p.aborted.Store(true) // only TCP has a reset; netcore says so for the rest
	}
	p.markClosed()
	return netcore.Abort(p.conn)
}

// CloseWrite half-closes a stream peer: it reads EOF, we can still read.
func (s *Session) CloseWrite(id PeerID) error {
	p, err := s.peer(id)
	if err != nil {
		return err
	}
	if p.conn == nil || !p.stream {
		return ErrNotStream
	}
	if err := netcore.CloseWrite(p.conn); err != nil {
		return err
	}
	p.state.Store(int32(PeerWriteClosed))
	s.peerEvent(KindInfo, p, "half-closed by you (FIN sent); still reading", NoteHalfClosed)
	return nil
}

// The reasons of a KindClosed entry for a stream we closed (a recording
// tells a FIN from a RST by them).
const (
	reasonClosedByYou = "closed by you"
	reasonResetByYou  = "closed by you (reset sent)"
)

// peerEvent adds a non-data entry about p, with both its ends.
func (s *Session) peerEvent(k EntryKind, p *peer, text string, note Note) {
	s.emit(Entry{Kind: k, Peer: p.id, Addr: p.addr, Local: p.local, Text: text, Note: note})
}

// closeErr is the error a KindClosed entry carries: nil for a clean end
// (EOF, or we closed it), else why the connection broke.
func closeErr(err error) error {
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// nextBuffer is a buffer of size to read into after an output kept the
// last one: one given back if it is that size, else a new one.
func nextBuffer(spare chan []byte, size int) []byte {
	for {
		select {
		case b := <-spare:
			if len(b) == size {
				return b
			}
		default:
			return make([]byte, size)
		}
	}
}
