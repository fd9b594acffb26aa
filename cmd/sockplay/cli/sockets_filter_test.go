package cli

import (
	"net"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/testkit"
)

// Flags that cannot select anything together, or that contradict each
// other, are refused in one line instead of printing an empty table or
// letting one quietly win (issue 11: `sockets -x -4` was silently empty).
func TestSocketsFilterConflicts(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-x", "-4"}, "sockplay sockets: -4 chooses an IP version, which Unix sockets (-x) do not have; leave it out, or add -t or -u"},
		{[]string{"-xl6"}, "sockplay sockets: -6 chooses an IP version, which Unix sockets (-x) do not have; leave it out, or add -t or -u"},
		{[]string{"-t", "--addr", "/run/x.sock"}, "sockplay sockets: --addr /run/x.sock is a Unix socket's name, and -t and -u list none; add -x"},
		{[]string{"-4", "--addr", "@abstract"}, "sockplay sockets: --addr @abstract is a Unix socket's name, and -4 and -6 leave Unix sockets out; add -x"},
		{[]string{"-x", "--addr", ":9000"}, "sockplay sockets: --addr :9000 is an IP address or port, which Unix sockets (-x) do not have; add -t or -u"},
		{[]string{"-la"}, "sockplay sockets: -l, -a and --state each choose the states to list; give one"},
		{[]string{"-t", "-l", "--state", "established"}, "sockplay sockets: -l, -a and --state each choose the states to list; give one"},
		{[]string{"-a", "--state", "all"}, "sockplay sockets: -l, -a and --state each choose the states to list; give one"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errOut := runSocketsCLI(t, tc.args...)
			if code != ExitUsage || out != "" || errOut != tc.want+"\n" {
				t.Errorf("exit %d, stdout %q, stderr %q\nwant exit %d and stderr %q", code, out, errOut, ExitUsage, tc.want+"\n")
			}
		})
	}
}

// With Unix and IP kinds both asked for, -4 and -6 filter the IP sockets
// and leave the Unix ones whole, as ss does.
func TestSocketsFamilyWithUnix(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("sockplay lists Unix sockets on Linux only")
	}
	ln4, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln4.Close()
	ln6, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skip("no IPv6 loopback:", err)
	}
	defer ln6.Close()
	path := filepath.Join(testkit.TempDir(t), "s.sock")
	lnu, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer lnu.Close()
	row4 := " 127.0.0.1:" + strconv.Itoa(ln4.Addr().(*net.TCPAddr).Port) + " "
	row6 := "[::1]:" + strconv.Itoa(ln6.Addr().(*net.TCPAddr).Port) + " "
	rowu := path + " "
	for _, tc := range []struct {
		args             []string
		has4, has6, hasu bool
	}{
		{[]string{"-txl4"}, true, false, true},
		{[]string{"-txl6"}, false, true, true},
		{[]string{"-tl4"}, true, false, false},
		{[]string{"-l4"}, true, false, false}, // every kind, but -4 leaves Unix out, as `ss -l4` does
		{[]string{"-txl"}, true, true, true},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errOut := runSocketsCLI(t, tc.args...)
			if code != ExitOK || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			for _, w := range []struct {
				row  string
				want bool
			}{{row4, tc.has4}, {row6, tc.has6}, {rowu, tc.hasu}} {
				if strings.Contains(out, w.row) != w.want {
					t.Errorf("row %q listed = %v, want %v:\n%s", w.row, !w.want, w.want, out)
				}
			}
		})
	}
}
