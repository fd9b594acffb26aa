package sessions

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/framing"
)

// dataIn logs one received chunk (copied by the log and the outputs),
// counts it, feeds the decoder and answers it when the session replies.
// scratch is the reader's reusable buffer for replies.
func (s *Session) dataIn(p *peer, chunk []byte, scratch *[]byte) {
	s.dataInLending(p, chunk, scratch, nil, nil)
}

// dataInLending is dataIn for a chunk at the start of the reader's buffer
// buf, which an output may keep instead of a copy (emitLending); true
// when it did, and the reader must read into another buffer. Nothing here
// writes to the chunk, so the decoder and the replies still read it.
func (s *Session) dataInLending(p *peer, chunk []byte, scratch *[]byte, buf []byte, back func([]byte)) bool {
	now := time.Now()
	p.c.addIn(len(chunk), now.UnixNano())
	s.c.addIn(len(chunk), now.UnixNano())
	if p.decGen != s.framingNow().gen {
		s.switchFraming(p)
	}
	if chunk == nil {
		chunk = []byte{} // an empty datagram is still data
	}
	e := Entry{Micros: now.UnixMicro(), Kind: KindDataIn, Peer: p.id, Addr: p.addr, Local: p.local, Data: chunk}
	if p.stuck {
		e.Note = NoteUndecoded
	}
	_, lent := s.emitLending(e, buf, back)
	if p.dec == nil || p.stuck {
		s.reply(p, chunk, scratch)
		return lent
	}
	msgs, err := p.dec.Feed(chunk)
	s.messages(p, msgs, err, scratch, true)
	return lent
}

// messages logs decoded frames, counts and answers them, and logs a framing
// error: once per chunk while the decoder goes on; once for good, with what
// it had not decoded, when it is stuck (the rest of the peer then comes as
// raw chunks, like an unframed session).
func (s *Session) messages(p *peer, msgs []framing.Message, err error, scratch *[]byte, answer bool) {
	// One allocation for the Message of every frame of this chunk, not
	// one each: a stream of small frames has thousands per read.
	batch := make([]Message, len(msgs))
	for i, m := range msgs {
		p.c.msgsIn.Add(1)
		s.c.msgsIn.Add(1)
		msg := &batch[i]
		msg.Header = m.Header
		if s.cfg.SaveDir != "" && m.Header != nil {
			s.save(m, msg)
		}
		s.emit(Entry{Kind: KindMessage, Peer: p.id, Addr: p.addr, Data: m.Data, Msg: msg})
		switch {
		case msg.Saved != "":
			s.logEvent(KindInfo, p, fmt.Sprintf("saved %d bytes from %s to %s", len(m.Data), p.addr, msg.Saved))
		case msg.SaveErr != "":
			s.logEvent(KindError, p, "file not saved: "+msg.SaveErr)
		}
		if answer {
			s.reply(p, m.Data, scratch)
		}
	}
	if err == nil {
		return
	}
	if !errors.Is(err, framing.ErrStuck) {
		s.emit(Entry{Kind: KindError, Note: NoteFramingError, Peer: p.id, Addr: p.addr, Err: err, Text: "framing: " + err.Error()})
		return
	}
	p.stuck = true
	text := "framing: " + err.Error() + "; the decoder cannot find the next frame, so the rest of this connection is shown as it arrives"
	if fs := s.framingNow(); fs.gen == p.decGen {
		if h := framing.Hint(fs.spec, fs.opt, err); h != "" {
			text += " (" + h + ")"
		}
	}
	rest := p.dec.Rest()
	if rest == nil {
		rest = []byte{}
	}
	s.emit(Entry{Kind: KindError, Note: NoteDecoderStuck, Peer: p.id, Addr: p.addr, Err: err, Text: text, Data: rest, Bytes: uint64(len(rest))})
}

// reply answers one chunk or message by the rules, when the session has
// them, or else according to Config.Reply.
func (s *Session) reply(p *peer, in []byte, scratch *[]byte) {
	if rs := s.rules.Load(); rs != nil {
		s.applyRules(p, rs, in)
		return
	}
	if s.cfg.Role != Server {
		return
	}
	var out []byte
	switch s.cfg.Reply {
	case ReplyNone:
		return
	case ReplyEcho:
		out = in
	case ReplyUpper:
		b := (*scratch)[:0]
		for _, c := range in {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			b = append(b, c)
		}
		*scratch = b
		out = b
	case ReplyFixed:
		if s.cfg.ReplyPayload == nil {
			return
		}
		b, err := s.cfg.ReplyPayload.Render(&s.replyCounter, time.Now())
		if err != nil {
			s.emit(Entry{Kind: KindError, Peer: p.id, Addr: p.addr, Err: err, Text: "reply: " + err.Error()})
			return
		}
		out = b
	}
	_ = s.sendTo(p, out) // logged by sendTo; a failed reply does not stop reading
}

// Send writes data to one peer, or with PeerAll to every current peer,
// and logs what was written. Errors from several peers are joined.
func (s *Session) Send(id PeerID, data []byte) error {
	return s.sendEach(id, func(p *peer) error { return s.sendTo(p, data) })
}

// SendRaw writes data as it is, skipping the framing encoder, for bytes that
// already carry their framing: a jsonhdr file streamed in pieces cannot go
// through Send, which would frame every piece. It is logged and counted like
// Send; endsMessage counts one message out, on the write that ends a frame.
func (s *Session) SendRaw(id PeerID, data []byte, endsMessage bool) error {
	return s.sendEach(id, func(p *peer) error { return s.write(p, data, endsMessage) })
}

// sendEach runs send for one peer, or with PeerAll for every current peer.
func (s *Session) sendEach(id PeerID, send func(p *peer) error) error {
	var targets []*peer
	if id == PeerAll {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return ErrClosed
		}
		for _, p := range s.peers {
			targets = append(targets, p)
		}
		s.mu.Unlock()
		if len(targets) == 0 {
			return ErrNoPeers
		}
	} else {
		p, err := s.peer(id)
		if err != nil {
			return err
		}
		targets = []*peer{p}
	}
	var errs []error
	for _, p := range targets {
		if err := send(p); err != nil {
			errs = append(errs, err)
		}
	}
	return joinErrs(errs)
}

// SendFramed is Send with another framing than the session's, for one send:
// the composer's per-send choice (raw bytes into a line session, a
// len:4 frame into a raw one). Framed bytes count one message out; raw
// ones count none.
func (s *Session) SendFramed(id PeerID, data []byte, spec framing.Spec) error {
	if spec.Kind == framing.KindRaw {
		return s.SendRaw(id, data, false)
	}
	return s.sendEach(id, func(p *peer) error { return s.encodeAndWrite(p, data, spec.Encode) })
}

// sendTo is the one send path: composer, stdin and replies all come here, so
// framing applies and every byte written is logged and counted.
func (s *Session) sendTo(p *peer, data []byte) error {
	fs := s.framingNow()
	if fs.spec.Kind == framing.KindRaw {
		return s.write(p, data, false)
	}
	return s.encodeAndWrite(p, data, fs.spec.Encode)
}

// encodeAndWrite frames data as one message and writes it; a payload the
// framing cannot carry is an error in the log, and nothing is written.
func (s *Session) encodeAndWrite(p *peer, data []byte, encode func(dst, payload []byte) ([]byte, error)) error {
	framed, err := encode(nil, data)
	if err != nil {
		err = fmt.Errorf("send to %s: framing: %w", p.addr, err)
		s.emit(Entry{Kind: KindError, Peer: p.id, Addr: p.addr, Err: err, Text: err.Error()})
		return err
	}
	// The message as sent, payload only, as received messages are shown;
	// the data_out entry write logs holds the frame.
	msg := data
	if msg == nil {
		msg = []byte{}
	}
	s.emit(Entry{Kind: KindMessageOut, Peer: p.id, Addr: p.addr, Data: msg})
	return s.write(p, framed, true)
}

// write logs, writes and counts bytes that are ready for the wire.
func (s *Session) write(p *peer, data []byte, message bool) error {
	if message {
		p.c.msgsOut.Add(1)
		s.c.msgsOut.Add(1)
	}
	// Logged before the write so the view shows it before the reply that a
	// fast peer sends back; a short write is then reported as an error.
	// A slow output (stdout, a recording) holds the write back first.
	s.waitOutputs()
	now := time.Now()
	out := data
	if out == nil {
		out = []byte{}
	}
	if len(data) > 0 || !p.stream {
		e := Entry{Micros: now.UnixMicro(), Kind: KindDataOut, Peer: p.id, Addr: p.addr, Local: p.local, Data: out}
		if !message && s.framed() {
			e.Note = NoteUndecoded // sent raw past the framing: no message shows it
		}
		s.emit(e)
	}
	var n int
	var err error
	if p.conn != nil {
		n, err = p.conn.Write(data)
	} else if p.raddr == nil {
		err = ErrNoAddress
	} else {
		n, err = p.pc.WriteTo(data, p.raddr)
	}
	return s.wrote(p, int64(n), int64(len(data)), err)
}

// wrote counts n bytes written to p of the want asked for, and turns a
// failed write into one sentence in the log and the error returned.
func (s *Session) wrote(p *peer, n, want int64, err error) error {
	if n > 0 || (err == nil && !p.stream) {
		ns := time.Now().UnixNano()
		p.c.addOut(int(n), ns)
		s.c.addOut(int(n), ns)
	}
	if err != nil {
		if !p.stream && netcore.IsBroadcastRefused(err) {
			err = fmt.Errorf("send to %s: %s: %w", p.addr, netcore.BroadcastHint, err)
		} else if n < want && want > 0 {
			err = fmt.Errorf("send to %s: %d of %d bytes sent: %w", p.addr, n, want, err)
		} else {
			err = fmt.Errorf("send to %s: %w", p.addr, err)
		}
		if !p.byUs.Load() && !(p.probing.Load() && errors.Is(err, os.ErrDeadlineExceeded)) {
			s.emit(Entry{Kind: KindError, Peer: p.id, Addr: p.addr, Err: err, Text: err.Error()})
		}
		return err
	}
	return nil
}

func joinErrs(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return fmt.Errorf("%w (and %d more peers failed)", errs[0], len(errs)-1)
}
