package framing

import (
	"bytes"
	"encoding/hex"
)

// delimSplitter ends a message at a delimiter (line, crlf, delim:HEX, and
// cobs through decode). A frame that outgrows the limit is reported once and
// skipped up to the next delimiter, so the decoder resyncs.
type delimSplitter struct {
	sl    *slab
	delim []byte
	keep  bool
	limit int // largest Data
	// raw is the most bytes allowed before the delimiter.
	raw int
	// decode, when set, turns the bytes before the delimiter into the
	// message (cobs); empty frames are then skipped.
	decode func([]byte) ([]byte, error)
	// searched is how far the current frame has been searched already, so a
	// big frame arriving in small chunks is not scanned over and over.
	searched int
	dropping bool
}

func newDelimSplitter(delim string, keep bool, limit int) *delimSplitter {
	raw := limit
	if keep {
		raw = limit - len(delim) // below 0: no message fits the limit
	}
	return &delimSplitter{delim: []byte(delim), keep: keep, limit: limit, raw: raw}
}

func (d *delimSplitter) next(b []byte) (int, Message, bool, error) {
	start := max(0, d.searched-(len(d.delim)-1))
	i := bytes.Index(b[start:], d.delim)
	if i < 0 {
		// No delimiter yet: all but its possible first bytes are payload.
		sure := len(b) - (len(d.delim) - 1)
		if d.dropping {
			d.searched = 0
			return max(0, sure), Message{}, false, nil
		}
		if sure > 0 && sure > d.raw {
			d.dropping, d.searched = true, 0
			return sure, Message{}, false, d.tooLarge()
		}
		d.searched = len(b)
		return 0, Message{}, false, nil
	}
	i += start
	end := i + len(d.delim)
	d.searched = 0
	if d.dropping {
		d.dropping = false
		return end, Message{}, false, nil
	}
	if i > d.raw {
		return end, Message{}, false, d.tooLarge()
	}
	if d.decode != nil {
		if i == 0 {
			return end, Message{}, false, nil
		}
		data, err := d.decode(b[:i])
		if err != nil {
			return end, Message{}, false, err
		}
		return end, Message{Data: data}, true, nil
	}
	if d.keep {
		return end, Message{Data: d.sl.clone(b[:end])}, true, nil
	}
	return end, Message{Data: d.sl.clone(b[:i])}, true, nil
}

func (d *delimSplitter) tooLarge() error {
	return newError(ErrFrameTooLarge, "frame runs past the %s limit before delimiter %s; skipping to the next one",
		sizeText(int64(d.limit)), hex.EncodeToString(d.delim))
}

func (d *delimSplitter) end(b []byte) ([]Message, error) {
	if d.dropping || len(b) == 0 {
		return nil, nil
	}
	return nil, newError(ErrTruncated, "truncated frame at end of stream: %s without delimiter %s",
		sizeText(int64(len(b))), hex.EncodeToString(d.delim))
}

func (d *delimSplitter) reset() { d.searched, d.dropping = 0, false }
