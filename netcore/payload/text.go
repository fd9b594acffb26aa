package payload

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// compileText reads Text mode: bytes as typed (UTF-8), escapes starting with
// a backslash, and macros starting with "{{".
func compileText(src string, caps []string) (*template, error) {
	t := &template{}
	for i := 0; i < len(src); {
		switch {
		case src[i] == '\\':
			b, n, err := parseEscape(src, i)
			if err != nil {
				return nil, err
			}
			addLit(t, b)
			i += n
		case strings.HasPrefix(src[i:], "{{"):
			m, end, err := parseMacro(src, i, caps)
			if err != nil {
				return nil, err
			}
			t.addMacro(m)
			i = end
		default:
			j := i + 1
			for j < len(src) && src[j] != '\\' && src[j] != '{' {
				j++
			}
			addLit(t, src[i:j])
			i = j
		}
	}
	return t, nil
}

// parseEscape reads the escape whose backslash is at src[off] and returns
// its bytes and how many source bytes it used.
func parseEscape(src string, off int) ([]byte, int, error) {
	rest := src[off+1:]
	if rest == "" {
		return nil, 0, syntaxErrorf(src, off, `incomplete escape "\" at %s`)
	}
	switch rest[0] {
	case 'r':
		return []byte{'\r'}, 2, nil
	case 'n':
		return []byte{'\n'}, 2, nil
	case 't':
		return []byte{'\t'}, 2, nil
	case '0':
		return []byte{0}, 2, nil
	case '\\', '{', '}':
		return []byte{rest[0]}, 2, nil
	case 'x', 'u':
		digits := 2
		if rest[0] == 'u' {
			digits = 4
		}
		var v rune
		for k := 1; k <= digits; k++ {
			if k >= len(rest) {
				return nil, 0, syntaxErrorf(src, off, "incomplete escape %s at %s", quote(src[off:]))
			}
			d, ok := hexValue(rest[k])
			if !ok {
				_, size := utf8.DecodeRuneInString(rest[k:])
				return nil, 0, syntaxErrorf(src, off, "invalid escape %s at %s", quote(src[off:off+1+k+size]))
			}
			v = v<<4 | rune(d)
		}
		n := 1 + 1 + digits
		if rest[0] == 'x' {
			return []byte{byte(v)}, n, nil
		}
		if !utf8.ValidRune(v) {
			return nil, 0, syntaxErrorf(src, off, "escape %s at %s is a surrogate half, not a character", quote(src[off:off+n]))
		}
		return utf8.AppendRune(nil, v), n, nil
	}
	_, size := utf8.DecodeRuneInString(rest)
	return nil, 0, syntaxErrorf(src, off, "invalid escape %s at %s", quote(src[off:off+1+size]))
}

// EscapeText writes any bytes in Text syntax, so that compiling the result in
// Text mode gives the same bytes back. It is the composer's "escaped" view:
// printable UTF-8 stays as it is; \r, \n, \t and NUL use their short escapes;
// other control bytes and invalid UTF-8 become \xNN; unprintable characters
// become \uNNNN; a backslash doubles, and "{{" becomes "\{{" so no macro
// appears.
func EscapeText(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == '\r':
			sb.WriteString(`\r`)
		case r == '\n':
			sb.WriteString(`\n`)
		case r == '\t':
			sb.WriteString(`\t`)
		case r == 0:
			sb.WriteString(`\0`)
		case r == '\\':
			sb.WriteString(`\\`)
		case r == '{' && i+1 < len(b) && b[i+1] == '{':
			sb.WriteString(`\{`)
		case r == utf8.RuneError && size == 1, r < 0x80 && !unicode.IsPrint(r):
			writeHexEscape(&sb, b[i])
		case !unicode.IsPrint(r) && r <= 0xFFFF:
			sb.WriteString(`\u`)
			for shift := 12; shift >= 0; shift -= 4 {
				sb.WriteByte(hexDigits[(r>>shift)&0xF])
			}
		case !unicode.IsPrint(r):
			for _, c := range b[i : i+size] {
				writeHexEscape(&sb, c)
			}
		default:
			sb.Write(b[i : i+size])
		}
		i += size
	}
	return sb.String()
}

func writeHexEscape(sb *strings.Builder, c byte) {
	sb.WriteString(`\x`)
	sb.WriteByte(hexDigits[c>>4])
	sb.WriteByte(hexDigits[c&0xF])
}
