package testkit

import (
	"bufio"
	"io"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Python is a python3 script running as a peer: its socket module is an
// implementation nobody here wrote.
type Python struct {
	In    io.WriteCloser // the script's stdin
	Lines chan string    // its stdout, a line at a time; closed when it ends
}

// StartPython runs script with args under py (the interpreter; "" is
// python3 on PATH, skipping the test without one) with unbuffered output.
// It is killed at cleanup, and its stderr is logged if the test failed.
func StartPython(t testing.TB, py, script string, args ...string) *Python {
	t.Helper()
	if py == "" {
		Need(t, "python3")
		py = "python3"
	}
	cmd := exec.Command(py, append([]string{"-u", "-c", script}, args...)...)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &SyncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &Python{In: in, Lines: make(chan string, 16)}
	read := make(chan struct{})
	go func() {
		defer close(read)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			p.Lines <- sc.Text()
		}
		close(p.Lines)
	}()
	t.Cleanup(func() {
		in.Close()
		cmd.Process.Kill()
		go func() { // nobody may read the last lines: let the reader finish
			for range p.Lines {
			}
		}()
		<-read
		cmd.Wait()
		if t.Failed() && stderr.String() != "" {
			t.Logf("%s said: %s", py, stderr.String())
		}
	})
	return p
}

// Next is the script's next line, trimmed; the test fails when the script
// ends first or prints nothing for 10 s. what names the line for that.
func (p *Python) Next(t testing.TB, what string) string {
	t.Helper()
	select {
	case l, ok := <-p.Lines:
		if !ok {
			t.Fatalf("python3 ended before %s", what)
		}
		return strings.TrimSpace(l)
	case <-time.After(10 * time.Second):
		t.Fatalf("python3: timed out waiting for %s", what)
	}
	return ""
}

// PyLineServer serves one client line by line, by the mode in its first
// argument: "answer" (PING -> PONG, GET x -> VAL x, else ERR line),
// "greet" (HELLO v=7 first, then as answer), "close" (closes after the
// first line), "silent" (never answers). It prints its port first.
const PyLineServer = `
import socket, sys
mode = sys.argv[1]
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
if mode == "greet":
    c.sendall(b"HELLO v=7\n")
for line in c.makefile("rb"):
    line = line.rstrip(b"\n")
    if mode == "close":
        break
    if mode == "silent":
        continue
    if line == b"PING":
        c.sendall(b"PONG\n")
    elif line.startswith(b"GET "):
        c.sendall(b"VAL " + line[4:] + b"\n")
    else:
        c.sendall(b"ERR " + line + b"\n")
c.close()
`
