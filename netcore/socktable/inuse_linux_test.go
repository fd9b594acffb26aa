package socktable

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testpeer"
	"github.com/sockplay/sockplay/netcore"
)

// bindNoReuse binds a TCP socket to addr without SO_REUSEADDR, as a C or
// Python server does by default, and returns the bind error.
func bindNoReuse(t *testing.T, addr netip.AddrPort) error {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	return syscall.Bind(fd, &syscall.SockaddrInet4{Port: int(addr.Port()), Addr: addr.Addr().As4()})
}

func TestExplainAddrInUse(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	t.Run("python3 listener", func(t *testing.T) {
		port, cmd := testpeer.HoldTCPPort(t)
		addr := netip.MustParseAddrPort("127.0.0.1:" + port)
		_, lerr := net.Listen("tcp", addr.String())
		if !errors.Is(lerr, syscall.EADDRINUSE) {
			t.Fatalf("listen on python's port: %v, want EADDRINUSE", lerr)
		}
		err := ExplainAddrInUse(ctx, "tcp", addr, lerr)
		want := regexp.MustCompile(fmt.Sprintf(`^%s is already in use by python3[.0-9]* \(pid %d\)$`, regexp.QuoteMeta(addr.String()), cmd.Process.Pid))
		if !want.MatchString(err.Error()) {
			t.Errorf("got %q, want %s", err, want)
		}
		if !errors.Is(err, syscall.EADDRINUSE) {
			t.Errorf("%v does not match EADDRINUSE", err)
		}
	})
	// A TIME_WAIT connection holds the port: the advice depends on whether
	// the refused bind had SO_REUSEADDR on, and on whose port it was.
	off := false
	listenOff := func(t *testing.T, addr netip.AddrPort) error {
		ln, err := netcore.Listen(ctx, netcore.Endpoint{Scheme: netcore.SchemeTCP, Host: addr.Addr().String(), Port: int(addr.Port())}, netcore.Options{ReuseAddr: &off})
		if err == nil {
			ln.Close()
		}
		return err
	}
	listenDefault := func(t *testing.T, addr netip.AddrPort) error {
		ln, err := netcore.Listen(ctx, netcore.Endpoint{Scheme: netcore.SchemeTCP, Host: addr.Addr().String(), Port: int(addr.Port())}, netcore.Options{})
		if err == nil {
			ln.Close()
		}
		return err
	}
	for _, tt := range []struct {
		name       string
		clientPort bool // the TIME_WAIT is a client's (no SO_REUSEADDR), not a server's
		bind       func(*testing.T, netip.AddrPort) error
		want       string // after the address
	}{
		{"server's port, a bind without SO_REUSEADDR (unknown to netcore)", false, bindNoReuse,
			" is in use by a socket in TIME_WAIT; wait for it to expire (about 60 s), choose another port, or enable SO_REUSEADDR if it is off"},
		{"server's port, netcore listen with SO_REUSEADDR off", false, listenOff,
			" is in use by a socket in TIME_WAIT; enable SO_REUSEADDR"},
		{"client's port, netcore listen with SO_REUSEADDR on (the default)", true, listenDefault,
			" is held by a connection in TIME_WAIT even with SO_REUSEADDR on; wait for it to expire (about 60 s) or choose another port"},
		{"client's port, netcore listen with SO_REUSEADDR off", true, listenOff,
			" is in use by a socket in TIME_WAIT; enable SO_REUSEADDR"},
	} {
		t.Run("TIME_WAIT, "+tt.name, func(t *testing.T) {
			addr := timeWaitPort(t, tt.clientPort)
			var berr error
			waitFor(t, "bind refused by TIME_WAIT", func() (bool, string) {
				berr = tt.bind(t, addr)
				return errors.Is(berr, syscall.EADDRINUSE), fmt.Sprint(berr)
			})
			err := ExplainAddrInUse(ctx, "tcp", addr, berr)
			if want := addr.String() + tt.want; err.Error() != want {
				t.Errorf("got  %q\nwant %q", err, want)
			}
			var e *AddrInUseError
			if !errors.As(err, &e) || e.State != TimeWait || !errors.Is(err, syscall.EADDRINUSE) {
				t.Errorf("errors.As: %#v, EADDRINUSE %v", e, errors.Is(err, syscall.EADDRINUSE))
			}
		})
	}
}

// timeWaitPort leaves a loopback port held only by a connection in
// TIME_WAIT: the server's listening port, or (clientPort) the client's
// ephemeral port, whose socket never had SO_REUSEADDR.
func timeWaitPort(t *testing.T, clientPort bool) netip.AddrPort {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	first, second := s, c // the side that closes first waits
	if clientPort {
		first, second = c, s
	}
	addr := addrPort(t, first.LocalAddr())
	first.Close()
	second.Read(make([]byte, 1))
	second.Close()
	return addr
}

func TestDestroyTCP(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ net, addr string }{{"tcp4", "127.0.0.1:0"}, {"tcp6", "[::1]:0"}} {
		t.Run(tc.net, func(t *testing.T) {
			c, s := tcpPair(t, tc.net, tc.addr)
			local, peer := addrPort(t, s.LocalAddr()), addrPort(t, s.RemoteAddr())
			err := DestroyTCP(ctx, local, peer)
			if err != nil {
				if strings.Contains(err.Error(), "CAP_NET_ADMIN") || strings.Contains(err.Error(), "CONFIG_INET_DIAG_DESTROY") {
					t.Skipf("refused, and said why: %v", err)
				}
				t.Fatal(err)
			}
			if _, err := LookupTCP(ctx, local, peer); !errors.Is(err, ErrNotFound) {
				t.Errorf("after destroy, lookup: %v, want ErrNotFound", err)
			}
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := c.Read(make([]byte, 1)); !errors.Is(err, syscall.ECONNRESET) {
				t.Errorf("peer read after destroy: %v, want a reset", err)
			}
			if err := DestroyTCP(ctx, local, peer); !errors.Is(err, ErrNotFound) {
				t.Errorf("second destroy: %v, want ErrNotFound", err)
			}
		})
	}
}
