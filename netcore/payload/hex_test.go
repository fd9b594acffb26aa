package payload

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

func TestHex(t *testing.T) {
	runSyntaxCases(t, Hex, []syntaxCase{
		{name: "empty", src: "", want: ""},
		{name: "only separators", src: " ,:-\t\r\n", want: ""},
		{name: "packed", src: "deadBEEF", want: "\xde\xad\xbe\xef"},
		{name: "spaced", src: "de ad be ef", want: "\xde\xad\xbe\xef"},
		{name: "c array", src: "0x01, 0x02,0X0a", want: "\x01\x02\x0a"},
		{name: "mac address", src: "00:1a-2B", want: "\x00\x1a\x2b"},
		{name: "lines and tabs", src: "01\t02\r\n03\n", want: "\x01\x02\x03"},
		{name: "prefixed long group", src: "0x0102", want: "\x01\x02"},
		{name: "macro between groups", src: "02{{counter:7}}03", want: "\x027\x03"},
		{name: "macro after prefix group", src: "0x01{{unix}}", want: "\x01" + "1767362645"},
		{name: "odd", src: "abc", wantErr: `odd number of hex digits: "abc" ends at column 3`},
		{name: "odd after others", src: "01 abc", wantErr: `odd number of hex digits: "abc" ends at column 6`},
		{name: "odd single digits", src: "1 2", wantErr: `odd number of hex digits: "1" ends at column 1`},
		{name: "odd prefixed", src: "0x123,", wantErr: `odd number of hex digits: "0x123" ends at column 5`},
		{name: "odd before macro", src: "0{{counter}}1", wantErr: `odd number of hex digits: "0" ends at column 1`},
		{name: "odd long group", src: strings.Repeat("ab", 30) + "c", wantErr: `odd number of hex digits: "…babababababababababababababababababababc" ends at column 61`},
		{name: "not hex", src: "0g", wantErr: `"g" at column 2 is not a hex digit`},
		{name: "not hex after space", src: "01 g2", wantErr: `"g" at column 4 is not a hex digit`},
		{name: "not hex non-ascii", src: "éé", wantErr: `"é" at column 1 is not a hex digit`},
		{name: "not hex control", src: "01\x00", wantErr: `"\x00" at column 3 is not a hex digit`},
		{name: "not hex invalid utf8", src: "\xff", wantErr: `"\xff" at column 1 is not a hex digit`},
		{name: "lone brace", src: "01 {", wantErr: `"{" at column 4 is not a hex digit`},
		{name: "x inside group", src: "010x02", wantErr: `"x" at column 4 is not a hex digit`},
		{name: "bare prefix", src: "0x 01", wantErr: `prefix "0x" at column 1 has no hex digits after it`},
		{name: "bare prefix at end", src: "01 0X", wantErr: `prefix "0X" at column 4 has no hex digits after it`},
		{name: "second line column", src: "01 02\n03 0g", wantErr: `"g" at line 2, column 5 is not a hex digit`},
		{name: "unclosed macro", src: "01 {{counter", wantErr: `unclosed "{{" at column 4`},
	})
}

func TestFormatHex(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"\x00", "00"},
		{"\xde\xad\xbe\xef", "de ad be ef"},
	} {
		if got := FormatHex([]byte(tc.in)); got != tc.want {
			t.Errorf("FormatHex(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func compileRender(t *testing.T, mode Mode, src string) ([]byte, error) {
	t.Helper()
	p, err := Compile(Spec{Mode: mode, Source: src})
	if err != nil {
		return nil, err
	}
	b, err := p.Render(&Counter{}, fixedNow)
	if err != nil {
		t.Fatalf("Render(%q): %v", src, err)
	}
	return b, nil
}

// FuzzHex checks that no source panics, that errors keep their promises,
// that whatever encoding/hex accepts decodes the same here, and that bytes
// formatted with FormatHex parse back unchanged.
func FuzzHex(f *testing.F) {
	for _, s := range []string{"", "deadbeef", "de ad,be:ef-00", "0x01 0X02", "abc", "0g", "0x", "01{{counter:1:3}}02", "{{", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := compileRender(t, Hex, s)
		if err != nil {
			checkSyntaxError(t, s, err)
		}
		if want, stdErr := hex.DecodeString(s); stdErr == nil {
			if err != nil {
				t.Fatalf("hex %q: encoding/hex accepts it, we say %v", s, err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("hex %q decodes to %x, encoding/hex to %x", s, got, want)
			}
		}
		b := []byte(s)
		back, err := compileRender(t, Hex, FormatHex(b))
		if err != nil || !bytes.Equal(back, b) {
			t.Fatalf("FormatHex(%q) parses back as %q, %v", b, back, err)
		}
	})
}
