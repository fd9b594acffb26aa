package framing

import (
	"errors"
	"testing"
	"time"
)

func TestParseCanonical(t *testing.T) {
	tests := []struct {
		in   string
		want Spec
		text string // canonical String
	}{
		{"raw", Spec{}, "raw"},
		{" RAW ", Spec{}, "raw"},
		{"line", Spec{Kind: KindLine}, "line"},
		{"line:keep", Spec{Kind: KindLine, Keep: true}, "line:keep"},
		{"crlf", Spec{Kind: KindCRLF}, "crlf"},
		{"delim:00", Spec{Kind: KindDelim, Delim: "\x00"}, "delim:00"},
		{"delim:0D0A:keep", Spec{Kind: KindDelim, Delim: "\r\n", Keep: true}, "delim:0d0a:keep"},
		{"delim:0x7e", Spec{Kind: KindDelim, Delim: "~"}, "delim:7e"},
		{"len:4:le", Spec{Kind: KindLen, Width: 4, LittleEndian: true}, "len:4:le"},
		{"len:2", Spec{Kind: KindLen, Width: 2}, "len:2:be"},
		{"len:1:le", Spec{Kind: KindLen, Width: 1}, "len:1"},
		{"len:2:be:incl:adj=-2", Spec{Kind: KindLen, Width: 2, Incl: true, Adj: -2}, "len:2:be:incl:adj=-2"},
		{"len:8:adj=+3:LE", Spec{Kind: KindLen, Width: 8, LittleEndian: true, Adj: 3}, "len:8:le:adj=3"},
		{"len:2:be:off=4", Spec{Kind: KindLen, Width: 2, Off: 4}, "len:2:be:off=4"},
		{"len:2:strip=4:off=4:BE", Spec{Kind: KindLen, Width: 2, Off: 4, Strip: 4, StripSet: true}, "len:2:be:off=4:strip=4"},
		{"len:2:be:off=4:strip=0", Spec{Kind: KindLen, Width: 2, Off: 4}, "len:2:be:off=4"}, // the default said out loud
		{"len:2:strip=2", Spec{Kind: KindLen, Width: 2}, "len:2:be"},
		{"len:2:off=0", Spec{Kind: KindLen, Width: 2}, "len:2:be"},
		{"len:2:strip=0", Spec{Kind: KindLen, Width: 2, StripSet: true}, "len:2:be:strip=0"},
		{"len:4:le:adj=-2:incl:off=+3:strip=7:max=1k", Spec{Kind: KindLen, Width: 4, LittleEndian: true, Off: 3, Incl: true, Adj: -2, Strip: 7, StripSet: true, Max: 1 << 10},
			"len:4:le:off=3:incl:adj=-2:strip=7:max=1KiB"},
		{"fixed:16", Spec{Kind: KindFixed, Size: 16}, "fixed:16"},
		{"stx-etx", Spec{Kind: KindSTXETX}, "stx-etx"},
		{"slip", Spec{Kind: KindSLIP}, "slip"},
		{"cobs", Spec{Kind: KindCOBS}, "cobs"},
		{"http", Spec{Kind: KindHTTP}, "http"},
		{"idle:50ms", Spec{Kind: KindIdle, Gap: 50 * time.Millisecond}, "idle:50ms"},
		{"idle:1500ms", Spec{Kind: KindIdle, Gap: 1500 * time.Millisecond}, "idle:1.5s"},
		{"jsonhdr", Spec{Kind: KindJSONHdr}, "jsonhdr"},
		{"line:max=4096", Spec{Kind: KindLine, Max: 4096}, "line:max=4KiB"},
		{"len:4:le:max=64k", Spec{Kind: KindLen, Width: 4, LittleEndian: true, Max: 64 << 10}, "len:4:le:max=64KiB"},
		{"jsonhdr:max=1GiB", Spec{Kind: KindJSONHdr, Max: 1 << 30}, "jsonhdr:max=1GiB"},
		{"raw:max=1000", Spec{Max: 1000}, "raw:max=1000"},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Parse(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
		if s := got.String(); s != tt.text {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.in, s, tt.text)
		}
		again, err := Parse(got.String())
		if err != nil || again != got {
			t.Errorf("Parse(%q) round trip = %+v, %v", got.String(), again, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, msg string }{
		{"", "empty framing spec (raw, line, crlf, delim, len, fixed, stx-etx, slip, cobs, http, idle, jsonhdr)"},
		{"lenn", `unknown framing "lenn" (raw, line, crlf, delim, len, fixed, stx-etx, slip, cobs, http, idle, jsonhdr)`},
		{"len:3", "len width 3 is not one of 1, 2, 4, 8"},
		{"len:x:be", `len width "x" is not one of 1, 2, 4, 8`},
		{"len", "len needs the width of its length field, as in len:4:be"},
		{"len:4:xe", `len does not take the option "xe" (it takes be, le, off=K, incl, adj=K, strip=K, max=N)`},
		{"len:4:be:le", `le and be contradict each other in "len:4:be:le"; choose one byte order`},
		{"len:4:le:be", `le and be contradict each other in "len:4:le:be"; choose one byte order`},
		{"len:2:LE:incl:Be", `le and be contradict each other in "len:2:LE:incl:Be"; choose one byte order`},
		{"len:1:le:be", `le and be contradict each other in "len:1:le:be"; choose one byte order`},
		{"len:4:be:be", `option "be" appears twice in "len:4:be:be"`},
		{"len:4:le:LE", `option "LE" appears twice in "len:4:le:LE"`},
		{"len:4:incl:incl", `option "incl" appears twice in "len:4:incl:incl"`},
		{"line:keep:keep", `option "keep" appears twice in "line:keep:keep"`},
		{"line:max=1k:max=2k", `max=1k and max=2k contradict each other in "line:max=1k:max=2k"; choose one`},
		{"line:max=1k:max=1024", `option "max=1024" appears twice in "line:max=1k:max=1024"`},
		{"len:4:adj=1:adj=-1", `adj=1 and adj=-1 contradict each other in "len:4:adj=1:adj=-1"; choose one`},
		{"len:4:adj=2:adj=+2", `option "adj=+2" appears twice in "len:4:adj=2:adj=+2"`},
		{"line:max=1k:max=zz", `max "zz" is not a positive size such as 4096 or 64KiB`},
		{"len:4:le:le=1", `len does not take the option "le=1" (it takes be, le, off=K, incl, adj=K, strip=K, max=N)`},
		{"len:4:incl:incl=3", `len does not take the option "incl=3" (it takes be, le, off=K, incl, adj=K, strip=K, max=N)`},
		{"len:4:adj=99999999999999999999", "len adj 99999999999999999999 is outside -1048576..1048576"},
		{"len:4:adj=-99999999999999999999", "len adj -99999999999999999999 is outside -1048576..1048576"},
		{"len:4:adj=+99999999999999999999", "len adj 99999999999999999999 is outside -1048576..1048576"},
		{"len:4:adj=two", `len adj "two" is not a whole number such as 2 or -2`},
		{"len:4:adj=99999999", "len adj 99999999 is outside -1048576..1048576"},
		{"len:2:off=-1", "len off -1 is outside 0..1024"},
		{"len:2:off=1025", "len off 1025 is outside 0..1024"},
		{"len:2:off=99999999999999999999", "len off 99999999999999999999 is outside 0..1024"},
		{"len:2:off=four", `len off "four" is not a number of bytes such as 4`},
		{"len:2:off", `len does not take the option "off" (it takes be, le, off=K, incl, adj=K, strip=K, max=N)`},
		{"len:2:off=4:off=2", `off=4 and off=2 contradict each other in "len:2:off=4:off=2"; choose one`},
		{"len:2:off=4:off=+4", `option "off=+4" appears twice in "len:2:off=4:off=+4"`},
		{"len:2:be:off=4:strip=7", "len strip 7 is more than the 6 bytes a frame has before its body (off=4 and the 2-byte length field)"},
		{"len:2:strip=3", "len strip 3 is more than the 2 bytes a frame has before its body (off=0 and the 2-byte length field)"},
		{"len:2:strip=-1", "len strip -1 is negative; it counts the bytes dropped from the start of each frame"},
		{"len:2:strip=99999999999999999999", "len strip 99999999999999999999 is more than any frame has before its body (at most off=1024 and an 8-byte field)"},
		{"len:2:strip=x", `len strip "x" is not a number of bytes such as 4`},
		{"len:2:strip=1:strip=2", `strip=1 and strip=2 contradict each other in "len:2:strip=1:strip=2"; choose one`},
		{"len:2:size=4", `len does not take the option "size=4" (it takes be, le, off=K, incl, adj=K, strip=K, max=N)`},
		{"line:off=4", `line does not take the option "off=4" (it takes keep, max=N)`},
		{"delim", "delim needs the delimiter as hex bytes, as in delim:0d0a"},
		{"delim:0g", `delim "0g" is not hex bytes such as 00 or 0d0a`},
		{"delim:abc", `delim "abc" is not hex bytes such as 00 or 0d0a`},
		{"fixed:0", `fixed size "0" is not a positive number of bytes`},
		{"fixed:-5", `fixed size "-5" is not a positive number of bytes`},
		{"fixed:-99999999999999999999", `fixed size "-99999999999999999999" is not a positive number of bytes`},
		{"fixed:99999999999999999999", "fixed size 99999999999999999999 is over the 1 GiB ceiling (1073741824 bytes)"},
		{"fixed:9223372036854775807", "fixed size 9223372036854775807 is over the 1 GiB ceiling (1073741824 bytes)"},
		{"fixed:1073741825", "fixed size 1073741825 is over the 1 GiB ceiling (1073741824 bytes)"},
		{"fixed:+99999999999999999999", "fixed size 99999999999999999999 is over the 1 GiB ceiling (1073741824 bytes)"},
		{"fixed:000099999999999999999999", "fixed size 99999999999999999999 is over the 1 GiB ceiling (1073741824 bytes)"},
		{"fixed:16:fixed", `fixed does not take the option "fixed" (it takes max=N)`},
		{"fixed:100:max=10", "fixed size 100 is over the spec's own max=10"},
		{"idle", "idle needs the gap that ends a message, as in idle:50ms"},
		{"idle:50", `idle gap "50" is not a duration such as 50ms or 1s`},
		{"idle:-1s", "idle gap -1s is not a positive duration such as 50ms"},
		{"idle:9999999999h", `idle gap "9999999999h" is over the longest gap, 2562047h47m16.854775807s`},
		{"idle:2562048h", `idle gap "2562048h" is over the longest gap, 2562047h47m16.854775807s`},
		{"idle:99999999999999999999ns", `idle gap "99999999999999999999ns" is over the longest gap, 2562047h47m16.854775807s`},
		{"idle:1h9999999999h", `idle gap "1h9999999999h" is over the longest gap, 2562047h47m16.854775807s`},
		{"idle:-9999999999h", `idle gap "-9999999999h" is not a positive duration such as 50ms`},
		{"idle:50xs", `idle gap "50xs" is not a duration such as 50ms or 1s`},
		{"idle:.s", `idle gap ".s" is not a duration such as 50ms or 1s`},
		{"raw:keep", `raw does not take the option "keep" (it takes max=N)`},
		{"line:max=0", `max "0" is not a positive size such as 4096 or 64KiB`},
		{"line:max=2GiB", `max "2GiB" is over the 1 GiB ceiling`},
		{"line:max=99999999999999999999", `max "99999999999999999999" is over the 1 GiB ceiling`},
		{"line:max=99999999999999999999KiB", `max "99999999999999999999KiB" is over the 1 GiB ceiling`},
		{"line:max=9223372036854775807", `max "9223372036854775807" is over the 1 GiB ceiling`},
		{"line:max=-99999999999999999999", `max "-99999999999999999999" is not a positive size such as 4096 or 64KiB`},
		{"slip:incl", `slip does not take the option "incl" (it takes max=N)`},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want %q", tt.in, tt.msg)
			continue
		}
		if !errors.Is(err, ErrBadSpec) {
			t.Errorf("Parse(%q) error %v does not match ErrBadSpec", tt.in, err)
		}
		if err.Error() != tt.msg {
			t.Errorf("Parse(%q) error\n got  %s\n want %s", tt.in, err, tt.msg)
		}
	}
}

func TestValidateRejectsStrayFields(t *testing.T) {
	for _, s := range []Spec{
		{Kind: KindRaw, Keep: true},
		{Kind: KindLine, Delim: "x"},
		{Kind: KindLen, Width: 1, LittleEndian: true},
		{Kind: KindFixed, Size: 4, Gap: time.Second},
		{Kind: KindLen, Width: 3},
		{Kind: KindLen, Width: 2, Off: -1},
		{Kind: KindLen, Width: 2, Off: 4, Strip: 7, StripSet: true},
		{Kind: KindLen, Width: 2, Strip: 1},                 // Strip without StripSet
		{Kind: KindLen, Width: 2, Strip: 2, StripSet: true}, // the default: String would drop it
		{Kind: KindLine, Off: 1},
		{Kind: 99},
	} {
		if err := s.Validate(); !errors.Is(err, ErrBadSpec) {
			t.Errorf("Validate(%+v) = %v, want ErrBadSpec", s, err)
		}
		d := s.NewDecoder(Options{})
		if _, err := d.Feed([]byte("x")); !errors.Is(err, ErrStuck) || !d.Stuck() {
			t.Errorf("decoder of invalid %+v: Feed error %v, want stuck", s, err)
		}
	}
}

func TestLimit(t *testing.T) {
	if got := (Spec{}).Limit(Options{}); got != DefaultMaxFrame {
		t.Errorf("default limit %d", got)
	}
	if got := (Spec{}).Limit(Options{MaxFrame: 100}); got != 100 {
		t.Errorf("options limit %d", got)
	}
	if got := (Spec{Max: 50}).Limit(Options{MaxFrame: 100}); got != 50 {
		t.Errorf("spec max should win: %d", got)
	}
	if got := (Spec{}).Limit(Options{MaxFrame: 1 << 40}); got != MaxFrameCeiling {
		t.Errorf("ceiling: %d", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"raw", "line:keep", "crlf", "delim:0d0a:keep", "len:4:le:incl:adj=-2:max=64k",
		"len:1", "fixed:10", "stx-etx", "slip", "cobs", "http", "idle:1m30s", "jsonhdr:max=1000", "len:8:be", "delim:00:max=3",
		"fixed:99999999999999999999", "fixed:1073741825", "len:4:le:be", "len:4:be:be", "line:max=1k:max=2k",
		"len:4:adj=99999999999999999999", "line:max=99999999999999999999k", "idle:9999999999h", "idle:-9999999999h",
		"len:2:be:off=4", "len:2:be:off=4:strip=6", "len:2:strip=0", "len:4:le:off=3:incl:adj=-2:strip=7", "len:2:strip=2", "len:1:off=1024:strip=1025"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := Parse(in)
		if err != nil {
			if !errors.Is(err, ErrBadSpec) {
				t.Fatalf("Parse(%q) error %v does not match ErrBadSpec", in, err)
			}
			return
		}
		text := s.String()
		again, err := Parse(text)
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q does not parse: %v", in, text, err)
		}
		if again != s {
			t.Fatalf("round trip of %q via %q: %+v != %+v", in, text, again, s)
		}
		if again.String() != text {
			t.Fatalf("String not stable: %q then %q", text, again.String())
		}
	})
}
