package framing

import (
	"encoding/binary"
	"fmt"
	"math"
)

// lenSplitter reads an N-byte length field and then that many bytes. A bad
// length leaves no way to find the next frame, so its errors are stuck.
type lenSplitter struct {
	spec  Spec
	limit int
}

// frameLen turns the length field into the number of message bytes after the
// header, or a stuck error in words.
func (l *lenSplitter) frameLen(hdr []byte) (int, error) {
	s := l.spec
	field := readUint(hdr, s.Width, s.LittleEndian)
	if field > 1<<40 { // far past any limit; keeps the arithmetic below in range
		return 0, stuck(l.tooLarge(field))
	}
	n := int64(field) + int64(s.Adj)
	if s.Incl {
		n -= int64(s.Width)
	}
	switch {
	case n < 0 && s.Incl && s.Adj == 0:
		return 0, stuck(newError(ErrBadFrame, "frame length %d is smaller than the %d-byte header it counts", field, s.Width))
	case n < 0:
		how := fmt.Sprintf("adj=%d", s.Adj)
		if s.Incl {
			how = "incl and " + how
		}
		return 0, stuck(newError(ErrBadFrame, "frame length %d with %s leaves a negative message length", field, how))
	case n > int64(l.limit):
		return 0, stuck(l.tooLarge(field))
	}
	return int(n), nil
}

func (l *lenSplitter) tooLarge(field uint64) error {
	need := int64(min(field, math.MaxInt64))
	return tooLarge(need, int64(l.limit), "frame length %d exceeds the %s limit", field, sizeText(int64(l.limit)))
}

func (l *lenSplitter) next(b []byte) (int, Message, bool, error) {
	w := l.spec.Width
	if len(b) < w {
		return 0, Message{}, false, nil
	}
	n, err := l.frameLen(b[:w])
	if err != nil {
		return 0, Message{}, false, err
	}
	if len(b)-w < n {
		return 0, Message{}, false, nil
	}
	return w + n, Message{Data: clone(b[w : w+n])}, true, nil
}

func (l *lenSplitter) end(b []byte) ([]Message, error) {
	w := l.spec.Width
	switch {
	case len(b) == 0:
		return nil, nil
	case len(b) < w:
		return nil, newError(ErrTruncated, "truncated frame at end of stream: %d of %d header bytes", len(b), w)
	}
	n, err := l.frameLen(b[:w])
	if err != nil {
		return nil, err
	}
	return nil, newError(ErrTruncated, "truncated frame at end of stream: %d of %d bytes", len(b), w+n)
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

// appendLen writes the length header for a payload of n bytes.
func (s Spec) appendLen(dst []byte, n int) ([]byte, error) {
	field := int64(n) - int64(s.Adj)
	if s.Incl {
		field += int64(s.Width)
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
		return dst, newError(ErrCannotEncode, "payload of %d bytes does not fit the %d-byte length field %s", n, s.Width, what)
	}
	var o binary.AppendByteOrder = binary.BigEndian
	if s.LittleEndian {
		o = binary.LittleEndian
	}
	switch s.Width {
	case 1:
		return append(dst, byte(field)), nil
	case 2:
		return o.AppendUint16(dst, uint16(field)), nil
	case 4:
		return o.AppendUint32(dst, uint32(field)), nil
	}
	return o.AppendUint64(dst, uint64(field)), nil
}

// fixedSplitter cuts every size bytes. It never meets a bad frame; a size
// over the limit is a stuck error at the first byte.
type fixedSplitter struct {
	size, limit int
}

func (f *fixedSplitter) next(b []byte) (int, Message, bool, error) {
	if f.size > f.limit {
		return 0, Message{}, false, stuck(tooLarge(int64(f.size), int64(f.limit), "fixed frame size %d exceeds the %s limit", f.size, sizeText(int64(f.limit))))
	}
	if len(b) < f.size {
		return 0, Message{}, false, nil
	}
	return f.size, Message{Data: clone(b[:f.size])}, true, nil
}

func (f *fixedSplitter) end(b []byte) ([]Message, error) {
	if len(b) == 0 {
		return nil, nil
	}
	return nil, newError(ErrTruncated, "truncated frame at end of stream: %d of %d bytes", len(b), f.size)
}

func (f *fixedSplitter) reset() {}
