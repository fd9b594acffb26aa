package sessions

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/netcore"
)

// noLeaks fails the test if goroutines started during it outlive it.
// (goleak is not available here; this compares counts with a grace period.)
func noLeaks(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if n := runtime.NumGoroutine(); n > before {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Errorf("%d goroutines leaked (%d before, %d after):\n%s", n-before, before, n, buf)
		}
	})
}

func ep(t *testing.T, s string) netcore.Endpoint {
	t.Helper()
	e, err := netcore.ParseEndpoint(s)
	if err != nil {
		t.Fatalf("ParseEndpoint(%q): %v", s, err)
	}
	return e
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// start makes and starts a session; Close is registered as cleanup too.
func start(t *testing.T, cfg Config) *Session {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(testCtx(t)); err != nil {
		s.Close()
		t.Fatalf("start %v %s: %v", cfg.Role, cfg.Endpoint, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// serverURL turns a started server's address into a URL of its scheme.
func serverURL(s *Session) string {
	ep := s.Config().Endpoint
	if ep.Path != "" {
		return string(ep.Scheme) + "://" + ep.Path
	}
	return string(ep.Scheme) + "://" + s.Addr().String()
}

// waitLog waits until cond holds for the log's entries (all of them).
func waitLog(t *testing.T, s *Session, what string, cond func([]Entry) bool) []Entry {
	t.Helper()
	ch, unsub := s.Changed()
	defer unsub()
	deadline := time.After(10 * time.Second)
	for {
		es := entries(s.Log())
		if cond(es) {
			return es
		}
		select {
		case <-ch:
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			t.Fatalf("timed out waiting for %s; log:\n%s", what, dump(es))
		}
	}
}

func entries(l *Log) []Entry {
	var es []Entry
	l.Range(0, func(e Entry) bool {
		e.Data = append([]byte(nil), e.Data...)
		es = append(es, e)
		return true
	})
	return es
}

func dump(es []Entry) string {
	var b strings.Builder
	for _, e := range es {
		fmt.Fprintf(&b, "  #%d %s peer=%d %s %q %s\n", e.Seq, e.Kind, e.Peer, e.Addr, e.Data, e.Text)
	}
	return b.String()
}

// joined concatenates the data of every entry of kind k.
func joined(es []Entry, k EntryKind) []byte {
	var b []byte
	for _, e := range es {
		if e.Kind == k {
			b = append(b, e.Data...)
		}
	}
	return b
}

func count(es []Entry, k EntryKind) int {
	n := 0
	for _, e := range es {
		if e.Kind == k {
			n++
		}
	}
	return n
}

func hasText(es []Entry, k EntryKind, text string) bool {
	for _, e := range es {
		if e.Kind == k && strings.Contains(e.Text, text) {
			return true
		}
	}
	return false
}

func gotIn(want string) func([]Entry) bool {
	return func(es []Entry) bool { return bytes.Contains(joined(es, KindDataIn), []byte(want)) }
}

func need(t *testing.T, tool string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Skipf("%s not installed", tool)
	}
}

func sockPath(t *testing.T, name string) string {
	// t.TempDir paths can exceed the 107-byte sun_path limit.
	d, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(d, name)
	if len(p) > 100 {
		t.Skipf("temp path too long for a socket: %s", p)
	}
	return p
}

func ipv6(t *testing.T) {
	t.Helper()
	l, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	l.Close()
}

// proc runs an external peer and kills it at cleanup.
func proc(t *testing.T, name string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(name, args...)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
		if t.Failed() {
			t.Logf("%s stderr: %s", name, errb.String())
		}
	})
	return cmd
}

// freePort finds a port nobody listens on (for external servers).
func freePort(t *testing.T, network string) int {
	t.Helper()
	switch network {
	case "udp", "udp4", "udp6":
		a := "127.0.0.1:0"
		if network == "udp6" {
			a = "[::1]:0"
		}
		c, err := net.ListenPacket(network, a)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.LocalAddr().(*net.UDPAddr).Port
	}
	a := "127.0.0.1:0"
	if network == "tcp6" {
		a = "[::1]:0"
	}
	l, err := net.Listen(network, a)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// dialRetry dials a client session until the external server is up.
func dialRetry(t *testing.T, cfg Config) *Session {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		err = s.Start(testCtx(t))
		if err == nil {
			t.Cleanup(func() { s.Close() })
			return s
		}
		s.Close()
		if time.Now().After(deadline) {
			t.Fatalf("dial %s: %v", cfg.Endpoint, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// eventually polls cond for up to 10s (counters settle just after the log).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 1000; i++ {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

type (
	netOptions  = netcore.Options
	netEndpoint = netcore.Endpoint
)

var parseEP = netcore.ParseEndpoint
