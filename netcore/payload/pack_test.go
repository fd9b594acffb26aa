package payload

import (
	"bytes"
	"testing"
	"time"
)

// {{pack:LAYOUT:VALUES}} is struct.pack in the payload: the bytes in place,
// in text and hex payloads alike; a bad layout or value is one sentence
// with the macro and its column.
func TestPackMacro(t *testing.T) {
	for _, tt := range []struct {
		mode Mode
		src  string
		want []byte
		err  string
	}{
		{Text, "{{pack:>HH:1:500}}", []byte{0, 1, 1, 0xf4}, ""},
		{Hex, "00 2a {{pack:>H:6}} 01 03", []byte{0, 0x2a, 0, 6, 1, 3}, ""},
		{Text, "T{{pack:<if:-2:1.5}}", append([]byte("T"), 0xfe, 0xff, 0xff, 0xff, 0, 0, 0xc0, 0x3f), ""},
		{Text, "{{pack:>4s:ab}}", []byte{'a', 'b', 0, 0}, ""},
		{Text, "{{pack}}", nil, `macro "{{pack}}" at column 1 needs a struct layout and its values, e.g. {{pack:>HH:1:500}}`},
		{Text, "x{{pack:>B:256}}", nil, `macro "{{pack:>B:256}}" at column 2: struct value: field 1 (B): 256 does not fit in 1 unsigned bytes (0 to 255)`},
		{Text, "{{pack:>HZ:1}}", nil, `macro "{{pack:>HZ:1}}" at column 1: struct layout ">HZ": at character 3: 'Z' is not a format character (x c b B ? h H i I l L q Q n N P e f d s p)`},
		{Text, "{{pack:>HH:1}}", nil, `macro "{{pack:>HH:1}}" at column 1: struct value: the layout >HH takes 2 values, and 1 were given`},
	} {
		p, err := Compile(Spec{Mode: tt.mode, Source: tt.src})
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("Compile(%q) = %v\nwant %s", tt.src, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("Compile(%q): %v", tt.src, err)
		}
		got, err := p.Render(nil, time.Now())
		if err != nil || !bytes.Equal(got, tt.want) {
			t.Errorf("Render(%q) = %x, %v; want %x", tt.src, got, err, tt.want)
		}
	}
}
