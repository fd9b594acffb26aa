package payload

import "time"

// segment is either literal bytes or a macro (kind != 0), in source order.
type segment struct {
	lit []byte
	m   macro
}

// template is a compiled Text or Hex source: parsing happens once, and each
// send only concatenates literals and renders macros.
type template struct {
	segs        []segment
	usesCounter bool
	litLen      int
}

// addLit appends literal bytes, joining them to a literal just before.
func addLit[B []byte | string](t *template, b B) {
	if len(b) == 0 {
		return
	}
	t.litLen += len(b)
	if n := len(t.segs); n > 0 && t.segs[n-1].m.kind == 0 {
		t.segs[n-1].lit = append(t.segs[n-1].lit, b...)
		return
	}
	t.segs = append(t.segs, segment{lit: append([]byte(nil), b...)})
}

func (t *template) addMacro(m macro) {
	if m.kind == macroCounter {
		t.usesCounter = true
	}
	t.segs = append(t.segs, segment{m: m})
}

// render appends the template's bytes to dst, taking one counter number if
// any {{counter}} is present. A nil counter always gives 0.
func (t *template) render(dst []byte, c *Counter, now time.Time, caps [][]byte) []byte {
	var count uint64
	if t.usesCounter && c != nil {
		count = c.Next()
	}
	for _, s := range t.segs {
		if s.m.kind == 0 {
			dst = append(dst, s.lit...)
		} else {
			dst = s.m.appendTo(dst, count, now, caps)
		}
	}
	return dst
}
