package gui

import (
	"strings"
	"unicode/utf8"
)

// textColumns is the longest line the detail pane's text view shows; a
// longer line continues on the next.
const textColumns = 96

// wrapColumns breaks s into lines of at most width characters. With
// escaped, s is payload.EscapeText's output: an escape (\n, \x00, \u2028)
// is never split, and a line also ends after each \n escape so the text
// reads in its own lines. Without it, s's own newlines end lines.
func wrapColumns(s string, width int, escaped bool) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/width + 1)
	col := 0
	for i := 0; i < len(s); {
		n := 1 // bytes in this token
		cols := 1
		switch {
		case escaped && s[i] == '\\' && i+1 < len(s):
			n = escapeLen(s[i+1])
			if i+n > len(s) {
				n = len(s) - i
			}
			cols = n
		case s[i] >= utf8.RuneSelf:
			_, n = utf8.DecodeRuneInString(s[i:])
		case s[i] == '\n':
			b.WriteByte('\n')
			col = 0
			i++
			continue
		}
		if col+cols > width && col > 0 {
			b.WriteByte('\n')
			col = 0
		}
		b.WriteString(s[i : i+n])
		col += cols
		if escaped && n == 2 && s[i+1] == 'n' && i+n < len(s) {
			b.WriteByte('\n')
			col = 0
		}
		i += n
	}
	return b.String()
}

// escapeLen is the length of the escape that starts with a backslash and c.
func escapeLen(c byte) int {
	switch c {
	case 'x':
		return 4
	case 'u':
		return 6
	}
	return 2
}
