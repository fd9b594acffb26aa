package payload

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestParseNames(t *testing.T) {
	cases := []struct {
		name    string
		parse   func(string) (any, error)
		in      string
		want    any
		wantErr string
	}{
		{"mode text", wrap(ParseMode), "text", Text, ""},
		{"mode hex upper", wrap(ParseMode), " HEX ", Hex, ""},
		{"mode base64", wrap(ParseMode), "base64", Base64, ""},
		{"mode file", wrap(ParseMode), "file", File, ""},
		{"mode unknown", wrap(ParseMode), "binary", nil, `unknown payload mode "binary"; valid names are text, hex, base64, file`},
		{"mode empty", wrap(ParseMode), "", nil, `unknown payload mode ""; valid names are text, hex, base64, file`},
		{"line none", wrap(ParseLineEnding), "none", LineNone, ""},
		{"line lf", wrap(ParseLineEnding), "lf", LF, ""},
		{"line crlf", wrap(ParseLineEnding), "CRLF", CRLF, ""},
		{"line unknown", wrap(ParseLineEnding), "cr", nil, `unknown line ending "cr"; valid names are none, lf, crlf`},
		{"checksum unknown", wrap(ParseChecksum), "md5", nil, `unknown checksum "md5"; valid names are none, sum8, xor8, crc16-modbus, crc16-ccitt-false, crc32`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.parse(tc.in)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("error = %v, want %s", err, tc.wantErr)
				}
				if !errors.Is(err, ErrSyntax) {
					t.Fatal("error does not match ErrSyntax")
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %v, %v, want %v", got, err, tc.want)
			}
		})
	}
}

func wrap[T any](f func(string) (T, error)) func(string) (any, error) {
	return func(s string) (any, error) {
		v, err := f(s)
		if err != nil {
			return nil, err
		}
		return v, nil
	}
}

// TestSpecJSON checks that saved workspaces store names, not numbers, and
// that missing fields mean the defaults.
func TestSpecJSON(t *testing.T) {
	s := Spec{Mode: Hex, Source: "01 02", LineEnding: CRLF, Checksum: CRC16Modbus}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"mode":"hex","source":"01 02","line_ending":"crlf","checksum":"crc16-modbus"}`
	if string(b) != want {
		t.Fatalf("json = %s, want %s", b, want)
	}
	var back Spec
	if err := json.Unmarshal(b, &back); err != nil || back != s {
		t.Fatalf("unmarshal = %+v, %v", back, err)
	}
	var def Spec
	if err := json.Unmarshal([]byte(`{"source":"hi"}`), &def); err != nil || def != (Spec{Source: "hi"}) {
		t.Fatalf("defaults = %+v, %v", def, err)
	}
	err = json.Unmarshal([]byte(`{"checksum":"crc8"}`), &def)
	if !errors.Is(err, ErrSyntax) {
		t.Fatalf("bad checksum in json: %v", err)
	}
	if _, err := json.Marshal(Spec{Mode: 9}); err == nil {
		t.Fatal("marshalling an invalid mode succeeded")
	}
}
