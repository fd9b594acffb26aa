package cli

import (
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
)

func writeScript(t *testing.T, src string) string {
	t.Helper()
	p := filepath.Join(testkit.TempDir(t), "seq.txt")
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConnectScript(t *testing.T) {
	testkit.Need(t, "python3")
	t.Parallel()
	for _, tc := range []struct {
		name, mode, src string
		args            []string
		code            int
		out, err        []string // substrings
	}{
		{name: "pass", mode: "answer", src: "name ping\nsend PING\nexpect 2s text:PONG\n", code: ExitOK,
			out: []string{"line 2: send PING: ok in ", "sent 4 bytes: 50 49 4e 47\n", "line 3: expect 2s text:PONG: ok in ", "got 4 bytes: 50 4f 4e 47\n", "sequence ping: passed: 2 steps, 1 expects passed"}},
		{name: "captures and repeat", mode: "answer", src: "send GET /a\nexpect text:VAL /a\nexpect 100ms text:x\n", code: ExitFail,
			err: []string{"line 3: expect 100ms text:x: FAILED: nothing came within 100ms; expected text:x\n"}},
		{name: "every expect passes", mode: "answer", src: "name ok\nsend GET /a\nexpect re:^VAL (?P<p>\\S+)\nrepeat 2\n  send GET {{p}}/b\n  expect text:VAL /a/b\nend\n",
			code: ExitOK, out: []string{"line 5 (pass 2): send GET {{p}}/b: ok", "sequence ok: passed: 6 steps, 3 expects passed"}},
		{name: "fails with the hex of what came", mode: "answer", src: "send PING\nexpect 2s text:PANG\nsend never\n", code: ExitFail,
			out: []string{"sequence: FAILED at line 2 (expect 2s text:PANG): 2 steps, 0 expects passed"},
			err: []string{"sockplay connect: line 2: expect 2s text:PANG: FAILED: expected text:PANG; came instead (4 bytes): 50 4f 4e 47\n"}},
		{name: "json", mode: "answer", src: "send PING\nexpect text:PONG\n", args: []string{"--json"}, code: ExitOK,
			out: []string{`"kind":"send","step":"send PING","status":"pass"`, `"sent":"50 49 4e 47"`, `"got":"50 4f 4e 47"`, `{"sequence":"","ok":true,"steps":2,"expects":1,`}},
		{name: "-v shows steps starting", mode: "silent", src: "send PING\nexpect 50ms text:PONG\n", args: []string{"-v"}, code: ExitFail,
			err: []string{"line 2: expect 50ms text:PONG: running\n", "FAILED: nothing came within 50ms"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			port := testkit.StartPython(t, "", testkit.PyLineServer, tc.mode).Next(t, "its port")
			args := append([]string{"connect", "tcp://127.0.0.1:" + port, "--framing", "line", "--script", writeScript(t, tc.src)}, tc.args...)
			code, out, errOut := runCLI(t, args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errOut)
			}
			for _, w := range tc.out {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tc.err {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			if tc.name == "json" {
				for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
					var m map[string]any
					if err := json.Unmarshal([]byte(l), &m); err != nil {
						t.Errorf("not JSON: %q", l)
					}
				}
			}
		})
	}
}

func TestConnectScriptUsage(t *testing.T) {
	t.Parallel()
	bad := writeScript(t, "send PING\nexpect 2s PONG\n")
	good := writeScript(t, "send PING\n")
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"--script", bad}, "sockplay connect: --script " + bad + `: line 2 "expect 2s PONG": match: "PONG" needs a kind: start it with text:, prefix:, contains:, re: or hex:` + "\n"},
		{[]string{"--script", filepath.Join(testkit.TempDir(t), "none")}, "no such file or directory\n"},
		{[]string{"--script", good, "--send", "x"}, "sockplay connect: --send and --script cannot be combined: the sequence sends and reads\n"},
		{[]string{"--script", good, "--hex"}, "sockplay connect: --hex and --script cannot be combined: the sequence sends and reads\n"},
	} {
		code, _, errOut := runCLI(t, append([]string{"connect", "tcp://127.0.0.1:1"}, tc.args...)...)
		if code != ExitUsage || !strings.HasSuffix(errOut, tc.err) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", tc.args, code, errOut, tc.err)
		}
	}
}

// pyModbusServer is a Modbus/TCP device nobody here wrote: pymodbus 3's
// server with ten holding registers (unit 1, zero-based) that all hold
// argv[2], on 127.0.0.1:argv[1].
const pyModbusServer = `
import sys
from pymodbus.server import StartTcpServer
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusSlaveContext, ModbusServerContext
store = ModbusSlaveContext(hr=ModbusSequentialDataBlock(0, [int(sys.argv[2])] * 10), zero_mode=True)
print("starting", flush=True)
StartTcpServer(context=ModbusServerContext(slaves=store, single=True), address=("127.0.0.1", int(sys.argv[1])))
`

// modbusScript reads register 0 (7 expected), writes 42, reads it back
// twice, then writes the old value back from the capture.
const modbusScript = `# read, write, read back
name modbus-write-check
send hex:00 01 00 00 00 06 01 03 00 00 00 01
expect 2s hex:00 01 00 00 00 05 01 03 02 (old: 00 07)
send hex:00 02 00 00 00 06 01 06 00 00 00 2a
expect 2s hex:00 02 00 00 00 06 01 06 00 00 00 2a
repeat 2
  send hex:00 03 00 00 00 06 01 03 00 00 00 01
  expect 2s hex:00 03 00 00 00 05 01 03 02 00 2a
end
send hex:00 04 00 00 00 06 01 06 00 00 {{old}}
expect 2s hex:00 04 00 00 00 06 01 06 00 00 00 07
`

// pymodbusPython is a python3 that imports pymodbus (the Debian package
// installs it for /usr/bin/python3, which a python3 first in PATH, from
// pyenv say, may not see), or "" without one.
func pymodbusPython() string {
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(py, "-c", "import pymodbus.server").Run() == nil {
			return py
		}
	}
	return ""
}

func TestConnectScriptModbus(t *testing.T) {
	testkit.Need(t, "python3")
	py := pymodbusPython()
	if py == "" {
		t.Skip("pymodbus does not import in python3 nor /usr/bin/python3: install python3-pymodbus (scripts/install-deps.sh test does)")
	}
	t.Parallel()
	for _, tc := range []struct {
		name  string
		value string
		code  int
		out   string
		err   string
	}{
		{"the device holds 7", "7", ExitOK, "sequence modbus-write-check: passed: 10 steps, 5 expects passed", ""},
		{"the device holds 9", "9", ExitFail, "sequence modbus-write-check: FAILED at line 4 (expect 2s hex:00 01 00 00 00 05 01 03 02 (old: 00 07)): 2 steps, 0 expects passed",
			"sockplay connect: line 4: expect 2s hex:00 01 00 00 00 05 01 03 02 (old: 00 07): FAILED: expected hex:00 01 00 00 00 05 01 03 02 (old: 00 07); came instead (11 bytes): 00 01 00 00 00 05 01 03 02 00 09\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			port := freeTCPPort(t)
			testkit.StartPython(t, py, pyModbusServer, port, tc.value).Next(t, "its first line")
			waitListening(t, "127.0.0.1:"+port)
			code, out, errOut := runCLI(t, "connect", "tcp://127.0.0.1:"+port, "--framing", "len:2:be:off=4", "--script", writeScript(t, modbusScript))
			if code != tc.code || !strings.Contains(out, tc.out) || !strings.HasSuffix(errOut, tc.err) {
				t.Fatalf("exit %d (want %d)\nstdout:\n%s\nstderr:\n%s\nwant stdout with %q, stderr ending %q", code, tc.code, out, errOut, tc.out, tc.err)
			}
		})
	}
}

// freeTCPPort is a loopback port that was free a moment ago (pymodbus
// cannot say which port 0 got).
func freeTCPPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}

func waitListening(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never listened: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
