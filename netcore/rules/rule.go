package rules

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"time"

	"github.com/sockplay/sockplay/netcore/payload"
)

// Kind is how a rule matches a message.
type Kind string

// Match kinds, as the line format and the JSON spell them.
const (
	Text     Kind = "text"     // the whole message, exactly (text syntax: escapes)
	Prefix   Kind = "prefix"   // the message starts with it
	Contains Kind = "contains" // the message contains it
	Regexp   Kind = "re"       // a Go regular expression over the message, unanchored
	Hex      Kind = "hex"      // a hex pattern over the whole message
)

var kinds = []Kind{Text, Prefix, Contains, Regexp, Hex}

// Mode says which rules answer a message.
type Mode string

// Modes; the zero value is First.
const (
	First Mode = "first" // the first enabled rule that matches
	All   Mode = "all"   // every enabled rule that matches, in order
)

// Rule is one rule as a person wrote it: the one form shared by the line
// format, the command line and saved workspaces (JSON).
type Rule struct {
	Kind    Kind         `json:"kind,omitempty"`    // unused by a list's default
	Pattern string       `json:"pattern,omitempty"` // as typed, in Kind's syntax
	Reply   payload.Spec `json:"reply"`             // may use {{N}}, {{name}} and the macros; empty sends nothing
	// Delay holds the reply back this long after the message arrived.
	Delay time.Duration `json:"delay,omitempty"`
	// Close closes the connection (forgets a datagram peer) after the reply.
	Close bool `json:"close,omitempty"`
	// Off keeps the rule in the list, disabled: it matches nothing.
	Off bool `json:"off,omitempty"`
	// From limits the rule, on a relay, to what one side sent (FromClient
	// or FromTarget); empty: both. Sessions that are not relays refuse it.
	From Side `json:"from,omitempty"`
	// Drop, on a relay, forwards nothing in place of the matched message
	// (an empty reply does the same). Sessions that are not relays refuse it.
	Drop bool `json:"drop,omitempty"`
}

// Side names one end of a relay, as a rule's from= option spells it.
type Side string

// Sides of a relay; the zero Side is both.
const (
	FromBoth   Side = ""
	FromClient Side = "client" // what the relay's clients sent toward the target
	FromTarget Side = "target" // what the target sent back toward a client
)

// List is an ordered list of rules with its mode and default reply.
type List struct {
	Mode  Mode   `json:"mode,omitempty"`
	Rules []Rule `json:"rules,omitempty"`
	// Default answers a message no enabled rule matched (nil: no answer).
	// Its Kind and Pattern are unused; its reply has only {{0}}.
	Default *Rule `json:"default,omitempty"`
}

// ErrBadRule matches every *Error.
var ErrBadRule = errors.New("bad rule")

// Error names the rule that is wrong and the part of it: one sentence such
// as `rule 2 "re:(x => y": match: missing closing ) in "(x"`.
type Error struct {
	Line    int    // the line of a file, 0 when the rule did not come from one
	Rule    int    // 1-based position in the list; 0 for the default or a non-rule line
	Default bool   // the default reply
	Text    string // the rule (or line) as written
	Part    string // "match", "reply", "options", "mode", ... ("" for the whole)
	Err     error
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d", e.Line)
	}
	what := ""
	switch {
	case e.Rule > 0:
		what = fmt.Sprintf("rule %d", e.Rule)
	case e.Default:
		what = "the default rule"
	}
	if what != "" {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(what)
	}
	if e.Text != "" {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(Quote(e.Text))
	}
	b.WriteString(": ")
	if e.Part != "" {
		b.WriteString(e.Part + ": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes every Error match ErrBadRule.
func (e *Error) Is(target error) bool { return target == ErrBadRule }

// partError is an error about one part of a rule; the list adds which rule.
type partError struct {
	part string
	err  error
}

func (e *partError) Error() string { return e.part + ": " + e.err.Error() }
func (e *partError) Unwrap() error { return e.err }

func partErr(part string, err error) error { return &partError{part, err} }
func partErrf(part, format string, a ...any) error {
	return &partError{part, fmt.Errorf(format, a...)}
}

// matcher finds a rule's match in a message and what its groups captured.
type matcher interface {
	// match reports whether msg matches, with caps[0] = msg and caps[i]
	// what group i captured (nil when it took no part).
	match(msg []byte) ([][]byte, bool)
	// groups is names[0] = "" and names[i] the name of group i ("" for none).
	groups() []string
}

type compiled struct {
	m     matcher
	reply *payload.Payload
	empty bool // the reply sends nothing
	rule  Rule
}

// Set is a compiled List, immutable and safe for concurrent use. Hit
// counts are the session's, not the set's: the same set may serve many.
type Set struct {
	list  List
	mode  Mode
	rules []compiled
	def   *compiled
}

// Compile checks every rule of l and compiles it. The error is an *Error
// naming the first bad rule (Text is the rule in the line format).
func Compile(l List) (*Set, error) {
	s := &Set{list: l, mode: l.Mode}
	switch l.Mode {
	case "", First:
		s.mode = First
	case All:
	default:
		return nil, &Error{Part: "mode", Text: "mode " + string(l.Mode), Err: fmt.Errorf("%q is neither first nor all", l.Mode)}
	}
	for i, r := range l.Rules {
		c, err := compileRule(r, false)
		if err != nil {
			return nil, ruleError(err, 0, i+1, false, r.String())
		}
		s.rules = append(s.rules, c)
	}
	if l.Default != nil {
		c, err := compileRule(*l.Default, true)
		if err != nil {
			return nil, ruleError(err, 0, 0, true, l.Default.defaultString())
		}
		s.def = &c
	}
	return s, nil
}

func ruleError(err error, line, rule int, def bool, text string) *Error {
	e := &Error{Line: line, Rule: rule, Default: def, Text: text, Err: err}
	var pe *partError
	if errors.As(err, &pe) {
		e.Part, e.Err = pe.part, pe.err
	}
	return e
}

// List is the list the set was compiled from.
func (s *Set) List() List { return s.list }

// Len is the number of rules, enabled or not (the default not counted).
func (s *Set) Len() int { return len(s.rules) }

// Mode is the set's mode (First when the list left it empty).
func (s *Set) Mode() Mode { return s.mode }

// HasDefault reports whether unmatched messages get the default reply.
func (s *Set) HasDefault() bool { return s.def != nil }

// DefaultRule is Fired.Rule for the default reply.
const DefaultRule = -1

// Fired is one reply a message earned.
type Fired struct {
	Rule  int    // index in the list, or DefaultRule
	Reply []byte // rendered; nil when the rule sends nothing
	Delay time.Duration
	Close bool
	Drop  bool // a relay forwards nothing in place of the message
}

// Apply matches msg against the rules and appends to dst the replies it
// earned, in order: the first match, every match (All), or the default.
// The replies are rendered now (macros take the time of arrival and one
// counter number each) and own their bytes: msg may be reused at once.
// Every rule takes part, whatever its From (sessions that are not relays
// refuse a From; see RelayOnly).
func (s *Set) Apply(msg []byte, c *payload.Counter, now time.Time, dst []Fired) []Fired {
	return s.apply(FromBoth, msg, c, now, dst)
}

// ApplyFrom is Apply for a relay's message from one side: a rule whose
// From names the other side takes no part (nor does a default that does).
func (s *Set) ApplyFrom(from Side, msg []byte, c *payload.Counter, now time.Time, dst []Fired) []Fired {
	return s.apply(from, msg, c, now, dst)
}

// For reports whether any enabled rule (or the default) may match what
// side sent: a relay forwards a side's bytes untouched when none does.
func (s *Set) For(side Side) bool {
	for i := range s.rules {
		if r := s.rules[i].rule; !r.Off && (r.From == FromBoth || r.From == side) {
			return true
		}
	}
	return s.def != nil && (s.def.rule.From == FromBoth || s.def.rule.From == side)
}

// RelayOnly is nil when no rule uses an option that only a relay has
// (from=, drop), else an *Error naming the first such rule: the sessions
// that are not relays refuse the set with it rather than ignore the option.
func (s *Set) RelayOnly() error {
	check := func(r Rule) string {
		switch {
		case r.From != FromBoth:
			return "from=" + string(r.From)
		case r.Drop:
			return "drop"
		}
		return ""
	}
	for i, c := range s.rules {
		if o := check(c.rule); o != "" {
			return &Error{Rule: i + 1, Text: c.rule.String(), Part: "options", Err: fmt.Errorf("%s applies to relay sessions only (a server or client answers what it receives; it forwards nothing)", o)}
		}
	}
	if s.def != nil {
		if o := check(s.def.rule); o != "" {
			return &Error{Default: true, Text: s.def.rule.defaultString(), Part: "options", Err: fmt.Errorf("%s applies to relay sessions only (a server or client answers what it receives; it forwards nothing)", o)}
		}
	}
	return nil
}

func (s *Set) apply(from Side, msg []byte, c *payload.Counter, now time.Time, dst []Fired) []Fired {
	matched := false
	for i := range s.rules {
		r := &s.rules[i]
		if r.rule.Off || (from != FromBoth && r.rule.From != FromBoth && r.rule.From != from) {
			continue
		}
		caps, ok := r.m.match(msg)
		if !ok {
			continue
		}
		matched = true
		dst = append(dst, r.fire(i, caps, c, now))
		if s.mode == First {
			break
		}
	}
	if !matched && s.def != nil && (from == FromBoth || s.def.rule.From == FromBoth || s.def.rule.From == from) {
		dst = append(dst, s.def.fire(DefaultRule, [][]byte{msg}, c, now))
	}
	return dst
}

func (r *compiled) fire(i int, caps [][]byte, c *payload.Counter, now time.Time) Fired {
	f := Fired{Rule: i, Delay: r.rule.Delay, Close: r.rule.Close, Drop: r.rule.Drop}
	if !r.empty && !r.rule.Drop {
		f.Reply, _ = r.reply.RenderCaptures(c, now, caps) // only File mode fails, and it is refused
		if f.Reply == nil {
			f.Reply = []byte{}
		}
	}
	return f
}

// compileRule checks one rule; errors are partErrors.
func compileRule(r Rule, def bool) (compiled, error) {
	c := compiled{rule: r}
	var names []string
	if def {
		if r.Kind != "" || r.Pattern != "" {
			return c, partErrf("match", "the default rule answers what no rule matched, so it has no match")
		}
		names = []string{""}
	} else {
		m, err := compileMatch(r.Kind, r.Pattern)
		if err != nil {
			return c, err
		}
		c.m, names = m, m.groups()
	}
	if err := checkReply(r.Reply); err != nil {
		return c, err
	}
	c.empty = r.Reply.Source == "" && r.Reply.LineEnding == payload.LineNone && r.Reply.Checksum == payload.ChecksumNone
	p, err := payload.CompileCaptures(r.Reply, names)
	if err != nil {
		return c, partErr("reply", err)
	}
	c.reply = p
	switch r.From {
	case FromBoth, FromClient, FromTarget:
	default:
		return c, partErrf("options", "from=%s names no side; write from=client or from=target", r.From)
	}
	if r.Drop && !c.empty {
		return c, partErrf("options", "drop forwards nothing, so the rule takes no reply; remove the reply or the drop")
	}
	if r.Delay < 0 {
		return c, partErrf("options", "delay %v is negative", r.Delay)
	}
	if r.Delay > MaxDelay {
		return c, partErrf("options", "delay %v is longer than %v", r.Delay, MaxDelay)
	}
	return c, nil
}

// MaxDelay bounds a reply's delay: longer is a typo (ms meant as s).
const MaxDelay = time.Hour

// checkReply refuses what the one-line format cannot hold or a reply
// cannot be, so a rule saved from the window reads back the same.
func checkReply(ps payload.Spec) error {
	switch ps.Mode {
	case payload.Text, payload.Hex, payload.Base64:
	case payload.File:
		return partErrf("reply", "a reply cannot be a file; give text, hex or base64")
	default:
		return partErrf("reply", "unknown payload mode %d", ps.Mode)
	}
	if strings.ContainsAny(ps.Source, "\r\n") {
		return partErrf("reply", `a rule is one line: write \n for a line break`)
	}
	if ps.Mode == payload.Text && strings.TrimSpace(ps.Source) != ps.Source {
		return partErrf("reply", `spaces at its start or end would be lost in a rules file: write \x20`)
	}
	return nil
}

// compileMatch compiles a rule's match; errors are partErrors.
func compileMatch(k Kind, pat string) (matcher, error) {
	if !slices.Contains(kinds, k) {
		if k == "" {
			return nil, partErrf("match", "it needs a kind: start it with text:, prefix:, contains:, re: or hex:")
		}
		return nil, partErrf("match", "%q is not a kind; use text, prefix, contains, re or hex", string(k))
	}
	if strings.ContainsAny(pat, "\r\n") {
		return nil, partErrf("match", `a rule is one line: write \n for a line break`)
	}
	if arrow(pat) >= 0 {
		return nil, partErrf("match", `" => " would end the match; write =\x3e (text) or [=]> (re) instead`)
	}
	return compilePattern(k, pat)
}

// compilePattern compiles a match of any one-line pattern; errors are
// partErrors. Sequences use it directly: their lines have no " => ".
func compilePattern(k Kind, pat string) (matcher, error) {
	if !slices.Contains(kinds, k) {
		return compileMatch(k, pat)
	}
	if strings.ContainsAny(pat, "\r\n") {
		return nil, partErrf("match", `a match is one line: write \n for a line break`)
	}
	if k != Hex && strings.TrimSpace(pat) != pat {
		return nil, partErrf("match", `spaces at its start or end would be lost in a rules file: write \x20`)
	}
	switch k {
	case Text, Prefix, Contains:
		b, err := payload.ParseText(pat)
		if err != nil {
			return nil, partErr("match", err)
		}
		return &textMatch{kind: k, lit: b}, nil
	case Regexp:
		re, err := regexp.Compile(pat)
		if err != nil {
			return nil, partErr("match", reError(err))
		}
		names := re.SubexpNames()
		for _, n := range names {
			if slices.Contains(payload.MacroNames, n) {
				return nil, partErrf("match", "group name %q is a macro's name; choose another", n)
			}
		}
		return &reMatch{re: re, names: names}, nil
	}
	hp, err := parseHexPattern(pat)
	if err != nil {
		return nil, partErr("match", err)
	}
	return hp, nil
}

// reError rewords Go's "error parsing regexp: missing closing ): `(x`".
func reError(err error) error {
	var se *syntax.Error
	if errors.As(err, &se) {
		return fmt.Errorf("%s in %s", se.Code, Quote(se.Expr))
	}
	return err
}

type textMatch struct {
	kind Kind
	lit  []byte
}

func (m *textMatch) match(msg []byte) ([][]byte, bool) {
	var ok bool
	switch m.kind {
	case Text:
		ok = bytes.Equal(msg, m.lit)
	case Prefix:
		ok = bytes.HasPrefix(msg, m.lit)
	default:
		ok = bytes.Contains(msg, m.lit)
	}
	if !ok {
		return nil, false
	}
	return [][]byte{msg}, true
}

func (m *textMatch) groups() []string { return []string{""} }

type reMatch struct {
	re    *regexp.Regexp
	names []string
}

func (m *reMatch) match(msg []byte) ([][]byte, bool) {
	loc := m.re.FindSubmatchIndex(msg)
	if loc == nil {
		return nil, false
	}
	caps := make([][]byte, len(loc)/2)
	caps[0] = msg
	for i := 1; i < len(caps); i++ {
		if loc[2*i] >= 0 {
			caps[i] = msg[loc[2*i]:loc[2*i+1]]
		}
	}
	return caps, true
}

func (m *reMatch) groups() []string { return m.names }
