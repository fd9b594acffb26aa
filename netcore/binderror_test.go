//go:build !windows

package netcore

import (
	"context"
	"errors"
	"net"
	"syscall"
	"testing"
)

// A bind refused with EADDRINUSE keeps Go's words and type and tells
// whether SO_REUSEADDR was on, so the caller can advise about TIME_WAIT.
// (Not on Windows, where SO_REUSEADDR lets a second bind take the port.)
func TestBindReuseAddr(t *testing.T) {
	tcp, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer tcp.Close()
	udp, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()
	on, off := true, false
	tests := []struct {
		name   string
		url    string
		reuse  *bool
		wantOn bool
	}{
		{"tcp server, default", "tcp://" + tcp.Addr().String(), nil, true},
		{"tcp server, SO_REUSEADDR off", "tcp://" + tcp.Addr().String(), &off, false},
		{"tcp server, SO_REUSEADDR on", "tcp://" + tcp.Addr().String(), &on, true},
		{"udp server, default", "udp://" + udp.LocalAddr().String(), nil, false},
		{"udp server, SO_REUSEADDR on", "udp://" + udp.LocalAddr().String(), &on, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ep, err := ParseEndpoint(tt.url)
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
			if want := "listen " + ep.Network() + " " + ep.Addr() + ": bind: address already in use"; err == nil || err.Error() != want {
				t.Fatalf("error %v, want %q", err, want)
			}
			var op *net.OpError
			if !errors.Is(err, syscall.EADDRINUSE) || !errors.As(err, &op) {
				t.Errorf("%v: EADDRINUSE %v, *net.OpError %v", err, errors.Is(err, syscall.EADDRINUSE), op != nil)
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
