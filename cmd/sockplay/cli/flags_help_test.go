package cli

import (
	"strings"
	"testing"
)

// `help COMMAND` prints the command's usage on stdout; it used to ignore
// its argument and print the list.
func TestHelpCommand(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		code     int
		out, err string // stdout's prefix; stderr whole
	}{
		{[]string{"help", "serve"}, ExitOK, "usage: sockplay serve URL", ""},
		{[]string{"help", "sockets"}, ExitOK, "usage: sockplay sockets", ""},
		{[]string{"help", "version"}, ExitOK, "usage: sockplay version\nprint the version", ""},
		{[]string{"help", "help"}, ExitOK, "usage: sockplay [COMMAND]", ""},
		{[]string{"help", "nosuch"}, ExitUsage, "", "sockplay help: unknown command \"nosuch\"; run 'sockplay help' for the list\n"},
		{[]string{"help", "serve", "ping"}, ExitUsage, "", "sockplay help: unexpected argument \"ping\" (give one command)\n"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, tc.args...)
			if code != tc.code || !strings.HasPrefix(out, tc.out) || errOut != tc.err {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q..., %q", code, out, errOut, tc.code, tc.out, tc.err)
			}
		})
	}
}
