package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/testkit"
)

func runSocketsCLI(t *testing.T, args ...string) (code int, out, errOut string) {
	t.Helper()
	var o, e bytes.Buffer
	code = Run(context.Background(), append([]string{"sockets"}, args...), Stdio{In: strings.NewReader(""), Out: &o, Err: &e})
	return code, o.String(), e.String()
}

func TestExpandShortFlags(t *testing.T) {
	for _, tc := range []struct{ in, want []string }{
		{[]string{"-tlnp"}, []string{"-t", "-l", "-n", "-p"}},
		{[]string{"-tuxan", "--json"}, []string{"-t", "-u", "-x", "-a", "-n", "--json"}},
		{[]string{"--state", "listening"}, []string{"--state", "listening"}},
		{[]string{"-state", "x"}, []string{"-state", "x"}}, // not all combinable letters
		{[]string{"--", "-tl"}, []string{"--", "-tl"}},
	} {
		if got := expandShortFlags(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("expandShortFlags(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// socketTableHere skips the test where sockplay has no socket table to
// read (it reads Linux's and Windows' only).
func socketTableHere(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" && runtime.GOOS != "windows" {
		t.Skipf("the socket table is read on Linux and Windows only, not on %s", runtime.GOOS)
	}
}

func TestSocketsCLI(t *testing.T) {
	socketTableHere(t)
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	me := "pid=" + strconv.Itoa(os.Getpid()) + ","
	for _, tc := range []struct {
		name      string
		args      []string
		header    string // the first line's fields
		row       bool   // the listener's row is printed
		withUsers bool
	}{
		{"tcp listening", []string{"-tln"}, "State Recv-Q Send-Q Local Address:Port Peer Address:Port", true, false},
		{"combined with process", []string{"-tlnp"}, "State Recv-Q Send-Q Local Address:Port Peer Address:Port Process", true, true},
		{"double dash", []string{"--t", "--l", "--p"}, "State Recv-Q Send-Q Local Address:Port Peer Address:Port Process", true, true},
		{"all kinds", []string{"-a"}, "Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port", true, false},
		{"default hides listeners", []string{"-t"}, "State Recv-Q Send-Q Local Address:Port Peer Address:Port", false, false},
		{"udp only", []string{"-ul"}, "State Recv-Q Send-Q Local Address:Port Peer Address:Port", false, false},
		{"ipv6 only", []string{"-tl6"}, "State Recv-Q Send-Q Local Address:Port Peer Address:Port", false, false},
		{"state filter", []string{"-t", "--state", "listening"}, "Recv-Q Send-Q Local Address:Port Peer Address:Port", true, false},
		{"address filter", []string{"-ta", "--addr", ":" + port}, "State Recv-Q Send-Q Local Address:Port Peer Address:Port", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runSocketsCLI(t, tc.args...)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if got := strings.Join(strings.Fields(lines[0]), " "); got != tc.header {
				t.Errorf("header %q, want %q", got, tc.header)
			}
			var row string
			for _, l := range lines[1:] {
				if strings.Contains(l, " 127.0.0.1:"+port+" ") {
					row = l
				}
			}
			if (row != "") != tc.row {
				t.Fatalf("row present = %v, want %v:\n%s", row != "", tc.row, out)
			}
			if tc.row && strings.Contains(tc.header, "State") && !strings.Contains(row, "LISTEN") {
				t.Errorf("row %q lacks LISTEN", row)
			}
			// Columns line up: every row's Local column ends where the header's does.
			if tc.row {
				h := strings.Index(lines[0], "Local Address:") + len("Local Address")
				r := strings.Index(row, "127.0.0.1:"+port) + len("127.0.0.1")
				if h != r {
					t.Errorf("local address ends at column %d, header at %d:\n%s\n%s", r, h, lines[0], row)
				}
			}
			if tc.withUsers {
				testkit.SkipOnWine(t, testkit.WineNoOwnerPID)
				if !strings.Contains(row, "users:((\"") || !strings.Contains(row, me) {
					t.Errorf("row %q lacks users:((\"NAME\",%s", row, me)
				}
			}
		})
	}
}

func TestSocketsJSON(t *testing.T) {
	socketTableHere(t)
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	code, out, errOut := runSocketsCLI(t, "-tlp", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	found := false
	var users []ownerJSON
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var j socketJSON
		if err := json.Unmarshal([]byte(line), &j); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if j.Local == ln.Addr().String() {
			found = true
			if j.Netid != "tcp" || j.State != "LISTEN" {
				t.Errorf("got %+v", j)
			}
			users = j.Users
		}
	}
	if !found {
		t.Fatalf("listener %s not in:\n%s", ln.Addr(), out)
	}
	testkit.SkipOnWine(t, testkit.WineNoOwnerPID)
	// The command line is read on Linux (/proc/PID/cmdline); Windows gives
	// the executable's name only.
	if len(users) != 1 || users[0].PID != os.Getpid() || runtime.GOOS == "linux" && len(users[0].Cmdline) == 0 {
		t.Errorf("users %+v", users)
	}
}

func TestSocketsUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"-4", "-6"}, {"--state", "sleepy"}, {"--addr", "[::1"}, {"extra"}, {"-z"}} {
		if code, _, errOut := runSocketsCLI(t, args...); code != ExitUsage || errOut == "" {
			t.Errorf("%q: exit %d, stderr %q; want %d and a message", args, code, errOut, ExitUsage)
		}
	}
	if code, _, _ := runSocketsCLI(t, "-h"); code != ExitOK {
		t.Errorf("-h: exit %d", code)
	}
}
