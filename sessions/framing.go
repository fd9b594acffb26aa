package sessions

import (
	"fmt"
	"time"

	"github.com/sockplay/sockplay/netcore/framing"
)

// framingState is the session's framing now. SetFraming replaces it; each
// peer's reader notices the new generation at its next chunk and takes a
// fresh decoder, so the reader alone ever touches its peer's decoder.
type framingState struct {
	spec framing.Spec
	opt  framing.Options
	gen  uint64
}

func (s *Session) framingNow() *framingState { return s.framing.Load() }

// Framing is the framing the session uses now (Config's, or the last
// SetFraming's).
func (s *Session) Framing() framing.Spec { return s.framingNow().spec }

// SetFraming changes how the session cuts what peers send into messages
// and frames what it sends, on a live session: new sends are framed the new
// way at once; each peer's reader switches at its next chunk, and a frame
// the old framing had begun is left undecoded (its bytes are in the log as
// received). A fixed reply that the new framing cannot carry is refused.
func (s *Session) SetFraming(spec framing.Spec) error {
	if err := spec.Validate(); err != nil {
		return fmt.Errorf("framing: %w", err)
	}
	if s.cfg.Reply == ReplyFixed && s.cfg.ReplyPayload != nil && spec.Kind != framing.KindRaw {
		b, err := s.cfg.ReplyPayload.Render(nil, time.Now())
		if err == nil {
			_, err = spec.Encode(nil, b)
		}
		if err != nil {
			return fmt.Errorf("framing %s cannot carry the fixed reply: %w", spec, err)
		}
	}
	old := s.framingNow()
	s.framing.Store(&framingState{spec: spec, opt: old.opt, gen: old.gen + 1})
	s.logEvent(KindInfo, nil, fmt.Sprintf("framing changed from %s to %s", old.spec, spec))
	return nil
}

// framed reports whether the session cuts streams into messages.
func (s *Session) framed() bool { return s.framingNow().spec.Kind != framing.KindRaw }

// useFraming gives p the decoder of the framing now (nil without one).
// Only p's reader calls it once p is running.
func (s *Session) useFraming(p *peer) {
	fs := s.framingNow()
	p.decGen, p.stuck, p.flushed = fs.gen, false, false
	p.dec = nil
	if fs.spec.Kind != framing.KindRaw {
		p.dec = fs.spec.NewDecoder(fs.opt)
	}
}

// switchFraming moves p to a changed framing at the start of a chunk,
// saying what an unfinished frame left behind.
func (s *Session) switchFraming(p *peer) {
	if p.dec != nil && !p.stuck {
		if n := p.dec.Buffered(); n > 0 {
			s.emit(Entry{Kind: KindInfo, Peer: p.id, Addr: p.addr,
				Text: fmt.Sprintf("framing changed: %d bytes of an unfinished frame were left undecoded (they are in the log as received)", n)})
		}
	}
	s.useFraming(p)
}

// gap is the pause that ends a message for `idle:DURATION` framing, else 0:
// the session's reader runs that timer, since a decoder only sees bytes.
func (s *Session) gap() time.Duration {
	if fs := s.framingNow(); fs.spec.Kind == framing.KindIdle {
		return fs.spec.Gap
	}
	return 0
}
