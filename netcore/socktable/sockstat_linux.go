package socktable

import (
	"bytes"
	"strconv"
)

// Bounds of countHint: below the floor a listing is small anyway; the
// ceiling keeps a bad file from reserving much (unused capacity is
// address space only: the pages are touched when rows are written).
const (
	countHintMin = 1024
	countHintMax = 1 << 18
)

// countHint estimates from /proc/net/sockstat's text how many rows a
// listing may hold: the sockets in use ("sockets: used N") plus TCP's
// TIME_WAIT ones, which that count leaves out ("TCP: ... tw N"). A field
// missing or malformed counts as 0, so any input gives a hint in
// [countHintMin, countHintMax].
func countHint(data []byte) int {
	n := 0
	for _, line := range bytes.Split(data, []byte("\n")) {
		switch {
		case bytes.HasPrefix(line, []byte("sockets:")):
			n += fieldAfter(line, "used")
		case bytes.HasPrefix(line, []byte("TCP:")):
			n += fieldAfter(line, "tw")
		}
		if n > countHintMax {
			return countHintMax
		}
	}
	return max(n, countHintMin)
}

// fieldAfter is the number after the word name in a sockstat line such as
// "TCP: inuse 3 orphan 0 tw 12", or 0.
func fieldAfter(line []byte, name string) int {
	f := bytes.Fields(line)
	for i := 1; i+1 < len(f); i++ {
		if string(f[i]) == name {
			v, err := strconv.Atoi(string(f[i+1]))
			if err != nil || v < 0 {
				return 0
			}
			return min(v, countHintMax)
		}
	}
	return 0
}
