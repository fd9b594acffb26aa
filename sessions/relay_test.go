package sessions

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/netcore/rules"
)

// relayTo starts a relay on listen that forwards to target.
func relayTo(t *testing.T, listen, target string, mod ...func(*Config)) *Session {
	t.Helper()
	cfg := Config{Role: Relay, Endpoint: ep(t, listen), Target: ep(t, target)}
	for _, m := range mod {
		m(&cfg)
	}
	return start(t, cfg)
}

// tcpTarget listens on loopback and hands each connection to handle.
func tcpTarget(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				handle(c)
			}()
		}
	}()
	return "tcp://" + ln.Addr().String()
}

func dialRelay(t *testing.T, s *Session) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(20 * time.Second))
	return c
}

func TestRelayRoleAndAPIOnOthers(t *testing.T) {
	if Relay.String() != "relay" {
		t.Errorf("Relay.String() = %q", Relay.String())
	}
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0")})
	if err := srv.RelayErr(); !errors.Is(err, ErrNotRelay) {
		t.Errorf("RelayErr on a server: %v", err)
	}
	srv.Hold(true, true)
	if a, b := srv.Held(); a != 0 || b != 0 || srv.Release(true, 0) != 0 {
		t.Error("a server holds nothing")
	}
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Role: Relay, Endpoint: ep(t, "tcp://127.0.0.1:0")}, "a relay needs a target"},
		{Config{Role: Relay, Endpoint: ep(t, "tcp://127.0.0.1:0"), Target: ep(t, "udp://127.0.0.1:9")}, "a relay joins two stream sockets"},
		{Config{Role: Relay, Endpoint: ep(t, "tcp://127.0.0.1:0"), Target: ep(t, "tcp://127.0.0.1:9"), Reply: ReplyEcho}, "no reply mode"},
	} {
		if _, err := New(tc.cfg); err == nil || !errors.Is(err, ErrBadConfig) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%v): %v, want %q", tc.cfg.Target, err, tc.want)
		}
	}
	set, err := rules.Compile(rules.List{Rules: []rules.Rule{{Kind: rules.Text, Pattern: "x", From: rules.FromClient}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), Rules: set}); err == nil || !strings.Contains(err.Error(), "from=client applies to relay sessions only") {
		t.Errorf("a server took a from= rule: %v", err)
	}
}

// Both directions go through, in one peer whose log reads as the client's
// view; the target's FIN reaches the client after its reply.
func TestRelayTCPBasics(t *testing.T) {
	testkit.NoLeaks(t)
	target := tcpTarget(t, func(c net.Conn) {
		b, _ := io.ReadAll(c) // to the client's FIN
		c.Write(append([]byte("got "), b...))
	})
	s := relayTo(t, "tcp://127.0.0.1:0", target)
	c := dialRelay(t, s)
	c.Write([]byte("hello"))
	c.(*net.TCPConn).CloseWrite()
	got, err := io.ReadAll(c)
	if err != nil || string(got) != "got hello" {
		t.Fatalf("client read %q, %v", got, err)
	}
	es := waitLog(t, s, "the pair's end", func(es []Entry) bool { return count(es, KindClosed) == 1 })
	if in, out := joined(es, KindDataIn), joined(es, KindDataOut); string(in) != "hello" || string(out) != "got hello" {
		t.Errorf("log: in %q out %q\n%s", in, out, dump(es))
	}
	for _, w := range []string{"connected to target 127.0.0.1:", "the client finished sending (FIN)", "the target finished sending (FIN); passed it on to the client"} {
		if !hasText(es, KindInfo, w) {
			t.Errorf("no %q in the log:\n%s", w, dump(es))
		}
	}
	if !hasText(es, KindClosed, reasonBothDone) {
		t.Errorf("closed for another reason:\n%s", dump(es))
	}
	c1 := s.Counters()
	if c1.BytesIn != 5 || c1.BytesOut != 9 {
		t.Errorf("counters %+v", c1)
	}
}

// relayPeerPy is a python3 peer that sends a file and reads to the end
// at once, then prints how many bytes it read and their sha256: "server"
// listens on a free port it prints first, "client" connects to ADDR.
const relayPeerPy = `
import hashlib, socket, sys, threading
mode, addr, path = sys.argv[1], sys.argv[2], sys.argv[3]
if mode == "server":
    ln = socket.socket()
    ln.bind(("127.0.0.1", 0))
    ln.listen(1)
    print(ln.getsockname()[1], flush=True)
    s, _ = ln.accept()
else:
    host, port = addr.rsplit(":", 1)
    s = socket.create_connection((host, int(port)))
def send():
    with open(path, "rb") as f:
        while True:
            b = f.read(65536)
            if not b:
                break
            s.sendall(b)
    s.shutdown(socket.SHUT_WR)
t = threading.Thread(target=send)
t.start()
h, n = hashlib.sha256(), 0
while True:
    b = s.recv(65536)
    if not b:
        break
    h.update(b)
    n += len(b)
t.join()
print(n, h.hexdigest(), flush=True)
s.close()
`

// relayFile writes n deterministic random bytes and returns the path and
// their "n sha256" as relayPeerPy prints it.
func relayFile(t *testing.T, name string, n int, seed int64) (string, string) {
	t.Helper()
	b := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(b)
	p := filepath.Join(testkit.TempDir(t), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p, fmt.Sprintf("%d %x", n, sha256.Sum256(b))
}

// 10 MB each way between a socat client and a python3 target, at once:
// every byte arrives, in order, both ways.
func TestRelayTenMegabytesEachWay(t *testing.T) {
	testkit.Need(t, "socat")
	testkit.Need(t, "python3")
	testkit.NoLeaks(t)
	dir := testkit.TempDir(t)
	script := filepath.Join(dir, "peer.py")
	os.WriteFile(script, []byte(relayPeerPy), 0o600)
	toTargetFile, toTargetSum := relayFile(t, "up", 10<<20, 1)
	toClientFile, toClientSum := relayFile(t, "down", 10<<20, 2)

	py := exec.Command("python3", script, "server", "", toClientFile)
	pyOut, _ := py.StdoutPipe()
	py.Stderr = os.Stderr
	if err := py.Start(); err != nil {
		t.Fatal(err)
	}
	defer py.Process.Kill()
	lines := make(chan string, 2)
	go func() {
		b := make([]byte, 0, 256)
		one := make([]byte, 1)
		for {
			if _, err := pyOut.Read(one); err != nil {
				close(lines)
				return
			}
			if one[0] == '\n' {
				lines <- string(b)
				b = b[:0]
				continue
			}
			b = append(b, one[0])
		}
	}()
	port := <-lines
	s := relayTo(t, "tcp://127.0.0.1:0", "tcp://127.0.0.1:"+port)

	got := filepath.Join(dir, "got")
	in, _ := os.Open(toTargetFile)
	defer in.Close()
	out, _ := os.Create(got)
	cl := exec.Command("socat", "-t", "30", "-b", "65536", "-", "TCP:"+s.Addr().String())
	cl.Stdin, cl.Stdout, cl.Stderr = in, out, os.Stderr
	if err := cl.Run(); err != nil {
		t.Fatalf("socat: %v", err)
	}
	out.Close()
	select {
	case line := <-lines:
		if line != toTargetSum {
			t.Errorf("target got %s, client sent %s", line, toTargetSum)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("python3 target did not finish")
	}
	py.Wait()
	b, _ := os.ReadFile(got)
	if sum := fmt.Sprintf("%d %x", len(b), sha256.Sum256(b)); sum != toClientSum {
		t.Errorf("client got %s, target sent %s", sum, toClientSum)
	}
	es := waitLog(t, s, "the end", func(es []Entry) bool { return count(es, KindClosed) == 1 })
	c := s.Counters()
	if c.BytesIn != 10<<20 || c.BytesOut != 10<<20 || !hasText(es, KindClosed, reasonBothDone) {
		t.Errorf("counters %+v\n%s", c, dump(es))
	}
}

// A FIN travels each way, after the data before it, and the other
// direction goes on.
func TestRelayHalfClose(t *testing.T) {
	testkit.NoLeaks(t)
	t.Run("the client finishes first", func(t *testing.T) {
		target := tcpTarget(t, func(c net.Conn) {
			b, _ := io.ReadAll(c)
			time.Sleep(50 * time.Millisecond)
			c.Write([]byte("reply after your FIN: " + string(b)))
		})
		s := relayTo(t, "tcp://127.0.0.1:0", target)
		c := dialRelay(t, s)
		c.Write([]byte("question"))
		c.(*net.TCPConn).CloseWrite()
		got, err := io.ReadAll(c)
		if err != nil || string(got) != "reply after your FIN: question" {
			t.Fatalf("client read %q, %v", got, err)
		}
	})
	t.Run("the target finishes first", func(t *testing.T) {
		gotAll := make(chan string, 1)
		target := tcpTarget(t, func(c net.Conn) {
			c.Write([]byte("banner"))
			c.(*net.TCPConn).CloseWrite()
			b, _ := io.ReadAll(c)
			gotAll <- string(b)
		})
		s := relayTo(t, "tcp://127.0.0.1:0", target)
		c := dialRelay(t, s)
		got, err := io.ReadAll(c) // the target's FIN ends it
		if err != nil || string(got) != "banner" {
			t.Fatalf("client read %q, %v", got, err)
		}
		c.Write([]byte("still sending after the target's FIN"))
		c.(*net.TCPConn).CloseWrite()
		select {
		case b := <-gotAll:
			if b != "still sending after the target's FIN" {
				t.Errorf("target got %q", b)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the target got no FIN")
		}
		waitLog(t, s, "both done", func(es []Entry) bool { return hasText(es, KindClosed, reasonBothDone) })
	})
}

// A reset travels as a reset, either way.
func TestRelayResetTravels(t *testing.T) {
	testkit.SkipOnWine(t, testkit.WineAbortiveClose)
	testkit.NoLeaks(t)
	t.Run("the client resets (python3, SO_LINGER 0)", func(t *testing.T) {
		testkit.Need(t, "python3")
		readErr := make(chan error, 1)
		target := tcpTarget(t, func(c net.Conn) {
			c.SetReadDeadline(time.Now().Add(10 * time.Second))
			_, err := io.Copy(io.Discard, c)
			readErr <- err
		})
		s := relayTo(t, "tcp://127.0.0.1:0", target)
		py := `import socket, struct, sys, time
host, port = sys.argv[1].rsplit(":", 1)
s = socket.create_connection((host, int(port)))
s.sendall(b"x" * 1000)
time.sleep(0.3)
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()`
		if out, err := exec.Command("python3", "-c", py, s.Addr().String()).CombinedOutput(); err != nil {
			t.Fatalf("python3: %v %s", err, out)
		}
		select {
		case err := <-readErr:
			if !netcore.IsReset(err) {
				t.Errorf("the target read %v, want a reset", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the target saw no end")
		}
		waitLog(t, s, "reset logged", func(es []Entry) bool { return hasText(es, KindClosed, reasonClientReset) })
	})
	t.Run("the target resets", func(t *testing.T) {
		target := tcpTarget(t, func(c net.Conn) {
			c.Write([]byte("bye"))
			time.Sleep(100 * time.Millisecond)
			c.(*net.TCPConn).SetLinger(0)
		})
		s := relayTo(t, "tcp://127.0.0.1:0", target)
		c := dialRelay(t, s)
		_, err := io.ReadAll(c)
		if !netcore.IsReset(err) {
			t.Errorf("the client read %v, want a reset", err)
		}
		waitLog(t, s, "reset logged", func(es []Entry) bool { return hasText(es, KindClosed, reasonTargetReset) })
	})
	t.Run("we reset the pair", func(t *testing.T) {
		readErr := make(chan error, 1)
		target := tcpTarget(t, func(c net.Conn) {
			_, err := io.Copy(io.Discard, c)
			readErr <- err
		})
		s := relayTo(t, "tcp://127.0.0.1:0", target)
		c := dialRelay(t, s)
		es := waitLog(t, s, "target", func(es []Entry) bool { return hasText(es, KindInfo, "connected to target") })
		if err := s.AbortPeer(es[len(es)-1].Peer); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadAll(c); !netcore.IsReset(err) {
			t.Errorf("client: %v, want a reset", err)
		}
		if err := <-readErr; !netcore.IsReset(err) {
			t.Errorf("target: %v, want a reset", err)
		}
	})
}

// A target that refuses closes the client's connection, in one sentence.
func TestRelayTargetRefuses(t *testing.T) {
	testkit.NoLeaks(t)
	port := testkit.FreePort(t, "tcp")
	s := relayTo(t, "tcp://127.0.0.1:0", fmt.Sprintf("tcp://127.0.0.1:%d", port))
	c := dialRelay(t, s)
	if b, err := io.ReadAll(c); len(b) != 0 || err != nil {
		t.Errorf("client read %q, %v; want a plain close", b, err)
	}
	want := fmt.Sprintf("target 127.0.0.1:%d refused the connection; closed the client's connection", port)
	es := waitLog(t, s, "the refusal", func(es []Entry) bool { return hasText(es, KindClosed, "") && hasText(es, KindError, want) })
	if len(s.Peers()) != 0 {
		t.Errorf("peers left: %+v\n%s", s.Peers(), dump(es))
	}
}

// One connected socket to the target per client address, replies back to
// the right client.
func TestRelayUDP(t *testing.T) {
	testkit.NeedUDP(t)
	testkit.NoLeaks(t)
	tc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	sources := make(chan string, 16)
	go func() {
		b := make([]byte, 2048)
		for {
			n, from, err := tc.ReadFrom(b)
			if err != nil {
				return
			}
			sources <- from.String()
			tc.WriteTo(append([]byte("echo "), b[:n]...), from)
		}
	}()
	s := relayTo(t, "udp://127.0.0.1:0", "udp://"+tc.LocalAddr().String())
	seen := map[string]bool{}
	for i := 0; i < 3; i++ {
		c, err := net.Dial("udp", s.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		for j := 0; j < 2; j++ {
			msg := fmt.Sprintf("client %d datagram %d", i, j)
			c.Write([]byte(msg))
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			b := make([]byte, 2048)
			n, err := c.Read(b)
			if err != nil || string(b[:n]) != "echo "+msg {
				t.Fatalf("client %d read %q, %v", i, b[:n], err)
			}
			seen[<-sources] = true
		}
	}
	if len(seen) != 3 {
		t.Errorf("the target saw %d source addresses, want one per client: %v", len(seen), seen)
	}
	if ps := s.Peers(); len(ps) != 3 || ps[0].Target == "" || ps[0].TargetLocal == "" || ps[0].Counters.BytesIn == 0 || ps[0].Counters.BytesOut == 0 {
		t.Errorf("peers %+v", ps)
	}
}

// unix to tcp.
func TestRelayUnixToTCP(t *testing.T) {
	testkit.NeedUnixSockets(t)
	testkit.NoLeaks(t)
	target := tcpTarget(t, func(c net.Conn) {
		b, _ := io.ReadAll(c)
		c.Write(bytes.ToUpper(b))
	})
	path := sockPath(t, "r.sock")
	s := relayTo(t, unixURL(netcore.SchemeUnix, path), target)
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	c.Write([]byte("over a unix socket"))
	c.(*net.UnixConn).CloseWrite()
	if got, err := io.ReadAll(c); err != nil || string(got) != "OVER A UNIX SOCKET" {
		t.Fatalf("read %q, %v", got, err)
	}
	waitLog(t, s, "the end", func(es []Entry) bool { return hasText(es, KindClosed, reasonBothDone) })
}

// A tls:// listening side with a self-signed certificate, to a tls://
// target: the relay sees the plain bytes of both.
func TestRelayTLSBothSides(t *testing.T) {
	testkit.NoLeaks(t)
	cert, _, _, err := netcore.SelfSigned([]string{"127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		b := make([]byte, 100)
		n, _ := c.Read(b)
		c.Write(append([]byte("tls target got "), b[:n]...))
		c.(*tls.Conn).CloseWrite()
		io.Copy(io.Discard, c)
	}()
	s := relayTo(t, "tls://127.0.0.1:0", "tls://"+ln.Addr().String(), func(c *Config) {
		c.TLS = &netcore.TLSOptions{SelfSigned: []string{"127.0.0.1"}}
		c.TargetTLS = &netcore.TLSOptions{Insecure: true}
	})
	c, err := tls.Dial("tcp", s.Addr().String(), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	c.Write([]byte("secret"))
	b := make([]byte, 100)
	n, err := io.ReadFull(c, b[:len("tls target got secret")])
	if err != nil || string(b[:n]) != "tls target got secret" {
		t.Fatalf("read %q, %v", b[:n], err)
	}
	es := waitLog(t, s, "both handshakes", func(es []Entry) bool { return hasText(es, KindInfo, "target: TLS handshake done") })
	if string(joined(es, KindDataIn)) != "secret" {
		t.Errorf("log:\n%s", dump(es))
	}
	if ps := s.Peers(); len(ps) != 1 || ps[0].TLS == nil || ps[0].TargetTLS == nil {
		t.Errorf("peers %+v", ps)
	}
}

func lineRules(t *testing.T, src string) *rules.Set {
	t.Helper()
	l, err := rules.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	set, err := rules.Compile(l)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// Rules rewrite or drop messages of one direction; the others go as read.
func TestRelayRules(t *testing.T) {
	testkit.NoLeaks(t)
	toTarget := make(chan string, 1)
	target := tcpTarget(t, func(c net.Conn) {
		c.Write([]byte("hello\nsecret 42\nbye\n"))
		c.(*net.TCPConn).CloseWrite()
		b, _ := io.ReadAll(c)
		toTarget <- string(b)
	})
	set := lineRules(t, "text:PING => PONG [from=client]\nprefix:secret => [from=target drop]\ntext:hello => HELLO [from=target]\ntext:keep => dropped? [from=target]")
	fr, _ := framing.Parse("line")
	s := relayTo(t, "tcp://127.0.0.1:0", target, func(c *Config) { c.Rules, c.Framing = set, fr })
	c := dialRelay(t, s)
	c.Write([]byte("PING\nkeep\n"))
	c.Write([]byte("PING\n"))
	c.(*net.TCPConn).CloseWrite()
	got, err := io.ReadAll(c)
	if err != nil || string(got) != "HELLO\nbye\n" {
		t.Errorf("client got %q, %v", got, err)
	}
	if b := <-toTarget; b != "PONG\nkeep\nPONG\n" {
		t.Errorf("target got %q", b)
	}
	es := waitLog(t, s, "the end", func(es []Entry) bool { return count(es, KindClosed) == 1 })
	for _, w := range []string{"rule 1 rewrote a message from the client (4 bytes) into 5 bytes for the target", "rule 2 dropped a message from the target (9 bytes)", "rule 3 rewrote a message from the target"} {
		if !hasText(es, KindInfo, w) {
			t.Errorf("no %q:\n%s", w, dump(es))
		}
	}
	if h := s.RuleHits(); h.Rules[0] != 2 || h.Rules[1] != 1 || h.Rules[2] != 1 || h.Rules[3] != 0 {
		t.Errorf("hits %+v", h)
	}
	// The log still shows what each side really sent.
	if string(joined(es, KindDataOut)) != "hello\nsecret 42\nbye\n" || count(es, KindMessageOut) != 3 || count(es, KindMessage) != 3 {
		t.Errorf("log:\n%s", dump(es))
	}
}

// Without a framing a chunk is the message: rules see it whole.
func TestRelayRulesRaw(t *testing.T) {
	toTarget := make(chan string, 1)
	target := tcpTarget(t, func(c net.Conn) {
		b, _ := io.ReadAll(c)
		toTarget <- string(b)
	})
	s := relayTo(t, "tcp://127.0.0.1:0", target, func(c *Config) { c.Rules = lineRules(t, `re:pass=\w+ => pass=*** [from=client]`) })
	c := dialRelay(t, s)
	c.Write([]byte("user=a pass=b"))
	waitLog(t, s, "the rewrite", func(es []Entry) bool { return hasText(es, KindInfo, "rule 1 rewrote") })
	c.Write([]byte("other"))
	c.(*net.TCPConn).CloseWrite()
	if b := <-toTarget; b != "pass=***other" {
		t.Errorf("target got %q", b)
	}
}

// The hold queues messages of one direction until released, one or all,
// in order; the other direction goes on.
func TestRelayHoldAndRelease(t *testing.T) {
	testkit.NoLeaks(t)
	got := make(chan []byte, 64)
	target := tcpTarget(t, func(c net.Conn) {
		c.Write([]byte("welcome\n"))
		b := make([]byte, 1024)
		for {
			n, err := c.Read(b)
			if n > 0 {
				got <- append([]byte(nil), b[:n]...)
			}
			if err != nil {
				close(got)
				return
			}
		}
	})
	fr, _ := framing.Parse("line")
	s := relayTo(t, "tcp://127.0.0.1:0", target, func(c *Config) { c.Framing = fr })
	s.Hold(true, true)
	c := dialRelay(t, s)
	w := make([]byte, 8)
	if _, err := io.ReadFull(c, w); err != nil || string(w) != "welcome\n" {
		t.Fatalf("the other direction is not held: %q %v", w, err)
	}
	c.Write([]byte("one\ntwo\n"))
	c.Write([]byte("three\n"))
	testkit.Eventually(t, "three held", func() bool { a, _ := s.Held(); return a == 3 })
	if _, b := s.Held(); b != 0 {
		t.Fatalf("%d held toward the client, where nothing is held", b)
	}
	select {
	case b := <-got:
		t.Fatalf("the target got %q while held", b)
	case <-time.After(100 * time.Millisecond):
	}
	if n := s.Release(true, 1); n != 1 {
		t.Fatalf("Release(1) = %d", n)
	}
	if b := <-got; string(b) != "one\n" {
		t.Fatalf("first release: %q", b)
	}
	if a, _ := s.Held(); a != 2 {
		t.Fatalf("held after one: %d", a)
	}
	c.(*net.TCPConn).CloseWrite() // the FIN waits behind what is held
	select {
	case b, ok := <-got:
		t.Fatalf("the target got %q (%v) before the release", b, ok)
	case <-time.After(100 * time.Millisecond):
	}
	if n := s.Release(true, 0); n != 2 {
		t.Fatalf("Release(all) = %d", n)
	}
	var rest []byte
	for b := range got {
		rest = append(rest, b...)
	}
	if string(rest) != "two\nthree\n" {
		t.Errorf("after release: %q", rest)
	}
	if a, b := s.Held(); a != 0 || b != 0 {
		t.Errorf("held %d %d", a, b)
	}
}

// Closing with held data says how much was dropped.
func TestRelayCloseWithHeldData(t *testing.T) {
	target := tcpTarget(t, func(c net.Conn) { io.Copy(io.Discard, c) })
	s := relayTo(t, "tcp://127.0.0.1:0", target)
	s.Hold(true, true)
	c := dialRelay(t, s)
	c.Write([]byte("0123456789"))
	testkit.Eventually(t, "held", func() bool { a, _ := s.Held(); return a == 1 })
	s.Close()
	es := entries(s.Log())
	if !hasText(es, KindError, "dropped 10 bytes in 1 messages from the client (1 of them held)") || !hasText(es, KindError, "in all, 10 bytes in 1 messages") {
		t.Errorf("log:\n%s", dump(es))
	}
}

// A slow reader slows the sender: every byte arrives, and what the relay
// holds meanwhile stays bounded (the sender's writes block).
func TestRelayBackpressure(t *testing.T) {
	testkit.NoLeaks(t)
	const total = 64 << 20
	release := make(chan struct{})
	sum := make(chan string, 1)
	target := tcpTarget(t, func(c net.Conn) {
		<-release
		h := sha256.New()
		n, _ := io.Copy(h, c)
		sum <- fmt.Sprintf("%d %x", n, h.Sum(nil))
	})
	s := relayTo(t, "tcp://127.0.0.1:0", target)
	c := dialRelay(t, s)
	data := make([]byte, total)
	rand.New(rand.NewSource(3)).Read(data)
	var sent int
	c.SetWriteDeadline(time.Now().Add(time.Second))
	for sent < total {
		n, err := c.Write(data[sent:min(sent+1<<20, total)])
		sent += n
		if err != nil {
			break
		}
	}
	if sent > 40<<20 {
		t.Errorf("the client wrote %d MiB while the target read nothing: the relay is buffering", sent>>20)
	}
	t.Logf("written before the target read: %.1f MiB", float64(sent)/(1<<20))
	close(release)
	c.SetWriteDeadline(time.Now().Add(20 * time.Second))
	if _, err := c.Write(data[sent:]); err != nil {
		t.Fatal(err)
	}
	c.(*net.TCPConn).CloseWrite()
	if got, want := <-sum, fmt.Sprintf("%d %x", total, sha256.Sum256(data)); got != want {
		t.Errorf("target got %s, want %s", got, want)
	}
}

// A relay's recording holds each client's side as one conversation: what
// the client sent and what the target sent back, ended as it ended.
func TestRelayRecording(t *testing.T) {
	testkit.Need(t, "tshark")
	target := tcpTarget(t, func(c net.Conn) {
		b, _ := io.ReadAll(c)
		c.Write(append([]byte("target says: "), b...))
	})
	s, err := New(Config{Role: Relay, Endpoint: ep(t, "tcp://127.0.0.1:0"), Target: ep(t, target)})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(testkit.TempDir(t), "relay.pcapng")
	rec, err := s.Record(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := dialRelay(t, s)
	c.Write([]byte("question"))
	c.(*net.TCPConn).CloseWrite()
	io.ReadAll(c)
	waitLog(t, s, "the end", func(es []Entry) bool { return count(es, KindClosed) == 1 })
	s.Close()
	if err := rec.Stop(); err != nil {
		t.Fatal(err)
	}
	client, server := testkit.TsharkFollow(t, file, "tcp", 0)
	if string(client) != "question" || string(server) != "target says: question" {
		t.Errorf("tshark follows %q and %q", client, server)
	}
	recordedClean(t, file, false)
}

// Held data is bounded too: past the lane's budget the relay stops
// reading the held side, and releasing lets every byte through, in order.
func TestRelayHoldIsBounded(t *testing.T) {
	testkit.NoLeaks(t)
	const total = 48 << 20
	sum := make(chan string, 1)
	target := tcpTarget(t, func(c net.Conn) {
		h := sha256.New()
		n, _ := io.Copy(h, c)
		sum <- fmt.Sprintf("%d %x", n, h.Sum(nil))
	})
	s := relayTo(t, "tcp://127.0.0.1:0", target)
	s.Hold(true, true)
	c := dialRelay(t, s)
	data := make([]byte, total)
	rand.New(rand.NewSource(4)).Read(data)
	sent := 0
	c.SetWriteDeadline(time.Now().Add(time.Second))
	for sent < total {
		n, err := c.Write(data[sent:min(sent+1<<20, total)])
		sent += n
		if err != nil {
			break
		}
	}
	held, _ := s.Held()
	t.Logf("written while held: %.1f MiB, %d chunks held", float64(sent)/(1<<20), held)
	if sent >= total || held == 0 {
		t.Fatalf("the held side was not slowed: %d bytes written, %d held", sent, held)
	}
	s.Hold(true, false) // releases everything held, and lets the rest through
	c.SetWriteDeadline(time.Now().Add(20 * time.Second))
	if _, err := c.Write(data[sent:]); err != nil {
		t.Fatal(err)
	}
	c.(*net.TCPConn).CloseWrite()
	if got, want := <-sum, fmt.Sprintf("%d %x", total, sha256.Sum256(data)); got != want {
		t.Errorf("target got %s, want %s", got, want)
	}
}
