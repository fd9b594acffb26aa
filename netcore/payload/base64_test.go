package payload

import (
	"bytes"
	"encoding/base64"
	"testing"
)

func TestBase64(t *testing.T) {
	runSyntaxCases(t, Base64, []syntaxCase{
		{name: "empty", src: "", want: ""},
		{name: "padded", src: "QUJD", want: "ABC"},
		{name: "one pad", src: "QUI=", want: "AB"},
		{name: "two pads", src: "QQ==", want: "A"},
		{name: "missing padding", src: "QQ", want: "A"},
		{name: "missing one pad", src: "QUI", want: "AB"},
		{name: "wrapped", src: "QUJD\r\nREVG\n R0g=\t", want: "ABCDEFGH"},
		{name: "plus slash", src: "+/+/", want: "\xfb\xff\xbf"},
		{name: "no macros", src: "{{unix}}", wantErr: `"{" at column 1 is not a base64 character`},
		{name: "url alphabet", src: "ab-_", wantErr: `"-" at column 3 is not a base64 character`},
		{name: "bad char later line", src: "QUJD\nQ*==", wantErr: `"*" at line 2, column 2 is not a base64 character`},
		{name: "lone final char", src: "QUJDR", wantErr: `base64 data ends with one character too many: "R" at column 5`},
		{name: "lone final char with padding", src: "QUJDR===", wantErr: `base64 data ends with one character too many: "R" at column 5`},
		{name: "padding in middle", src: "QQ==QQ==", wantErr: `padding "=" at column 3 comes before the end of the base64 data`},
		{name: "too much padding", src: "QUI==", wantErr: `padding "==" at column 4 does not fit the length of the base64 data`},
		{name: "padding on full quantum", src: "QUJD====", wantErr: `padding "====" at column 5 does not fit the length of the base64 data`},
		{name: "only padding", src: "==", wantErr: `padding "==" at column 1 does not fit the length of the base64 data`},
	})
}

// FuzzBase64 checks that no source panics, that errors keep their promises,
// that whatever encoding/base64 accepts decodes the same here, and that
// encoded bytes, padded or not, decode back.
func FuzzBase64(f *testing.F) {
	for _, s := range []string{"", "QUJD", "QQ", "QQ==", "QUJD\r\nREVG", "QUJDR", "QQ==QQ==", "ab-_", "="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := compileRender(t, Base64, s)
		if err != nil {
			checkSyntaxError(t, s, err)
		}
		if want, stdErr := base64.StdEncoding.DecodeString(s); stdErr == nil {
			if err != nil {
				t.Fatalf("base64 %q: encoding/base64 accepts it, we say %v", s, err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("base64 %q decodes to %x, encoding/base64 to %x", s, got, want)
			}
		}
		b := []byte(s)
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding} {
			back, err := compileRender(t, Base64, enc.EncodeToString(b))
			if err != nil || !bytes.Equal(back, b) {
				t.Fatalf("base64 of %q decodes back as %q, %v", b, back, err)
			}
		}
	})
}
