package framing

import "testing"

// A frame over the limit gets the spec that would take it: the next power
// of two over the frame's size (twice the limit when the size is not
// known), never past the ceiling; other errors get no hint.
func TestHint(t *testing.T) {
	tests := []struct {
		spec, in string
		want     string
	}{
		{"len:1:max=4", "\x09", "raise the limit with --framing len:1:max=16"},
		{"len:4:be", "\x01\x40\x00\x01", "raise the limit with --framing len:4:be:max=32MiB"},
		{"jsonhdr", "\x16\x00\x00\x00{\"filesize\": 20000000}", "raise the limit with --framing jsonhdr:max=32MiB"},
		{"fixed:2000:max=1KiB", "", ""},
		{"len:4:be:max=1GiB", "\x7f\xff\xff\xff", ""},
		{"len:2:be", "\x00\x02ab", ""},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			s, err := Parse(tt.spec)
			if err != nil {
				if tt.want != "" {
					t.Fatal(err)
				}
				return
			}
			_, ferr := s.NewDecoder(Options{}).Feed([]byte(tt.in))
			if got := Hint(s, Options{}, ferr); got != tt.want {
				t.Fatalf("Hint(%s, %v) = %q, want %q", tt.spec, ferr, got, tt.want)
			}
		})
	}
}

// After the error that sticks it, a decoder gives back what it had not
// decoded, from the start of the frame that failed.
func TestRestAfterStuck(t *testing.T) {
	s, _ := Parse("len:1:max=4")
	d := s.NewDecoder(Options{})
	msgs, err := d.Feed([]byte("\x02hi\x09rest of it"))
	if len(msgs) != 1 || string(msgs[0].Data) != "hi" || err == nil {
		t.Fatalf("msgs %q err %v", msgs, err)
	}
	if got := string(d.Rest()); got != "\x09rest of it" {
		t.Fatalf("rest %q", got)
	}
	if _, err := d.Feed([]byte("more")); err == nil || d.Rest() != nil {
		t.Fatalf("after: err %v rest %q", err, d.Rest())
	}
}
