package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore"
)

// relayCmd runs `sockplay relay` in-process; its address is read from the
// listening line on stderr (or stdout, with --json).
func relayCmd(t *testing.T, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{out: &syncBuffer{}, err: &syncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	go func() {
		s.done <- Run(ctx, append([]string{"relay"}, args...), Stdio{In: strings.NewReader(""), Out: s.out, Err: s.err})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			t.Error("relay did not end after cancel")
		}
	})
	if strings.Contains(strings.Join(args, " "), "--quiet") { // no listening line: the caller dials until it listens
		s.url = strings.TrimPrefix(args[0], "tcp://")
		return s
	}
	testkit.Eventually(t, "listening line", func() bool {
		text := s.err.String()
		if strings.Contains(strings.Join(args, " "), "--json") {
			text = strings.ReplaceAll(s.out.String(), `"kind":"listening","addr":"`, "listening on ")
			text = strings.ReplaceAll(text, `"}`, " ")
		}
		if m := listeningRE.FindStringSubmatch(text); m != nil {
			s.url = m[1]
			return true
		}
		select {
		case code := <-s.done:
			s.done <- code
			t.Fatalf("relay ended with %d: %s", code, s.err.String())
		default:
		}
		return false
	})
	return s
}

// targetOnce listens on loopback; handle gets the first connection.
func targetOnce(t *testing.T, handle func(net.Conn)) string {
	return "tcp://" + acceptOnce(t, func(c net.Conn) {
		defer c.Close()
		c.SetDeadline(time.Now().Add(20 * time.Second))
		handle(c)
	})
}

func TestRelayCommandPrintsBothDirections(t *testing.T) {
	testkit.Need(t, "socat")
	testkit.NoLeaks(t)
	target := targetOnce(t, func(c net.Conn) {
		b, _ := io.ReadAll(c)
		c.Write([]byte("echo: " + string(b)))
	})
	r := relayCmd(t, "tcp://127.0.0.1:0", target, "--once")
	cmd := exec.Command("socat", "-t", "10", "-", "TCP:"+r.url)
	cmd.Stdin = strings.NewReader("from socat\n")
	got, err := cmd.Output()
	if err != nil || string(got) != "echo: from socat\n" {
		t.Fatalf("socat got %q, %v", got, err)
	}
	if code := r.wait(t); code != ExitOK {
		t.Fatalf("exit %d: %s", code, r.err.String())
	}
	out := r.out.String()
	if !regexpMatch(`(?s)^> client 127\.0\.0\.1:\d+ \(peer 1\) -> target: 11 bytes\nfrom socat\n< target -> client 127\.0\.0\.1:\d+ \(peer 1\): 17 bytes\necho: from socat\n$`, out) {
		t.Errorf("stdout %q", out)
	}
	for _, w := range []string{"connected to target 127.0.0.1:", "the client finished sending (FIN)", "closed 127.0.0.1:"} {
		if !strings.Contains(r.err.String(), w) {
			t.Errorf("no %q on stderr:\n%s", w, r.err.String())
		}
	}
}

func regexpMatch(re, s string) bool {
	m, err := regexp.MatchString(re, s)
	return err == nil && m
}

func TestRelayCommandQuietJSONAndRefusal(t *testing.T) {
	testkit.NoLeaks(t)
	t.Run("quiet", func(t *testing.T) {
		target := targetOnce(t, func(c net.Conn) { io.Copy(c, c) })
		r := relayCmd(t, "tcp://"+testkit.FreeAddr(t), target, "--quiet", "--once")
		var c net.Conn
		var err error
		testkit.Eventually(t, "relay up", func() bool { c, err = net.Dial("tcp", r.url); return err == nil })
		c.Write(bytes.Repeat([]byte("x"), 100000))
		c.(*net.TCPConn).CloseWrite()
		n, _ := io.Copy(io.Discard, c)
		c.Close()
		if code := r.wait(t); code != ExitOK || n != 100000 {
			t.Fatalf("exit %d, echoed %d", code, n)
		}
		if !regexpMatch(`^pairs 1, client->target 100000 bytes in \d+ chunks, target->client 100000 bytes in \d+ chunks, [0-9.]+s\n$`, r.out.String()) {
			t.Errorf("summary %q", r.out.String())
		}
	})
	t.Run("json", func(t *testing.T) {
		target := targetOnce(t, func(c net.Conn) {
			io.Copy(io.Discard, c) // closing with unread bytes would be a reset
			c.Write([]byte("hi"))
		})
		r := relayCmd(t, "tcp://127.0.0.1:0", target, "--json", "--once")
		c, err := net.Dial("tcp", r.url)
		if err != nil {
			t.Fatal(err)
		}
		c.Write([]byte("yo"))
		c.(*net.TCPConn).CloseWrite()
		io.Copy(io.Discard, c)
		c.Close()
		r.wait(t)
		kinds := map[string]string{}
		for _, line := range strings.Split(strings.TrimSpace(r.out.String()), "\n") {
			var e struct{ Kind, Text, Data string }
			if err := json.Unmarshal([]byte(line), &e); err != nil {
				t.Fatalf("line %q: %v", line, err)
			}
			kinds[e.Kind] += e.Data + e.Text
		}
		if !strings.Contains(kinds["data_in"], "yo") || !strings.Contains(kinds["data_out"], "hi") || !strings.Contains(kinds["info"], "connected to target") {
			t.Errorf("json: %v\n%s", kinds, r.out.String())
		}
	})
	t.Run("a target that refuses", func(t *testing.T) {
		port := testkit.FreePort(t, "tcp")
		r := relayCmd(t, "tcp://127.0.0.1:0", fmt.Sprintf("tcp://127.0.0.1:%d", port), "--once")
		c, err := net.Dial("tcp", r.url)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if b, err := io.ReadAll(c); len(b) != 0 || err != nil {
			t.Errorf("client read %q %v", b, err)
		}
		c.Close()
		r.wait(t)
		want := fmt.Sprintf("target 127.0.0.1:%d refused the connection; closed the client's connection", port)
		if !strings.Contains(r.err.String(), want) {
			t.Errorf("stderr:\n%s", r.err.String())
		}
	})
}

// Rules with a direction rewrite and drop what the relay forwards.
func TestRelayCommandRules(t *testing.T) {
	testkit.NoLeaks(t)
	toTarget := make(chan string, 1)
	target := targetOnce(t, func(c net.Conn) {
		c.Write([]byte("token=abc\nplain\n"))
		b, _ := io.ReadAll(c)
		toTarget <- string(b)
	})
	rulesFile := filepath.Join(testkit.TempDir(t), "relay.rules")
	os.WriteFile(rulesFile, []byte("# relay rules\nprefix:token= => [from=target drop]\n"), 0o600)
	r := relayCmd(t, "tcp://127.0.0.1:0", target, "--framing", "line", "--rules", rulesFile,
		"--rule", `re:^user=(\w+)$ => user={{1}}-via-relay [from=client]`, "--once")
	c, err := net.Dial("tcp", r.url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || line != "plain\n" {
		t.Fatalf("client read %q, %v", line, err)
	}
	c.Write([]byte("user=ann\nother\n"))
	c.(*net.TCPConn).CloseWrite()
	if got := <-toTarget; got != "user=ann-via-relay\nother\n" {
		t.Errorf("target got %q", got)
	}
	r.wait(t)
	for _, w := range []string{"rule 1 dropped a message from the target (9 bytes)", "rule 2 rewrote a message from the client (8 bytes) into 19 bytes for the target"} {
		if !strings.Contains(r.err.String(), w) {
			t.Errorf("no %q on stderr:\n%s", w, r.err.String())
		}
	}
}

// A tls:// listening side with a self-signed certificate (a python3 ssl
// client), and a tls:// target (openssl s_server).
func TestRelayCommandTLS(t *testing.T) {
	t.Run("listening side, python3 ssl client", func(t *testing.T) {
		testkit.Need(t, "python3")
		testkit.NoLeaks(t)
		target := targetOnce(t, func(c net.Conn) {
			b, _ := io.ReadAll(c)
			c.Write(bytes.ToUpper(b))
		})
		r := relayCmd(t, "tls://127.0.0.1:0", target, "--tls-self-signed", "127.0.0.1", "--once")
		py := `import socket, ssl, sys
host, port = sys.argv[1].rsplit(":", 1)
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
with socket.create_connection((host, int(port))) as raw:
    with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
        s.sendall(b"over tls")
        socket.socket.shutdown(s, socket.SHUT_WR)  # a TCP FIN: the relay passes it to the target
        got = b""
        while True:
            b = s.recv(100)
            if not b:
                break
            got += b
        sys.stdout.write(repr(got))`
		out, err := exec.Command("python3", "-c", py, r.url).CombinedOutput()
		if err != nil {
			t.Fatalf("python3: %v\n%s\nrelay: %s", err, out, r.err.String())
		}
		if !strings.Contains(r.err.String(), "TLS handshake done") {
			t.Errorf("stderr:\n%s", r.err.String())
		}
		r.wait(t)
		if !strings.Contains(r.out.String(), "over tls") || !strings.Contains(r.out.String(), "OVER TLS") {
			t.Errorf("stdout %q", r.out.String())
		}
	})
	t.Run("target, openssl s_server", func(t *testing.T) {
		testkit.Need(t, "openssl")
		testkit.NoLeaks(t)
		dir := testkit.TempDir(t)
		_, certPEM, keyPEM, err := netcore.SelfSigned([]string{"127.0.0.1"}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "c.pem"), certPEM, 0o600)
		os.WriteFile(filepath.Join(dir, "k.pem"), keyPEM, 0o600)
		port := testkit.FreePort(t, "tcp")
		srv := exec.Command("openssl", "s_server", "-accept", fmt.Sprintf("127.0.0.1:%d", port), "-cert", filepath.Join(dir, "c.pem"),
			"-key", filepath.Join(dir, "k.pem"), "-naccept", "1", "-quiet")
		srvIn, _ := srv.StdinPipe()
		var srvOut syncBuffer
		srv.Stdout, srv.Stderr = &srvOut, &srvOut
		if err := srv.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { srvIn.Close(); srv.Process.Kill(); srv.Wait() }()
		// Not --once: the first clients may come before s_server listens.
		r := relayCmd(t, "tcp://127.0.0.1:0", fmt.Sprintf("tls://127.0.0.1:%d", port), "--tls-ca", filepath.Join(dir, "c.pem"))
		var c net.Conn
		testkit.Eventually(t, "the relay reaches s_server", func() bool {
			if c != nil {
				c.Close()
			}
			if c, err = net.Dial("tcp", r.url); err != nil {
				t.Fatal(err)
			}
			c.SetDeadline(time.Now().Add(10 * time.Second))
			c.Write([]byte("ping from the client\n"))
			time.Sleep(100 * time.Millisecond)
			return strings.Contains(srvOut.String(), "ping from the client")
		})
		defer c.Close()
		srvIn.Write([]byte("pong from s_server\n"))
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil || line != "pong from s_server\n" {
			t.Fatalf("client read %q, %v\nrelay: %s", line, err, r.err.String())
		}
		if !strings.Contains(r.err.String(), "target: TLS handshake done") {
			t.Errorf("stderr:\n%s", r.err.String())
		}
	})
}

// Bad arguments are one sentence naming the bad part.
func TestRelayCommandUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"relay"}, "sockplay relay: missing LISTEN_URL and TARGET_URL, e.g. tcp://127.0.0.1:8080 tcp://example.com:80"},
		{[]string{"relay", "tcp://:1"}, "sockplay relay: missing TARGET_URL, where each client is forwarded to"},
		{[]string{"relay", "tcp://:1", "tcp://127.0.0.1:2", "x"}, `sockplay relay: unexpected argument "x" (give LISTEN_URL and TARGET_URL)`},
		{[]string{"relay", "tpc://:1", "tcp://127.0.0.1:2"}, `sockplay relay: LISTEN_URL tpc://:1: unknown scheme "tpc"`},
		{[]string{"relay", "tcp://:1", "tcp://"}, "sockplay relay: TARGET_URL tcp://: "},
		{[]string{"relay", "udp://:1", "tcp://127.0.0.1:2"}, "sockplay relay: TARGET_URL tcp://127.0.0.1:2: udp:// carries datagrams and tcp:// carries a byte stream"},
		{[]string{"relay", "tcp://:1", "tcp://127.0.0.1:2", "--tls-self-signed", "x"}, "sockplay relay: --tls-self-signed applies to a tls:// listening side, not tcp:// (write tls://:1)"},
		{[]string{"relay", "tls://:1", "tcp://127.0.0.1:2", "--tls-self-signed", "x", "--tls-insecure"}, "sockplay relay: --tls-insecure applies to a tls:// target, not tcp:// (write tls://127.0.0.1:2)"},
		{[]string{"relay", "tls://:1", "tcp://127.0.0.1:2"}, "sockplay relay: a tls server needs a certificate and key, or names for a self-signed one"},
		{[]string{"relay", "tcp://:1", "tls://127.0.0.1:2", "--tls-ca", "/nonexistent/ca.pem"}, "sockplay relay: --tls-ca: "},
		{[]string{"relay", "tcp://:1", "tcp://127.0.0.1:2", "--rule", "text:a => b [from=server]"}, `sockplay relay: --rule: rule 1 "text:a => b [from=server]": options: from=server names no side`},
		{[]string{"relay", "tcp://:1", "tcp://127.0.0.1:2", "--connect-timeout", "-1s"}, "sockplay relay: --connect-timeout -1s: give a duration of 0 or more"},
		{[]string{"relay", "tcp://:1", "tcp://127.0.0.1:2", "--echo"}, "sockplay relay: unknown flag --echo; see 'sockplay relay -h'"},
		{[]string{"relay", "tcp://:1", "tcp://127.0.0.1:2", "--quiet", "--hex"}, "sockplay relay: choose one of --hex, --json and --quiet"},
		{[]string{"serve", "tcp://:1", "--rule", "text:a => b [from=client]"}, `sockplay serve: --rule: rule 1 "text:a => b [from=client]": options: from=client applies to relay sessions only`},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errb syncBuffer
			code := Run(context.Background(), tt.args, Stdio{In: strings.NewReader(""), Out: &out, Err: &errb})
			first, rest, _ := strings.Cut(errb.String(), "\n")
			if code != ExitUsage || !strings.HasPrefix(first, tt.want) || rest != "" {
				t.Fatalf("exit %d, stderr %q, want one line starting %q", code, errb.String(), tt.want)
			}
		})
	}
}

func TestRelayHelp(t *testing.T) {
	var out syncBuffer
	if code := Run(context.Background(), []string{"help", "relay"}, Stdio{In: strings.NewReader(""), Out: &out, Err: &out}); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, w := range []string{"usage: sockplay relay LISTEN_URL TARGET_URL", "[from=client]", "-tls-insecure", "-tls-self-signed", "-connect-timeout"} {
		if !strings.Contains(out.String(), w) {
			t.Errorf("help lacks %q", w)
		}
	}
	out = syncBuffer{}
	Run(context.Background(), []string{"help"}, Stdio{In: strings.NewReader(""), Out: &out, Err: &out})
	if !strings.Contains(out.String(), "relay LISTEN_URL TARGET_URL") {
		t.Errorf("help list:\n%s", out.String())
	}
}
