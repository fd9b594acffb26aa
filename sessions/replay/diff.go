package replay

import (
	"bytes"
	"fmt"
	"strings"
)

// Diff says how got differs from want, for a person reading a failed
// step: the lengths, where the first difference is, and the 16-byte row
// of each around it in `hexdump -C` form with a mark under the byte.
// Equal strings give "". It is small on purpose: a reply that differs is
// usually one field, and the row holding its first byte shows it.
func Diff(want, got []byte) string {
	at := firstDiff(want, got)
	if at < 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "expected %s, got %s; first difference at byte %d", byteCount(len(want)), byteCount(len(got)), at)
	if len(want) == len(got) {
		n := 0
		for i := range want {
			if want[i] != got[i] {
				n++
			}
		}
		if n > 1 {
			fmt.Fprintf(&b, " (%d bytes differ)", n)
		}
	}
	row := at &^ 15
	b.WriteString("\n  expected ")
	b.WriteString(hexRow(want, row))
	b.WriteString("\n  got      ")
	b.WriteString(hexRow(got, row))
	b.WriteString("\n  ")
	b.WriteString(strings.Repeat(" ", 9+8+2+hexColumn(at-row)))
	b.WriteString("^^")
	return b.String()
}

// DiffMessages is Diff for lists of messages: how many each side has, and
// the first message that differs (or is missing) shown as Diff shows it
// (with its number when there are several). Equal lists give "".
func DiffMessages(want, got [][]byte) string {
	i := firstDiffMessage(want, got)
	if i < 0 {
		return ""
	}
	var b strings.Builder
	if len(want) != len(got) {
		fmt.Fprintf(&b, "expected %s, got %d; ", count(len(want), "message"), len(got))
	}
	switch {
	case i >= len(got):
		fmt.Fprintf(&b, "message %d did not come", i+1)
		return b.String()
	case i >= len(want):
		fmt.Fprintf(&b, "message %d was not expected (%s)", i+1, byteCount(len(got[i])))
		return b.String()
	}
	if len(want) == 1 && len(got) == 1 {
		return Diff(want[0], got[0])
	}
	fmt.Fprintf(&b, "message %d: %s", i+1, Diff(want[i], got[i]))
	return b.String()
}

// firstDiff is the first offset where a and b differ (the shorter one's
// length when one is the start of the other), or -1 when they are equal.
func firstDiff(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) == len(b) {
		return -1
	}
	return n
}

// firstDiffMessage is the index of the first message that differs or is
// missing on one side, or -1.
func firstDiffMessage(a, b [][]byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if !bytes.Equal(a[i], b[i]) {
			return i
		}
	}
	if len(a) == len(b) {
		return -1
	}
	return n
}

// hexRow is one `hexdump -C` row of b starting at off, padded so rows of
// strings of different lengths line up.
func hexRow(b []byte, off int) string {
	var s strings.Builder
	fmt.Fprintf(&s, "%08x  ", off)
	var ascii strings.Builder
	for i := 0; i < 16; i++ {
		if i == 8 {
			s.WriteByte(' ')
		}
		if off+i < len(b) {
			c := b[off+i]
			fmt.Fprintf(&s, "%02x ", c)
			if c >= 0x20 && c < 0x7f {
				ascii.WriteByte(c)
			} else {
				ascii.WriteByte('.')
			}
		} else {
			s.WriteString("   ")
		}
	}
	if off >= len(b) {
		return strings.TrimRight(s.String(), " ") + " (ends before this row)"
	}
	s.WriteString(" |")
	s.WriteString(ascii.String())
	s.WriteByte('|')
	return s.String()
}

// hexColumn is where byte i of a row starts after the offset and its two
// spaces.
func hexColumn(i int) int {
	c := 3 * i
	if i >= 8 {
		c++
	}
	return c
}

func byteCount(n int) string { return count(n, "byte") }

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
