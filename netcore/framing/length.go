package framing

import (
	"encoding/binary"
	"fmt"
	"math"
)

// lenSplitter reads a frame of Off header bytes, an N-byte length field and
// the body the field gives, and delivers it less its first StripLen bytes. A
// bad length leaves no way to find the next frame, so its errors are stuck.
type lenSplitter struct {
	spec  Spec
	limit int
	sl    *slab
}

// frameLen turns the length field into the number of body bytes after the
// header (the Off bytes and the field), or a stuck error in words. The
// limit bounds the message: the body and the header bytes not stripped.
func (l *lenSplitter) frameLen(field uint64) (int, error) {
	s := l.spec
	h := s.Off + s.Width
	kept := int64(h - s.StripLen())
	if field > 1<<40 { // far past any limit; keeps the arithmetic below in range
		return 0, stuck(l.tooLarge(field))
	}
	n := int64(field) + int64(s.Adj)
	if s.Incl {
		n -= int64(h)
	}
	switch {
	case n < 0 && s.Incl && s.Adj == 0:
		return 0, stuck(newError(ErrBadFrame, "frame length %d is smaller than the %d-byte header it counts", field, h))
	case n < 0:
		how := fmt.Sprintf("adj=%d", s.Adj)
		if s.Incl {
			how = "incl and " + how
		}
		return 0, stuck(newError(ErrBadFrame, "frame length %d with %s leaves a negative message length", field, how))
	case kept+n > int64(l.limit):
		return 0, stuck(l.tooLarge(field))
	}
	return int(n), nil
}

func (l *lenSplitter) tooLarge(field uint64) error {
	kept := uint64(l.spec.Off + l.spec.Width - l.spec.StripLen())
	need := int64(min(field, math.MaxInt64-1<<20) + kept)
	return tooLarge(need, int64(l.limit), "frame length %d exceeds the %s limit", field, sizeText(int64(l.limit)))
}

func (l *lenSplitter) next(b []byte) (int, Message, bool, error) {
	s := l.spec
	h := s.Off + s.Width
	if len(b) < h {
		return 0, Message{}, false, nil
	}
	n, err := l.frameLen(readUint(b[s.Off:h], s.Width, s.LittleEndian))
	if err != nil {
		return 0, Message{}, false, err
	}
	if len(b)-h < n {
		return 0, Message{}, false, nil
	}
	return h + n, Message{Data: l.sl.clone(b[s.StripLen() : h+n])}, true, nil
}

func (l *lenSplitter) end(b []byte) ([]Message, error) {
	s := l.spec
	h := s.Off + s.Width
	switch {
	case len(b) == 0:
		return nil, nil
	case len(b) < h:
		return nil, newError(ErrTruncated, "truncated frame at end of stream: %d of %d header bytes", len(b), h)
	}
	n, err := l.frameLen(readUint(b[s.Off:h], s.Width, s.LittleEndian))
	if err != nil {
		return nil, err
	}
	return nil, newError(ErrTruncated, "truncated frame at end of stream: %d of %d bytes", len(b), h+n)
}

func (l *lenSplitter) reset() {}

func readUint(b []byte, width int, little bool) uint64 {
	var o binary.ByteOrder = binary.BigEndian
	if little {
		o = binary.LittleEndian
	}
	switch width {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(o.Uint16(b))
	case 4:
		return uint64(o.Uint32(b))
	}
	return o.Uint64(b)
}

// appendLen frames payload, the message as a receiver of s would decode
// it: the frame's first StripLen bytes are not in it. The stripped bytes
// can only be (part of) the length field, which appendLen computes and
// writes in front; the field's bytes that are in the payload (at Off less
// what was stripped) are placeholders it overwrites. Stripped header bytes
// before the field cannot be invented, so such a spec cannot send.
func (s Spec) appendLen(dst, payload []byte) ([]byte, error) {
	h, strip := s.Off+s.Width, s.StripLen()
	if s.Off > 0 && strip > 0 {
		return dst, newError(ErrCannotEncode, "%s cannot frame a payload: its messages leave out %d header bytes before the length field, which a sender cannot know; send with strip=0 or raw", s, min(strip, s.Off))
	}
	if len(payload) < h-strip {
		what := fmt.Sprintf("%d bytes for the length field", h-strip)
		if s.Off > 0 {
			what = fmt.Sprintf("the %d header bytes and %d bytes for the length field", s.Off, s.Width)
		}
		return dst, newError(ErrCannotEncode, "payload of %s is too short for %s: it must start with %s, whose value sockplay writes", sizeText(int64(len(payload))), s, what)
	}
	body := len(payload) - (h - strip)
	field := int64(body) - int64(s.Adj)
	if s.Incl {
		field += int64(h)
	}
	maxField := uint64(1)<<(8*s.Width) - 1
	if s.Width == 8 {
		maxField = 1<<63 - 1
	}
	if field < 0 || uint64(field) > maxField {
		what := fmt.Sprintf("(max %d)", maxField)
		if s.Adj != 0 || s.Incl {
			what = fmt.Sprintf("(field value %d, max %d)", field, maxField)
		}
		return dst, newError(ErrCannotEncode, "payload of %d bytes does not fit the %d-byte length field %s", len(payload), s.Width, what)
	}
	var o binary.AppendByteOrder = binary.BigEndian
	if s.LittleEndian {
		o = binary.LittleEndian
	}
	var f [8]byte
	fb := f[:0]
	switch s.Width {
	case 1:
		fb = append(fb, byte(field))
	case 2:
		fb = o.AppendUint16(fb, uint16(field))
	case 4:
		fb = o.AppendUint32(fb, uint32(field))
	default:
		fb = o.AppendUint64(fb, uint64(field))
	}
	start := len(dst)
	dst = append(dst, fb[:strip]...) // Off is 0 here when strip > 0
	dst = append(dst, payload...)
	copy(dst[start+s.Off+strip:], fb[strip:]) // over the field's placeholder bytes in the payload
	return dst, nil
}

// fixedSplitter cuts every size bytes. It never meets a bad frame; a size
// over the limit is a stuck error at the first byte.
type fixedSplitter struct {
	size, limit int
	sl          *slab
}

func (f *fixedSplitter) next(b []byte) (int, Message, bool, error) {
	if f.size > f.limit {
		return 0, Message{}, false, stuck(tooLarge(int64(f.size), int64(f.limit), "fixed frame size %d exceeds the %s limit", f.size, sizeText(int64(f.limit))))
	}
	if len(b) < f.size {
		return 0, Message{}, false, nil
	}
	return f.size, Message{Data: f.sl.clone(b[:f.size])}, true, nil
}

func (f *fixedSplitter) end(b []byte) ([]Message, error) {
	if len(b) == 0 {
		return nil, nil
	}
	return nil, newError(ErrTruncated, "truncated frame at end of stream: %d of %d bytes", len(b), f.size)
}

func (f *fixedSplitter) reset() {}
