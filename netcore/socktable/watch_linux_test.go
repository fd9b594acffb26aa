package socktable

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"
)

// The kernel's own view of a real connection through its life: both ends
// established with TCP_INFO, FIN-WAIT-2 and CLOSE-WAIT after a half-close,
// and TIME-WAIT followed after the owner forgot the connection.
func TestConnWatchRealConnection(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cli, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	srv, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ends := func(c net.Conn) Conn4 {
		return Conn4{netip.MustParseAddrPort(c.LocalAddr().String()), netip.MustParseAddrPort(c.RemoteAddr().String())}
	}
	cw, sw := NewConnWatch(8), NewConnWatch(8)
	cliLive, srvLive := []LiveConn{{1, ends(cli)}}, []LiveConn{{1, ends(srv)}}
	wait := func(w *ConnWatch, live []LiveConn, want State) WatchedConn {
		t.Helper()
		var last []WatchedConn
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			last, _ = w.Look(context.Background(), live)
			if len(last) == 1 && last[0].Found && last[0].TCP.State == want {
				return last[0]
			}
		}
		t.Fatalf("watch shows %+v, want %s", last, want.Name())
		return WatchedConn{}
	}
	c := wait(cw, cliLive, Established)
	if !c.TCP.HasInfo || c.TCP.RTT <= 0 || c.ID != 1 || c.Conn4 != ends(cli) {
		t.Errorf("established: %+v", c)
	}
	wait(sw, srvLive, Established)

	if err := cli.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	wait(cw, cliLive, FinWait2)
	wait(sw, srvLive, CloseWait)

	srv.Close()
	c = wait(cw, nil, TimeWait) // the client's owner has forgotten it: still followed
	if c.TCP.HasInfo {
		t.Errorf("TIME-WAIT with tcp_info: %+v", c.TCP)
	}
}
