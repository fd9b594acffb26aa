package payload

import (
	"strings"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

func hexValue(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// isHexSeparator lists what people paste between bytes: spaces, line breaks,
// tabs, and the commas, colons and dashes of C arrays, MAC addresses and
// Wireshark's "copy as hex".
func isHexSeparator(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', ',', ':', '-':
		return true
	}
	return false
}

// compileHex reads Hex mode. Separators split the source into groups, and
// each group must hold an even number of digits: "1 2" is an error rather
// than a guess between 0x12 and 0x01 0x02. A group may start with 0x or 0X.
// Macros insert their bytes between groups. An odd group is reported at the
// column of its last digit, where the person looks for the missing one.
func compileHex(src string, caps []string) (*template, error) {
	t := &template{}
	groupStart := -1 // offset of the group's first character, prefix included
	lastDigit := -1  // offset of its last digit
	var pending byte // high nibble waiting for its partner
	var lit []byte   // bytes since the last macro
	digits := 0
	endGroup := func() error {
		if groupStart < 0 {
			return nil
		}
		if digits == 0 {
			return syntaxErrorf(src, groupStart, "prefix %s at %s has no hex digits after it", quote(src[groupStart:groupStart+2]))
		}
		if digits%2 != 0 {
			return syntaxErrorf(src, lastDigit, "odd number of hex digits: %s ends at %s", quoteTail(src[groupStart:lastDigit+1]))
		}
		groupStart, lastDigit, digits = -1, -1, 0
		return nil
	}
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case isHexSeparator(c):
			if err := endGroup(); err != nil {
				return nil, err
			}
			i++
		case strings.HasPrefix(src[i:], "{{"):
			if err := endGroup(); err != nil {
				return nil, err
			}
			m, end, err := parseMacro(src, i, caps)
			if err != nil {
				return nil, err
			}
			addLit(t, lit)
			lit = lit[:0]
			t.addMacro(m)
			i = end
		case groupStart < 0 && c == '0' && i+1 < len(src) && (src[i+1] == 'x' || src[i+1] == 'X'):
			groupStart = i
			i += 2
		default:
			v, ok := hexValue(c)
			if !ok {
				_, size := utf8.DecodeRuneInString(src[i:])
				return nil, syntaxErrorf(src, i, "%s at %s is not a hex digit", quote(src[i:i+size]))
			}
			if groupStart < 0 {
				groupStart = i
			}
			if digits%2 == 0 {
				pending = v << 4
			} else {
				lit = append(lit, pending|v)
			}
			digits++
			lastDigit = i
			i++
		}
	}
	if err := endGroup(); err != nil {
		return nil, err
	}
	addLit(t, lit)
	return t, nil
}

// FormatHex writes bytes as lowercase hex pairs separated by spaces
// ("de ad be ef"), which Hex mode reads back unchanged.
func FormatHex(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	var sb strings.Builder
	sb.Grow(3*len(b) - 1)
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteByte(hexDigits[c>>4])
		sb.WriteByte(hexDigits[c&0xF])
	}
	return sb.String()
}
