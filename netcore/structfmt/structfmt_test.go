package structfmt

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/testkit"
)

// pyCase is a layout and values that python3's struct module packs; the
// same bytes must come out of Pack, and Decode must read the values back
// as struct.unpack does.
type pyCase struct {
	Layout string   `json:"layout"` // without names (Python has none)
	Values []string `json:"values"`
}

var pyCases = []pyCase{
	{"<i", []string{"-5"}},
	{">HHI", []string{"1", "500", "4000000000"}},
	{"!I", []string{"305419896"}},
	{">BB2sH", []string{"1", "255", "ab", "65535"}},
	{"@bhiq", []string{"-1", "-300", "70000", "-5000000000"}},
	{"@cHlL?", []string{"z", "7", "-9", "9", "true"}},
	{"=lL", []string{"-2", "3"}},
	{"<efd", []string{"1.5", "0.25", "-1e300"}},
	{">e", []string{"65504"}},
	{"<3x2H4s", []string{"1", "2", "toolongvalue"}},
	{"<5p", []string{"hi"}},
	{"@BQ", []string{"1", "18446744073709551615"}},
	{"<qQ", []string{"-9223372036854775808", "0"}},
	{"@?x i", []string{"0", "12"}},
	{"<10s", []string{"short"}},
}

func python(t *testing.T, cases []pyCase) []struct {
	Hex    string   `json:"hex"`
	Size   int      `json:"size"`
	Values []string `json:"values"`
} {
	t.Helper()
	testkit.Need(t, "python3")
	script := `
import json, struct, sys
out = []
for c in json.load(sys.stdin):
    vals = []
    fmt = c["layout"]
    codes = [ch for ch in fmt.replace(" ", "") if ch.isalpha() or ch == "?"]
    k = 0
    args = []
    spec = fmt.lstrip("@=<>!").replace(" ", "")
    i = 0
    while i < len(spec):
        j = i
        while spec[j].isdigit(): j += 1
        n = int(spec[i:j]) if j > i else 1
        ch = spec[j]
        reps = 1 if ch in "spx" else n
        for _ in range(reps if ch != "x" else 0):
            v = c["values"][k]; k += 1
            if ch in "sp": args.append(v.encode())
            elif ch == "c": args.append(v.encode())
            elif ch == "?": args.append(v in ("true", "1"))
            elif ch in "efd": args.append(float(v))
            else: args.append(int(v, 0))
        i = j + 1
    b = struct.pack(fmt, *args)
    def show(x):
        if isinstance(x, bool): return "True" if x else "False"
        if isinstance(x, bytes): return x.hex()
        if isinstance(x, float): return repr(x)
        return str(x)
    out.append({"hex": b.hex(), "size": struct.calcsize(fmt), "values": [show(x) for x in struct.unpack(fmt, b)]})
json.dump(out, sys.stdout)
`
	in, _ := json.Marshal(cases)
	cmd := exec.Command("python3", "-c", script)
	cmd.Stdin = strings.NewReader(string(in))
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	var out []struct {
		Hex    string   `json:"hex"`
		Size   int      `json:"size"`
		Values []string `json:"values"`
	}
	if err := json.Unmarshal(got, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMatchesPythonStruct(t *testing.T) {
	want := python(t, pyCases)
	for i, c := range pyCases {
		l, err := Parse(c.Layout)
		if err != nil {
			t.Fatalf("%s: %v", c.Layout, err)
		}
		if l.Size != want[i].Size {
			t.Errorf("%s: size %d, calcsize %d", c.Layout, l.Size, want[i].Size)
		}
		b, err := l.Pack(c.Values)
		if err != nil {
			t.Fatalf("%s %q: %v", c.Layout, c.Values, err)
		}
		if hex.EncodeToString(b) != want[i].Hex {
			t.Errorf("%s %q: packed %x, struct.pack %s", c.Layout, c.Values, b, want[i].Hex)
		}
		vs, err := l.Decode(b)
		if err != nil {
			t.Fatalf("%s: decode: %v", c.Layout, err)
		}
		if len(vs) != len(want[i].Values) {
			t.Fatalf("%s: %d values, struct.unpack %d", c.Layout, len(vs), len(want[i].Values))
		}
		for k, v := range vs {
			got := v.Text
			switch v.Code {
			case 's', 'c':
				got = hex.EncodeToString(v.Raw)
			case 'p':
				got = hex.EncodeToString(v.Raw[1 : 1+int(v.Raw[0])])
			case 'e', 'f', 'd':
				if !strings.ContainsAny(got, ".e") && !strings.Contains(got, "inf") {
					got += ".0" // Python's repr of a whole float
				}
			}
			if got != want[i].Values[k] {
				t.Errorf("%s: value %d (%s) = %s, struct.unpack %s", c.Layout, k+1, v.Label, got, want[i].Values[k])
			}
		}
	}
}

func TestNamedFieldsModbus(t *testing.T) {
	l, err := Parse(">H:tid H:proto H:len B:unit B:fc")
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := hex.DecodeString("002a00000006010300000002")
	vs, err := l.Decode(msg)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range vs {
		got = append(got, v.Label+"="+v.Text+"/"+v.Hex)
	}
	want := "tid=42/0x002a proto=0/0x0000 len=6/0x0006 unit=1/0x01 fc=3/0x03"
	if strings.Join(got, " ") != want {
		t.Errorf("got %s\nwant %s", strings.Join(got, " "), want)
	}
	if l.Rest(len(msg)) != 4 || vs[4].Offset != 7 {
		t.Errorf("rest %d, fc at %d", l.Rest(len(msg)), vs[4].Offset)
	}
	if _, err := l.Decode(msg[:5]); !errors.Is(err, ErrShort) || err.Error() != "message too short for the layout: the message has 5 bytes; len (H) needs bytes 4 to 5" {
		t.Errorf("short: %v", err)
	}
	l2, _ := Parse("<2H:pair")
	if vs, _ := l2.Decode([]byte{1, 0, 2, 0}); vs[0].Label != "pair[0]" || vs[1].Text != "2" {
		t.Errorf("repeated names %+v", vs)
	}
}

func TestBadLayouts(t *testing.T) {
	for _, tt := range []struct{ spec, want string }{
		{"", `struct layout "": at character 1: no fields (a layout is format characters such as >HH or <I)`},
		{">HZ", `struct layout ">HZ": at character 3: 'Z' is not a format character (x c b B ? h H i I l L q Q n N P e f d s p)`},
		{"<H>I", `struct layout "<H>I": at character 3: '>' sets the byte order, and only as the first character`},
		{"<n", `struct layout "<n": at character 2: 'n' has a native size only: start the layout with @ or leave out the byte order`},
		{">H:", `struct layout ">H:": at character 3: ':' names the field before it, but no name follows`},
		{"<4x:pad", `struct layout "<4x:pad": at character 4: padding ('x') has no value to name`},
		{"<12", `struct layout "<12": at character 2: the count 12 has no format character after it`},
		{"<99999999999s", `struct layout "<99999999999s": at character 2: the count 99999999999 is too large`},
	} {
		_, err := Parse(tt.spec)
		if err == nil || err.Error() != tt.want || !errors.Is(err, ErrSpec) {
			t.Errorf("Parse(%q) = %v\nwant %s", tt.spec, err, tt.want)
		}
	}
}

func TestBadValues(t *testing.T) {
	l, _ := Parse(">B:unit h H ? c")
	for _, tt := range []struct {
		values []string
		want   string
	}{
		{[]string{"1"}, "struct value: the layout >B:unit h H ? c takes 5 values, and 1 were given"},
		{[]string{"256", "0", "0", "true", "a"}, "struct value: unit (B): 256 does not fit in 1 unsigned bytes (0 to 255)"},
		{[]string{"1", "-40000", "0", "true", "a"}, "struct value: field 2 (h): -40000 does not fit in 2 signed bytes (-32768 to 32767)"},
		{[]string{"1", "0", "-1", "true", "a"}, "struct value: field 3 (H): -1 does not fit in 2 unsigned bytes (0 to 65535)"},
		{[]string{"1", "0", "x1", "true", "a"}, `struct value: field 3 (H): "x1" is not an integer`},
		{[]string{"1", "0", "0", "yes", "a"}, `struct value: field 4 (?): "yes" is not true, false, 1 or 0`},
		{[]string{"1", "0", "0", "1", "ab"}, `struct value: field 5 (c): "ab" is 2 bytes; a char (c) is one`},
	} {
		_, err := l.Pack(tt.values)
		if err == nil || err.Error() != tt.want || !errors.Is(err, ErrValue) {
			t.Errorf("Pack(%q) = %v\nwant %s", tt.values, err, tt.want)
		}
	}
}

func FuzzLayout(f *testing.F) {
	for _, c := range pyCases {
		f.Add(c.Layout, []byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09"))
	}
	f.Add(">H:tid H:proto H:len B:unit B:fc", []byte{0, 1, 0, 0, 0, 6, 1, 3})
	f.Fuzz(func(t *testing.T, spec string, msg []byte) {
		l, err := Parse(spec)
		if err != nil {
			if !errors.Is(err, ErrSpec) {
				t.Fatalf("error %v does not match ErrSpec", err)
			}
			return
		}
		if l.Size > maxLayoutSize {
			t.Fatalf("size %d", l.Size)
		}
		vs, err := l.Decode(msg)
		if err != nil && !errors.Is(err, ErrShort) {
			t.Fatalf("decode: %v", err)
		}
		if err == nil && len(msg) >= l.Size {
			// What decodes packs back to the same bytes (padding aside).
			var vals []string
			for _, v := range vs {
				switch v.Code {
				case 'e', 'f', 'd', 's', 'p', 'c', '?':
					return // text forms are not all exact; any nonzero byte is True
				}
				vals = append(vals, v.Text)
			}
			b, err := l.Pack(vals)
			if err != nil {
				t.Fatalf("pack of decoded values %q: %v", vals, err)
			}
			for _, fl := range l.Fields {
				if fl.Code != 'x' && string(b[fl.Offset:fl.Offset+fl.Size]) != string(msg[fl.Offset:fl.Offset+fl.Size]) {
					t.Fatalf("field at %d: packed %x, message %x", fl.Offset, b[fl.Offset:fl.Offset+fl.Size], msg[fl.Offset:fl.Offset+fl.Size])
				}
			}
		}
	})
}
