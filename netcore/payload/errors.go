package payload

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrSyntax is matched (errors.Is) by every error about what the person typed:
// a bad escape, hex digit, base64 character, macro or option name. I/O errors
// from File mode are not syntax errors; they wrap the os error instead.
var ErrSyntax = errors.New("payload syntax error")

// SyntaxError carries where in the source the problem is, so the composer can
// put the cursor there. Line and Column are 1-based and count runes; both are
// zero when the error is not about a position (an unknown option name).
type SyntaxError struct {
	Line   int
	Column int
	Msg    string // the whole sentence, position included
}

func (e *SyntaxError) Error() string { return e.Msg }

// Unwrap lets errors.Is(err, ErrSyntax) match.
func (e *SyntaxError) Unwrap() error { return ErrSyntax }

// syntaxErrorf builds a positional error. The position phrase ("column 5", or
// "line 2, column 5" past the first line) is passed to format as its last
// argument, so every message reads naturally with the position inside it;
// formats therefore put no verb after the position's %s.
func syntaxErrorf(src string, off int, format string, args ...any) *SyntaxError {
	line, col := position(src, off)
	at := "column " + strconv.Itoa(col)
	if line > 1 {
		at = "line " + strconv.Itoa(line) + ", " + at
	}
	return &SyntaxError{Line: line, Column: col, Msg: fmt.Sprintf(format, append(args, at)...)}
}

// plainSyntaxError is for errors that have no position in a source.
func plainSyntaxError(format string, args ...any) *SyntaxError {
	return &SyntaxError{Msg: fmt.Sprintf(format, args...)}
}

// position turns a byte offset into a 1-based line and a 1-based column
// counted in runes, as a person counts characters in the composer.
func position(src string, off int) (line, col int) {
	if off > len(src) {
		off = len(src)
	}
	before := src[:off]
	line = 1 + strings.Count(before, "\n")
	if i := strings.LastIndexByte(before, '\n'); i >= 0 {
		before = before[i+1:]
	}
	return line, utf8.RuneCountInString(before) + 1
}

// maxQuoted bounds how much of the source an error message repeats, so a
// pasted megabyte with one odd digit does not become a megabyte-long error.
const maxQuoted = 40

// quote shows source text in double quotes as the person typed it ("\q", not
// "\\q"); only text with unprintable runes falls back to Go quoting.
func quote(s string) string {
	plain := utf8.ValidString(s)
	for _, r := range s {
		if !unicode.IsPrint(r) {
			plain = false
			break
		}
	}
	if plain {
		return `"` + s + `"`
	}
	return strconv.Quote(s)
}

// quoteTail is quote for a part that may be long: it keeps the end, which is
// where the problem was found.
func quoteTail(s string) string {
	if n := utf8.RuneCountInString(s); n > maxQuoted {
		i := 0
		for skip := n - maxQuoted; skip > 0; skip-- {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
		}
		return quote("…" + s[i:])
	}
	return quote(s)
}

// quoteHead is quote for a part that may be long, keeping its start.
func quoteHead(s string) string {
	if utf8.RuneCountInString(s) > maxQuoted {
		i, n := 0, 0
		for n < maxQuoted {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			n++
		}
		return quote(s[:i] + "…")
	}
	return quote(s)
}
