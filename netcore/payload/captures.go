package payload

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Captures: a reply rule's answer may insert what its match captured, as
// {{N}} (group N; {{0}} is the whole message) or {{name}} (a named group).
// The names are known when the rule is parsed, so a reference to a group
// the match does not have is a syntax error then, not an empty reply later.

// MacroNames are the names a capture group cannot take: {{time}} would be
// ambiguous between the macro and the group.
var MacroNames = []string{"counter", "time", "unix", "unixms", "rand"}

// CompileCaptures is Compile for a payload that may reference captures.
// names describes the match's groups: names[0] is the whole message and
// names[i] the name of group i ("" when it has none), so len(names) is the
// number of groups plus one. Render such a payload with RenderCaptures.
func CompileCaptures(s Spec, names []string) (*Payload, error) {
	if names == nil {
		names = []string{""}
	}
	return compile(s, names)
}

// captureMacro reads {{N}} or {{name}} against the match's group names.
func captureMacro(src string, off int, name, text string, caps []string) (macro, int, error) {
	q := quoteHead(text)
	if allDigits(name) {
		n, err := strconv.Atoi(name)
		if err != nil || n >= len(caps) {
			return macro{}, 0, syntaxErrorf(src, off, "capture %s at %s does not exist; the match has "+escPct(captureList(caps)), q)
		}
		return macro{kind: macroCapture, n: n}, off + len(text), nil
	}
	if name != "" {
		if i := slices.Index(caps, name); i > 0 {
			return macro{kind: macroCapture, n: i}, off + len(text), nil
		}
	}
	return macro{}, 0, syntaxErrorf(src, off, "%s at %s is neither a macro (counter, time, unix, unixms, rand) nor a capture; the match has "+escPct(captureList(caps)), q)
}

// escPct keeps a text that goes into a format from being read as verbs.
func escPct(s string) string { return strings.ReplaceAll(s, "%", "%%") }

// captureList names the captures a reply can use, for error messages.
func captureList(caps []string) string {
	if len(caps) <= 1 {
		return "no groups, only {{0}} (the whole message)"
	}
	var sb strings.Builder
	sb.WriteString("{{0}}")
	for i := 1; i < len(caps); i++ {
		sb.WriteString(", {{" + strconv.Itoa(i) + "}}")
		if caps[i] != "" {
			sb.WriteString(" ({{" + caps[i] + "}})")
		}
	}
	return sb.String()
}

// ParseText reads text in the Text syntax (escapes, \{ for a brace) without
// macros, for what is matched rather than sent: "{{" there is an error.
func ParseText(src string) ([]byte, error) {
	for i := 0; i < len(src); i++ {
		switch {
		case src[i] == '\\':
			i++ // the escaped character is never the start of a macro
		case strings.HasPrefix(src[i:], "{{"):
			return nil, syntaxErrorf(src, i, `"{{" at %s would start a macro, and a match has none (write \{{ for the braces themselves)`)
		}
	}
	t, err := compileText(src, nil)
	if err != nil {
		return nil, err
	}
	return t.render(nil, nil, time.Time{}, nil), nil
}
