package payload

import (
	"encoding/base64"
	"unicode/utf8"
)

// parseBase64 reads standard base64 (RFC 4648 section 4, "+/" alphabet).
// Spaces, tabs and line breaks are skipped, because base64 is usually pasted
// wrapped; padding may be left out, because many tools leave it out. Padding
// may only come at the end and must fit the data length.
func parseBase64(src string) ([]byte, error) {
	data := make([]byte, 0, len(src))
	lastData, firstPad, pads := -1, -1, 0
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
		case c == '=':
			if pads == 0 {
				firstPad = i
			}
			pads++
		case isBase64Char(c):
			if pads > 0 {
				return nil, syntaxErrorf(src, firstPad, `padding "=" at %s comes before the end of the base64 data`)
			}
			data = append(data, c)
			lastData = i
		default:
			_, size := utf8.DecodeRuneInString(src[i:])
			return nil, syntaxErrorf(src, i, "%s at %s is not a base64 character", quote(src[i:i+size]))
		}
		i++
	}
	if len(data)%4 == 1 {
		return nil, syntaxErrorf(src, lastData, "base64 data ends with one character too many: %s at %s", quote(src[lastData:lastData+1]))
	}
	if pads > 0 && (pads > 2 || (len(data)+pads)%4 != 0) {
		return nil, syntaxErrorf(src, firstPad, `padding "%s" at %s does not fit the length of the base64 data`, repeatEq(pads))
	}
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(data)))
	n, err := base64.RawStdEncoding.Decode(out, data)
	if err != nil { // unreachable: every character and the length were checked
		return nil, plainSyntaxError("invalid base64: %v", err)
	}
	return out[:n], nil
}

func isBase64Char(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/'
}

func repeatEq(n int) string {
	if n > 8 {
		return "========…"
	}
	return "========"[:n]
}
