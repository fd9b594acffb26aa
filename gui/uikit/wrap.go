package uikit

import "strings"

// WrapWords breaks s into lines of at most n characters at spaces, so a
// long sentence keeps a dialog or a detail line narrow. A word longer than
// n stays whole on its own line; runs of spaces become one.
func WrapWords(s string, n int) string {
	var b strings.Builder
	line := 0
	for i, w := range strings.Fields(s) {
		if i > 0 {
			if line+1+len(w) > n {
				b.WriteByte('\n')
				line = 0
			} else {
				b.WriteByte(' ')
				line++
			}
		}
		b.WriteString(w)
		line += len(w)
	}
	return b.String()
}
