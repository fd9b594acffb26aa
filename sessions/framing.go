package sessions

import (
	"time"

	"github.com/sockplay/sockplay/netcore/framing"
)

// framed reports whether the session cuts streams into messages.
func (s *Session) framed() bool { return s.cfg.Framing.Kind != framing.KindRaw }

// newDecoder is a fresh decoder for one peer, or nil without framing.
func (s *Session) newDecoder() framing.Decoder {
	if !s.framed() {
		return nil
	}
	return s.cfg.Framing.NewDecoder(s.cfg.FramingOptions)
}

// gap is the pause that ends a message for `idle:DURATION` framing, else 0:
// the session's reader runs that timer, since a decoder only sees bytes.
func (s *Session) gap() time.Duration {
	if s.cfg.Framing.Kind == framing.KindIdle {
		return s.cfg.Framing.Gap
	}
	return 0
}
