package payload

import (
	"errors"
	"testing"
	"time"
)

func TestCaptures(t *testing.T) {
	names := []string{"", "", "tid"}
	caps := [][]byte{[]byte("whole"), {0xde, 0xad}, []byte("AB")}
	for _, tc := range []struct {
		mode Mode
		src  string
		want string
	}{
		{Text, "got {{1}} and {{tid}}", "got \xde\xad and AB"},
		{Text, "{{0}}!", "whole!"},
		{Hex, "01 {{2}} {{1}} ff", "\x01AB\xde\xad\xff"},
		{Hex, "{{tid}}{{tid}}", "ABAB"},
		{Text, "{{counter}}-{{1}}", "0-\xde\xad"},
	} {
		p, err := CompileCaptures(Spec{Mode: tc.mode, Source: tc.src}, names)
		if err != nil {
			t.Fatalf("%q: %v", tc.src, err)
		}
		got, err := p.RenderCaptures(nil, time.Now(), caps)
		if err != nil || string(got) != tc.want {
			t.Errorf("%q: got %q, %v; want %q", tc.src, got, err, tc.want)
		}
	}
}

func TestCaptureErrors(t *testing.T) {
	for _, tc := range []struct {
		names []string
		src   string
		want  string
	}{
		{[]string{"", ""}, "x {{2}}", `capture "{{2}}" at column 3 does not exist; the match has {{0}}, {{1}}`},
		{[]string{"", "", "tid"}, "{{unit}}", `"{{unit}}" at column 1 is neither a macro (counter, time, unix, unixms, rand) nor a capture; the match has {{0}}, {{1}}, {{2}} ({{tid}})`},
		{nil, "{{1}}", `capture "{{1}}" at column 1 does not exist; the match has no groups, only {{0}} (the whole message)`},
	} {
		_, err := CompileCaptures(Spec{Source: tc.src}, tc.names)
		if err == nil || err.Error() != tc.want || !errors.Is(err, ErrSyntax) {
			t.Errorf("%q: got %v\nwant %s", tc.src, err, tc.want)
		}
	}
	// Without captures {{1}} stays an unknown macro.
	if _, err := Compile(Spec{Source: "{{1}}"}); err == nil {
		t.Error("Compile accepted {{1}}")
	}
}

func TestParseText(t *testing.T) {
	for _, tc := range []struct{ src, want, err string }{
		{`PING\r\n`, "PING\r\n", ""},
		{`a\{{b`, "a{{b", ""},
		{`a\\{{b`, "", `"{{" at column 4 would start a macro, and a match has none (write \{{ for the braces themselves)`},
		{`x{{time}}`, "", `"{{" at column 2 would start a macro, and a match has none (write \{{ for the braces themselves)`},
		{`\q`, "", `invalid escape "\q" at column 1`},
	} {
		got, err := ParseText(tc.src)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%q: got %v, want %s", tc.src, err, tc.err)
			}
			continue
		}
		if err != nil || string(got) != tc.want {
			t.Errorf("%q: got %q, %v", tc.src, got, err)
		}
	}
}
