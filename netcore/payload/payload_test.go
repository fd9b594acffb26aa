package payload

import (
	"errors"
	"io"
	"testing"
)

// TestSuffixOrder pins the order: body, checksum over the body only, then
// the line ending.
func TestSuffixOrder(t *testing.T) {
	cases := []struct {
		spec Spec
		want string
	}{
		{Spec{Mode: Text, Source: "123456789"}, "123456789"},
		{Spec{Mode: Text, Source: "123456789", LineEnding: LF}, "123456789\n"},
		{Spec{Mode: Text, Source: "123456789", LineEnding: CRLF}, "123456789\r\n"},
		{Spec{Mode: Text, Source: "123456789", Checksum: Sum8}, "123456789\xdd"},
		{Spec{Mode: Text, Source: "123456789", Checksum: Xor8, LineEnding: CRLF}, "123456789\x31\r\n"},
		{Spec{Mode: Text, Source: "123456789", Checksum: CRC16Modbus, LineEnding: LF}, "123456789\x37\x4b\n"},
		{Spec{Mode: Hex, Source: "31 32 33 34 35 36 37 38 39", Checksum: CRC16CCITTFalse}, "123456789\x29\xb1"},
		{Spec{Mode: Base64, Source: "MTIzNDU2Nzg5", Checksum: CRC32}, "123456789\x26\x39\xf4\xcb"},
		{Spec{Mode: Hex, Source: "", Checksum: Sum8, LineEnding: LF}, "\x00\n"},
	}
	for _, tc := range cases {
		p, err := Compile(tc.spec)
		if err != nil {
			t.Fatalf("Compile(%+v): %v", tc.spec, err)
		}
		got, err := p.Render(nil, fixedNow)
		if err != nil || string(got) != tc.want {
			t.Errorf("Render(%+v) = %q, %v, want %q", tc.spec, got, err, tc.want)
		}
		r, n, err := p.Open(nil, fixedNow)
		if err != nil {
			t.Fatal(err)
		}
		streamed, _ := io.ReadAll(r)
		r.Close()
		if string(streamed) != tc.want || n != int64(len(tc.want)) {
			t.Errorf("Open(%+v) = %q (size %d), want %q", tc.spec, streamed, n, tc.want)
		}
		if p.Spec() != tc.spec {
			t.Errorf("Spec() = %+v, want %+v", p.Spec(), tc.spec)
		}
	}
}

func TestCompileRejectsBadSpec(t *testing.T) {
	cases := []struct {
		spec    Spec
		wantErr string
	}{
		{Spec{Mode: 9}, "unknown payload mode 9"},
		{Spec{LineEnding: 9}, "unknown line ending 9"},
		{Spec{Checksum: 9}, "unknown checksum 9"},
		{Spec{Mode: File}, "file mode needs the path of a file to send"},
	}
	for _, tc := range cases {
		_, err := Compile(tc.spec)
		if err == nil || err.Error() != tc.wantErr || !errors.Is(err, ErrSyntax) {
			t.Errorf("Compile(%+v) = %v, want %s matching ErrSyntax", tc.spec, err, tc.wantErr)
		}
	}
}

// TestRenderReturnsFreshBytes guards against handing out the compiled
// literal, which a caller could then modify.
func TestRenderReturnsFreshBytes(t *testing.T) {
	p, _ := Compile(Spec{Mode: Text, Source: "abc"})
	a, _ := p.Render(nil, fixedNow)
	a[0] = 'X'
	b, _ := p.Render(nil, fixedNow)
	if string(b) != "abc" {
		t.Fatalf("second render = %q after modifying the first", b)
	}
}
