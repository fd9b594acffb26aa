package uikit

import "testing"

func TestWrapWords(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		want     string
	}{
		{"fits", "close the socket", 80, "close the socket"},
		{"breaks at the last space that fits", "could not close the socket", 12, "could not\nclose the\nsocket"},
		{"exact width stays on the line", "abcd efgh", 9, "abcd efgh"},
		{"long word kept whole", "see averyveryverylongword here", 8, "see\naveryveryverylongword\nhere"},
		{"spaces collapse", "  a   b  ", 10, "a b"},
		{"empty", "", 10, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := WrapWords(tt.in, tt.n); got != tt.want {
				t.Errorf("WrapWords(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}
