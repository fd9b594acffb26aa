package framing

import "bytes"

const (
	stx = 0x02
	etx = 0x03
)

// stxSplitter frames 0x02 ... 0x03. Bytes between an ETX and the next STX (a
// BCC checksum, line ends, noise) belong to no message and are skipped
// without an error: the raw view shows them anyway. An STX inside a frame
// means its ETX was lost: the partial frame is dropped with an error and a
// new one starts there.
type stxSplitter struct {
	sl       *slab
	limit    int
	inFrame  bool // b starts at the current frame's STX
	searched int
	dropping bool // an oversized frame is being skipped up to ETX or STX
}

func (s *stxSplitter) next(b []byte) (int, Message, bool, error) {
	if s.dropping {
		j := indexEither(b, etx, stx)
		if j < 0 {
			return len(b), Message{}, false, nil
		}
		s.dropping = false
		if b[j] == etx {
			return j + 1, Message{}, false, nil
		}
		if j > 0 {
			return j, Message{}, false, nil // the next frame starts at this stx
		}
	}
	if !s.inFrame {
		i := bytes.IndexByte(b, stx)
		if i < 0 {
			return len(b), Message{}, false, nil
		}
		s.inFrame, s.searched = true, 1
		if i > 0 {
			return i, Message{}, false, nil
		}
	}
	// b starts at this frame's stx.
	from := max(1, s.searched)
	j := indexEither(b[from:], etx, stx)
	if j < 0 {
		if len(b)-1 > s.limit {
			s.inFrame, s.searched, s.dropping = false, 0, true
			return len(b), Message{}, false, s.tooLarge()
		}
		s.searched = len(b)
		return 0, Message{}, false, nil
	}
	j += from
	s.inFrame, s.searched = false, 0
	n := j + 1
	if b[j] == stx {
		n = j // the next frame starts at this stx
	}
	switch {
	case j-1 > s.limit:
		return n, Message{}, false, s.tooLarge()
	case b[j] == stx:
		return n, Message{}, false, newError(ErrBadFrame, "stx after %s without etx; the partial frame is dropped", sizeText(int64(j-1)))
	}
	return n, Message{Data: s.sl.clone(b[1:j])}, true, nil
}

func (s *stxSplitter) tooLarge() error {
	return newError(ErrFrameTooLarge, "frame runs past the %s limit before etx; skipping to the next frame", sizeText(int64(s.limit)))
}

func (s *stxSplitter) end(b []byte) ([]Message, error) {
	if !s.inFrame || len(b) == 0 {
		return nil, nil
	}
	return nil, newError(ErrTruncated, "truncated frame at end of stream: %s after stx without etx", sizeText(int64(len(b)-1)))
}

func (s *stxSplitter) reset() { *s = stxSplitter{limit: s.limit} }

// indexEither is the index of the first a or c in b, or -1.
func indexEither(b []byte, a, c byte) int {
	for i, x := range b {
		if x == a || x == c {
			return i
		}
	}
	return -1
}
