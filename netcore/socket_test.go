package netcore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
)

func ptr[T any](v T) *T { return &v }

func mustParse(t *testing.T, s string) Endpoint {
	t.Helper()
	ep, err := ParseEndpoint(s)
	if err != nil {
		t.Fatal(err)
	}
	return ep
}

// shortDir is a temp dir whose paths stay under the 107-byte sun_path
// limit. Its cleanup gets by under Wine, where os.RemoveAll fails.
func shortDir(t *testing.T) string {
	t.Helper()
	d, err := os.MkdirTemp("", "sp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { testkit.RemoveAll(d) })
	return d
}

// unixURL is the endpoint URL of a Unix socket path, as String writes it
// on this system (unix:///C:/... on Windows).
func unixURL(sch Scheme, path string) string { return Endpoint{Scheme: sch, Path: path}.String() }

func listen(t *testing.T, url string, o Options) net.Listener {
	t.Helper()
	ln, err := Listen(context.Background(), mustParse(t, url), o)
	if err != nil {
		t.Fatalf("Listen(%s): %v", url, err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

func endpointOf(t *testing.T, a net.Addr) Endpoint {
	t.Helper()
	switch a := a.(type) {
	case *net.TCPAddr:
		return mustParse(t, "tcp://"+a.String())
	case *net.UDPAddr:
		return mustParse(t, "udp://"+a.String())
	case *net.UnixAddr:
		return Endpoint{Scheme: Scheme(a.Net), Path: a.Name}
	}
	t.Fatalf("no endpoint for %T", a)
	return Endpoint{}
}

func dial(t *testing.T, ep Endpoint, o Options) net.Conn {
	t.Helper()
	c, err := Dial(context.Background(), ep, o)
	if err != nil {
		t.Fatalf("Dial(%s): %v", ep, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// acceptOne accepts in the background and hands the connection over.
func acceptOne(t *testing.T, ln net.Listener) <-chan net.Conn {
	ch := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			close(ch)
			return
		}
		ch <- c
	}()
	return ch
}

func accepted(t *testing.T, ch <-chan net.Conn) net.Conn {
	t.Helper()
	select {
	case c, ok := <-ch:
		if !ok {
			t.Fatal("accept failed")
		}
		t.Cleanup(func() { c.Close() })
		return c
	case <-time.After(5 * time.Second):
		t.Fatal("no connection accepted")
	}
	return nil
}

func effectiveMap(t *testing.T, c any) map[string]string {
	t.Helper()
	sc, ok := c.(syscall.Conn)
	if !ok {
		t.Fatalf("%T is not a syscall.Conn", c)
	}
	vals, err := Effective(sc)
	if err != nil {
		t.Fatalf("Effective: %v", err)
	}
	m := map[string]string{}
	for _, v := range vals {
		m[v.Name] = v.Value
	}
	return m
}

func TestListenDialStreamEcho(t *testing.T) {
	d := shortDir(t)
	tests := []struct {
		url, wantAddr string
	}{
		{"tcp://:0", "127.0.0.1"}, // no host: loopback, never all interfaces
		{"tcp://127.0.0.1:0", "127.0.0.1"},
		{"tcp://[::1]:0", "[::1]"},
		{"tcp://localhost:0", "127.0.0.1"},
		{unixURL(SchemeUnix, filepath.Join(d, "e.sock")), filepath.Join(d, "e.sock")},
	}
	if abstractSupported {
		tests = append(tests, struct{ url, wantAddr string }{"unix://@sockplay-test-" + fmt.Sprint(os.Getpid()), "@sockplay-test-"})
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			if strings.HasPrefix(tt.url, "unix:") {
				testkit.NeedUnixSockets(t)
			}
			ln := listen(t, tt.url, Options{})
			if !strings.HasPrefix(ln.Addr().String(), tt.wantAddr) {
				t.Fatalf("listening on %s, want %s", ln.Addr(), tt.wantAddr)
			}
			ch := acceptOne(t, ln)
			c := dial(t, endpointOf(t, ln.Addr()), Options{})
			s := accepted(t, ch)
			go io.Copy(s, s)
			if _, err := c.Write([]byte("hello")); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 5)
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "hello" {
				t.Fatalf("echo: %q %v", buf, err)
			}
		})
	}
}

func TestDatagramEcho(t *testing.T) {
	d := shortDir(t)
	urls := []string{"udp://127.0.0.1:0", "udp://[::1]:0"}
	if unixgramUnsupported == nil {
		urls = append(urls, unixURL(SchemeUnixgram, filepath.Join(d, "g.sock")))
	}
	if unixgramUnsupported == nil && abstractSupported {
		urls = append(urls, "unixgram://@sockplay-g-"+fmt.Sprint(os.Getpid()))
	}
	for _, url := range urls {
		t.Run(url, func(t *testing.T) {
			testkit.NeedUDP(t)
			pc, err := ListenPacket(context.Background(), mustParse(t, url), Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer pc.Close()
			go func() {
				buf := make([]byte, 100)
				for {
					n, from, err := pc.ReadFrom(buf)
					if err != nil {
						return
					}
					pc.WriteTo(bytes.ToUpper(buf[:n]), from)
				}
			}()
			ep := endpointOf(t, pc.LocalAddr())
			// Connected client (for unixgram it binds a temp path so the reply reaches it).
			c := dial(t, ep, Options{})
			c.Write([]byte("ping"))
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			buf := make([]byte, 100)
			n, err := c.Read(buf)
			if err != nil || string(buf[:n]) != "PING" {
				t.Fatalf("connected reply: %q %v", buf[:n], err)
			}
			local := c.LocalAddr().String()
			c.Close()
			if ep.Scheme == SchemeUnixgram {
				if _, err := os.Lstat(local); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("client path %s still there after Close: %v", local, err)
				}
			}
			// Unconnected client.
			uc, raddr, err := DialPacket(context.Background(), ep, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer uc.Close()
			uc.WriteTo([]byte("pong"), raddr)
			uc.SetReadDeadline(time.Now().Add(5 * time.Second))
			n, _, err = uc.ReadFrom(buf)
			if err != nil || string(buf[:n]) != "PONG" {
				t.Fatalf("unconnected reply: %q %v", buf[:n], err)
			}
			if err := CloseWrite(c); !errors.Is(err, ErrUnsupported) {
				t.Errorf("CloseWrite on datagram: %v, want ErrUnsupported", err)
			}
		})
	}
}

func TestAbortResetsPeer(t *testing.T) {
	for _, how := range []string{"Abort", "Linger 0 then Close"} {
		t.Run(how, func(t *testing.T) {
			ln := listen(t, "tcp://127.0.0.1:0", Options{})
			ch := acceptOne(t, ln)
			o := Options{}
			if how != "Abort" {
				o.Linger = ptr(0)
			}
			c := dial(t, endpointOf(t, ln.Addr()), o)
			s := accepted(t, ch)
			if how == "Abort" {
				if err := Abort(c); err != nil {
					t.Fatal(err)
				}
			} else {
				c.Close()
			}
			s.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, err := s.Read(make([]byte, 10))
			if errors.Is(err, io.EOF) {
				testkit.SkipOnWine(t, testkit.WineAbortiveClose)
			}
			if !IsReset(err) {
				t.Fatalf("peer read: %v, want connection reset", err)
			}
			if r := CloseReason(err); r != "reset by peer" {
				t.Errorf("CloseReason = %q", r)
			}
		})
	}
}

func TestCloseWriteHalfClose(t *testing.T) {
	d := shortDir(t)
	for _, url := range []string{"tcp://127.0.0.1:0", "tcp://[::1]:0", unixURL(SchemeUnix, filepath.Join(d, "h.sock"))} {
		t.Run(url, func(t *testing.T) {
			if strings.HasPrefix(url, "unix:") {
				testkit.NeedUnixSockets(t)
			}
			ln := listen(t, url, Options{})
			ch := acceptOne(t, ln)
			c := dial(t, endpointOf(t, ln.Addr()), Options{})
			s := accepted(t, ch)
			c.Write([]byte("question"))
			if err := CloseWrite(c); err != nil {
				t.Fatal(err)
			}
			s.SetReadDeadline(time.Now().Add(5 * time.Second))
			got, err := io.ReadAll(s) // ends with EOF because of our FIN
			if err != nil || string(got) != "question" {
				t.Fatalf("peer read %q, %v", got, err)
			}
			if _, err := s.Read(make([]byte, 1)); CloseReason(err) != "peer closed" {
				t.Errorf("CloseReason(%v) = %q", err, CloseReason(err))
			}
			s.Write([]byte("answer")) // we can still read after our half-close
			s.Close()
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			got, err = io.ReadAll(c)
			if err != nil || string(got) != "answer" {
				t.Fatalf("read after half-close %q, %v", got, err)
			}
		})
	}
}

// socat runs `cat` on the connection: it only exits, and closes, after our
// half-close reaches it, and we still read everything it echoed.
func TestCloseWriteAgainstSocat(t *testing.T) {
	socat, err := exec.LookPath("socat")
	if err != nil {
		t.Skip("socat not installed")
	}
	port := freePort(t)
	cmd := exec.Command(socat, fmt.Sprintf("TCP-LISTEN:%d,bind=127.0.0.1,reuseaddr", port), "EXEC:cat")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	ep := mustParse(t, fmt.Sprintf("tcp://127.0.0.1:%d", port))
	var c net.Conn
	for i := 0; i < 100; i++ {
		if c, err = Dial(context.Background(), ep, Options{}); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	payload := bytes.Repeat([]byte("0123456789"), 10000)
	go func() { c.Write(payload); CloseWrite(c) }()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, err := io.ReadAll(c)
	if err != nil || !bytes.Equal(got, payload) {
		t.Fatalf("echoed %d of %d bytes, %v", len(got), len(payload), err)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// A refused connection reads the same on every system (Go's own words say
// "connect:" on Linux and "connectex:" with Windows' sentence there), keeps
// Go's *net.OpError underneath, and IsRefused and CloseReason read it.
func TestConnectRefused(t *testing.T) {
	port := freePort(t)
	_, err := Dial(context.Background(), mustParse(t, fmt.Sprintf("tcp://127.0.0.1:%d", port)), Options{})
	if err == nil {
		t.Fatal("Dial to a closed port succeeded")
	}
	// The same words on every system, and Go's error underneath.
	if want := fmt.Sprintf("connect to tcp 127.0.0.1:%d: nothing listens there (connection refused)", port); err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
	var goErr *net.OpError
	var de *DialError
	if !errors.As(err, &goErr) || !errors.As(err, &de) {
		t.Errorf("%v: not a DialError over a *net.OpError", err)
	}
	if !IsRefused(err) {
		t.Errorf("%v: IsRefused is false", err)
	}
	if IsReset(err) || IsAddrInUse(err) {
		t.Errorf("%v: IsReset or IsAddrInUse is true", err)
	}
	if r := CloseReason(err); r != "refused (nothing listening at the peer)" {
		t.Errorf("CloseReason = %q", r)
	}
	var op *net.OpError
	if !errors.As(err, &op) {
		t.Errorf("%v is not a *net.OpError", err)
	}
}

// A server that closed first leaves its side in TIME_WAIT. On Linux that
// blocks a new bind of the port unless SO_REUSEADDR is on (which servers
// get by default); on Windows TIME_WAIT never blocks a bind, so sockplay
// sets nothing there and a restart works either way.
func TestRestartAfterTimeWait(t *testing.T) {
	ln := listen(t, "tcp://127.0.0.1:0", Options{})
	ep := endpointOf(t, ln.Addr())
	ch := acceptOne(t, ln)
	c := dial(t, ep, Options{})
	s := accepted(t, ch)
	s.Close() // active close on the server side: its 4-tuple goes to TIME_WAIT
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	io.ReadAll(c)
	c.Close()
	ln.Close()
	time.Sleep(50 * time.Millisecond)

	ln2, err := Listen(context.Background(), ep, Options{ReuseAddr: ptr(false)})
	if runtime.GOOS == "windows" {
		if err != nil {
			t.Errorf("without SO_REUSEADDR: %v; Windows binds over TIME_WAIT", err)
		} else {
			ln2.Close()
		}
	} else if !IsAddrInUse(err) {
		t.Errorf("without SO_REUSEADDR: %v, want address already in use (TIME_WAIT)", err)
		if ln2 != nil {
			ln2.Close()
		}
	}
	ln3, err := Listen(context.Background(), ep, Options{})
	if err != nil {
		t.Fatalf("restart with default options: %v", err)
	}
	ln3.Close()
}

func TestUnixPathHandling(t *testing.T) {
	testkit.NeedUnixSockets(t)
	d := shortDir(t)
	lnEp := func(name string) Endpoint { return Endpoint{Scheme: SchemeUnix, Path: filepath.Join(d, name)} }

	t.Run("stale socket replaced, removed on close", func(t *testing.T) {
		ep := lnEp("stale.sock")
		old, err := net.Listen("unix", ep.Path)
		if err != nil {
			t.Fatal(err)
		}
		old.(*net.UnixListener).SetUnlinkOnClose(false)
		old.Close() // file left behind, nobody listening
		ln, err := Listen(context.Background(), ep, Options{})
		if err != nil {
			t.Fatalf("stale socket not replaced: %v", err)
		}
		ch := acceptOne(t, ln)
		c := dial(t, ep, Options{})
		accepted(t, ch)
		c.Close()
		ln.Close()
		if _, err := os.Lstat(ep.Path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("socket file still there after Close: %v", err)
		}
	})
	t.Run("live socket refused", func(t *testing.T) {
		ep := lnEp("live.sock")
		listen(t, unixURL(SchemeUnix, ep.Path), Options{})
		_, err := Listen(context.Background(), ep, Options{})
		want := "listen unix: " + ep.Path + " is in use by a listening server"
		if err == nil || err.Error() != want || !errors.Is(err, ErrPathTaken) {
			t.Fatalf("err = %v, want %q", err, want)
		}
	})
	for _, tt := range []struct {
		name, msg string
		make      func(t *testing.T, p string) error
	}{
		{"regular file", "exists and is not a socket; not removing it", func(_ *testing.T, p string) error { return os.WriteFile(p, []byte("keep me"), 0o600) }},
		{"directory", "exists and is a directory, not a socket; not removing it", func(_ *testing.T, p string) error { return os.Mkdir(p, 0o700) }},
		{"symlink", "exists and is not a socket; not removing it", func(t *testing.T, p string) error {
			target := filepath.Join(d, "target")
			if err := os.WriteFile(target, nil, 0o600); err != nil {
				return err
			}
			testkit.Symlink(t, target, p)
			return nil
		}},
	} {
		t.Run(tt.name+" never deleted", func(t *testing.T) {
			schemes := []Scheme{SchemeUnix, SchemeUnixgram}
			if unixgramUnsupported != nil {
				schemes = schemes[:1]
			}
			for _, sch := range schemes {
				ep := Endpoint{Scheme: sch, Path: filepath.Join(d, tt.name+string(sch))}
				if err := tt.make(t, ep.Path); err != nil {
					t.Fatal(err)
				}
				var err error
				if sch == SchemeUnix {
					_, err = Listen(context.Background(), ep, Options{})
				} else {
					_, err = ListenPacket(context.Background(), ep, Options{})
				}
				want := "listen " + string(sch) + ": " + ep.Path + " " + tt.msg
				if err == nil || err.Error() != want || !errors.Is(err, ErrPathTaken) {
					t.Errorf("err = %v, want %q", err, want)
				}
				if _, err := os.Lstat(ep.Path); err != nil {
					t.Errorf("%s was removed: %v", ep.Path, err)
				}
			}
		})
	}
	t.Run("unixgram server path removed on close, stale replaced", func(t *testing.T) {
		if unixgramUnsupported != nil {
			t.Skip(unixgramUnsupported)
		}
		ep := Endpoint{Scheme: SchemeUnixgram, Path: filepath.Join(d, "g.sock")}
		old, err := net.ListenPacket("unixgram", ep.Path)
		if err != nil {
			t.Fatal(err)
		}
		old.Close() // Go leaves unixgram files behind: a stale socket
		pc, err := ListenPacket(context.Background(), ep, Options{})
		if err != nil {
			t.Fatalf("stale unixgram socket not replaced: %v", err)
		}
		if _, err := ListenPacket(context.Background(), ep, Options{}); err == nil || !errors.Is(err, ErrPathTaken) {
			t.Errorf("second unixgram server on a live path: %v", err)
		}
		pc.Close()
		if _, err := os.Lstat(ep.Path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("unixgram socket file still there after Close: %v", err)
		}
	})
}

func TestLocalAddrBind(t *testing.T) {
	ln := listen(t, "tcp://127.0.0.1:0", Options{})
	ch := acceptOne(t, ln)
	port := freePort(t)
	c := dial(t, endpointOf(t, ln.Addr()), Options{LocalAddr: fmt.Sprintf("127.0.0.1:%d", port), ReuseAddr: ptr(true)})
	accepted(t, ch)
	if got := c.LocalAddr().(*net.TCPAddr).Port; got != port {
		t.Errorf("local port %d, want %d", got, port)
	}
}

func TestResolveUnknownHost(t *testing.T) {
	testkit.NoSuchNames(t)
	_, err := Dial(context.Background(), mustParse(t, "tcp://sockplay-no-such-host.invalid:80"), Options{ResolveTimeout: 2 * time.Second})
	if err == nil || !strings.HasPrefix(err.Error(), "connect to tcp sockplay-no-such-host.invalid:80: no such host (neither the hosts file nor ") || !strings.HasSuffix(err.Error(), " knows sockplay-no-such-host.invalid)") {
		t.Errorf("err = %v", err)
	}
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) || !dnsErr.IsNotFound {
		t.Errorf("%v is not a *net.DNSError saying the name is not found", err)
	}
}

func TestValidate(t *testing.T) {
	tcp, udp, unix := Endpoint{Scheme: SchemeTCP, Port: 1}, Endpoint{Scheme: SchemeUDP, Port: 1}, Endpoint{Scheme: SchemeUnix, Path: "/tmp/x"}
	tests := []struct {
		ep     Endpoint
		server bool
		o      Options
		msg    string
	}{
		{tcp, true, Options{Broadcast: true}, "SO_BROADCAST applies to udp only, not to tcp servers"},
		{udp, false, Options{NoDelay: ptr(true)}, "TCP_NODELAY applies to tcp only, not to udp clients"},
		{udp, true, Options{KeepAlive: &KeepAlive{}}, "SO_KEEPALIVE applies to tcp only, not to udp servers"},
		{unix, true, Options{Linger: ptr(0)}, "SO_LINGER applies to tcp only, not to unix servers"},
		{unix, true, Options{ReuseAddr: ptr(true)}, "SO_REUSEADDR applies to tcp and udp only, not to unix servers"},
		{unix, false, Options{ReusePort: true}, "SO_REUSEPORT applies to tcp and udp only, not to unix clients"},
		{unix, false, Options{TTL: 3}, "IP_TTL applies to tcp and udp only, not to unix clients"},
		{unix, false, Options{BindDevice: "lo"}, "SO_BINDTODEVICE applies to tcp and udp only, not to unix clients"},
		{tcp, false, Options{Multicast: &Multicast{Group: "239.1.1.1"}}, "multicast applies to udp only, not to tcp clients"},
		{udp, true, Options{Multicast: &Multicast{Group: "10.0.0.1"}}, `multicast group "10.0.0.1" is not a multicast IP address`},
		{udp, true, Options{Multicast: &Multicast{Group: "239.1.1.1", TTL: 300}}, "multicast TTL 300 is out of range 0-255"},
		{tcp, false, Options{Backlog: 5}, "backlog applies to tcp and unix servers only, not to tcp clients"},
		{udp, true, Options{Backlog: 5}, "backlog applies to tcp and unix servers only, not to udp servers"},
		{tcp, true, Options{ConnectTimeout: time.Second}, "connect timeout applies to clients only, not to tcp servers"},
		{tcp, true, Options{LocalAddr: "127.0.0.1:5"}, "LocalAddr applies to clients only; a server binds its endpoint"},
		{tcp, false, Options{LocalAddr: "127.0.0.1"}, `local address "127.0.0.1": write HOST:PORT (port 0 for any)`},
		{tcp, false, Options{RecvBuffer: -1}, "SO_RCVBUF is negative (-1)"},
		{tcp, false, Options{Linger: ptr(-2)}, "SO_LINGER is negative (-2)"},
		{tcp, false, Options{TTL: 256}, "IP_TTL 256 is out of range 1-255"},
		{tcp, false, Options{KeepAlive: &KeepAlive{Count: -1}}, "SO_KEEPALIVE idle, interval and count cannot be negative"},
		{Endpoint{Scheme: SchemeTCP}, false, Options{}, "port 0 cannot be dialled; a client needs the server's port"},
		{Endpoint{Scheme: "sctp"}, false, Options{}, `unknown scheme "sctp" (tcp, tls, udp, unix, unixgram)`},
		{unix, true, Options{ExclusiveAddr: true}, "SO_EXCLUSIVEADDRUSE applies to tcp and udp only, not to unix servers"},
		{tcp, true, Options{ExclusiveAddr: true, ReuseAddr: ptr(true)}, "SO_EXCLUSIVEADDRUSE and SO_REUSEADDR cannot both be on (Windows refuses the pair)"},
		{tcp, true, Options{}, ""},
		{udp, false, Options{Broadcast: true, TTL: 1, Multicast: &Multicast{Group: "ff02::1"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.msg, func(t *testing.T) {
			err := tt.o.Validate(tt.ep, tt.server)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.msg {
				t.Errorf("Validate = %q, want %q", got, tt.msg)
			}
		})
	}
	// SO_EXCLUSIVEADDRUSE is Windows' own: elsewhere it is refused by name.
	if runtime.GOOS != "windows" {
		_, err := Listen(context.Background(), mustParse(t, "tcp://127.0.0.1:0"), Options{ExclusiveAddr: true})
		if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "SO_EXCLUSIVEADDRUSE") {
			t.Errorf("SO_EXCLUSIVEADDRUSE off Windows: %v", err)
		}
	}
	// Listen refuses them before touching a socket, naming the endpoint.
	_, err := Listen(context.Background(), mustParse(t, "tcp://127.0.0.1:0"), Options{Broadcast: true})
	if err == nil || err.Error() != "listen tcp://127.0.0.1:0: SO_BROADCAST applies to udp only, not to tcp servers" {
		t.Errorf("Listen: %v", err)
	}
}

func TestCloseReason(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{io.EOF, "peer closed"},
		{&net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, "reset by peer"},
		{&net.OpError{Op: "read", Err: os.ErrDeadlineExceeded}, "timed out"},
		{&net.OpError{Op: "read", Err: net.ErrClosed}, "closed by you"},
		{syscall.ETIMEDOUT, "timed out"},
		{errors.New("something else"), "something else"},
	} {
		if got := CloseReason(tt.err); got != tt.want {
			t.Errorf("CloseReason(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
	// The real thing: a read deadline and our own Close.
	ln := listen(t, "tcp://127.0.0.1:0", Options{})
	ch := acceptOne(t, ln)
	c := dial(t, endpointOf(t, ln.Addr()), Options{})
	accepted(t, ch)
	c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
	_, err := c.Read(make([]byte, 1))
	if r := CloseReason(err); r != "timed out" {
		t.Errorf("deadline: %q (%v)", r, err)
	}
	c.Close()
	_, err = c.Read(make([]byte, 1))
	if r := CloseReason(err); r != "closed by you" {
		t.Errorf("after Close: %q (%v)", r, err)
	}
}
