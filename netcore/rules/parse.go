package rules

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sockplay/sockplay/netcore/payload"
)

// Parse reads a rules file (see the package doc) into a list and checks it
// by compiling it. The error is an *Error with the line number.
func Parse(src string) (List, error) {
	var l List
	p := parser{list: &l}
	for i, line := range strings.Split(src, "\n") {
		if err := p.line(strings.TrimSuffix(line, "\r"), i+1); err != nil {
			return List{}, err
		}
	}
	return l, nil
}

// ParseLines reads rules given one by one, as --rule flags: each is a line
// of the file format (a rule, "default => ...", or "mode first|all"), and
// errors number the rules, without lines.
func ParseLines(lines []string) (List, error) {
	var l List
	if err := AppendLines(&l, lines); err != nil {
		return List{}, err
	}
	return l, nil
}

// AppendLines adds lines (as ParseLines reads them) to l, after the rules
// it has: --rule flags after a --rules file. Rules are numbered in l.
func AppendLines(l *List, lines []string) error {
	p := parser{list: l}
	for _, line := range lines {
		if strings.ContainsAny(line, "\r\n") {
			return &Error{Rule: len(l.Rules) + 1, Text: line, Err: fmt.Errorf(`a rule is one line: write \n for a line break`)}
		}
		if err := p.line(line, 0); err != nil {
			return err
		}
	}
	return nil
}

type parser struct {
	list *List
}

// line reads one line; lineNo is 0 for a --rule.
func (p *parser) line(line string, lineNo int) error {
	t := strings.TrimSpace(line)
	if t == "" || strings.HasPrefix(t, "#") {
		return nil
	}
	if rest, ok := cutWord(t, "mode"); ok {
		switch Mode(rest) {
		case First, All:
			p.list.Mode = Mode(rest)
			return nil
		}
		return &Error{Line: lineNo, Text: t, Part: "mode", Err: fmt.Errorf("%s is neither first nor all", Quote(rest))}
	}
	def := false
	if rest, ok := cutWord(t, "default"); ok && strings.HasPrefix(rest, "=>") {
		def = true
	}
	n := len(p.list.Rules) + 1
	fail := func(err error) error {
		if def {
			return ruleError(err, lineNo, 0, true, t)
		}
		return ruleError(err, lineNo, n, false, t)
	}
	r, err := parseRule(t, def)
	if err != nil {
		return fail(err)
	}
	if _, err := compileRule(r, def); err != nil {
		return fail(err)
	}
	if def {
		if p.list.Default != nil {
			return fail(fmt.Errorf("there is already one; a list has one default"))
		}
		p.list.Default = &r
		return nil
	}
	p.list.Rules = append(p.list.Rules, r)
	return nil
}

// cutWord returns what follows word at the start of s, when word is whole.
func cutWord(s, word string) (string, bool) {
	rest, ok := strings.CutPrefix(s, word)
	if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t' && !strings.HasPrefix(rest, "=>")) {
		return "", false
	}
	return strings.TrimSpace(rest), true
}

// arrow finds " => " (whitespace around "=>"), the separator of a rule.
func arrow(s string) int {
	for i := 1; i+2 < len(s); i++ {
		if s[i] == '=' && s[i+1] == '>' && isSpace(s[i-1]) && isSpace(s[i+2]) {
			return i
		}
	}
	return -1
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// parseRule reads `KIND:PATTERN => REPLY [OPTIONS]` (or `default => ...`).
func parseRule(t string, def bool) (Rule, error) {
	var r Rule
	var rhs string
	if def {
		rhs = strings.TrimPrefix(strings.TrimPrefix(t, "default"), " ")
		rhs = strings.TrimPrefix(strings.TrimSpace(rhs), "=>")
	} else {
		i := arrow(t)
		if i < 0 {
			if strings.HasSuffix(t, " =>") || strings.HasSuffix(t, "\t=>") {
				i = len(t) - 2
			} else {
				return r, partErrf("rule", `it needs " => " between the match and the reply, e.g. text:PING => PONG\n`)
			}
		}
		lhs := strings.TrimSpace(t[:i])
		rhs = t[i+2:]
		kind, pat, ok := strings.Cut(lhs, ":")
		if !ok || strings.ContainsAny(kind, " \t") {
			return r, partErrf("match", "%s needs a kind: start it with text:, prefix:, contains:, re: or hex:", Quote(lhs))
		}
		r.Kind, r.Pattern = Kind(kind), pat
		if r.Kind == Hex {
			r.Pattern = strings.TrimSpace(pat)
		}
	}
	rhs = strings.TrimSpace(rhs)
	reply, opts := splitOptions(rhs)
	if err := parseOptions(&r, opts); err != nil {
		return r, err
	}
	r.Reply.Source = reply
	for _, m := range []payload.Mode{payload.Hex, payload.Base64, payload.Text} {
		if src, ok := strings.CutPrefix(reply, m.String()+":"); ok {
			r.Reply.Mode, r.Reply.Source = m, strings.TrimSpace(src)
			break
		}
	}
	return r, nil
}

// splitOptions cuts the options group, a "[...]" that ends the line and
// is the whole reply side or follows a space. A reply that itself ends in
// such a group is written with "[]" after it.
func splitOptions(rhs string) (reply, opts string) {
	if !strings.HasSuffix(rhs, "]") {
		return rhs, ""
	}
	i := strings.LastIndexByte(rhs, '[')
	if i < 0 || strings.ContainsRune(rhs[i+1:len(rhs)-1], ']') || (i > 0 && !isSpace(rhs[i-1])) {
		return rhs, ""
	}
	return strings.TrimSpace(rhs[:i]), rhs[i+1 : len(rhs)-1]
}

// parseOptions reads "delay=100ms close off end=crlf sum=crc16-modbus".
func parseOptions(r *Rule, opts string) error {
	for _, o := range strings.FieldsFunc(opts, func(c rune) bool { return c == ',' || unicode.IsSpace(c) }) {
		name, val, hasVal := strings.Cut(o, "=")
		var err error
		switch {
		case name == "close" && !hasVal:
			r.Close = true
		case name == "off" && !hasVal:
			r.Off = true
		case name == "drop" && !hasVal:
			r.Drop = true
		case name == "from" && hasVal:
			switch Side(val) {
			case FromClient, FromTarget:
				r.From = Side(val)
			default:
				return partErrf("options", "from=%s names no side; write from=client or from=target (no from: both)", val)
			}
		case name == "delay" && hasVal:
			r.Delay, err = time.ParseDuration(val)
			if err != nil || r.Delay < 0 || r.Delay > MaxDelay {
				return partErrf("options", "delay %s is not a duration from 0 to %v, e.g. delay=100ms", Quote(val), MaxDelay)
			}
		case name == "end" && hasVal:
			if r.Reply.LineEnding, err = payload.ParseLineEnding(val); err != nil {
				return partErr("options", err)
			}
		case name == "sum" && hasVal:
			if r.Reply.Checksum, err = payload.ParseChecksum(val); err != nil {
				return partErr("options", err)
			}
		default:
			return partErrf("options", "%s is not an option; use delay=DURATION, close, off, end=lf|crlf, sum=NAME, or on a relay from=client|target and drop", Quote(o))
		}
	}
	return nil
}

// String writes the rule as one line of the file format; Parse reads it
// back as the same rule.
func (r Rule) String() string {
	return string(r.Kind) + ":" + r.Pattern + " => " + r.rhs()
}

func (r Rule) defaultString() string { return "default => " + r.rhs() }

func (r Rule) rhs() string {
	var b strings.Builder
	src := r.Reply.Source
	switch {
	case r.Reply.Mode != payload.Text:
		b.WriteString(r.Reply.Mode.String() + ":")
	case strings.HasPrefix(src, "hex:") || strings.HasPrefix(src, "base64:") || strings.HasPrefix(src, "text:"):
		b.WriteString("text:")
	}
	b.WriteString(src)
	var opts []string
	if r.Delay != 0 {
		opts = append(opts, "delay="+r.Delay.String())
	}
	if r.Close {
		opts = append(opts, "close")
	}
	if r.Off {
		opts = append(opts, "off")
	}
	if r.From != FromBoth {
		opts = append(opts, "from="+string(r.From))
	}
	if r.Drop {
		opts = append(opts, "drop")
	}
	if r.Reply.LineEnding != payload.LineNone {
		opts = append(opts, "end="+r.Reply.LineEnding.String())
	}
	if r.Reply.Checksum != payload.ChecksumNone {
		opts = append(opts, "sum="+r.Reply.Checksum.String())
	}
	if len(opts) > 0 || strings.HasSuffix(src, "]") {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("[" + strings.Join(opts, " ") + "]")
	}
	return b.String()
}

// Format writes the list as a rules file that Parse reads back.
func (l List) Format() string {
	var b strings.Builder
	if l.Mode == All {
		b.WriteString("mode all\n")
	}
	for _, r := range l.Rules {
		b.WriteString(r.String() + "\n")
	}
	if l.Default != nil {
		b.WriteString(l.Default.defaultString() + "\n")
	}
	return b.String()
}

// Quote shows a line as typed (a rule, a sequence step) in double quotes,
// cut when long, escaped only when it holds unprintable characters.
func Quote(s string) string {
	const maxRunes = 80
	if utf8.RuneCountInString(s) > maxRunes {
		i, n := 0, 0
		for n < maxRunes {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			n++
		}
		s = s[:i] + "…"
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return strconv.Quote(s)
		}
	}
	return `"` + s + `"`
}
