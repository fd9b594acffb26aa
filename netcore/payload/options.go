package payload

import (
	"strconv"
	"strings"
)

// Mode says how a Spec's Source is read. The zero value is Text, so a saved
// workspace that omits the mode gets the composer's default.
type Mode uint8

const (
	Text   Mode = iota // UTF-8 with escapes and macros
	Hex                // hex digits with separators and macros
	Base64             // standard base64, whitespace and missing padding tolerated
	File               // Source is a path; the file's bytes are sent
)

var modeNames = []string{"text", "hex", "base64", "file"}

// String gives the name used by the CLI (--payload-mode) and saved workspaces.
func (m Mode) String() string {
	if int(m) < len(modeNames) {
		return modeNames[m]
	}
	return "mode(" + strconv.Itoa(int(m)) + ")"
}

// ParseMode reads a mode name ("text", "hex", "base64", "file"), ignoring case
// and surrounding spaces.
func ParseMode(s string) (Mode, error) {
	i, err := parseName("payload mode", s, modeNames)
	return Mode(i), err
}

// MarshalText lets saved workspaces store the mode by name.
func (m Mode) MarshalText() ([]byte, error) {
	if int(m) >= len(modeNames) {
		return nil, plainSyntaxError("unknown payload mode %d", m)
	}
	return []byte(m.String()), nil
}

// UnmarshalText reads a mode name as ParseMode does.
func (m *Mode) UnmarshalText(b []byte) error {
	v, err := ParseMode(string(b))
	if err == nil {
		*m = v
	}
	return err
}

// LineEnding is appended last, after any checksum, because it terminates the
// line a text device reads; the checksum covers only the body. The zero
// value is LineNone.
type LineEnding uint8

const (
	LineNone LineEnding = iota // nothing appended
	LF                         // "\n"
	CRLF                       // "\r\n"
)

var lineEndingNames = []string{"none", "lf", "crlf"}

// String gives the name used by the CLI and saved workspaces.
func (l LineEnding) String() string {
	if int(l) < len(lineEndingNames) {
		return lineEndingNames[l]
	}
	return "lineending(" + strconv.Itoa(int(l)) + ")"
}

// Bytes is what the line ending appends.
func (l LineEnding) Bytes() []byte {
	switch l {
	case LF:
		return []byte{'\n'}
	case CRLF:
		return []byte{'\r', '\n'}
	}
	return nil
}

// ParseLineEnding reads "none", "lf" or "crlf", ignoring case and spaces.
func ParseLineEnding(s string) (LineEnding, error) {
	i, err := parseName("line ending", s, lineEndingNames)
	return LineEnding(i), err
}

// MarshalText lets saved workspaces store the line ending by name.
func (l LineEnding) MarshalText() ([]byte, error) {
	if int(l) >= len(lineEndingNames) {
		return nil, plainSyntaxError("unknown line ending %d", l)
	}
	return []byte(l.String()), nil
}

// UnmarshalText reads a name as ParseLineEnding does.
func (l *LineEnding) UnmarshalText(b []byte) error {
	v, err := ParseLineEnding(string(b))
	if err == nil {
		*l = v
	}
	return err
}

// parseName finds s among names; the error lists every valid name, since
// the person typing it needs to know what to type instead.
func parseName(what, s string, names []string) (int, error) {
	k := strings.ToLower(strings.TrimSpace(s))
	for i, n := range names {
		if k == n {
			return i, nil
		}
	}
	return 0, plainSyntaxError("unknown %s %s; valid names are %s", what, quote(s), strings.Join(names, ", "))
}
