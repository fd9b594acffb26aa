package structfmt

import (
	"errors"
	"fmt"
	"math"
	"strconv"
)

// ErrShort is matched by Decode's error when the message ends before the
// layout does.
var ErrShort = errors.New("message too short for the layout")

// Value is one decoded field.
type Value struct {
	Field
	Label string // the name, or "field N"
	Raw   []byte // the field's bytes in the message (aliases it)
	Text  string // the value as Python would print it: 42, -1, 1.5, True, b'ab'
	Hex   string // integers: 0x002a; others: the bytes in hex
}

// Decode reads the fields of msg. A message shorter than the layout
// gives the fields that fit and an error naming the first that does not
// (matching ErrShort); longer, the bytes after the layout are left
// alone (Rest says how many).
func (l *Layout) Decode(msg []byte) ([]Value, error) {
	var out []Value
	for i, f := range l.Fields {
		if f.Offset+f.Size > len(msg) {
			return out, fmt.Errorf("%w: the message has %d bytes; %s needs bytes %d to %d", ErrShort, len(msg), l.label(i), f.Offset, f.Offset+f.Size-1)
		}
		if f.Code == 'x' {
			continue
		}
		raw := msg[f.Offset : f.Offset+f.Size]
		v := Value{Field: f, Raw: raw, Label: f.Name}
		if v.Label == "" {
			v.Label = fmt.Sprintf("field %d", l.valueIndex(i)+1)
		}
		v.Text, v.Hex = l.text(f, raw)
		out = append(out, v)
	}
	return out, nil
}

// Rest is how many bytes of a message of n bytes come after the layout.
func (l *Layout) Rest(n int) int { return max(n-l.Size, 0) }

func (l *Layout) uint(raw []byte) uint64 {
	switch len(raw) {
	case 1:
		return uint64(raw[0])
	case 2:
		return uint64(l.Order.Uint16(raw))
	case 4:
		return uint64(l.Order.Uint32(raw))
	}
	return l.Order.Uint64(raw)
}

func (l *Layout) text(f Field, raw []byte) (text, hex string) {
	hexOf := func(u uint64) string { return fmt.Sprintf("0x%0*x", 2*len(raw), u) }
	switch f.Code {
	case 'c':
		return "b'" + pyBytes(raw) + "'", fmt.Sprintf("0x%02x", raw[0])
	case 's':
		return "b'" + pyBytes(raw) + "'", fmt.Sprintf("% x", raw)
	case 'p':
		n := 0
		if len(raw) > 0 {
			n = min(int(raw[0]), len(raw)-1)
		}
		body := raw[min(1, len(raw)) : min(1, len(raw))+n]
		return "b'" + pyBytes(body) + "'", fmt.Sprintf("% x", raw)
	case '?':
		if raw[0] != 0 {
			return "True", "0x01"
		}
		return "False", "0x00"
	case 'b', 'h', 'i', 'l', 'q', 'n':
		u := l.uint(raw)
		shift := 64 - 8*uint(len(raw))
		return strconv.FormatInt(int64(u<<shift)>>shift, 10), hexOf(u)
	case 'B', 'H', 'I', 'L', 'Q', 'N', 'P':
		u := l.uint(raw)
		return strconv.FormatUint(u, 10), hexOf(u)
	case 'e':
		return strconv.FormatFloat(float64(halfToFloat(uint16(l.uint(raw)))), 'g', -1, 32), hexOf(l.uint(raw))
	case 'f':
		return strconv.FormatFloat(float64(math.Float32frombits(uint32(l.uint(raw)))), 'g', -1, 32), hexOf(l.uint(raw))
	case 'd':
		return strconv.FormatFloat(math.Float64frombits(l.uint(raw)), 'g', -1, 64), hexOf(l.uint(raw))
	}
	return fmt.Sprintf("% x", raw), fmt.Sprintf("% x", raw)
}

// halfToFloat reads an IEEE 754 half-precision value.
func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal
		f := float32(frac) / 1024 * float32(math.Pow(2, -14))
		if sign != 0 {
			return -f
		}
		return f
	case exp == 0x1f:
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	}
	return math.Float32frombits(sign | (exp-15+127)<<23 | frac<<13)
}
