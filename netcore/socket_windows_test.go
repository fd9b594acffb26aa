package netcore

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/testkit"
)

// What Effective says on Windows: the values Winsock reports, and what
// SO_REUSEADDR, SO_EXCLUSIVEADDRUSE and the backlog mean there.
func TestEffectiveOptionsWindows(t *testing.T) {
	tests := []struct {
		name   string
		url    string
		o      Options
		server bool
		want   map[string]string
	}{
		{"defaults client", "tcp://127.0.0.1:0", Options{}, false, map[string]string{
			"SO_REUSEADDR": "off", "TCP_NODELAY": "on", "SO_KEEPALIVE": "off",
			"SO_EXCLUSIVEADDRUSE": "off (Windows' default)",
			"SO_LINGER":           "off (close sends FIN, the system finishes sending in the background)"}},
		{"defaults server", "tcp://127.0.0.1:0", Options{}, true, map[string]string{
			"SO_REUSEADDR": "off", "backlog": "SOMAXCONN, the system's maximum (Go's default)"}},
		{"reuseaddr on", "tcp://127.0.0.1:0", Options{ReuseAddr: ptr(true)}, true, map[string]string{
			"SO_REUSEADDR": "on (Windows: another socket with SO_REUSEADDR can share this port, and which one gets a connection is undefined)"}},
		{"exclusive", "tcp://127.0.0.1:0", Options{ExclusiveAddr: true}, true, map[string]string{
			"SO_EXCLUSIVEADDRUSE": "on (no other socket can bind this port, not even one with SO_REUSEADDR or a more specific address)"}},
		{"backlog asked", "tcp://127.0.0.1:0", Options{Backlog: 17}, true, map[string]string{
			"backlog": "SOMAXCONN, the system's maximum (asked 17, which Windows cannot apply: it takes the backlog only in the first listen(), which Go makes)"}},
		{"nodelay off", "tcp://127.0.0.1:0", Options{NoDelay: ptr(false)}, false, map[string]string{"TCP_NODELAY": "off"}},
		{"linger 0", "tcp://127.0.0.1:0", Options{Linger: ptr(0)}, false, map[string]string{"SO_LINGER": "on, 0s (close sends RST)"}},
		{"linger 5", "tcp://127.0.0.1:0", Options{Linger: ptr(5)}, false, map[string]string{"SO_LINGER": "on, 5s (close waits up to that long for unsent data)"}},
		{"ttl", "tcp://127.0.0.1:0", Options{TTL: 7}, false, map[string]string{"IP_TTL": "7"}},
		{"hops v6", "tcp://[::1]:0", Options{TTL: 9}, false, map[string]string{"IPV6_UNICAST_HOPS": "9"}},
		{"rcvbuf", "tcp://127.0.0.1:0", Options{RecvBuffer: 65536}, false, map[string]string{"SO_RCVBUF": "65536"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			so, co := Options{}, tt.o
			if tt.server {
				so, co = tt.o, Options{}
			}
			ln := listen(t, tt.url, so)
			ch := acceptOne(t, ln)
			c := dial(t, endpointOf(t, ln.Addr()), co)
			accepted(t, ch)
			got := effectiveMap(t, c)
			if tt.server {
				got = effectiveMap(t, ln)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q (all: %v)", k, got[k], v, got)
				}
			}
		})
	}
}

// Who may bind a port another socket holds, on Windows (Vista and later):
// nobody by default (WSAEADDRINUSE, as on Linux); a socket with
// SO_REUSEADDR only when the holder has it too (else WSAEACCES, which the
// error explains); nobody at all when the holder has SO_EXCLUSIVEADDRUSE.
func TestPortSharingWindows(t *testing.T) {
	tests := []struct {
		name          string
		holder, other Options
		inUse, denied bool // the second bind fails as "in use", or as ErrBindDenied
		reuseOn       bool // BindReuseAddr for an in-use error
	}{
		{"neither has options", Options{}, Options{}, true, false, false},
		{"only the second has SO_REUSEADDR", Options{}, Options{ReuseAddr: ptr(true)}, false, true, false},
		{"only the holder has SO_REUSEADDR", Options{ReuseAddr: ptr(true)}, Options{}, true, false, false},
		{"holder has SO_EXCLUSIVEADDRUSE", Options{ExclusiveAddr: true}, Options{ReuseAddr: ptr(true)}, false, true, false},
		{"both have SO_EXCLUSIVEADDRUSE", Options{ExclusiveAddr: true}, Options{ExclusiveAddr: true}, true, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			holder := listen(t, "tcp://127.0.0.1:0", tt.holder)
			ep := endpointOf(t, holder.Addr())
			ln, err := Listen(context.Background(), ep, tt.other)
			if err == nil {
				ln.Close()
				t.Fatal("the second bind succeeded")
			}
			if IsAddrInUse(err) != tt.inUse || errors.Is(err, ErrBindDenied) != tt.denied {
				t.Fatalf("%v: IsAddrInUse %v, ErrBindDenied %v", err, IsAddrInUse(err), errors.Is(err, ErrBindDenied))
			}
			if !strings.HasPrefix(err.Error(), "listen tcp "+ep.Addr()+": bind: ") {
				t.Errorf("error %q does not name the bind", err)
			}
			if tt.denied && !strings.Contains(err.Error(), "SO_REUSEADDR on both, SO_EXCLUSIVEADDRUSE on neither") {
				t.Errorf("error %q does not say what to check", err)
			}
			if on, known := BindReuseAddr(err); tt.inUse && (!known || on != tt.reuseOn) {
				t.Errorf("BindReuseAddr = %v, %v; want %v, known", on, known, tt.reuseOn)
			}
		})
	}
	t.Run("both have SO_REUSEADDR", func(t *testing.T) {
		testkit.SkipOnWine(t, "Wine 8 refuses a second listening TCP socket on a port (Access denied) even when both have SO_REUSEADDR, where Windows lets them share it")
		holder := listen(t, "tcp://127.0.0.1:0", Options{ReuseAddr: ptr(true)})
		ln, err := Listen(context.Background(), endpointOf(t, holder.Addr()), Options{ReuseAddr: ptr(true)})
		if err != nil {
			t.Fatalf("%v; Windows lets two sockets with SO_REUSEADDR share a port", err)
		}
		ln.Close()
	})
}

// Datagram Unix sockets do not exist on Windows: every way to open one
// says so, matching ErrUnsupported, before touching a socket.
func TestUnixgramOnWindows(t *testing.T) {
	ep := mustParse(t, "unixgram:///C:/Temp/d.sock")
	want := "unixgram: datagram Unix sockets do not exist on Windows, which has stream ones only (unix://)"
	_, err1 := ListenPacket(context.Background(), ep, Options{})
	_, err2 := Dial(context.Background(), ep, Options{})
	_, _, err3 := DialPacket(context.Background(), ep, Options{})
	for i, err := range []error{err1, err2, err3, Options{}.Validate(ep, false)} {
		if !errors.Is(err, ErrUnsupported) || !strings.HasSuffix(err.Error(), want) {
			t.Errorf("%d: %v, want ...%q matching ErrUnsupported", i, err, want)
		}
	}
}
