package framing

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Kind names a framing scheme. The zero Kind is KindRaw, so an unset Spec
// means "no framing".
type Kind uint8

// The framing schemes, in the order the spec names are listed to people.
const (
	KindRaw Kind = iota
	KindLine
	KindCRLF
	KindDelim
	KindLen
	KindFixed
	KindSTXETX
	KindSLIP
	KindCOBS
	KindHTTP
	KindIdle
	KindJSONHdr
	numKinds
)

var kindNames = [numKinds]string{"raw", "line", "crlf", "delim", "len", "fixed", "stx-etx", "slip", "cobs", "http", "idle", "jsonhdr"}

// kindList is the list shown when a spec names no known framing.
var kindList = strings.Join(kindNames[:], ", ")

// String returns the spec name of k ("len", "stx-etx").
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

const (
	// DefaultMaxFrame is the frame limit when neither Options nor the spec set one.
	DefaultMaxFrame = 16 << 20
	// MaxFrameCeiling bounds any configured limit, so that no spec or setting
	// turns the frame limit into "allocate whatever the wire says".
	MaxFrameCeiling = 1 << 30
	// maxDelim bounds a delim:HEX delimiter; longer ones are a typo, not a protocol.
	maxDelim = 64
	// maxAdj bounds len's adj=K.
	maxAdj = 1 << 20
	// maxOff bounds len's off=K: device headers before a length are a few
	// bytes; a longer one is a typo.
	maxOff = 1024
)

// Options are the settings a session gives every decoder it makes.
type Options struct {
	// MaxFrame is the largest message a decoder holds, in bytes; 0 means
	// DefaultMaxFrame. A spec's own max=N wins over it.
	MaxFrame int
}

// Spec is a parsed framing spec. Parse and String convert it to and from the
// one string form used by the CLI, the GUI and saved workspaces. Spec is
// comparable with ==.
type Spec struct {
	Kind Kind
	// Delim is the delimiter of KindDelim (any bytes); empty for KindLine
	// and KindCRLF, whose delimiters are implied.
	Delim string
	// Keep makes delimiter framings leave the delimiter at the end of each
	// message instead of stripping it.
	Keep bool
	// Width is the size of a KindLen length field: 1, 2, 4 or 8 bytes.
	Width int
	// LittleEndian selects the byte order of a KindLen field (default big
	// endian, network order).
	LittleEndian bool
	// Incl means the KindLen field counts the frame's header: the Off
	// bytes before the field and the field itself (with Off 0, its own
	// Width bytes).
	Incl bool
	// Adj is added to the KindLen field to get the message length, for
	// protocols whose length leaves out (or also counts) a trailing CRC.
	Adj int
	// Off is where the KindLen field starts, counted from the frame's
	// first byte (off=K): Modbus/TCP's 2-byte length follows a 4-byte
	// header, len:2:be:off=4. The header bytes belong to the frame.
	Off int
	// Strip, when StripSet, is how many bytes at the start of each frame a
	// KindLen message leaves out (strip=K, Netty's initialBytesToStrip),
	// at most Off+Width. Unset, the default is the field alone when it
	// comes first (Off 0, as len has always done) and nothing when a
	// header precedes it (the message is the whole frame). Parse leaves
	// StripSet false when K is the default, so equal framings are equal
	// Specs.
	Strip    int
	StripSet bool
	// Size is the frame size of KindFixed.
	Size int
	// Gap is the silence that ends a KindIdle message; the session runs the
	// timer and calls Flush when it expires.
	Gap time.Duration
	// Max is the spec's own frame limit (max=N); 0 when not given.
	Max int
}

// Parse reads a framing spec such as "len:4:le", "delim:0d0a:keep" or
// "idle:50ms". Names and keywords are case-insensitive; the returned Spec's
// String is the canonical form.
func Parse(spec string) (Spec, error) {
	text := strings.TrimSpace(spec)
	if text == "" {
		return Spec{}, newError(ErrBadSpec, "empty framing spec (%s)", kindList)
	}
	parts := strings.Split(text, ":")
	name := strings.ToLower(parts[0])
	args := parts[1:]
	var s Spec
	found := false
	for k, n := range kindNames {
		if n == name {
			s.Kind, found = Kind(k), true
			break
		}
	}
	if !found {
		return Spec{}, newError(ErrBadSpec, "unknown framing %q (%s)", parts[0], kindList)
	}

	// Positional arguments first.
	switch s.Kind {
	case KindDelim:
		if len(args) == 0 || args[0] == "" {
			return Spec{}, newError(ErrBadSpec, "delim needs the delimiter as hex bytes, as in delim:0d0a")
		}
		h := strings.TrimPrefix(strings.ToLower(args[0]), "0x")
		b, err := hex.DecodeString(h)
		if err != nil || len(b) == 0 {
			return Spec{}, newError(ErrBadSpec, "delim %q is not hex bytes such as 00 or 0d0a", args[0])
		}
		s.Delim = string(b)
		args = args[1:]
	case KindLen:
		if len(args) == 0 || args[0] == "" {
			return Spec{}, newError(ErrBadSpec, "len needs the width of its length field, as in len:4:be")
		}
		w, err := strconv.Atoi(args[0])
		if err != nil {
			return Spec{}, newError(ErrBadSpec, "len width %q is not one of 1, 2, 4, 8", args[0])
		}
		s.Width = w
		args = args[1:]
	case KindFixed:
		if len(args) == 0 || args[0] == "" {
			return Spec{}, newError(ErrBadSpec, "fixed needs the frame size in bytes, as in fixed:16")
		}
		n, err := strconv.Atoi(args[0])
		if tooBig(args[0], err) {
			return Spec{}, fixedTooLarge(digitsOf(args[0]))
		}
		if err != nil || n <= 0 {
			return Spec{}, newError(ErrBadSpec, "fixed size %q is not a positive number of bytes", args[0])
		}
		s.Size = n
		args = args[1:]
	case KindIdle:
		if len(args) == 0 || args[0] == "" {
			return Spec{}, newError(ErrBadSpec, "idle needs the gap that ends a message, as in idle:50ms")
		}
		d, err := time.ParseDuration(args[0])
		switch {
		case err != nil && durationSyntax.MatchString(args[0]) && strings.HasPrefix(args[0], "-"):
			return Spec{}, newError(ErrBadSpec, "idle gap %q is not a positive duration such as 50ms", args[0])
		case err != nil && durationSyntax.MatchString(args[0]): // well formed, so it overflowed
			return Spec{}, newError(ErrBadSpec, "idle gap %q is over the longest gap, %s", args[0], time.Duration(math.MaxInt64))
		case err != nil:
			return Spec{}, newError(ErrBadSpec, "idle gap %q is not a duration such as 50ms or 1s", args[0])
		}
		s.Gap = d
		args = args[1:]
	}

	// Then keywords, in any order. One given twice is a slip when it says
	// the same thing twice and a contradiction when it does not (le and be,
	// max=1k and max=2k); the sentence says which.
	seen := map[string]string{}
	for _, a := range args {
		key, val, hasVal := strings.Cut(a, "=")
		key = strings.ToLower(key)
		if key == "le" || key == "be" {
			key = "order"
		}
		switch {
		case key == "max" && hasVal:
			n, err := parseSize(val)
			if err != nil {
				return Spec{}, err
			}
			s.Max = n
		case key == "keep" && !hasVal && (s.Kind == KindLine || s.Kind == KindCRLF || s.Kind == KindDelim):
			s.Keep = true
		case key == "order" && !hasVal && s.Kind == KindLen:
			s.LittleEndian = strings.EqualFold(a, "le")
		case key == "incl" && !hasVal && s.Kind == KindLen:
			s.Incl = true
		case key == "adj" && hasVal && s.Kind == KindLen:
			n, err := strconv.Atoi(val)
			if errors.Is(err, strconv.ErrRange) {
				sign := ""
				if strings.HasPrefix(val, "-") {
					sign = "-"
				}
				return Spec{}, newError(ErrBadSpec, "len adj %s%s is outside -%d..%d", sign, digitsOf(val), maxAdj, maxAdj)
			}
			if err != nil {
				return Spec{}, newError(ErrBadSpec, "len adj %q is not a whole number such as 2 or -2", val)
			}
			s.Adj = n
		case (key == "off" || key == "strip") && hasVal && s.Kind == KindLen:
			n, err := strconv.Atoi(val)
			num := strings.TrimPrefix(val, "+")
			switch {
			case err != nil && !errors.Is(err, strconv.ErrRange):
				return Spec{}, newError(ErrBadSpec, "len %s %q is not a number of bytes such as 4", key, val)
			case key == "off" && (err != nil || n < 0 || n > maxOff):
				return Spec{}, newError(ErrBadSpec, "len off %s is outside 0..%d", num, maxOff)
			case key == "off":
				s.Off = n
			case n < 0 || (err != nil && strings.HasPrefix(val, "-")):
				return Spec{}, newError(ErrBadSpec, "len strip %s is negative; it counts the bytes dropped from the start of each frame", num)
			case err != nil || n > maxOff+8:
				return Spec{}, newError(ErrBadSpec, "len strip %s is more than any frame has before its body (at most off=%d and an 8-byte field)", digitsOf(val), maxOff)
			default:
				s.Strip, s.StripSet = n, true
			}
		default:
			return Spec{}, newError(ErrBadSpec, "%s does not take the option %q%s", s.Kind, a, optionHint(s.Kind))
		}
		if before, ok := seen[key]; ok {
			return Spec{}, repeated(key, before, a, text)
		}
		seen[key] = a
	}
	if s.Width == 1 {
		s.LittleEndian = false // one byte has no order; keep len:1:le == len:1:be
	}
	if s.Kind == KindLen {
		if h := s.Off + s.Width; s.StripSet && s.Strip > h && (s.Width == 1 || s.Width == 2 || s.Width == 4 || s.Width == 8) {
			return Spec{}, newError(ErrBadSpec, "len strip %d is more than the %d bytes a frame has before its body (off=%d and the %d-byte length field)", s.Strip, h, s.Off, s.Width)
		}
		if s.StripSet && s.Strip == s.defaultStrip() {
			s.Strip, s.StripSet = 0, false // the default, said out loud
		}
	}
	if err := s.Validate(); err != nil {
		return Spec{}, err
	}
	return s, nil
}

// repeated words the error for an option given twice in text: before and a
// are two valid spellings of key. Two that mean the same are a slip
// ("appears twice"); two that differ contradict each other.
func repeated(key, before, a, text string) error {
	same := strings.EqualFold(before, a)
	if _, v1, ok := strings.Cut(before, "="); ok && !same {
		_, v2, _ := strings.Cut(a, "=")
		switch key {
		case "max":
			n1, err1 := parseSize(v1)
			n2, err2 := parseSize(v2)
			same = err1 == nil && err2 == nil && n1 == n2
		case "adj", "off", "strip":
			n1, err1 := strconv.Atoi(v1)
			n2, err2 := strconv.Atoi(v2)
			same = err1 == nil && err2 == nil && n1 == n2
		}
	}
	switch {
	case same:
		return newError(ErrBadSpec, "option %q appears twice in %q", a, text)
	case key == "order":
		return newError(ErrBadSpec, "le and be contradict each other in %q; choose one byte order", text)
	}
	return newError(ErrBadSpec, "%s and %s contradict each other in %q; choose one", before, a, text)
}

// durationSyntax is what time.ParseDuration reads; a string of this shape
// that it refuses is too long for a time.Duration.
var durationSyntax = regexp.MustCompile(`^[-+]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+$`)

// tooBig reports whether text is a whole number, possibly with a + sign,
// that strconv refused as out of range or that is over MaxFrameCeiling: a
// size too large, not "not a number".
func tooBig(text string, err error) bool {
	if strings.HasPrefix(text, "-") {
		return false
	}
	if errors.Is(err, strconv.ErrRange) {
		return true
	}
	n, perr := strconv.Atoi(text)
	return perr == nil && n > MaxFrameCeiling
}

// digitsOf is a whole number without its sign and leading zeros, for
// quoting a number too large to convert.
func digitsOf(text string) string {
	d := strings.TrimLeft(strings.TrimLeft(text, "+-"), "0")
	if d == "" {
		return "0"
	}
	return d
}

func fixedTooLarge(size string) error {
	return newError(ErrBadSpec, "fixed size %s is over the %s ceiling (%d bytes)", size, sizeText(MaxFrameCeiling), MaxFrameCeiling)
}

// optionHint lists what a kind does take, for the error about what it does not.
func optionHint(k Kind) string {
	switch k {
	case KindLine, KindCRLF, KindDelim:
		return " (it takes keep, max=N)"
	case KindLen:
		return " (it takes be, le, off=K, incl, adj=K, strip=K, max=N)"
	}
	return " (it takes max=N)"
}

// parseSize reads max=N: bytes, or with a k/KiB, m/MiB, g/GiB suffix (binary).
func parseSize(val string) (int, error) {
	v := strings.ToLower(strings.TrimSpace(val))
	mult := 1
	for _, u := range []struct {
		suffix string
		mult   int
	}{{"kib", 1 << 10}, {"kb", 1 << 10}, {"k", 1 << 10}, {"mib", 1 << 20}, {"mb", 1 << 20}, {"m", 1 << 20}, {"gib", 1 << 30}, {"gb", 1 << 30}, {"g", 1 << 30}} {
		if strings.HasSuffix(v, u.suffix) {
			v, mult = strings.TrimSpace(strings.TrimSuffix(v, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.Atoi(v)
	if v != "" && v[0] != '+' && tooBig(v, err) {
		return 0, newError(ErrBadSpec, "max %q is over the %s ceiling", val, sizeText(MaxFrameCeiling))
	}
	if err != nil || n <= 0 || v[0] == '+' {
		return 0, newError(ErrBadSpec, "max %q is not a positive size such as 4096 or 64KiB", val)
	}
	if n > MaxFrameCeiling/mult {
		return 0, newError(ErrBadSpec, "max %q is over the %s ceiling", val, sizeText(MaxFrameCeiling))
	}
	return n * mult, nil
}

// Validate reports what is wrong with a Spec built by hand; Parse only returns
// valid ones.
func (s Spec) Validate() error {
	// Fields another kind uses must be zero, or String would drop them and
	// the round trip through text would change the Spec.
	used := Spec{Kind: s.Kind, Max: s.Max}
	switch s.Kind {
	case KindLine, KindCRLF:
		used.Keep = s.Keep
	case KindDelim:
		used.Delim, used.Keep = s.Delim, s.Keep
	case KindLen:
		used.Width, used.LittleEndian, used.Incl, used.Adj = s.Width, s.LittleEndian && s.Width != 1, s.Incl, s.Adj
		used.Off, used.Strip, used.StripSet = s.Off, s.Strip, s.StripSet
	case KindFixed:
		used.Size = s.Size
	case KindIdle:
		used.Gap = s.Gap
	}
	if used != s {
		return newError(ErrBadSpec, "%s framing has fields set that only other framings use", s.Kind)
	}
	if s.Max < 0 || s.Max > MaxFrameCeiling {
		return newError(ErrBadSpec, "max %d is not between 1 byte and the %s ceiling", s.Max, sizeText(MaxFrameCeiling))
	}
	switch s.Kind {
	case KindRaw, KindSTXETX, KindSLIP, KindCOBS, KindHTTP, KindJSONHdr:
	case KindLine, KindCRLF:
	case KindDelim:
		if len(s.Delim) == 0 || len(s.Delim) > maxDelim {
			return newError(ErrBadSpec, "delim of %d bytes is not between 1 and %d bytes", len(s.Delim), maxDelim)
		}
	case KindLen:
		switch s.Width {
		case 1, 2, 4, 8:
		default:
			return newError(ErrBadSpec, "len width %d is not one of 1, 2, 4, 8", s.Width)
		}
		if s.Adj < -maxAdj || s.Adj > maxAdj {
			return newError(ErrBadSpec, "len adj %d is outside -%d..%d", s.Adj, maxAdj, maxAdj)
		}
		if s.Off < 0 || s.Off > maxOff {
			return newError(ErrBadSpec, "len off %d is outside 0..%d", s.Off, maxOff)
		}
		switch h := s.Off + s.Width; {
		case !s.StripSet && s.Strip != 0:
			return newError(ErrBadSpec, "len strip %d is set without StripSet", s.Strip)
		case s.StripSet && (s.Strip < 0 || s.Strip > h):
			return newError(ErrBadSpec, "len strip %d is more than the %d bytes a frame has before its body (off=%d and the %d-byte length field)", s.Strip, h, s.Off, s.Width)
		case s.StripSet && s.Strip == s.defaultStrip():
			return newError(ErrBadSpec, "len strip %d is the default for this spec; leave StripSet false", s.Strip)
		}
	case KindFixed:
		if s.Size > MaxFrameCeiling {
			return fixedTooLarge(strconv.Itoa(s.Size))
		}
		if s.Size <= 0 {
			return newError(ErrBadSpec, "fixed size %d is not a positive number of bytes", s.Size)
		}
		if s.Max > 0 && s.Size > s.Max {
			return newError(ErrBadSpec, "fixed size %d is over the spec's own max=%d", s.Size, s.Max)
		}
	case KindIdle:
		if s.Gap <= 0 {
			return newError(ErrBadSpec, "idle gap %s is not a positive duration such as 50ms", s.Gap)
		}
	default:
		return newError(ErrBadSpec, "unknown framing %s (%s)", s.Kind, kindList)
	}
	return nil
}

// String writes the canonical spec: Parse(s.String()) == s for every valid s.
func (s Spec) String() string {
	var b strings.Builder
	b.WriteString(s.Kind.String())
	switch s.Kind {
	case KindDelim:
		b.WriteString(":" + hex.EncodeToString([]byte(s.Delim)))
	case KindLen:
		fmt.Fprintf(&b, ":%d", s.Width)
		if s.Width != 1 {
			if s.LittleEndian {
				b.WriteString(":le")
			} else {
				b.WriteString(":be")
			}
		}
		if s.Off != 0 {
			fmt.Fprintf(&b, ":off=%d", s.Off)
		}
		if s.Incl {
			b.WriteString(":incl")
		}
		if s.Adj != 0 {
			fmt.Fprintf(&b, ":adj=%d", s.Adj)
		}
		if s.StripSet {
			fmt.Fprintf(&b, ":strip=%d", s.Strip)
		}
	case KindFixed:
		fmt.Fprintf(&b, ":%d", s.Size)
	case KindIdle:
		b.WriteString(":" + s.Gap.String())
	}
	if s.Keep && (s.Kind == KindLine || s.Kind == KindCRLF || s.Kind == KindDelim) {
		b.WriteString(":keep")
	}
	if s.Max > 0 {
		b.WriteString(":max=" + maxText(s.Max))
	}
	return b.String()
}

// maxText writes max=N compactly in a form parseSize reads back.
func maxText(n int) string {
	switch {
	case n%(1<<30) == 0:
		return strconv.Itoa(n>>30) + "GiB"
	case n%(1<<20) == 0:
		return strconv.Itoa(n>>20) + "MiB"
	case n%(1<<10) == 0:
		return strconv.Itoa(n>>10) + "KiB"
	}
	return strconv.Itoa(n)
}

// defaultStrip is what a len message leaves out when strip= is not given:
// the length field when it starts the frame (what len always did), nothing
// when a header comes before it, so the header stays with the message.
func (s Spec) defaultStrip() int {
	if s.Off == 0 {
		return s.Width
	}
	return 0
}

// StripLen is how many bytes at the start of each len frame its message
// leaves out: Strip when given, else the default (see Spec.Strip).
func (s Spec) StripLen() int {
	if s.StripSet {
		return s.Strip
	}
	return s.defaultStrip()
}

// delimiter is the byte sequence that ends a message of a delimiter framing.
func (s Spec) delimiter() string {
	switch s.Kind {
	case KindLine:
		return "\n"
	case KindCRLF:
		return "\r\n"
	}
	return s.Delim
}

// Limit is the frame limit a decoder of s uses with opt: the spec's max=N,
// else opt.MaxFrame, else DefaultMaxFrame, never over MaxFrameCeiling.
func (s Spec) Limit(opt Options) int {
	n := s.Max
	if n <= 0 {
		n = opt.MaxFrame
	}
	if n <= 0 {
		n = DefaultMaxFrame
	}
	return min(n, MaxFrameCeiling)
}

// Resyncs reports whether a decoder of s goes on after a bad or oversized
// frame (it can find the next frame boundary) or is stuck for the rest of the
// stream.
func (s Spec) Resyncs() bool {
	switch s.Kind {
	case KindLen, KindFixed, KindHTTP, KindJSONHdr:
		return false
	}
	return true
}
