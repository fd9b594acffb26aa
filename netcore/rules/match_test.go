package rules

import (
	"errors"
	"reflect"
	"testing"
)

func TestParseMatch(t *testing.T) {
	for _, tc := range []struct {
		in, msg string
		ok      bool
		caps    []string
		groups  []string
		err     string
	}{
		{in: "hex:00 (v: .. ..) *", msg: "\x00\x01\x02\x03", ok: true, caps: []string{"\x00\x01\x02\x03", "\x01\x02"}, groups: []string{"", "v"}},
		{in: "text:a => b", msg: "a => b", ok: true, caps: []string{"a => b"}, groups: []string{""}},
		{in: `re:^GET (?P<p>\S+)`, msg: "GET /x HTTP", ok: true, caps: []string{"GET /x HTTP", "/x"}, groups: []string{"", "p"}},
		{in: "prefix:AB", msg: "XAB"},
		{in: "nokind", err: `"nokind" needs a kind: start it with text:, prefix:, contains:, re: or hex:`},
		{in: "bin:00", err: `"bin" is not a kind; use text, prefix, contains, re or hex`},
		{in: "re:(x", err: `missing closing ) in "(x"`},
	} {
		m, err := ParseMatch(tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err || !errors.Is(err, ErrBadMatch) {
				t.Errorf("%q: error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		caps, ok := m.Match([]byte(tc.msg))
		var got []string
		for _, c := range caps {
			got = append(got, string(c))
		}
		if ok != tc.ok || !reflect.DeepEqual(got, tc.caps) {
			t.Errorf("%q on %q: %v %q, want %v %q", tc.in, tc.msg, ok, got, tc.ok, tc.caps)
		}
		if ok && !reflect.DeepEqual(m.Groups(), tc.groups) {
			t.Errorf("%q: groups %q, want %q", tc.in, m.Groups(), tc.groups)
		}
		if m2, err := ParseMatch(m.String()); err != nil || m2.String() != m.String() {
			t.Errorf("%q: round trip %v %v", tc.in, m2, err)
		}
	}
}
