package gui

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sockplay/sockplay/netcore/payload"
)

func TestWrapColumns(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		width   int
		escaped bool
		want    string
	}{
		{"short line kept", "hello", 8, false, "hello"},
		{"own newlines kept", "ab\ncd", 8, false, "ab\ncd"},
		{"long line broken", "abcdefghij", 4, false, "abcd\nefgh\nij"},
		{"runes counted, not bytes", "ééééé", 2, false, "éé\néé\né"},
		{"escape never split", `ab\x00cd`, 4, true, "ab\n\\x00\ncd"},
		{"line ends after \\n", `one\ntwo`, 80, true, "one\\n\ntwo"},
		{"escaped backslash then n is not a newline", `a\\nb`, 80, true, `a\\nb`},
		{"trailing \\n adds no empty line", `end\n`, 80, true, `end\n`},
		{"unicode escape whole", `\u2028\u2029`, 8, true, "\\u2028\n\\u2029"},
		{"lone backslash at end", `ab\`, 80, true, `ab\`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := wrapColumns(tt.in, tt.width, tt.escaped); got != tt.want {
				t.Errorf("wrapColumns(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
			}
		})
	}
}

// 64 KiB of zeros, escaped, is 128 Ki characters with no newline: the
// text view gets it as lines no longer than textColumns, and joining
// them gives the text back.
func TestWrapColumnsBoundsLongBinaryRows(t *testing.T) {
	s := payload.EscapeText(make([]byte, 64<<10))
	got := wrapColumns(s, textColumns, true)
	for i, l := range strings.Split(got, "\n") {
		if n := utf8.RuneCountInString(l); n > textColumns {
			t.Fatalf("line %d has %d characters, more than %d", i, n, textColumns)
		}
	}
	if strings.ReplaceAll(got, "\n", "") != s {
		t.Fatal("wrapping changed the text")
	}
}

func FuzzWrapColumns(f *testing.F) {
	f.Add([]byte("hello\r\n\x00\xff\u2028{{"), 8)
	f.Fuzz(func(t *testing.T, b []byte, width int) {
		if width < 6 || width > 200 {
			return
		}
		s := payload.EscapeText(b)
		got := wrapColumns(s, width, true)
		if strings.ReplaceAll(got, "\n", "") != s {
			t.Fatalf("wrapping %q changed the text: %q", s, got)
		}
		for _, l := range strings.Split(got, "\n") {
			if n := utf8.RuneCountInString(l); n > width {
				t.Fatalf("line %q is longer than %d", l, width)
			}
		}
	})
}
