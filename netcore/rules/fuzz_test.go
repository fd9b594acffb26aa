package rules

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzParse: any text parses to a list or one ErrBadRule sentence, never a
// panic; a list that parses formats to text that parses to the same list,
// and applying it to any message does not panic.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"hex:(tid: .. ..) 00 00 00 06 (unit: ..) 03 * => hex:{{tid}} 00 00 00 07 {{unit}} 03 04 00 2a 01 f4",
		"mode all\ntext:QUIT => BYE [close]\ndefault => ?",
		`re:^GET (?P<p>\S+) => {{p}} [delay=1ms end=crlf]`,
		"prefix:x => [done] []", "hex:* (ff) * => {{1}}", "contains:\\x00 => base64:aGk=",
		"text:a => b [off sum=crc16-modbus]", "default => {{0}}", "# c\n\n",
		"text:a => [from=client drop]", "re:x => y [from=target delay=1s]", "default => [drop from=target]",
	} {
		f.Add(s, []byte("\x12\x34\x00\x00\x00\x06\x01\x03\x00\x00\x00\x02"))
	}
	f.Fuzz(func(t *testing.T, src string, msg []byte) {
		l, err := Parse(src)
		if err != nil {
			if !errors.Is(err, ErrBadRule) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q (%T) is not one ErrBadRule line", err, err)
			}
			return
		}
		out := l.Format()
		l2, err := Parse(out)
		if err != nil {
			t.Fatalf("formatted list does not parse: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(l, l2) {
			t.Fatalf("round trip changed the list:\n%q\n%#v\n%#v", out, l, l2)
		}
		s, err := Compile(l)
		if err != nil {
			t.Fatalf("parsed list does not compile: %v", err)
		}
		s.Apply(msg, nil, time.Now(), nil)
	})
}
