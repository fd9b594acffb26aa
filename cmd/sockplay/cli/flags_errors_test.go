package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/testkit"
)

// A bad flag is one line naming it and the command's help, and exit 2,
// on every command that has flags (issue 11: it was Go's flag text and the
// whole usage, 68 lines for serve).
func TestBadFlagIsOneLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // the whole of stderr, without its newline
	}{
		{[]string{"serve", "tcp://127.0.0.1:0", "--nosuch"}, "sockplay serve: unknown flag --nosuch; see 'sockplay serve -h'"},
		{[]string{"serve", "-nosuch", "tcp://127.0.0.1:0"}, "sockplay serve: unknown flag -nosuch; see 'sockplay serve -h'"},
		{[]string{"serve", "tcp://127.0.0.1:0", "--rcvbuf", "lots"}, `sockplay serve: --rcvbuf "lots": not a whole number; see 'sockplay serve -h'`},
		{[]string{"serve", "tcp://127.0.0.1:0", "--rcvbuf", "99999999999999999999"}, `sockplay serve: --rcvbuf "99999999999999999999": out of range; see 'sockplay serve -h'`},
		{[]string{"serve", "tcp://127.0.0.1:0", "--keepalive"}, "sockplay serve: --keepalive needs a value; see 'sockplay serve -h'"},
		{[]string{"serve", "tcp://127.0.0.1:0", "--echo=maybe"}, `sockplay serve: --echo "maybe": write true or false; see 'sockplay serve -h'`},
		{[]string{"serve", "tcp://127.0.0.1:0", "---echo"}, `sockplay serve: "---echo" is not a flag (flags look like -c, --name or --name=value); see 'sockplay serve -h'`},
		{[]string{"connect", "--repeat", "x", "tcp://127.0.0.1:9"}, `sockplay connect: --repeat "x": not a whole number; see 'sockplay connect -h'`},
		{[]string{"connect", "tcp://127.0.0.1:9", "--wait", "5"}, `sockplay connect: --wait "5": a duration needs a unit, as in 5s or 5ms; see 'sockplay connect -h'`},
		{[]string{"connect", "tcp://127.0.0.1:9", "--wait", "soon"}, `sockplay connect: --wait "soon": not a duration such as 500ms, 10s or 1m30s; see 'sockplay connect -h'`},
		{[]string{"ping", "--count"}, "sockplay ping: unknown flag --count; see 'sockplay ping -h'"},
		{[]string{"ping", "127.0.0.1", "-c"}, "sockplay ping: -c needs a value; see 'sockplay ping -h'"},
		{[]string{"ping", "-c", "three", "127.0.0.1"}, `sockplay ping: -c "three": not a whole number; see 'sockplay ping -h'`},
		{[]string{"ping", "-i", "soon", "127.0.0.1"}, `sockplay ping: -i: "soon" is neither a duration (10ms, 1.5s) nor a number of seconds; see 'sockplay ping -h'`},
		{[]string{"sockets", "-z"}, "sockplay sockets: unknown flag -z; see 'sockplay sockets -h'"},
		{[]string{"sockets", "--nosuch"}, "sockplay sockets: unknown flag --nosuch; see 'sockplay sockets -h'"},
		{[]string{"sockets", "-tlz"}, "sockplay sockets: unknown flag -z in -tlz (the letters that combine are -tuxlapn46); see 'sockplay sockets -h'"},
		{[]string{"sockets", "--state"}, "sockplay sockets: --state needs a value; see 'sockplay sockets -h'"},
		{[]string{"sockets", "--json=yes"}, `sockplay sockets: --json "yes": write true or false; see 'sockplay sockets -h'`},
		{[]string{"hexdump", "--x"}, "sockplay hexdump: unknown flag --x; see 'sockplay hexdump -h'"},
		{[]string{"hexdump", "file", "-x"}, "sockplay hexdump: unknown flag -x; see 'sockplay hexdump -h'"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, tc.args...)
			if code != ExitUsage || out != "" || errOut != tc.want+"\n" {
				t.Errorf("exit %d, stdout %q, stderr %q\nwant exit %d and stderr %q", code, out, errOut, ExitUsage, tc.want+"\n")
			}
		})
	}
}

// -h and --help still print the whole usage, on stderr, and exit 0.
func TestHelpFlagPrintsUsage(t *testing.T) {
	for _, name := range []string{"serve", "connect", "ping", "sockets", "hexdump"} {
		for _, h := range []string{"-h", "--help", "-help"} {
			t.Run(name+" "+h, func(t *testing.T) {
				code, out, errOut := runCLI(t, name, h)
				if code != ExitOK || out != "" || !strings.HasPrefix(errOut, "usage: sockplay "+name) || !strings.Contains(errOut, "\n  -") {
					t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
				}
			})
		}
	}
	// After the flags or the URL too: serve URL -h.
	if code, _, errOut := runCLI(t, "serve", "tcp://127.0.0.1:0", "--echo", "-h"); code != ExitOK || !strings.Contains(errOut, "-rcvbuf") {
		t.Errorf("serve URL --echo -h: exit %d, stderr %q", code, errOut)
	}
}

// hexdump takes -v after FILE, as serve, connect and ping take flags after
// their argument (it said `unexpected argument "-v"`).
func TestHexdumpFlagAfterFile(t *testing.T) {
	path := filepath.Join(testkit.TempDir(t), "zeros")
	if err := os.WriteFile(path, make([]byte, 64), 0o600); err != nil {
		t.Fatal(err)
	}
	_, before, _ := runCLI(t, "hexdump", "-v", path)
	code, after, errOut := runCLI(t, "hexdump", path, "-v")
	if code != ExitOK || errOut != "" || after != before || strings.Contains(after, "*") || strings.Count(after, "\n") != 5 {
		t.Fatalf("exit %d, stderr %q, stdout %q; want %q", code, errOut, after, before)
	}
}
