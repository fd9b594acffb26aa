package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore"
)

// syncBuffer is an output both the command and the test touch.
type syncBuffer = testkit.SyncBuffer

// acceptOnce listens on 127.0.0.1, hands the first connection to handle on
// its own goroutine, and returns the address; the listener closes with t.
func acceptOnce(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		handle(c)
	}()
	return l.Addr().String()
}

// server is `sockplay serve` running in-process.
type server struct {
	out, err *syncBuffer
	stdin    *io.PipeWriter
	cancel   context.CancelFunc
	done     chan int
	url      string
}

var listeningRE = regexp.MustCompile(`listening on (\S+)`)

// serveCmd runs serve with args; the URL it listens on is read from stderr.
func serveCmd(t *testing.T, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	inR, inW := io.Pipe()
	s := &server{out: &syncBuffer{}, err: &syncBuffer{}, stdin: inW, cancel: cancel, done: make(chan int, 1)}
	go func() { s.done <- Run(ctx, append([]string{"serve"}, args...), Stdio{In: inR, Out: s.out, Err: s.err}) }()
	t.Cleanup(func() {
		cancel()
		inW.Close()
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			t.Error("serve did not end after cancel")
		}
	})
	scheme := strings.SplitN(args[0], "://", 2)[0]
	testkit.Eventually(t, "listening line", func() bool {
		text := s.err.String()
		if slices.Contains(args, "--json") {
			text = strings.ReplaceAll(s.out.String(), `"kind":"listening","addr":"`, "listening on ")
			text = strings.ReplaceAll(text, `"}`, " ")
		}
		if m := listeningRE.FindStringSubmatch(text); m != nil {
			s.url = scheme + "://" + m[1]
			if strings.HasPrefix(scheme, "unix") {
				s.url = args[0]
			}
			return true
		}
		return false
	})
	return s
}

func (s *server) wait(t *testing.T) int {
	t.Helper()
	select {
	case code := <-s.done:
		s.done <- code
		return code
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not end")
		return -1
	}
}

// connectCmd runs connect to completion with stdin.
func connectCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out, errb syncBuffer
	code := Run(ctx, append([]string{"connect"}, args...), Stdio{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func shortPath(t *testing.T, name string) string {
	d, err := filepath.EvalSymlinks(testkit.TempDir(t))
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(d, name)
}

func TestServeAndConnectEveryKind(t *testing.T) {
	tests := []struct {
		name, url string
		connArgs  []string
	}{
		{"tcp4", "tcp://127.0.0.1:0", []string{"--half-close"}},
		{"tcp6", "tcp://[::1]:0", []string{"--half-close"}},
		{"udp4", "udp://127.0.0.1:0", []string{"--wait", "300ms"}},
		{"udp6", "udp://[::1]:0", []string{"--wait", "300ms"}},
		{"unix", "unix://PATH", []string{"--half-close"}},
		{"unixgram", "unixgram://PATH", []string{"--wait", "300ms"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.Contains(tt.url, "::1") {
				if l, err := net.Listen("tcp6", "[::1]:0"); err != nil {
					t.Skip("no IPv6 loopback")
				} else {
					l.Close()
				}
			}
			testkit.NoLeaks(t)
			scheme := netcore.Scheme(strings.SplitN(tt.url, "://", 2)[0])
			url := strings.Replace(tt.url, "unix://PATH", unixURL(netcore.SchemeUnix, shortPath(t, "s.sock")), 1)
			url = strings.Replace(url, "unixgram://PATH", unixURL(netcore.SchemeUnixgram, shortPath(t, "s.sock")), 1)
			if want := kindMissing(t, scheme); want != nil {
				// What the system lacks is refused like a bad URL: one line, exit 2.
				var errb syncBuffer
				code := Run(context.Background(), []string{"serve", url}, Stdio{In: strings.NewReader(""), Out: io.Discard, Err: &errb})
				if first, rest, _ := strings.Cut(errb.String(), "\n"); code != ExitUsage || !strings.HasPrefix(first, "sockplay serve: ") || rest != "" {
					t.Fatalf("serve %s: exit %d, stderr %q; want %d and one line saying %v", url, code, errb.String(), ExitUsage, want)
				}
				return
			}
			srv := serveCmd(t, url, "--upper")
			code, out, errOut := connectCmd(t, "hello\n", append([]string{srv.url}, tt.connArgs...)...)
			if code != ExitOK || out != "HELLO\n" || errOut != "" {
				t.Fatalf("connect: exit %d, out %q, err %q; serve err %q", code, out, errOut, srv.err.String())
			}
			testkit.Eventually(t, "server output", func() bool { return srv.out.String() == "hello\n" })
			if !strings.Contains(srv.err.String(), "accepted ") {
				t.Errorf("serve stderr %q", srv.err.String())
			}
		})
	}
}

func TestServeSendsStdinToEveryPeerAndOutlivesIt(t *testing.T) {
	testkit.NoLeaks(t)
	srv := serveCmd(t, "tcp://127.0.0.1:0")
	var conns []net.Conn
	for i := 0; i < 2; i++ {
		c, err := net.Dial("tcp", strings.TrimPrefix(srv.url, "tcp://"))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	testkit.Eventually(t, "two accepted", func() bool { return strings.Count(srv.err.String(), "accepted ") == 2 })
	srv.stdin.Write([]byte("to all\n"))
	srv.stdin.Close() // stdin ends: the server goes on
	for _, c := range conns {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		got := make([]byte, 7)
		if _, err := io.ReadFull(c, got); err != nil || string(got) != "to all\n" {
			t.Fatalf("peer got %q, %v", got, err)
		}
	}
	code, out, _ := connectCmd(t, "x", srv.url, "--send", "still\\there", "--half-close")
	if code != ExitOK || out != "" {
		t.Fatalf("connect after stdin ended: %d %q", code, out)
	}
	testkit.Eventually(t, "data", func() bool { return strings.Contains(srv.out.String(), "still\there") })
	srv.cancel()
	if code := srv.wait(t); code != ExitOK {
		t.Fatalf("serve exit %d after cancel", code)
	}
}

func TestServeOnceQuietSummary(t *testing.T) {
	testkit.NoLeaks(t)
	addr := testkit.FreeAddr(t)
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(context.Background(), []string{"serve", "tcp://" + addr, "--quiet", "--once"}, Stdio{In: strings.NewReader(""), Out: &out, Err: &errb})
	}()
	var c net.Conn
	var err error
	testkit.Eventually(t, "server up", func() bool { c, err = net.Dial("tcp", addr); return err == nil })
	c.Write(bytes.Repeat([]byte("x"), 100000))
	c.Close()
	select {
	case code := <-done:
		if code != ExitOK {
			t.Fatalf("exit %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("--once did not end")
	}
	if !strings.HasPrefix(out.String(), "peers 1, in 100000 bytes in ") || errb.String() != "" {
		t.Fatalf("stdout %q stderr %q", out.String(), errb.String())
	}
}

// With a framing the summary counts the messages too (bench/messages.sh
// reads the decode rate from it).
func TestServeQuietSummaryCountsMessages(t *testing.T) {
	testkit.NoLeaks(t)
	addr := testkit.FreeAddr(t)
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(context.Background(), []string{"serve", "tcp://" + addr, "--quiet", "--once", "--framing", "len:2:be"},
			Stdio{In: strings.NewReader(""), Out: &out, Err: &errb})
	}()
	var c net.Conn
	var err error
	testkit.Eventually(t, "server up", func() bool { c, err = net.Dial("tcp", addr); return err == nil })
	c.Write([]byte("\x00\x01a\x00\x02bc\x00\x00"))
	c.Close()
	select {
	case code := <-done:
		if code != ExitOK {
			t.Fatalf("exit %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("--once did not end")
	}
	if got := out.String(); !strings.HasPrefix(got, "peers 1, in 9 bytes in ") || !strings.Contains(got, ", messages in 3, out 0, ") {
		t.Fatalf("summary %q", got)
	}
}

func TestServeHexAndJSON(t *testing.T) {
	testkit.NoLeaks(t)
	srv := serveCmd(t, "tcp://127.0.0.1:0", "--json", "--echo")
	code, out, _ := connectCmd(t, "", srv.url, "--send", `GET / HTTP/1.1\r\n`, "--hex", "--half-close")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	wantHex := "00000000  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  |GET / HTTP/1.1..|\n00000010\n"
	if !strings.Contains(out, "-> 127.0.0.1:") || strings.Count(out, wantHex) != 2 {
		t.Fatalf("hex output:\n%s", out)
	}
	testkit.Eventually(t, "json closed", func() bool { return strings.Contains(srv.out.String(), `"kind":"closed"`) })
	kinds := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(srv.out.String()), "\n") {
		var ev struct {
			Kind, Data, Text string
			Len              int
			Peer             int
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		kinds[ev.Kind]++
		if ev.Kind == "data_in" && (ev.Data != "GET / HTTP/1.1\r\n" || ev.Len != 16 || ev.Peer != 1) {
			t.Errorf("data_in event %+v", ev)
		}
	}
	if kinds["listening"] != 1 || kinds["accepted"] != 1 || kinds["data_in"] != 1 || kinds["data_out"] != 1 || kinds["closed"] != 1 {
		t.Fatalf("kinds %v", kinds)
	}
}

func TestConnectFailureIsOneLine(t *testing.T) {
	testkit.NoLeaks(t)
	addr := testkit.FreeAddr(t)
	code, out, errOut := connectCmd(t, "", "tcp://"+addr)
	// The same sentence on Windows: WSAECONNREFUSED is matched as
	// ECONNREFUSED, so the system's words never reach the person.
	want := regexp.MustCompile(fmt.Sprintf(`^sockplay connect: connect to tcp %s: nothing listens there \(connection refused\)\n$`, regexp.QuoteMeta(addr)))
	if code != ExitFail || out != "" || !want.MatchString(errOut) {
		t.Fatalf("exit %d out %q err %q, want %s", code, out, errOut, want)
	}
}

func TestConnectEndsWhenPeerCloses(t *testing.T) {
	testkit.NoLeaks(t)
	addr := acceptOnce(t, func(c net.Conn) {
		c.Write([]byte("banner\n"))
		c.Close()
	})
	pr, pw := io.Pipe() // stdin that never ends by itself
	defer pw.Close()
	var out, errb syncBuffer
	code := Run(context.Background(), []string{"connect", "tcp://" + addr}, Stdio{In: pr, Out: &out, Err: &errb})
	if code != ExitOK || out.String() != "banner\n" || errb.String() != "" {
		t.Fatalf("exit %d out %q err %q", code, out.String(), errb.String())
	}
}

func TestConnectReportsReset(t *testing.T) {
	testkit.SkipOnWine(t, testkit.WineAbortiveClose)
	testkit.NoLeaks(t)
	addr := acceptOnce(t, func(c net.Conn) {
		c.Read(make([]byte, 3)) // connected for sure before the reset
		c.(*net.TCPConn).SetLinger(0)
		c.Close()
	})
	pr, pw := io.Pipe()
	defer pw.Close()
	go pw.Write([]byte("go\n"))
	var out, errb syncBuffer
	code := Run(context.Background(), []string{"connect", "tcp://" + addr}, Stdio{In: pr, Out: &out, Err: &errb})
	if code != ExitFail || errb.String() != "sockplay connect: reset by peer\n" {
		t.Fatalf("exit %d err %q", code, errb.String())
	}
}

func TestServeConnectUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string // first stderr line
	}{
		{[]string{"serve"}, "sockplay serve: missing URL, e.g. tcp://:9000"},
		{[]string{"serve", "tcp://:1", "extra"}, `sockplay serve: unexpected argument "extra"`},
		{[]string{"serve", "tpc://:1"}, `sockplay serve: unknown scheme "tpc" (tcp, tls, udp, unix, unixgram)`},
		{[]string{"serve", "udp://:1", "--nodelay"}, "sockplay serve: --nodelay: TCP_NODELAY applies to tcp only, not to udp servers"},
		{[]string{"serve", "tcp://:1", "--echo", "--upper"}, "sockplay serve: choose one of --echo, --upper and --reply"},
		{[]string{"serve", "tcp://:1", "--hex", "--json"}, "sockplay serve: choose one of --hex, --json and --quiet"},
		{[]string{"serve", "tcp://:1", "--nodelay", "--no-nodelay"}, "sockplay serve: --nodelay and --no-nodelay contradict each other"},
		{[]string{"serve", "tcp://:1", "--linger", "-1"}, "sockplay serve: --linger -1: seconds must be 0 or more"},
		{[]string{"serve", "tcp://:1", "--bogus"}, "sockplay serve: unknown flag --bogus; see 'sockplay serve -h'"},
		{[]string{"connect"}, "sockplay connect: missing URL, e.g. tcp://127.0.0.1:9000"},
		{[]string{"connect", "tcp://127.0.0.1:1", "--wait", "-1s"}, "sockplay connect: --wait -1s: must be 0 or more"},
		{[]string{"connect", "tcp://127.0.0.1:1", "--send", `\q`}, `sockplay connect: --send "\\q": `},
		{[]string{"serve", "tcp://:1", "--tls-self-signed", "x"}, "sockplay serve: --tls-self-signed applies to tls:// URLs, not tcp:// (write tls://:1)"},
		{[]string{"serve", "tls://:1"}, "sockplay serve: a tls server needs a certificate and key, or names for a self-signed one"},
		{[]string{"serve", "tls://:1", "--tls-cert", "c.pem"}, "sockplay serve: --tls-key: a certificate needs its private key file too"},
		{[]string{"connect", "udp://127.0.0.1:1", "--tls-insecure"}, "sockplay connect: --tls-insecure applies to tls:// URLs, not udp://"},
		{[]string{"connect", "tls://127.0.0.1:1", "--tls-min-version", "1.4"}, `sockplay connect: --tls-min-version: "1.4" is not a TLS version`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errb syncBuffer
			code := Run(context.Background(), tt.args, Stdio{In: strings.NewReader(""), Out: &out, Err: &errb})
			first, _, _ := strings.Cut(errb.String(), "\n")
			if code != ExitUsage || !strings.HasPrefix(first, tt.want) {
				t.Fatalf("exit %d, stderr %q, want first line %q", code, errb.String(), tt.want)
			}
		})
	}
}

func TestReorderArgs(t *testing.T) {
	fs := newTestFlagSet()
	tests := []struct{ in, want []string }{
		{[]string{"tcp://:1", "--echo"}, []string{"--echo", "--", "tcp://:1"}},
		{[]string{"tcp://:1", "--reply", "hi", "-hex"}, []string{"--reply", "hi", "-hex", "--", "tcp://:1"}},
		{[]string{"--rcvbuf=5", "u", "--", "-x"}, []string{"--rcvbuf=5", "--", "u", "-x"}},
	}
	for _, tt := range tests {
		if got := reorderArgs(fs, tt.in); strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("reorder %q = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A server and a client nobody here wrote: socat talks to our serve and our
// connect talks to socat's echo.
func TestServeAndConnectWithSocat(t *testing.T) {
	testkit.Need(t, "socat")
	testkit.NoLeaks(t)
	srv := serveCmd(t, "tcp://127.0.0.1:0", "--upper")
	cmd := exec.Command("socat", "-", "TCP:"+strings.TrimPrefix(srv.url, "tcp://"))
	cmd.Stdin = strings.NewReader("from socat\n")
	got, err := cmd.Output()
	if err != nil || string(got) != "FROM SOCAT\n" {
		t.Fatalf("socat got %q, %v", got, err)
	}

	_, port := hostPort("tcp://" + testkit.FreeAddr(t))
	echo := exec.Command("socat", fmt.Sprintf("TCP-LISTEN:%s,bind=127.0.0.1,reuseaddr", port), "PIPE")
	if err := echo.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { echo.Process.Kill(); echo.Wait() }()
	var code int
	var out, errOut string
	for i := 0; i < 100; i++ {
		code, out, errOut = connectCmd(t, "to socat\n", "tcp://127.0.0.1:"+port, "--half-close")
		if !strings.Contains(errOut, "refused") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code != ExitOK || out != "to socat\n" {
		t.Fatalf("exit %d out %q err %q", code, out, errOut)
	}
}

func newTestFlagSet() *flag.FlagSet {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.Bool("echo", false, "")
	fs.Bool("hex", false, "")
	fs.String("reply", "", "")
	addSocketFlags(fs, true, false)
	return fs
}

// pyStreamServer accepts one client, sends it argv[1] bytes and closes;
// it prints its port first.
const pyStreamServer = `
import socket, sys
ln = socket.create_server(("127.0.0.1", 0))
print(ln.getsockname()[1], flush=True)
c, _ = ln.accept()
c.sendall(b"z" * int(sys.argv[1]))
c.close()
`

// connect --quiet is a counting sink, like serve --quiet: python3 sends
// 3 MiB and closes, and stdout holds the summary alone.
func TestConnectQuietSummary(t *testing.T) {
	const size = 3<<20 + 7
	port := testkit.StartPython(t, "", pyStreamServer, fmt.Sprint(size)).Next(t, "its port")
	code, out, errOut := connectCmd(t, "", "tcp://127.0.0.1:"+port, "--quiet")
	if code != ExitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if want := fmt.Sprintf("peers 1, in %d bytes in ", size); !strings.HasPrefix(out, want) || strings.Count(out, "\n") != 1 {
		t.Fatalf("stdout %q, want one summary line starting %q", out, want)
	}
}
