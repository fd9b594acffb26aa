package structfmt

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// pyBytes writes b as Python's repr of bytes writes it, without the b”
// around: \t \n \r \\ \' and \xNN for the rest that is not printable
// ASCII.
func pyBytes(b []byte) string {
	var s strings.Builder
	for _, c := range b {
		switch {
		case c == '\t':
			s.WriteString(`\t`)
		case c == '\n':
			s.WriteString(`\n`)
		case c == '\r':
			s.WriteString(`\r`)
		case c == '\\':
			s.WriteString(`\\`)
		case c == '\'':
			s.WriteString(`\'`)
		case c >= 0x20 && c < 0x7f:
			s.WriteByte(c)
		default:
			fmt.Fprintf(&s, `\x%02x`, c)
		}
	}
	return s.String()
}

// unescape reads a value for c, s or p: text with the composer's escapes
// (\r \n \t \0 \\ \xNN \uNNNN), UTF-8 otherwise.
func unescape(v string) ([]byte, error) {
	var out []byte
	for i := 0; i < len(v); {
		c := v[i]
		if c != '\\' {
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(v) {
			return nil, fmt.Errorf("%q ends with a lone backslash", v)
		}
		switch v[i+1] {
		case 'r':
			out = append(out, '\r')
		case 'n':
			out = append(out, '\n')
		case 't':
			out = append(out, '\t')
		case '0':
			out = append(out, 0)
		case '\\':
			out = append(out, '\\')
		case 'x':
			if i+4 > len(v) {
				return nil, fmt.Errorf("%q: \\x needs two hex digits", v)
			}
			n, err := strconv.ParseUint(v[i+2:i+4], 16, 8)
			if err != nil {
				return nil, fmt.Errorf("%q: \\x%s is not two hex digits", v, v[i+2:i+4])
			}
			out = append(out, byte(n))
			i += 4
			continue
		case 'u':
			if i+6 > len(v) {
				return nil, fmt.Errorf("%q: \\u needs four hex digits", v)
			}
			n, err := strconv.ParseUint(v[i+2:i+6], 16, 32)
			if err != nil {
				return nil, fmt.Errorf("%q: \\u%s is not four hex digits", v, v[i+2:i+6])
			}
			out = utf8.AppendRune(out, rune(n))
			i += 6
			continue
		default:
			return nil, fmt.Errorf("%q: \\%c is not an escape (\\r \\n \\t \\0 \\\\ \\xNN \\uNNNN)", v, v[i+1])
		}
		i += 2
	}
	return out, nil
}
