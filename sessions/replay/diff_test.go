package replay

import (
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	tests := []struct {
		name, want, got string
		lines           []string // the lines Diff must hold, in order
		caretUnder      string   // the hex pair the ^^ stands under, in the got row
	}{
		{"equal", "abc", "abc", nil, ""},
		{"one byte", "hi there", "hi thEre", []string{
			"expected 8 bytes, got 8 bytes; first difference at byte 5",
			"  expected 00000000  68 69 20 74 68 65 72 65                           |hi there|",
			"  got      00000000  68 69 20 74 68 45 72 65                           |hi thEre|",
		}, "45"},
		{"longer", "ok", "ok!", []string{"expected 2 bytes, got 3 bytes; first difference at byte 2"}, "21"},
		{"shorter", "ok!", "ok", []string{"expected 3 bytes, got 2 bytes; first difference at byte 2"}, ""},
		{"several bytes", "abcd", "xbcy", []string{"first difference at byte 0 (2 bytes differ)"}, "78"},
		{"second row", strings.Repeat("a", 20), strings.Repeat("a", 18) + "bb", []string{
			"first difference at byte 18",
			"  expected 00000010  61 61 61 61",
		}, "62"},
		{"empty got", "x", "", []string{"expected 1 byte, got 0 bytes; first difference at byte 0", "  got      00000000 (ends before this row)"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Diff([]byte(tt.want), []byte(tt.got))
			if tt.lines == nil {
				if d != "" {
					t.Fatalf("Diff of equal strings = %q", d)
				}
				return
			}
			rest := d
			for _, l := range tt.lines {
				i := strings.Index(rest, l)
				if i < 0 {
					t.Fatalf("Diff lacks %q (in order):\n%s", l, d)
				}
				rest = rest[i+len(l):]
			}
			lines := strings.Split(d, "\n")
			caret := lines[len(lines)-1]
			if strings.TrimSpace(caret) != "^^" {
				t.Fatalf("last line %q is not the mark", caret)
			}
			if tt.caretUnder != "" {
				gotRow := lines[len(lines)-2]
				col := strings.Index(caret, "^^")
				if col+2 > len(gotRow) || gotRow[col:col+2] != tt.caretUnder {
					t.Fatalf("mark stands under %q, want %q:\n%s", gotRow[col:min(col+2, len(gotRow))], tt.caretUnder, d)
				}
			}
		})
	}
}

func TestDiffMessages(t *testing.T) {
	m := func(s ...string) [][]byte {
		out := make([][]byte, len(s))
		for i, x := range s {
			out[i] = []byte(x)
		}
		return out
	}
	tests := []struct {
		name      string
		want, got [][]byte
		has       string
	}{
		{"equal", m("a", "b"), m("a", "b"), ""},
		{"missing", m("a", "b"), m("a"), "expected 2 messages, got 1; message 2 did not come"},
		{"extra", m("a"), m("a", "zz"), "expected 1 message, got 2; message 2 was not expected (2 bytes)"},
		{"differs", m("a", "bc"), m("a", "bd"), "message 2: expected 2 bytes, got 2 bytes; first difference at byte 1"},
		{"none expected", m(), m("x"), "expected 0 messages, got 1; message 1 was not expected (1 byte)"},
		{"one each", m("ab"), m("aB"), "expected 2 bytes, got 2 bytes; first difference at byte 1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := DiffMessages(tt.want, tt.got)
			if tt.has == "" && d != "" || !strings.Contains(d, tt.has) {
				t.Fatalf("DiffMessages = %q, want it to hold %q", d, tt.has)
			}
		})
	}
}
