// Package testpeer starts real peers that nobody here wrote, for tests in
// any package (netcore, sessions, the CLI). It imports nothing of ours.
package testpeer

import (
	"bufio"
	"os/exec"
	"strings"
	"testing"
)

// HoldTCPPort starts python3 listening on a free 127.0.0.1 port, as the
// socket tutorials' servers do, and returns the port and the process; it
// ends with the test. Without python3 the test is skipped, saying why.
func HoldTCPPort(t testing.TB) (port string, cmd *exec.Cmd) {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	cmd = exec.Command(py, "-c", `import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
print(s.getsockname()[1], flush=True)
sys.stdin.read()`)
	stdin, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start python3: %v", err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Wait() }) // EOF on stdin ends it
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("python3 printed no port: %v", err)
	}
	return strings.TrimSpace(line), cmd
}
