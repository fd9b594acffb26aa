package netcore

import (
	"context"
	"errors"
	"net"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/sockplay/sockplay/internal/testkit"
)

// A bind refused with "address already in use" keeps Go's words and type
// and tells whether SO_REUSEADDR was on, so the caller can advise about
// TIME_WAIT. On Windows a socket with SO_REUSEADDR binding over one without
// is refused as access denied instead (ErrBindDenied; see
// TestPortSharingWindows).
func TestBindReuseAddr(t *testing.T) {
	windows := runtime.GOOS == "windows"
	tcp, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer tcp.Close()
	on, off := true, false
	tests := []struct {
		name   string
		url    string
		reuse  *bool
		wantOn bool
		denied bool // Windows: ErrBindDenied rather than "in use"
	}{
		{"tcp server, default", "tcp://" + tcp.Addr().String(), nil, !windows, false},
		{"tcp server, SO_REUSEADDR off", "tcp://" + tcp.Addr().String(), &off, false, false},
		{"tcp server, SO_REUSEADDR on", "tcp://" + tcp.Addr().String(), &on, true, windows},
		{"udp server, default", "udp", nil, false, false},
		{"udp server, SO_REUSEADDR on", "udp", &on, true, windows},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := tt.url
			if url == "udp" {
				testkit.NeedUDP(t)
				udp, err := net.ListenPacket("udp4", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				defer udp.Close()
				url = "udp://" + udp.LocalAddr().String()
			}
			ep, err := ParseEndpoint(url)
			if err != nil {
				t.Fatal(err)
			}
			o := Options{ReuseAddr: tt.reuse}
			if ep.Stream() {
				var ln net.Listener
				if ln, err = Listen(context.Background(), ep, o); ln != nil {
					ln.Close()
				}
			} else {
				var pc net.PacketConn
				if pc, err = ListenPacket(context.Background(), ep, o); pc != nil {
					pc.Close()
				}
			}
			if tt.denied {
				if !errors.Is(err, ErrBindDenied) || IsAddrInUse(err) {
					t.Fatalf("%v; want ErrBindDenied (Windows: the holder did not allow sharing)", err)
				}
				return
			}
			prefix := "listen " + ep.Network() + " " + ep.Addr() + ": bind: "
			if err == nil || !strings.HasPrefix(err.Error(), prefix) {
				t.Fatalf("error %v, want %q...", err, prefix)
			}
			if want := prefix + "address already in use"; !windows && err.Error() != want {
				t.Fatalf("error %v, want %q", err, want)
			}
			var op *net.OpError
			if !IsAddrInUse(err) || !errors.As(err, &op) {
				t.Errorf("%v: IsAddrInUse %v, *net.OpError %v", err, IsAddrInUse(err), op != nil)
			}
			if !windows && !errors.Is(err, syscall.EADDRINUSE) {
				t.Errorf("%v does not match syscall.EADDRINUSE", err)
			}
			gotOn, known := BindReuseAddr(err)
			if !known || gotOn != tt.wantOn {
				t.Errorf("BindReuseAddr = %v, %v; want %v, true", gotOn, known, tt.wantOn)
			}
		})
	}
	if _, known := BindReuseAddr(errors.New("other")); known {
		t.Error("BindReuseAddr knows about an unrelated error")
	}
}

// Asking for a backlog never fails a listen: where the system cannot take
// it (Windows), BacklogUnsupported says why, matching ErrUnsupported.
func TestBacklogNeverFailsListen(t *testing.T) {
	ln := listen(t, "tcp://127.0.0.1:0", Options{Backlog: 5})
	ch := acceptOne(t, ln)
	dial(t, endpointOf(t, ln.Addr()), Options{})
	accepted(t, ch)
	err := BacklogUnsupported()
	switch {
	case runtime.GOOS == "windows" && (!errors.Is(err, ErrUnsupported) || !strings.HasPrefix(err.Error(), "listen backlog: not supported on this system: Windows takes")):
		t.Errorf("BacklogUnsupported() = %v", err)
	case runtime.GOOS != "windows" && err != nil:
		t.Errorf("BacklogUnsupported() = %v, want nil", err)
	}
}
