package sessions

import (
	"context"
	"fmt"
	"net"
	"os"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/internal/testpeer"
	"github.com/sockplay/sockplay/netcore"
)

func TestListenErrorNamesWhoHoldsTheAddress(t *testing.T) {
	testkit.NoLeaks(t)
	t.Run("python3 listener", func(t *testing.T) {
		testkit.Need(t, "python3")
		port, py := testpeer.HoldTCPPort(t)
		s, err := New(Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:"+port)})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		err = s.Start(testCtx(t))
		want := regexp.MustCompile(fmt.Sprintf(`^127\.0\.0\.1:%s is already in use by python3?[.0-9]*(\.exe)? \(pid %d\)$`, port, py.Process.Pid))
		if err == nil || !want.MatchString(err.Error()) {
			t.Fatalf("start: %v, want %s", err, want)
		}
		if !netcore.IsAddrInUse(err) {
			t.Errorf("%v does not match address in use", err)
		}
		if s.State() != StateFailed {
			t.Errorf("state %v, want failed", s.State())
		}
	})
	// The holder is a listener of this very process: the name is the test
	// binary's, as the system's socket table gives it.
	t.Run("a listener of ours", func(t *testing.T) {
		ln, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		s, err := New(Config{Role: Server, Endpoint: ep(t, "tcp://"+ln.Addr().String())})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		err = s.Start(testCtx(t))
		if !netcore.IsAddrInUse(err) {
			t.Fatalf("start: %v; want address in use", err)
		}
		testkit.SkipOnWine(t, testkit.WineNoOwnerPID)
		want := regexp.MustCompile(fmt.Sprintf(`^%s is already in use by \S+ \(pid %d\)$`, regexp.QuoteMeta(ln.Addr().String()), os.Getpid()))
		if !want.MatchString(err.Error()) {
			t.Fatalf("start: %v, want %s", err, want)
		}
	})
	// Windows lets a listener bind over a connection in TIME_WAIT, with or
	// without SO_REUSEADDR: there the server starts.
	timeWaitBlocks := runtime.GOOS != "windows"
	t.Run("TIME_WAIT without SO_REUSEADDR", func(t *testing.T) {
		ln, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		c, err := net.Dial("tcp4", addr)
		if err != nil {
			t.Fatal(err)
		}
		acc, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		ln.Close()
		acc.Close() // the listening side closes first: its port goes to TIME_WAIT
		c.Read(make([]byte, 1))
		c.Close()
		time.Sleep(50 * time.Millisecond)
		off := false
		cfg := Config{Role: Server, Endpoint: ep(t, "tcp://"+addr)}
		cfg.Options.ReuseAddr = &off
		s, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		err = s.Start(testCtx(t))
		if !timeWaitBlocks {
			if err != nil {
				t.Fatalf("start over TIME_WAIT: %v", err)
			}
			return
		}
		if err == nil || err.Error() != addr+" is in use by a socket in TIME_WAIT; enable SO_REUSEADDR" {
			t.Fatalf("start: %v, want the TIME_WAIT sentence", err)
		}
		if !netcore.IsAddrInUse(err) {
			t.Errorf("%v does not match address in use", err)
		}
	})
	// A client's port in TIME_WAIT blocks even a server with SO_REUSEADDR
	// on (the default for TCP servers), because the client's socket never
	// had it: turning it on cannot be the advice.
	t.Run("TIME_WAIT of a client's port, SO_REUSEADDR on by default", func(t *testing.T) {
		ln, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		c, err := net.Dial("tcp4", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		acc, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		ln.Close()
		addr := c.LocalAddr().String()
		c.Close() // the client closes first: its ephemeral port goes to TIME_WAIT
		acc.Read(make([]byte, 1))
		acc.Close()
		time.Sleep(50 * time.Millisecond)
		s, err := New(Config{Role: Server, Endpoint: ep(t, "tcp://"+addr)})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		err = s.Start(testCtx(t))
		if !timeWaitBlocks {
			if err != nil {
				t.Fatalf("start over TIME_WAIT: %v", err)
			}
			return
		}
		want := addr + " is held by a connection in TIME_WAIT even with SO_REUSEADDR on; wait for it to expire (about 60 s) or choose another port"
		if err == nil || err.Error() != want {
			t.Fatalf("start: %v\nwant: %s", err, want)
		}
		if !netcore.IsAddrInUse(err) {
			t.Errorf("%v does not match address in use", err)
		}
	})
	t.Run("udp", func(t *testing.T) {
		testkit.NeedUDP(t)
		pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer pc.Close()
		s, err := New(Config{Role: Server, Endpoint: ep(t, "udp://"+pc.LocalAddr().String())})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		err = s.Start(context.Background())
		if err == nil || !strings.HasPrefix(err.Error(), pc.LocalAddr().String()+" is already in use by ") || !netcore.IsAddrInUse(err) {
			t.Fatalf("start: %v, want who holds %s", err, pc.LocalAddr())
		}
	})
}

func TestPeerInfoLocal(t *testing.T) {
	testkit.NoLeaks(t)
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0")})
	cli := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv))})
	var sp []PeerInfo
	for i := 0; i < 500 && len(sp) == 0; i++ {
		sp = srv.Peers()
		time.Sleep(10 * time.Millisecond)
	}
	cp := cli.Peers()
	if len(sp) != 1 || len(cp) != 1 {
		t.Fatalf("peers: server %v, client %v", sp, cp)
	}
	if sp[0].Local != srv.Addr().String() || sp[0].Addr != cp[0].Local || cp[0].Addr != sp[0].Local {
		t.Errorf("server peer %s -> %s, client peer %s -> %s: the ends do not pair up", sp[0].Local, sp[0].Addr, cp[0].Local, cp[0].Addr)
	}
}
