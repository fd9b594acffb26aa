package rules

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/sockplay/sockplay/netcore/payload"
)

// A hex pattern matches a whole message byte by byte:
//
//	01 02 0304    literal bytes (pairs of hex digits, spaces optional between pairs)
//	..            any one byte
//	*             any number of bytes, none included
//	( ... )       a group: what it matches is capture 1, 2, ... in order of "("
//	(name: ... )  a named group, also {{name}} in the reply
//
// Spaces and commas separate; groups may nest. The pattern spans the whole
// message: "(*) 0d 0a" captures all before the final CR LF. Fixed bytes
// between two stars are found at their leftmost place.
type hexPattern struct {
	segs  []hexSeg // split at each "*": segs[0] at the start, the last at the end
	names []string // names[0] = "", names[i] = group i's name or ""
}

// hexSeg is a run of fixed bytes between stars.
type hexSeg struct {
	pat   []byte
	any   []bool // true: any byte at this offset
	marks []mark
}

// mark is where a group opens or closes, as an offset in its segment.
type mark struct {
	off, group int
	open       bool
}

func parseHexPattern(src string) (*hexPattern, error) {
	hp := &hexPattern{names: []string{""}, segs: []hexSeg{{}}}
	var stack []int // open groups
	var opens []int // column of each open group's "(", for the error
	empty := true
	cur := func() *hexSeg { return &hp.segs[len(hp.segs)-1] }
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == ',':
			i++
		case c == '*':
			hp.segs = append(hp.segs, hexSeg{})
			empty = false
			i++
		case c == '(':
			g := len(hp.names)
			name := ""
			j := i + 1
			for j < len(src) && src[j] == ' ' {
				j++
			}
			if k := identEnd(src, j); k > j && k < len(src) && src[k] == ':' {
				name = src[j:k]
				switch {
				case slices.Contains(payload.MacroNames, name):
					return nil, hexErr(src, j, "group name %q at %s is a macro's name; choose another", name)
				case slices.Contains(hp.names, name):
					return nil, hexErr(src, j, "group name %q at %s is used twice", name)
				}
				j = k + 1
			} else {
				j = i + 1
			}
			hp.names = append(hp.names, name)
			s := cur()
			s.marks = append(s.marks, mark{off: len(s.pat), group: g, open: true})
			stack = append(stack, g)
			opens = append(opens, i)
			i = j
		case c == ')':
			if len(stack) == 0 {
				return nil, hexErr(src, i, `")" at %s closes no group`)
			}
			s := cur()
			s.marks = append(s.marks, mark{off: len(s.pat), group: stack[len(stack)-1]})
			stack, opens = stack[:len(stack)-1], opens[:len(opens)-1]
			i++
		case c == '.':
			if i+1 >= len(src) || src[i+1] != '.' {
				return nil, hexErr(src, i, `"." at %s is half of "..", which matches any byte`)
			}
			s := cur()
			s.pat, s.any = append(s.pat, 0), append(s.any, true)
			empty = false
			i += 2
		default:
			hi, ok := hexValue(c)
			if !ok {
				_, size := utf8.DecodeRuneInString(src[i:])
				return nil, hexErr(src, i, "%q at %s is not a hex digit, \"..\", \"*\", \"(\" or \")\"", src[i:i+size])
			}
			if i+1 >= len(src) {
				return nil, hexErr(src, i, "%q at %s is half a byte; write two hex digits", string(c))
			}
			lo, ok := hexValue(src[i+1])
			if !ok {
				return nil, hexErr(src, i, "%q at %s is half a byte; write two hex digits", string(c))
			}
			s := cur()
			s.pat, s.any = append(s.pat, hi<<4|lo), append(s.any, false)
			empty = false
			i += 2
		}
	}
	if len(stack) > 0 {
		return nil, hexErr(src, opens[len(opens)-1], `"(" at %s is never closed`)
	}
	if empty {
		return nil, fmt.Errorf("the hex pattern is empty; give bytes, \"..\" (any byte) or \"*\" (any bytes)")
	}
	return hp, nil
}

// hexErr builds an error with the column (1-based, in runes) as the last
// argument, so formats say "at %s" where the position goes.
func hexErr(src string, off int, format string, a ...any) error {
	col := utf8.RuneCountInString(src[:off]) + 1
	return fmt.Errorf(format, append(a, fmt.Sprintf("column %d", col))...)
}

func identEnd(s string, i int) int {
	j := i
	for j < len(s) {
		c := s[j]
		if c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || (j > i && '0' <= c && c <= '9') {
			j++
			continue
		}
		break
	}
	return j
}

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

func (h *hexPattern) groups() []string { return h.names }

// at reports whether seg matches msg at off.
func (s *hexSeg) at(msg []byte, off int) bool {
	if off < 0 || off+len(s.pat) > len(msg) {
		return false
	}
	for k, b := range s.pat {
		if !s.any[k] && msg[off+k] != b {
			return false
		}
	}
	return true
}

// match places the first segment at the start, the last at the end and
// each one between at its leftmost place: with fixed-length segments
// between stars, that finds a match whenever one exists.
func (h *hexPattern) match(msg []byte) ([][]byte, bool) {
	n := len(h.segs)
	starts := make([]int, n)
	if n == 1 {
		if len(h.segs[0].pat) != len(msg) || !h.segs[0].at(msg, 0) {
			return nil, false
		}
	} else {
		last := &h.segs[n-1]
		lastAt := len(msg) - len(last.pat)
		if lastAt < len(h.segs[0].pat) || !h.segs[0].at(msg, 0) || !last.at(msg, lastAt) {
			return nil, false
		}
		pos := len(h.segs[0].pat)
		for j := 1; j < n-1; j++ {
			s := &h.segs[j]
			found := -1
			for off := pos; off+len(s.pat) <= lastAt; off++ {
				if s.at(msg, off) {
					found = off
					break
				}
			}
			if found < 0 {
				return nil, false
			}
			starts[j] = found
			pos = found + len(s.pat)
		}
		starts[n-1] = lastAt
	}
	caps := make([][]byte, len(h.names))
	caps[0] = msg
	openAt := make([]int, len(h.names))
	for j := range h.segs {
		for _, m := range h.segs[j].marks {
			if m.open {
				openAt[m.group] = starts[j] + m.off
			} else {
				caps[m.group] = msg[openAt[m.group] : starts[j]+m.off : starts[j]+m.off]
			}
		}
	}
	return caps, true
}

// String writes the pattern back in a normal form (for tests).
func (h *hexPattern) String() string {
	var b strings.Builder
	for j, s := range h.segs {
		if j > 0 {
			b.WriteString(" *")
		}
		mi := 0
		for k := 0; k <= len(s.pat); k++ {
			for mi < len(s.marks) && s.marks[mi].off == k {
				m := s.marks[mi]
				if m.open {
					b.WriteString(" (")
					if h.names[m.group] != "" {
						b.WriteString(h.names[m.group] + ":")
					}
				} else {
					b.WriteString(")")
				}
				mi++
			}
			if k < len(s.pat) {
				if s.any[k] {
					b.WriteString(" ..")
				} else {
					fmt.Fprintf(&b, " %02x", s.pat[k])
				}
			}
		}
	}
	return strings.TrimSpace(b.String())
}
