package structfmt

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ErrValue is matched by Pack's errors about a value.
var ErrValue = errors.New("struct value")

// Pack writes values (one per field, padding excepted) as struct.pack
// does: integers in decimal or 0x hex, range-checked for their size;
// floats; ? as true/false/1/0; c, s and p as text with the composer's
// escapes (s cut or padded with NULs to its length, p prefixed with its
// length, as Python does).
func (l *Layout) Pack(values []string) ([]byte, error) {
	if n := l.Values(); len(values) != n {
		return nil, fmt.Errorf("%w: the layout %s takes %d values, and %d were given", ErrValue, l.String(), n, len(values))
	}
	out := make([]byte, l.Size)
	k := 0
	for i, f := range l.Fields {
		if f.Code == 'x' {
			continue
		}
		v := strings.TrimSpace(values[k])
		k++
		if err := l.put(out[f.Offset:f.Offset+f.Size], f, v); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrValue, l.label(i), err)
		}
	}
	return out, nil
}

func (l *Layout) putUint(b []byte, u uint64) {
	switch len(b) {
	case 1:
		b[0] = byte(u)
	case 2:
		l.Order.PutUint16(b, uint16(u))
	case 4:
		l.Order.PutUint32(b, uint32(u))
	default:
		l.Order.PutUint64(b, u)
	}
}

func textBytes(v string) ([]byte, error) { return unescape(v) }

func (l *Layout) put(b []byte, f Field, v string) error {
	bits := 8 * len(b)
	switch f.Code {
	case 'c':
		t, err := textBytes(v)
		if err != nil {
			return err
		}
		if len(t) != 1 {
			return fmt.Errorf("%q is %d bytes; a char (c) is one", v, len(t))
		}
		b[0] = t[0]
	case 's', 'p':
		t, err := textBytes(v)
		if err != nil {
			return err
		}
		if f.Code == 'p' && len(b) > 0 {
			n := min(len(t), len(b)-1, 255)
			b[0] = byte(n)
			copy(b[1:], t[:n])
			return nil
		}
		copy(b, t) // cut or NUL-padded, as struct.pack does
	case '?':
		switch strings.ToLower(v) {
		case "true", "1":
			b[0] = 1
		case "false", "0":
			b[0] = 0
		default:
			return fmt.Errorf("%q is not true, false, 1 or 0", v)
		}
	case 'b', 'h', 'i', 'l', 'q', 'n':
		n, err := strconv.ParseInt(v, 0, 64)
		lo, hi := int64(-1)<<(bits-1), int64(1)<<(bits-1)-1
		if bits == 64 {
			lo, hi = math.MinInt64, math.MaxInt64
		}
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return fmt.Errorf("%q is not an integer", v)
		}
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("%s does not fit in %d signed bytes (%d to %d)", v, len(b), lo, hi)
		}
		l.putUint(b, uint64(n))
	case 'B', 'H', 'I', 'L', 'Q', 'N', 'P':
		u, err := strconv.ParseUint(v, 0, 64)
		hi := uint64(1)<<bits - 1
		if bits == 64 {
			hi = math.MaxUint64
		}
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			if strings.HasPrefix(v, "-") {
				return fmt.Errorf("%s does not fit in %d unsigned bytes (0 to %d)", v, len(b), hi)
			}
			return fmt.Errorf("%q is not an integer", v)
		}
		if err != nil || u > hi {
			return fmt.Errorf("%s does not fit in %d unsigned bytes (0 to %d)", v, len(b), hi)
		}
		l.putUint(b, u)
	case 'e', 'f', 'd':
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", v)
		}
		switch f.Code {
		case 'e':
			h, ok := floatToHalf(x)
			if !ok {
				return fmt.Errorf("%s is out of range for a half float (e)", v)
			}
			l.putUint(b, uint64(h))
		case 'f':
			if math.Abs(x) > math.MaxFloat32 && !math.IsInf(x, 0) {
				return fmt.Errorf("%s is out of range for a float (f)", v)
			}
			l.putUint(b, uint64(math.Float32bits(float32(x))))
		default:
			l.putUint(b, math.Float64bits(x))
		}
	}
	return nil
}

// floatToHalf rounds x to IEEE 754 half precision (to nearest even), as
// struct.pack('e') does; ok is false when it is too large.
func floatToHalf(x float64) (uint16, bool) {
	f := float32(x)
	u := math.Float32bits(f)
	sign := uint16(u>>16) & 0x8000
	if math.IsNaN(x) {
		return sign | 0x7e00, true
	}
	if math.IsInf(x, 0) {
		return sign | 0x7c00, true
	}
	a := math.Abs(float64(f))
	if a >= 65520 { // rounds past the largest half, 65504
		return 0, false
	}
	if a < math.Pow(2, -24)/2 {
		return sign, true
	}
	if a < math.Pow(2, -14) { // subnormal
		m := math.RoundToEven(a / math.Pow(2, -24))
		return sign | uint16(m), true
	}
	exp := math.Floor(math.Log2(a))
	m := math.RoundToEven((a/math.Pow(2, exp) - 1) * 1024)
	if m == 1024 {
		m, exp = 0, exp+1
	}
	return sign | uint16(exp+15)<<10 | uint16(m), true
}
