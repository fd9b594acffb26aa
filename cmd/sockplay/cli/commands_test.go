package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/sockplay/sockplay"
)

func runCLI(t *testing.T, args ...string) (code int, out, errOut string) {
	t.Helper()
	var o, e bytes.Buffer
	code = Run(context.Background(), args, Stdio{In: strings.NewReader(""), Out: &o, Err: &e})
	return code, o.String(), e.String()
}

func TestDispatch(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		out, err string // substrings expected
	}{
		{"help", []string{"help"}, ExitOK, "usage: sockplay", ""},
		{"dash help", []string{"--help"}, ExitOK, "commands:", ""},
		{"version", []string{"version"}, ExitOK, sockplay.App.Version, ""},
		{"version extra arg", []string{"version", "x"}, ExitUsage, "", `unexpected argument "x"`},
		{"unknown", []string{"frobnicate"}, ExitUsage, "", "sockplay: unknown command \"frobnicate\"\nusage: sockplay"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			if !strings.Contains(out, tt.out) {
				t.Errorf("stdout %q lacks %q", out, tt.out)
			}
			if !strings.Contains(errOut, tt.err) {
				t.Errorf("stderr %q lacks %q", errOut, tt.err)
			}
		})
	}
}

func TestUnknownCommandIsOneErrorLine(t *testing.T) {
	_, _, errOut := runCLI(t, "nope")
	first, rest, _ := strings.Cut(errOut, "\n")
	if first != `sockplay: unknown command "nope"` || !strings.HasPrefix(rest, "usage: ") {
		t.Fatalf("stderr = %q", errOut)
	}
}
