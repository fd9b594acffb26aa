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
	t.Run("TIME_WAIT", func(t *testing.T) {
		ln, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := addrPort(t, ln.Addr())
		c, err := net.Dial("tcp4", addr.String())
		if err != nil {
			t.Fatal(err)
		}
		s, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		ln.Close()
		s.Close() // the server closes first: its end, on the listening port, waits
		c.Read(make([]byte, 1))
		c.Close()
		var berr error
		waitFor(t, "bind refused by TIME_WAIT", func() (bool, string) {
			berr = bindNoReuse(t, addr)
			return errors.Is(berr, syscall.EADDRINUSE), fmt.Sprint(berr)
		})
		err = ExplainAddrInUse(ctx, "tcp", addr, berr)
		if want := addr.String() + " is in use by a socket in TIME_WAIT; enable SO_REUSEADDR"; err.Error() != want {
			t.Errorf("got %q, want %q", err, want)
		}
		var e *AddrInUseError
		if !errors.As(err, &e) || e.State != TimeWait {
			t.Errorf("errors.As: %#v", e)
		}
	})
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
