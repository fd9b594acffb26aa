package sessions

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore"
)

func ep(t testing.TB, s string) netcore.Endpoint {
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

// sockPath is a path for a Unix socket in a fresh temporary folder.
func sockPath(t *testing.T, name string) string {
	// t.TempDir paths can exceed the 107-byte sun_path limit.
	d, err := filepath.EvalSymlinks(testkit.TempDir(t))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(d, name)
	if len(p) > 100 {
		t.Skipf("temp path too long for a socket: %s", p)
	}
	return p
}

// unixURL is the endpoint URL of a Unix socket path, written as this
// system writes it (unix:///tmp/s.sock; unix:///C:/Users/me/s.sock on Windows).
func unixURL(scheme netcore.Scheme, path string) string {
	return netcore.Endpoint{Scheme: scheme, Path: path}.String()
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

type (
	netOptions  = netcore.Options
	netEndpoint = netcore.Endpoint
)

var parseEP = netcore.ParseEndpoint

// dataCollector is an output keeping the bytes of one kind of data entry
// (KindDataIn or KindDataOut) it is given.
type dataCollector struct {
	kind EntryKind
	mu   sync.Mutex
	data []byte
}

func (o *dataCollector) WriteEntry(e Entry) error {
	if e.Kind == o.kind {
		o.mu.Lock()
		o.data = append(o.data, e.Data...)
		o.mu.Unlock()
	}
	return nil
}

func (o *dataCollector) Flush() error { return nil }

func (o *dataCollector) bytes() []byte {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]byte(nil), o.data...)
}

// loggedBytes is what s's log says went one way (KindDataIn or
// KindDataOut), counting sizes kept without bytes.
func loggedBytes(s *Session, k EntryKind) int64 {
	var n int64
	for _, e := range entries(s.Log()) {
		if e.Kind == k {
			n += int64(len(e.Data)) + int64(e.Bytes)
		}
	}
	return n
}
