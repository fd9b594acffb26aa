package framing

import "fmt"

// SLIP bytes, RFC 1055.
const (
	slipEnd    = 0xC0
	slipEsc    = 0xDB
	slipEscEnd = 0xDC
	slipEscEsc = 0xDD
)

// slipSplitter unescapes as bytes arrive, into a reused buffer for the
// message it is building, so its decoder buffer stays empty. Empty frames between ENDs (senders put an
// END first to flush line noise) are skipped. An ESC followed by anything but
// ESC_END or ESC_ESC drops the frame with an error, and the next END resyncs.
type slipSplitter struct {
	limit    int
	cur      []byte
	esc      bool
	dropping bool
}

func (s *slipSplitter) next(b []byte) (int, Message, bool, error) {
	for i, c := range b {
		if c == slipEnd {
			dropped, wasEsc := s.dropping, s.esc
			s.dropping, s.esc = false, false
			switch {
			case dropped:
				s.cur = s.cur[:0]
				return i + 1, Message{}, false, nil
			case wasEsc:
				s.cur = s.cur[:0]
				return i + 1, Message{}, false, s.badEscape(c)
			case len(s.cur) == 0:
				continue
			}
			m := Message{Data: clone(s.cur)}
			s.cur = s.cur[:0]
			if cap(s.cur) > 1<<20 {
				s.cur = nil // do not hold on to one big frame's memory
			}
			return i + 1, m, true, nil
		}
		if s.dropping {
			continue
		}
		if s.esc {
			s.esc = false
			switch c {
			case slipEscEnd:
				c = slipEnd
			case slipEscEsc:
				c = slipEsc
			default:
				s.dropping = true
				s.cur = s.cur[:0]
				return i + 1, Message{}, false, s.badEscape(c)
			}
		} else if c == slipEsc {
			s.esc = true
			continue
		}
		if len(s.cur) == s.limit {
			s.dropping = true
			s.cur = s.cur[:0]
			return i + 1, Message{}, false, newError(ErrFrameTooLarge,
				"slip frame runs past the %s limit before an end byte; skipping to the next one", sizeText(int64(s.limit)))
		}
		s.cur = append(s.cur, c)
	}
	return len(b), Message{}, false, nil
}

func (s *slipSplitter) badEscape(c byte) error {
	return newError(ErrBadFrame, "slip escape 0xdb followed by %s, not 0xdc or 0xdd; frame dropped", fmt.Sprintf("0x%02x", c))
}

func (s *slipSplitter) end([]byte) ([]Message, error) {
	if s.dropping || (len(s.cur) == 0 && !s.esc) {
		return nil, nil
	}
	n := len(s.cur)
	return nil, newError(ErrTruncated, "truncated frame at end of stream: %s without a slip end byte", sizeText(int64(n)))
}

func (s *slipSplitter) reset() { s.cur, s.esc, s.dropping = nil, false, false }

// slipAppend appends END, the escaped payload and END to dst.
func slipAppend(dst, p []byte) []byte {
	dst = append(dst, slipEnd)
	for _, c := range p {
		switch c {
		case slipEnd:
			dst = append(dst, slipEsc, slipEscEnd)
		case slipEsc:
			dst = append(dst, slipEsc, slipEscEsc)
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, slipEnd)
}
