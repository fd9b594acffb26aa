package payload

import (
	"crypto/rand"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/sockplay/sockplay/netcore/structfmt"
)

// MaxRandBytes bounds {{rand:N}} so a typo cannot make every send allocate
// gigabytes.
const MaxRandBytes = 65536

// maxCounterWidth is the digits of the largest uint64; wider padding is a typo.
const maxCounterWidth = 20

// Counter is the {{counter}} state a session owns and passes to every Render.
// Each Render of a payload that contains {{counter}} takes one number, so all
// {{counter}} macros in one send show the same value. The zero value is ready
// and starts at 0; it is safe for concurrent use.
type Counter struct {
	n atomic.Uint64
}

// Next returns how many numbers were taken before and takes one.
func (c *Counter) Next() uint64 { return c.n.Add(1) - 1 }

// Value is how many numbers were taken so far (the next one Next returns).
func (c *Counter) Value() uint64 { return c.n.Load() }

// Reset starts the count again from 0, e.g. when the person clicks "reset".
func (c *Counter) Reset() { c.n.Store(0) }

type macroKind uint8

const (
	macroCounter macroKind = iota + 1
	macroTime
	macroUnix
	macroUnixMS
	macroRand
	macroCapture
	macroPack
)

// macro is one compiled {{...}}; the arguments are checked once at Compile
// so Render cannot fail on them.
type macro struct {
	kind  macroKind
	start uint64 // counter
	width int    // counter: minimum digits, zero-padded
	n     int    // rand: bytes; capture: the group's number
	b     []byte // pack: the bytes, packed once at Compile
}

// timeLayout is RFC 3339 with milliseconds.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// appendTo renders the macro. The same bytes go out in Text and Hex mode:
// numbers and times as ASCII text, rand as raw bytes.
func (m macro) appendTo(dst []byte, count uint64, now time.Time, caps [][]byte) []byte {
	switch m.kind {
	case macroCounter:
		s := strconv.FormatUint(m.start+count, 10)
		for i := len(s); i < m.width; i++ {
			dst = append(dst, '0')
		}
		return append(dst, s...)
	case macroTime:
		return now.AppendFormat(dst, timeLayout)
	case macroUnix:
		return strconv.AppendInt(dst, now.Unix(), 10)
	case macroUnixMS:
		return strconv.AppendInt(dst, now.UnixMilli(), 10)
	case macroRand:
		n := len(dst)
		dst = append(dst, make([]byte, m.n)...)
		rand.Read(dst[n:]) // never fails since Go 1.24
		return dst
	case macroPack:
		return append(dst, m.b...)
	case macroCapture:
		if m.n < len(caps) {
			return append(dst, caps[m.n]...)
		}
		return dst
	}
	return dst
}

// parseMacro reads the macro whose "{{" is at src[off:] and returns it with
// the offset just past its "}}". A macro ends at the first "}}" on its line;
// another "{{" or a newline before that means the first was never closed.
func parseMacro(src string, off int, caps []string) (macro, int, error) {
	body := src[off+2:]
	end := strings.Index(body, "}}")
	if nl := strings.IndexByte(body, '\n'); nl >= 0 && (end < 0 || nl < end) {
		end = -1
	}
	if open := strings.Index(body, "{{"); open >= 0 && (end < 0 || open < end) {
		end = -1
	}
	if end < 0 {
		return macro{}, 0, syntaxErrorf(src, off, `unclosed "{{" at %s`)
	}
	text := src[off : off+2+end+2] // as written, for messages
	name, args, _ := strings.Cut(body[:end], ":")
	var argv []string
	if strings.Contains(body[:end], ":") {
		argv = strings.Split(args, ":")
	}
	q := quoteHead(text)
	noArgs := func(k macroKind) (macro, error) {
		if argv != nil {
			return macro{}, syntaxErrorf(src, off, "macro %s at %s takes no argument", q)
		}
		return macro{kind: k}, nil
	}
	var m macro
	var err error
	switch name {
	case "time":
		m, err = noArgs(macroTime)
	case "unix":
		m, err = noArgs(macroUnix)
	case "unixms":
		m, err = noArgs(macroUnixMS)
	case "counter":
		m = macro{kind: macroCounter}
		if len(argv) > 2 {
			return macro{}, 0, syntaxErrorf(src, off, "macro %s at %s has too many arguments; use {{counter:START:WIDTH}}", q)
		}
		if len(argv) > 0 {
			start, serr := strconv.ParseUint(argv[0], 10, 64)
			if serr != nil || !allDigits(argv[0]) {
				return macro{}, 0, syntaxErrorf(src, off, "counter start %s in %s at %s is not a whole number from 0 to "+strconv.FormatUint(1<<64-1, 10), quoteHead(argv[0]), q)
			}
			m.start = start
		}
		if len(argv) > 1 {
			w, werr := strconv.Atoi(argv[1])
			if werr != nil || !allDigits(argv[1]) || w < 1 || w > maxCounterWidth {
				return macro{}, 0, syntaxErrorf(src, off, "counter width %s in %s at %s is not between 1 and "+strconv.Itoa(maxCounterWidth), quoteHead(argv[1]), q)
			}
			m.width = w
		}
	case "rand":
		if len(argv) != 1 {
			return macro{}, 0, syntaxErrorf(src, off, "macro %s at %s needs one length, e.g. {{rand:16}}", q)
		}
		n, nerr := strconv.Atoi(argv[0])
		if nerr != nil || !allDigits(argv[0]) || n < 1 || n > MaxRandBytes {
			return macro{}, 0, syntaxErrorf(src, off, "rand length %s in %s at %s is not between 1 and "+strconv.Itoa(MaxRandBytes), quoteHead(argv[0]), q)
		}
		m = macro{kind: macroRand, n: n}
	case "pack":
		// {{pack:>HH:1:500}}: struct.pack's layout (no field names: ':'
		// separates the values), then one value per field.
		if len(argv) < 1 || argv[0] == "" {
			return macro{}, 0, syntaxErrorf(src, off, "macro %s at %s needs a struct layout and its values, e.g. {{pack:>HH:1:500}}", q)
		}
		l, perr := structfmt.Parse(argv[0])
		if perr != nil {
			return macro{}, 0, syntaxErrorf(src, off, "macro %s at %s: "+strings.ReplaceAll(perr.Error(), "%", "%%"), q)
		}
		b, perr := l.Pack(argv[1:])
		if perr != nil {
			return macro{}, 0, syntaxErrorf(src, off, "macro %s at %s: "+strings.ReplaceAll(perr.Error(), "%", "%%"), q)
		}
		m = macro{kind: macroPack, b: b}
	default:
		if caps != nil && argv == nil {
			return captureMacro(src, off, name, text, caps)
		}
		return macro{}, 0, syntaxErrorf(src, off, "unknown macro %s at %s; valid macros are counter, time, unix, unixms, rand, pack", q)
	}
	if err != nil {
		return macro{}, 0, err
	}
	return m, off + len(text), nil
}

// allDigits rejects the signs and spaces strconv would otherwise accept or
// report confusingly.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
