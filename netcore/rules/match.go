package rules

import (
	"errors"
	"fmt"
	"strings"
)

// Match is one compiled match on its own, outside a rule: a sequence's
// expect step uses it, so "what matches a message" has one grammar for
// rules and sequences alike. Safe for concurrent use.
type Match struct {
	kind    Kind
	pattern string
	m       matcher
}

// ErrBadMatch matches every error of CompileMatch and ParseMatch.
var ErrBadMatch = errors.New("bad match")

// MatchError is a match that does not compile: the sentence says why.
type MatchError struct{ Err error }

func (e *MatchError) Error() string        { return e.Err.Error() }
func (e *MatchError) Unwrap() error        { return e.Err }
func (e *MatchError) Is(target error) bool { return target == ErrBadMatch }

// CompileMatch compiles PATTERN of kind k (the part after "KIND:"). Unlike
// a rule's match it may hold " => ". The error is a *MatchError.
func CompileMatch(k Kind, pattern string) (*Match, error) {
	if k == Hex {
		pattern = strings.TrimSpace(pattern)
	}
	m, err := compilePattern(k, pattern)
	if err != nil {
		var pe *partError
		if errors.As(err, &pe) {
			err = pe.err
		}
		return nil, &MatchError{err}
	}
	return &Match{kind: k, pattern: pattern, m: m}, nil
}

// ParseMatch reads "KIND:PATTERN" as a rule's match is written.
func ParseMatch(s string) (*Match, error) {
	kind, pat, ok := strings.Cut(s, ":")
	if !ok || strings.ContainsAny(kind, " \t") {
		return nil, &MatchError{fmt.Errorf("%s needs a kind: start it with text:, prefix:, contains:, re: or hex:", Quote(s))}
	}
	return CompileMatch(Kind(kind), pat)
}

// Match reports whether msg matches, with caps[0] = msg and caps[i] what
// group i captured (nil when it took no part). caps alias msg.
func (m *Match) Match(msg []byte) (caps [][]byte, ok bool) { return m.m.match(msg) }

// Groups is names[0] = "" and names[i] the name of group i ("" for none).
func (m *Match) Groups() []string { return m.m.groups() }

// Kind is the match's kind.
func (m *Match) Kind() Kind { return m.kind }

// Pattern is the pattern as given (a hex pattern trimmed).
func (m *Match) Pattern() string { return m.pattern }

// String is "KIND:PATTERN", which ParseMatch reads back.
func (m *Match) String() string { return string(m.kind) + ":" + m.pattern }
