package payload

import (
	"errors"
	"testing"
	"time"
)

// fixedNow is a fixed send time so macro output can be compared exactly.
var fixedNow = time.Date(2026, 1, 2, 15, 4, 5, 123456789, time.FixedZone("", 3600))

type syntaxCase struct {
	name    string
	src     string
	want    string // expected bytes, when wantErr is empty
	wantErr string // exact error message
}

// runSyntaxCases compiles every case in mode and checks the bytes or the
// exact error, and that every error is a matchable *SyntaxError.
func runSyntaxCases(t *testing.T, mode Mode, cases []syntaxCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Compile(Spec{Mode: mode, Source: tc.src})
			if tc.wantErr != "" {
				if err == nil {
					t.Fatalf("Compile(%q) succeeded, want error %q", tc.src, tc.wantErr)
				}
				if err.Error() != tc.wantErr {
					t.Fatalf("Compile(%q) error\n got %s\nwant %s", tc.src, err, tc.wantErr)
				}
				checkSyntaxError(t, tc.src, err)
				return
			}
			if err != nil {
				t.Fatalf("Compile(%q): %v", tc.src, err)
			}
			got, err := p.Render(nil, fixedNow)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if string(got) != tc.want {
				t.Fatalf("Compile(%q) renders %q, want %q", tc.src, got, tc.want)
			}
		})
	}
}

// checkSyntaxError holds every syntax error to the package's promises.
func checkSyntaxError(t *testing.T, src string, err error) {
	t.Helper()
	if !errors.Is(err, ErrSyntax) {
		t.Fatalf("error %q does not match ErrSyntax", err)
	}
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("error %q is not a *SyntaxError", err)
	}
	if se.Msg == "" {
		t.Fatal("empty error message")
	}
	if c := se.Msg[0]; 'A' <= c && c <= 'Z' {
		t.Fatalf("error %q starts with a capital", se.Msg)
	}
	if se.Column != 0 {
		line, col := position(src, len(src))
		if se.Line < 1 || se.Line > line || se.Column < 1 || (se.Line == line && se.Column > col) {
			t.Fatalf("error %q at line %d column %d is outside the source (ends at line %d column %d)", se.Msg, se.Line, se.Column, line, col)
		}
	}
}
