package cli

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestServeNamesWhoHoldsThePort: serve on a port python3 holds says who.
func TestServeNamesWhoHoldsThePort(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	cmd := exec.Command(py, "-c", `import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
print(s.getsockname()[1], flush=True)
sys.stdin.read()`)
	stdin, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); cmd.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	port := strings.TrimSpace(line)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var so, se syncBuffer
	code := Run(ctx, []string{"serve", "tcp://127.0.0.1:" + port}, Stdio{In: strings.NewReader(""), Out: &so, Err: &se})
	t.Logf("exit %d, stderr: %s", code, se.String())
	want := regexp.MustCompile(fmt.Sprintf(`(?m)^sockplay serve: 127\.0\.0\.1:%s is already in use by python3[.0-9]* \(pid %d\)$`, port, cmd.Process.Pid))
	if code != ExitFail || !want.MatchString(se.String()) {
		t.Fatalf("exit %d, stderr %q; want %d and a line matching %s", code, se.String(), ExitFail, want)
	}
}
