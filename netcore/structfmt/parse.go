// Package structfmt reads and writes messages laid out in the notation of
// Python's struct module ("<HHI", ">BB2sH", "!I"), the notation the
// tutorials' length-prefix examples use, so a person can paste the format
// string of the program they are debugging. One extension: a field may
// be named by ":name" after its code (">H:tid H:proto H:len B:unit
// B:fc"), and spaces between fields are allowed, as Python allows them.
//
// Sizes, alignment and byte order follow Python exactly: '@' (the
// default) is native order, native sizes and alignment of a 64-bit
// little-endian machine (where 'l' is 8 bytes); '=', '<', '>' and '!'
// are standard sizes without alignment.
package structfmt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// ErrSpec is matched by every layout error.
var ErrSpec = errors.New("struct layout")

// SpecError says what is wrong with a layout string and where.
type SpecError struct {
	Spec string
	Pos  int // byte offset in Spec
	Msg  string
}

func (e *SpecError) Error() string {
	return fmt.Sprintf("struct layout %q: at character %d: %s", e.Spec, e.Pos+1, e.Msg)
}

// Unwrap lets errors.Is(err, ErrSpec) match.
func (e *SpecError) Unwrap() error { return ErrSpec }

// Field is one item of a layout: a value, or padding (Code 'x').
type Field struct {
	Name   string // given with ":name", else "" (String names it by place)
	Code   byte   // the format character
	Len    int    // 's' and 'p': the byte count; 'x': the pad count; else 1
	Offset int    // from the start of the message
	Size   int    // bytes it takes
}

// Layout is a parsed format string.
type Layout struct {
	Spec   string
	Order  binary.ByteOrder
	Native bool // '@': native sizes and alignment
	Fields []Field
	Size   int // bytes a whole message takes (struct.calcsize)
}

// codes are the format characters, with their standard sizes (0: native
// only).
var codes = map[byte]int{
	'x': 1, 'c': 1, 'b': 1, 'B': 1, '?': 1, 'h': 2, 'H': 2, 'i': 4, 'I': 4,
	'l': 4, 'L': 4, 'q': 8, 'Q': 8, 'n': 0, 'N': 0, 'P': 0, 'e': 2, 'f': 4, 'd': 8,
	's': 1, 'p': 1,
}

// nativeSizes differ from the standard ones on a 64-bit machine.
var nativeSizes = map[byte]int{'l': 8, 'L': 8, 'n': 8, 'N': 8, 'P': 8}

const codeList = "x c b B ? h H i I l L q Q n N P e f d s p"

// maxLayoutSize bounds a layout, so a typo such as "99999999s" is an
// error, not an allocation.
const maxLayoutSize = 1 << 24

// Parse reads a format string.
func Parse(spec string) (*Layout, error) {
	l := &Layout{Spec: spec, Order: binary.LittleEndian, Native: true}
	bad := func(pos int, format string, a ...any) (*Layout, error) {
		return nil, &SpecError{Spec: spec, Pos: pos, Msg: fmt.Sprintf(format, a...)}
	}
	i := 0
	skipSpace := func() {
		for i < len(spec) && (spec[i] == ' ' || spec[i] == '\t') {
			i++
		}
	}
	skipSpace()
	if i < len(spec) {
		switch spec[i] {
		case '@':
			i++
		case '=', '<':
			l.Native = false
			i++
		case '>', '!':
			l.Native, l.Order = false, binary.BigEndian
			i++
		}
	}
	off := 0
	for {
		skipSpace()
		if i >= len(spec) {
			break
		}
		start := i
		count, hasCount := 1, false
		for i < len(spec) && spec[i] >= '0' && spec[i] <= '9' {
			i++
		}
		if i > start {
			n, err := strconv.Atoi(spec[start:i])
			if err != nil || n > maxLayoutSize {
				return bad(start, "the count %s is too large", spec[start:i])
			}
			count, hasCount = n, true
		}
		if i >= len(spec) {
			return bad(start, "the count %d has no format character after it", count)
		}
		c := spec[i]
		std, ok := codes[c]
		if !ok {
			if c == '@' || c == '=' || c == '<' || c == '>' || c == '!' {
				return bad(i, "%q sets the byte order, and only as the first character", c)
			}
			return bad(i, "%q is not a format character (%s)", c, codeList)
		}
		if std == 0 && !l.Native {
			return bad(i, "%q has a native size only: start the layout with @ or leave out the byte order", c)
		}
		i++
		name := ""
		if i < len(spec) && spec[i] == ':' {
			j := i + 1
			for j < len(spec) && (spec[j] == '_' || unicode.IsLetter(rune(spec[j])) || unicode.IsDigit(rune(spec[j]))) {
				j++
			}
			if j == i+1 {
				return bad(i, "':' names the field before it, but no name follows")
			}
			if c == 'x' {
				return bad(i, "padding ('x') has no value to name")
			}
			name = spec[i+1 : j]
			i = j
		}
		size := std
		if l.Native {
			if n, ok := nativeSizes[c]; ok {
				size = n
			}
		}
		switch c {
		case 's', 'p', 'x':
			// One field of count bytes (pad: count bytes of nothing).
			l.Fields = append(l.Fields, Field{Name: name, Code: c, Len: count, Offset: off, Size: count})
			off += count
		default:
			if l.Native && size > 1 && off%size != 0 {
				off += size - off%size // native alignment, as C lays it out
			}
			if hasCount && count == 0 {
				continue
			}
			for k := 0; k < count; k++ {
				n := name
				if name != "" && count > 1 {
					n = fmt.Sprintf("%s[%d]", name, k)
				}
				l.Fields = append(l.Fields, Field{Name: n, Code: c, Len: 1, Offset: off, Size: size})
				off += size
				if off > maxLayoutSize {
					return bad(start, "the layout is larger than %d bytes", maxLayoutSize)
				}
			}
		}
		if off > maxLayoutSize {
			return bad(start, "the layout is larger than %d bytes", maxLayoutSize)
		}
	}
	if len(l.Fields) == 0 {
		return bad(0, "no fields (a layout is format characters such as >HH or <I)")
	}
	l.Size = off
	return l, nil
}

func isCode(c byte) bool { _, ok := codes[c]; return ok }

// Values is how many values a message has (its fields less padding).
func (l *Layout) Values() int {
	n := 0
	for _, f := range l.Fields {
		if f.Code != 'x' {
			n++
		}
	}
	return n
}

// label names field i for a person: its name, or its place and code.
func (l *Layout) label(i int) string {
	f := l.Fields[i]
	if f.Name != "" {
		return fmt.Sprintf("%s (%s)", f.Name, codeText(f))
	}
	return fmt.Sprintf("field %d (%s)", l.valueIndex(i)+1, codeText(f))
}

func (l *Layout) valueIndex(i int) int {
	n := 0
	for k := 0; k < i; k++ {
		if l.Fields[k].Code != 'x' {
			n++
		}
	}
	return n
}

func codeText(f Field) string {
	if f.Code == 's' || f.Code == 'p' {
		return strconv.Itoa(f.Len) + string(f.Code)
	}
	return string(f.Code)
}

// String is the layout as Parse read it.
func (l *Layout) String() string { return strings.TrimSpace(l.Spec) }
