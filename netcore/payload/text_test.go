package payload

import (
	"bytes"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	runSyntaxCases(t, Text, []syntaxCase{
		{name: "empty", src: "", want: ""},
		{name: "plain", src: "hello", want: "hello"},
		{name: "utf8", src: "héllo ✓", want: "héllo ✓"},
		{name: "short escapes", src: `a\r\n\t\0\\b`, want: "a\r\n\t\x00\\b"},
		{name: "hex escape", src: `\x41\xff\x00`, want: "A\xff\x00"},
		{name: "hex escape upper", src: `\xAB`, want: "\xab"},
		{name: "unicode escape", src: `\u00e9\u2713`, want: "é✓"},
		{name: "escaped braces", src: `\{{counter}}`, want: "{{counter}}"},
		{name: "escaped close brace", src: `\}\}`, want: "}}"},
		{name: "single braces", src: "{a} }} {", want: "{a} }} {"},
		{name: "literal newline", src: "a\nb", want: "a\nb"},
		{name: "invalid escape", src: `abcd\q`, wantErr: `invalid escape "\q" at column 5`},
		{name: "invalid escape non-ascii", src: `é\é`, wantErr: `invalid escape "\é" at column 2`},
		{name: "invalid escape quote", src: `\"`, wantErr: `invalid escape "\"" at column 1`},
		{name: "incomplete hex escape", src: `ab\x4`, wantErr: `incomplete escape "\x4" at column 3`},
		{name: "incomplete bare x", src: `\x`, wantErr: `incomplete escape "\x" at column 1`},
		{name: "trailing backslash", src: `ab\`, wantErr: `incomplete escape "\" at column 3`},
		{name: "bad hex escape digit", src: `\x4g1`, wantErr: `invalid escape "\x4g" at column 1`},
		{name: "incomplete unicode", src: `\u12`, wantErr: `incomplete escape "\u12" at column 1`},
		{name: "bad unicode digit", src: `\u12z4`, wantErr: `invalid escape "\u12z" at column 1`},
		{name: "surrogate", src: `\ud800`, wantErr: `escape "\ud800" at column 1 is a surrogate half, not a character`},
		{name: "column counts runes", src: `ééé\q`, wantErr: `invalid escape "\q" at column 4`},
		{name: "second line", src: "ok\nab\\q", wantErr: `invalid escape "\q" at line 2, column 3`},
		{name: "escape before macro", src: `\x{{counter}}`, wantErr: `invalid escape "\x{" at column 1`},
	})
}

func TestEscapeText(t *testing.T) {
	cases := []struct {
		in   string
		want string
	}{
		{"", ""},
		{"hello, world", "hello, world"},
		{"a\r\n\t\x00b", `a\r\n\t\0b`},
		{`back\slash`, `back\\slash`},
		{"\x01\x1f\x7f", `\x01\x1f\x7f`},
		{"\xff\xfe", `\xff\xfe`},
		{"é✓", "é✓"},
		{"\u200b\ufeff", `\u200b\ufeff`},
		{"\U000e0001", `\xf3\xa0\x80\x81`},
		{"{{counter}}", `\{{counter}}`},
		{"{{{", `\{\{{`},
		{"{a}}", "{a}}"},
	}
	for _, tc := range cases {
		if got := EscapeText([]byte(tc.in)); got != tc.want {
			t.Errorf("EscapeText(%q) = %q, want %q", tc.in, got, tc.want)
		}
		roundTripText(t, []byte(tc.in))
	}
}

func roundTripText(t *testing.T, b []byte) {
	t.Helper()
	esc := EscapeText(b)
	p, err := Compile(Spec{Mode: Text, Source: esc})
	if err != nil {
		t.Fatalf("EscapeText(%q) = %q does not compile: %v", b, esc, err)
	}
	if p.UsesCounter() {
		t.Fatalf("EscapeText(%q) = %q contains a counter macro", b, esc)
	}
	got, err := p.Render(nil, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, b) {
		t.Fatalf("EscapeText(%q) = %q parses back as %q", b, esc, got)
	}
	if !utf8.ValidString(esc) {
		t.Fatalf("EscapeText(%q) = %q is not valid UTF-8", b, esc)
	}
}

// FuzzText checks that no source panics, that errors keep their promises,
// and that escaping any bytes and parsing them gives the bytes back.
func FuzzText(f *testing.F) {
	for _, s := range []string{"", "hello", `a\r\n\t\0\\`, `\x41\xff`, `\u00e9`, `\{{`, `\q`, `\x4`, `\`, "{{counter}}", "é\xff\x00", `\ud800`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Compile(Spec{Mode: Text, Source: s})
		if err != nil {
			checkSyntaxError(t, s, err)
		} else if _, err := p.Render(&Counter{}, fixedNow); err != nil {
			t.Fatalf("Render(%q): %v", s, err)
		}
		roundTripText(t, []byte(s))
	})
}
