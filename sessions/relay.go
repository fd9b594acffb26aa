package sessions

// Relay sessions: a relay listens on Config.Endpoint as a server does and,
// for each accepted connection (each source address of a datagram socket:
// one connected socket to the target per client), connects to
// Config.Target and forwards both ways. The pair is one peer: its Addr and
// Local are the client's, and the log reads as the client's view of a
// server, so the hex pane, export and recordings work unchanged: what the
// client sent is KindDataIn (KindMessage with a framing), what the target
// sent back KindDataOut (KindMessageOut). Events about the target say
// "target" in their words.
//
// Each direction has its own goroutine (for a datagram relay, the shared
// socket's reader carries the clients' datagrams and one goroutine per
// client reads its target socket), its own decoder, and writes what it
// read before reading more, so a slow side slows the other: nothing is
// buffered beyond one read, and nothing relayed is ever dropped. What
// reaches the other side is the bytes as read, unless a rule rewrote or
// dropped a message (relay_rules.go) or the hold switch queued it
// (relay_hold.go): a queue bounded per pair and direction, behind which
// the reader then waits.
//
// A FIN travels: once one side finished sending, the other side's
// connection is half-closed (CloseWrite; on TLS a close_notify and the
// TCP FIN) after everything read before it was written. A reset travels
// as a reset (netcore.Abort). The pair ends when both sides finished, or
// at once when one side reset or failed.

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/netcore/rules"
)

// Directions of a relay, and the sides they read: toTarget reads the
// client (side 0) and writes the target (side 1); toClient the reverse.
const (
	toTarget = 0
	toClient = 1

	sideClient = 0
	sideTarget = 1
)

func dirOf(toTarget bool) int {
	if toTarget {
		return 0
	}
	return 1
}

var sideNames = [2]string{"client", "target"}

// relayPeer is what a relay's peer has besides its client side.
type relayPeer struct {
	mu     sync.Mutex
	target net.Conn
	addr   string // the target's address, once connected
	local  string // our end toward it
	gone   bool   // the pair is ending: a target connected now is closed at once

	tls atomic.Pointer[netcore.TLSInfo] // a tls:// target's handshake

	dir  [2]relayDir  // each direction's decoder, its reader's alone
	lane [2]relayLane // guarded by Session.hold.mu

	ending    atomic.Bool // one side reset or failed, or we closed the pair
	endText   string      // why the pair ended (mu; the first reason wins)
	endErr    error
	last      atomic.Int64  // UnixNano of the last byte either way (idle timeout)
	wake      chan struct{} // cap 1: a lane moved
	finished  [2]atomic.Bool
	finishing sync.Once
}

// relayDir is one direction's framing state (its reader's alone).
type relayDir struct {
	dec    framing.Decoder
	decGen uint64
	stuck  bool
	// wire holds what was read and not yet forwarded while rules or the
	// hold act on whole messages: the unfinished frame. sent is how many
	// bytes of the decoder's unfinished frame were forwarded before that
	// (while bytes went through as read).
	wire []byte
	sent int
}

// The KindClosed reasons of a relay's pair that a recording tells apart.
const (
	reasonTargetReset = "the target reset the connection; reset the client's connection too"
	reasonClientReset = "the client reset the connection; reset the target's connection too"
	reasonBothDone    = "both sides finished (FIN each way)"
)

// errRelayEnded: the pair ended while a direction waited; its reader exits.
var errRelayEnded = errors.New("relay pair ended")

// checkRelayConfig is what New checks of a relay's Config.
func checkRelayConfig(cfg Config) error {
	switch cfg.Target.Scheme {
	case netcore.SchemeTCP, netcore.SchemeTLS, netcore.SchemeUDP, netcore.SchemeUnix, netcore.SchemeUnixgram:
	default:
		return fmt.Errorf("a relay needs a target: unknown scheme %q", cfg.Target.Scheme)
	}
	if err := MixedRelay(cfg.Endpoint, cfg.Target); err != nil {
		return err
	}
	if cfg.Reply != ReplyNone {
		return errors.New("a relay forwards and answers nothing itself: it takes no reply mode")
	}
	if cfg.TargetTLS != nil && !cfg.Target.TLS() {
		return errors.New("target TLS settings apply to a tls:// target only")
	}
	return nil
}

// startPair registers an accepted connection as a pair and starts the
// goroutine that connects it to the target; false if the session ended.
func (s *Session) startPair(c net.Conn) bool {
	p := &peer{conn: c, addr: addrText(c.RemoteAddr()), local: addrText(c.LocalAddr()), stream: true, relay: newRelayPeer()}
	if !s.addPeer(p, false) {
		c.Close()
		return false
	}
	s.relayFraming(p)
	s.peerEvent(KindAccepted, p, "", NoteNone)
	s.wg.Add(1)
	go s.runPair(p)
	return true
}

func newRelayPeer() *relayPeer {
	r := &relayPeer{wake: make(chan struct{}, 1)}
	r.last.Store(time.Now().UnixNano())
	return r
}

// relayFraming gives both directions of p the decoder of the framing now.
func (s *Session) relayFraming(p *peer) {
	fs := s.framingNow()
	for d := range p.relay.dir {
		dir := &p.relay.dir[d]
		*dir = relayDir{decGen: fs.gen}
		if fs.spec.Kind != framing.KindRaw {
			dir.dec = fs.spec.NewDecoder(fs.opt)
		}
	}
}

// runPair is the goroutine of one stream pair: it finishes the client's
// TLS handshake, connects to the target, runs both directions and ends
// the pair when both are done.
func (s *Session) runPair(p *peer) {
	defer s.wg.Done()
	r := p.relay
	if err := s.tlsServerHandshake(p); err != nil {
		r.setEnd(netcore.CloseReason(err), err)
		s.endPair(p)
		return
	}
	t, err := s.dialTarget()
	if err != nil {
		if s.ctx.Err() == nil && !p.byUs.Load() {
			text := s.targetFailed(err)
			s.emit(Entry{Kind: KindError, Peer: p.id, Addr: p.addr, Local: p.local, Err: err, Text: text})
		}
		r.setEnd(reasonClosedByYou, nil)
		s.endPair(p)
		return
	}
	if !r.setTarget(t) {
		t.Close()
		r.setEnd(reasonClosedByYou, nil)
		s.endPair(p)
		return
	}
	s.targetConnected(p, t)
	done := make(chan struct{})
	go func() { // counted by runPair, which waits for it
		defer close(done)
		s.pump(p, toClient)
	}()
	s.pump(p, toTarget)
	<-done
	s.waitLanes(p)
	s.endPair(p)
}

// targetConnected logs the target's side of a new pair.
func (s *Session) targetConnected(p *peer, t net.Conn) {
	r := p.relay
	s.peerEvent(KindInfo, p, fmt.Sprintf("connected to target %s from %s", r.addr, r.local), NoteNone)
	if tc, ok := t.(*tls.Conn); ok {
		in := netcore.TLSInfoOf(tc.ConnectionState())
		r.tls.Store(&in)
		s.peerEvent(KindInfo, p, "target: "+in.Summary(), NoteNone)
		for i, c := range in.Chain {
			s.peerEvent(KindInfo, p, fmt.Sprintf("  target certificate %d: %s", i+1, c), NoteNone)
		}
	}
}

// dialTarget connects to the target (and handshakes, for tls://).
func (s *Session) dialTarget() (net.Conn, error) {
	c, err := netDial(s.ctx, s.cfg.Target, s.cfg.TargetOptions)
	if err != nil {
		return nil, err
	}
	if s.cfg.Target.TLS() {
		s.mu.Lock()
		tc := s.targetTLS
		s.mu.Unlock()
		return tlsClientWith(s.ctx, c, tc)
	}
	return c, nil
}

// targetFailed words a failed connect to the target in one sentence.
func (s *Session) targetFailed(err error) string {
	t := s.cfg.Target.ShortAddr()
	var te *netcore.TLSError
	switch {
	case netcore.IsRefused(err):
		return fmt.Sprintf("target %s refused the connection; closed the client's connection", t)
	case netcore.IsTimedOut(err) || errors.Is(err, os.ErrDeadlineExceeded) || isTimeoutErr(err):
		return fmt.Sprintf("target %s did not answer within %v; closed the client's connection", t, connectTimeout(s.cfg.TargetOptions))
	case errors.As(err, &te):
		return fmt.Sprintf("TLS with target %s failed: %v; closed the client's connection", t, err)
	}
	return fmt.Sprintf("could not connect to target %s: %v; closed the client's connection", t, err)
}

func isTimeoutErr(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func connectTimeout(o netcore.Options) time.Duration {
	if o.ConnectTimeout > 0 {
		return o.ConnectTimeout
	}
	return netcore.DefaultConnectTimeout
}

// setTarget keeps the target's connection; false when the pair is
// already ending (the caller closes t).
func (r *relayPeer) setTarget(t net.Conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.gone {
		return false
	}
	r.target, r.addr, r.local = t, addrText(t.RemoteAddr()), addrText(t.LocalAddr())
	return true
}

// closeTarget closes the target's connection, now or once it is made.
func (r *relayPeer) closeTarget() {
	r.mu.Lock()
	r.gone = true
	t := r.target
	r.mu.Unlock()
	if t != nil {
		t.Close()
	}
}

func (r *relayPeer) targetConn() net.Conn {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.target
}

// setEnd records why the pair ends; the first reason stays.
func (r *relayPeer) setEnd(text string, err error) {
	r.mu.Lock()
	if r.endText == "" {
		r.endText, r.endErr = text, err
	}
	r.mu.Unlock()
}

func (r *relayPeer) signal() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// conn is side's connection of a stream pair.
func (p *peer) sideConn(side int) net.Conn {
	if side == sideClient {
		return p.conn
	}
	return p.relay.targetConn()
}

// pump is one direction of a stream pair: it reads its side and forwards
// to the other until its side finished (the FIN is then passed on) or
// failed (the pair then ends at once). Before each read it waits for slow
// outputs; each chunk is written, or queued for the hold, before the next
// read, so a slow receiver slows the sender.
func (s *Session) pump(p *peer, d int) {
	r := p.relay
	src := p.sideConn(d)
	buf := make([]byte, initialReadBuffer)
	idle := s.cfg.Options.IdleTimeout
	deadlineSet := false
	for {
		s.waitOutputs()
		dir := &r.dir[d]
		var gap time.Duration
		if dir.dec != nil && !dir.stuck && dir.decGen == s.framingNow().gen {
			gap = s.gap()
		}
		gapEnds := false
		if idle > 0 || gap > 0 {
			var dl time.Time
			if idle > 0 {
				dl = time.Unix(0, r.last.Load()).Add(idle)
			}
			if gap > 0 && dir.dec.Buffered() > 0 {
				if g := time.Now().Add(gap); dl.IsZero() || g.Before(dl) {
					dl, gapEnds = g, true
				}
			}
			if !dl.IsZero() || deadlineSet {
				src.SetReadDeadline(dl)
				deadlineSet = !dl.IsZero()
			}
		}
		n, err := src.Read(buf)
		if n > 0 {
			r.last.Store(time.Now().UnixNano())
			if ferr := s.relayChunk(p, d, buf[:n]); ferr != nil {
				s.relayWriteFailed(p, d, ferr)
				return
			}
			if n == len(buf) && len(buf) < s.cfg.ReadBuffer {
				buf = make([]byte, min(2*len(buf), s.cfg.ReadBuffer))
			}
		}
		if err == nil {
			continue
		}
		if n == 0 && errors.Is(err, os.ErrDeadlineExceeded) && !r.ending.Load() {
			if gapEnds {
				if ferr := s.relayFlush(p, d); ferr != nil {
					s.relayWriteFailed(p, d, ferr)
					return
				}
				continue
			}
			if idle > 0 && time.Since(time.Unix(0, r.last.Load())) < idle {
				continue // the other direction was busy
			}
			r.setEnd(fmt.Sprintf("nothing either way for %v (idle timeout); closed both connections", idle), err)
			s.relayKill(p, -1)
			return
		}
		s.relayReadEnd(p, d, err)
		return
	}
}

// relayReadEnd handles the end of what side d sends: its FIN is passed
// on; a reset resets the other side; another failure closes both.
func (s *Session) relayReadEnd(p *peer, d int, err error) {
	r := p.relay
	src, dst := d, 1-d
	switch {
	case r.ending.Load():
		return // we ended the pair: the read failed because of it
	case p.byUs.Load():
		if p.aborted.Load() {
			r.setEnd(reasonResetByYou, nil)
			s.relayKill(p, sideTarget)
			return
		}
		r.setEnd(reasonClosedByYou, nil)
		s.relayKill(p, -1)
		return
	case errors.Is(err, io.EOF):
		if ferr := s.relayFlush(p, d); ferr != nil {
			s.relayWriteFailed(p, d, ferr)
			return
		}
		if d == toTarget {
			s.peerEvent(KindInfo, p, "the client finished sending (FIN); it is passed on to the target after what came before", NotePeerFinished)
		}
		if ferr := s.passFIN(p, d); ferr != nil {
			s.relayWriteFailed(p, d, ferr)
		}
		return
	case netcore.IsReset(err):
		if src == sideTarget {
			r.setEnd(reasonTargetReset, err)
		} else {
			r.setEnd(reasonClientReset, err)
		}
		s.relayKill(p, dst)
		return
	}
	r.setEnd(fmt.Sprintf("the %s's connection failed (%s); closed the %s's", sideNames[src], netcore.CloseReason(err), sideNames[dst]), err)
	s.relayKill(p, -1)
}

// relayWriteFailed handles a failed write toward direction d's
// destination (or errRelayEnded, when the pair ended meanwhile).
func (s *Session) relayWriteFailed(p *peer, d int, err error) {
	r := p.relay
	if errors.Is(err, errRelayEnded) || r.ending.Load() || p.byUs.Load() {
		if !r.ending.Load() {
			r.setEnd(reasonClosedByYou, nil)
			s.relayKill(p, -1)
		}
		return
	}
	src, dst := d, 1-d
	// A send that fails with a broken pipe, or a FIN that finds the
	// connection gone (ENOTCONN), met the other side's reset.
	if netcore.IsReset(err) || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ENOTCONN) {
		if dst == sideTarget {
			r.setEnd(reasonTargetReset, err)
		} else {
			r.setEnd(reasonClientReset, err)
		}
		s.relayKill(p, src)
		return
	}
	r.setEnd(fmt.Sprintf("sending to the %s failed (%v); closed both connections", sideNames[dst], err), err)
	s.relayKill(p, -1)
}

// relayKill ends the pair at once: resetSide (or -1) is reset, the other
// closed, and what waits in its lanes is dropped (counted at its end).
func (s *Session) relayKill(p *peer, resetSide int) {
	r := p.relay
	r.ending.Store(true)
	r.mu.Lock()
	r.gone = true // a target connected from now on is closed at once
	t := r.target
	r.mu.Unlock()
	for side, c := range []net.Conn{p.conn, t} {
		if c == nil {
			continue
		}
		if side == resetSide && netcore.CanReset(c) {
			netcore.Abort(c)
		} else {
			c.Close()
		}
	}
	s.killLanes(p)
	r.signal()
}

// passFIN half-closes direction d's destination once what was read
// before the FIN has been written.
func (s *Session) passFIN(p *peer, d int) error {
	h := &s.hold
	l := &p.relay.lane[d]
	h.mu.Lock()
	if l.dead {
		h.mu.Unlock()
		return errRelayEnded
	}
	if len(l.items) == 0 {
		h.mu.Unlock()
		return s.writeFIN(p, d)
	}
	l.items = append(l.items, &heldItem{p: p, d: d, fin: true, released: true})
	s.kickLocked(p, d)
	h.mu.Unlock()
	return nil
}

// writeFIN half-closes direction d's destination now.
func (s *Session) writeFIN(p *peer, d int) error {
	r := p.relay
	c := p.sideConn(1 - d)
	if err := netcore.CloseWrite(c); err != nil { // TLS: close_notify, then the TCP FIN
		return err
	}
	r.finished[d].Store(true)
	if d == toClient {
		p.state.Store(int32(PeerWriteClosed))
		s.peerEvent(KindInfo, p, "the target finished sending (FIN); passed it on to the client", NoteHalfClosed)
	}
	r.signal()
	return nil
}

// waitLanes waits until both directions have written everything (the
// hold released), the pair was killed, or the session ends.
func (s *Session) waitLanes(p *peer) {
	r := p.relay
	for {
		s.hold.mu.Lock()
		empty := (len(r.lane[0].items) == 0 || r.lane[0].dead) && (len(r.lane[1].items) == 0 || r.lane[1].dead)
		s.hold.mu.Unlock()
		if empty {
			return
		}
		select {
		case <-r.wake:
		case <-s.ctx.Done():
			return
		}
	}
}

// endPair closes what is left of a stream pair, says what was dropped
// and logs its end.
func (s *Session) endPair(p *peer) {
	r := p.relay
	r.ending.Store(true)
	r.closeTarget()
	p.conn.Close()
	s.killLanes(p)
	p.state.Store(int32(PeerClosed))
	s.removePeer(p)
	r.mu.Lock()
	text, err := r.endText, r.endErr
	r.mu.Unlock()
	switch {
	case text != "":
	case p.byUs.Load() || s.ctx.Err() != nil:
		text = reasonClosedByYou
	default:
		text = reasonBothDone
	}
	s.emit(Entry{Kind: KindClosed, Peer: p.id, Addr: p.addr, Local: p.local, Text: text, Err: closeErr(err)})
}

// relayForget ends a pair that left the peer table (a datagram peer
// forgotten, or the end of a stream pair): its target socket closes and
// what waited for it is dropped, in one line.
func (s *Session) relayForget(p *peer) {
	p.relay.ending.Store(true)
	p.relay.closeTarget()
	s.killLanes(p)
}

// relayChunk takes one chunk (or datagram) read from direction d's side:
// it is logged and counted, decoded, and forwarded as read, or message by
// message when rules or the hold act on whole messages.
func (s *Session) relayChunk(p *peer, d int, chunk []byte) error {
	r := p.relay
	dir := &r.dir[d]
	now := time.Now()
	kind := KindDataIn
	if d == toTarget {
		p.c.addIn(len(chunk), now.UnixNano())
		s.c.addIn(len(chunk), now.UnixNano())
	} else {
		kind = KindDataOut
		p.c.addOut(len(chunk), now.UnixNano())
		s.c.addOut(len(chunk), now.UnixNano())
	}
	if dir.decGen != s.framingNow().gen {
		if err := s.relaySwitchFraming(p, d); err != nil {
			return err
		}
	}
	if chunk == nil {
		chunk = []byte{} // an empty datagram is still data
	}
	e := Entry{Micros: now.UnixMicro(), Kind: kind, Peer: p.id, Addr: p.addr, Local: p.local, Data: chunk}
	if dir.stuck {
		e.Note = NoteUndecoded
	}
	s.emit(e)
	rs := s.relayRules(d)
	if dir.dec == nil || dir.stuck || !p.stream {
		// The chunk (a datagram) is the unit; a datagram's framing is for
		// the view alone.
		if dir.dec != nil && !dir.stuck {
			msgs, err := dir.dec.Feed(chunk)
			s.relayMessages(p, d, msgs, err)
		}
		return s.relayUnit(p, d, chunk, chunk, rs, false)
	}
	if rs == nil && !s.hold.isOn(d) && len(dir.wire) == 0 {
		msgs, err := dir.dec.Feed(chunk)
		s.relayMessages(p, d, msgs, err)
		if !dir.stuck {
			dir.sent = dir.dec.Buffered()
		}
		return s.forward(p, d, chunk)
	}
	dir.wire = append(dir.wire, chunk...)
	msgs, err := dir.dec.Feed(chunk)
	s.relayMessages(p, d, msgs, err)
	return s.relayFramed(p, d, msgs, rs, false)
}

// relayFlush ends direction d's stream for its decoder (at the FIN, or
// when an idle gap ended a message) and forwards what it still held.
func (s *Session) relayFlush(p *peer, d int) error {
	dir := &p.relay.dir[d]
	if dir.dec == nil || dir.stuck || !p.stream {
		return nil
	}
	msgs, err := dir.dec.Flush()
	s.relayMessages(p, d, msgs, err)
	if len(dir.wire) == 0 {
		dir.sent = 0
		return nil
	}
	if err != nil && !dir.stuck { // a truncated frame: forwarded as read
		w := dir.wire
		dir.wire, dir.sent = dir.wire[:0], 0
		return s.forward(p, d, w)
	}
	return s.relayFramed(p, d, msgs, s.relayRules(d), true)
}

// relayFramed forwards the messages one Feed (or Flush, final) completed,
// from the bytes held in dir.wire: one message goes as its bytes on the
// wire, or as a rule made it; several read at once go as read unless a
// rule or the hold acts on one, and then each is framed again from its
// payload (the framing's encoder; exact for line, len, delim, slip, ...).
func (s *Session) relayFramed(p *peer, d int, msgs []framing.Message, rs *ruleState, final bool) error {
	dir := &p.relay.dir[d]
	if dir.stuck { // the rest goes as read
		w := dir.wire
		dir.wire, dir.sent = dir.wire[:0], 0
		return s.forward(p, d, w)
	}
	b := 0
	if !final {
		b = dir.dec.Buffered()
	}
	hw := len(dir.wire) - b
	if hw <= 0 { // the unfinished frame began in bytes forwarded before
		dir.sent = b - len(dir.wire)
		return nil
	}
	group := dir.wire[:hw]
	var err error
	switch {
	case dir.sent > 0 || len(msgs) == 0:
		// A message whose start went out before rules or the hold took
		// over, or bytes a framing error skipped: forwarded as read.
		err = s.forward(p, d, group)
	case len(msgs) == 1:
		err = s.relayUnit(p, d, msgs[0].Data, group, rs, true)
	default:
		err = s.relayMany(p, d, msgs, group, rs)
	}
	n := copy(dir.wire, dir.wire[hw:])
	dir.wire, dir.sent = dir.wire[:n], 0
	return err
}

// relayMany forwards several messages read at once.
func (s *Session) relayMany(p *peer, d int, msgs []framing.Message, group []byte, rs *ruleState) error {
	side := relaySide(d)
	fired := make([][]rules.Fired, len(msgs))
	any := false
	if rs != nil {
		now := time.Now()
		for i, m := range msgs {
			fired[i] = rs.set.ApplyFrom(side, m.Data, &s.replyCounter, now, nil)
			any = any || len(fired[i]) > 0
		}
	}
	if !any && !s.hold.isOn(d) {
		if rs != nil {
			rs.unanswered.Add(uint64(len(msgs)))
		}
		return s.forward(p, d, group)
	}
	enc := s.framingNow().spec
	for i, m := range msgs {
		var err error
		if len(fired[i]) > 0 {
			err = s.relayFired(p, d, m.Data, fired[i], rs, true)
		} else {
			if rs != nil {
				rs.unanswered.Add(1)
			}
			b, eerr := enc.Encode(nil, m.Data)
			if eerr != nil {
				b = m.Data
			}
			err = s.forward(p, d, b)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// relayMessages logs the messages of direction d and a framing error:
// once per chunk while the decoder goes on, once for good when it is
// stuck (the rest of the direction then goes and shows as read).
func (s *Session) relayMessages(p *peer, d int, msgs []framing.Message, err error) {
	dir := &p.relay.dir[d]
	kind := KindMessage
	if d == toClient {
		kind = KindMessageOut
	}
	for _, m := range msgs {
		if d == toTarget {
			p.c.msgsIn.Add(1)
			s.c.msgsIn.Add(1)
		} else {
			p.c.msgsOut.Add(1)
			s.c.msgsOut.Add(1)
		}
		data := m.Data
		if data == nil {
			data = []byte{}
		}
		s.emit(Entry{Kind: kind, Peer: p.id, Addr: p.addr, Data: data, Msg: &Message{Header: m.Header}})
	}
	if err == nil {
		return
	}
	from := " (from the " + sideNames[d] + ")"
	if !errors.Is(err, framing.ErrStuck) {
		s.emit(Entry{Kind: KindError, Note: NoteFramingError, Peer: p.id, Addr: p.addr, Err: err, Text: "framing" + from + ": " + err.Error()})
		return
	}
	dir.stuck = true
	text := "framing" + from + ": " + err.Error() + "; the decoder cannot find the next frame, so the rest of this direction is forwarded and shown as it arrives"
	if fs := s.framingNow(); fs.gen == dir.decGen {
		if h := framing.Hint(fs.spec, fs.opt, err); h != "" {
			text += " (" + h + ")"
		}
	}
	rest := dir.dec.Rest()
	if rest == nil {
		rest = []byte{}
	}
	s.emit(Entry{Kind: KindError, Note: NoteDecoderStuck, Peer: p.id, Addr: p.addr, Err: err, Text: text, Data: rest, Bytes: uint64(len(rest))})
}

// relaySwitchFraming moves direction d to a changed framing: what the old
// decoder held back is forwarded as read.
func (s *Session) relaySwitchFraming(p *peer, d int) error {
	dir := &p.relay.dir[d]
	var err error
	if len(dir.wire) > 0 {
		err = s.forward(p, d, dir.wire)
	}
	if dir.dec != nil && !dir.stuck {
		if n := dir.dec.Buffered(); n > 0 {
			s.emit(Entry{Kind: KindInfo, Peer: p.id, Addr: p.addr,
				Text: fmt.Sprintf("framing changed: %d bytes of an unfinished frame from the %s were left undecoded (they are in the log as received, and forwarded)", n, sideNames[d])})
		}
	}
	fs := s.framingNow()
	*dir = relayDir{decGen: fs.gen}
	if fs.spec.Kind != framing.KindRaw {
		dir.dec = fs.spec.NewDecoder(fs.opt)
	}
	return err
}

// relayWrite writes data to direction d's destination. A datagram that
// cannot be sent is said in the log and the relay goes on; a stream's
// error is returned (the pair then ends).
func (s *Session) relayWrite(p *peer, d int, data []byte) error {
	var err error
	switch {
	case d == toTarget:
		t := p.relay.targetConn()
		if t == nil {
			return errRelayEnded
		}
		_, err = t.Write(data)
	case p.conn != nil:
		_, err = p.conn.Write(data)
	case p.raddr == nil:
		err = ErrNoAddress
	default:
		_, err = p.pc.WriteTo(data, p.raddr)
	}
	if err == nil || p.stream {
		return err
	}
	if p.relay.ending.Load() || isClosedErr(err) {
		return errRelayEnded
	}
	text := fmt.Sprintf("forward to the %s: %s", sideNames[1-d], netcore.DatagramErrorText(err))
	if d == toTarget && netcore.IsRefused(err) {
		text = fmt.Sprintf("target %s refused a datagram (nothing listens there); it was not forwarded", s.cfg.Target.ShortAddr())
	}
	s.emit(Entry{Kind: KindError, Peer: p.id, Addr: p.addr, Err: err, Text: text})
	return nil
}

// relayDialDatagram connects a new datagram peer to the target and starts
// the goroutine reading the target's replies. A target that cannot be
// reached is said once, and the peer forgotten: its next datagram tries
// again.
func (s *Session) relayDialDatagram(p *peer) {
	t, err := netDial(s.ctx, s.cfg.Target, s.cfg.TargetOptions)
	if err != nil {
		if s.ctx.Err() == nil {
			s.emit(Entry{Kind: KindError, Peer: p.id, Addr: p.addr, Err: err,
				Text: fmt.Sprintf("could not open a socket to target %s: %v; the datagram is not forwarded", s.cfg.Target.ShortAddr(), err)})
		}
		s.removePeer(p)
		p.state.Store(int32(PeerClosed))
		s.peerEvent(KindClosed, p, "forgotten: the target could not be reached", NoteNone)
		return
	}
	if !p.relay.setTarget(t) {
		t.Close()
		return
	}
	s.relayFraming(p)
	s.targetConnected(p, t)
	s.wg.Add(1)
	go s.readTargetDatagrams(p, t)
}

// relayDatagram forwards one datagram of a client to its target.
func (s *Session) relayDatagram(p *peer, b []byte, cut bool) {
	if p.relay.targetConn() == nil {
		return // its dial failed, and said so
	}
	err := s.relayChunk(p, toTarget, b)
	if cut {
		s.truncated(p, len(b))
	}
	if err != nil && !errors.Is(err, errRelayEnded) {
		s.emit(Entry{Kind: KindError, Peer: p.id, Addr: p.addr, Err: err, Text: "forward to the target: " + err.Error()})
	}
}

// readTargetDatagrams is the goroutine reading one datagram peer's
// target socket and forwarding each datagram to the client. It exits
// when the socket closes (the peer forgotten, the session closed).
func (s *Session) readTargetDatagrams(p *peer, t net.Conn) {
	defer s.wg.Done()
	size := datagramBuffer
	if s.cfg.Target.Scheme == netcore.SchemeUnixgram {
		size = unixgramBuffer
	}
	buf := make([]byte, size)
	for {
		s.waitOutputs()
		n, _, cut, err := netcore.ReadDatagram(t, &buf)
		if err == nil {
			ferr := s.relayChunk(p, toClient, buf[:n])
			if cut {
				s.truncated(p, n)
			}
			if errors.Is(ferr, errRelayEnded) {
				return
			}
			continue
		}
		if p.relay.ending.Load() || s.ctx.Err() != nil || isClosedErr(err) {
			return
		}
		if netcore.IsDatagramICMPError(err) {
			text := "target: " + netcore.DatagramErrorText(err)
			if netcore.IsRefused(err) {
				text = fmt.Sprintf("target %s refused a datagram (nothing listens there)", s.cfg.Target.ShortAddr())
			}
			s.emit(Entry{Kind: KindError, Peer: p.id, Addr: p.addr, Err: err, Text: text})
			if !s.sleepCtx(10 * time.Millisecond) {
				return
			}
			continue
		}
		s.emit(Entry{Kind: KindError, Peer: p.id, Addr: p.addr, Err: err, Text: "receive from the target: " + err.Error()})
		return
	}
}

// relayClosing says, as the session closes, what held data it dropped.
func (s *Session) relayClosing() {
	if s.cfg.Role != Relay {
		return
	}
	if b, m := s.droppedBytes.Load(), s.droppedMsgs.Load(); b > 0 || m > 0 {
		s.emit(Entry{Kind: KindError, Count: m, Bytes: b,
			Text: fmt.Sprintf("in all, %d bytes in %d messages that were held or waiting were never forwarded: their connections ended first", b, m)})
	}
}
