package sessions

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore"
)

func TestManyClientsAtOnce(t *testing.T) {
	testkit.NoLeaks(t)
	const clients = 300
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), Reply: ReplyEcho, Options: optBacklog(1024)})
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	conns := make(chan net.Conn, clients)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.DialTimeout("tcp", srv.Addr().String(), 5*time.Second)
			if err != nil {
				errs <- err
				return
			}
			conns <- c
			c.SetDeadline(time.Now().Add(10 * time.Second))
			msg := fmt.Sprintf("client %d\n", i)
			if _, err := c.Write([]byte(msg)); err != nil {
				errs <- err
				return
			}
			got := make([]byte, len(msg))
			if _, err := io.ReadFull(c, got); err != nil || string(got) != msg {
				errs <- fmt.Errorf("client %d got %q: %v", i, got, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(srv.Peers()); n != clients {
		t.Errorf("%d peers, want %d", n, clients)
	}
	// A client can read its echo before the server's write returns and is
	// counted, so the counters are waited for, not read once.
	testkit.Eventually(t, "every echo counted", func() bool {
		c := srv.Counters()
		return c.BytesIn == c.BytesOut && c.ChunksIn == clients && c.ChunksOut == clients
	})
	close(conns)
	for c := range conns {
		c.Close()
	}
	waitLog(t, srv, "all closed", func(es []Entry) bool { return count(es, KindClosed) == clients })
}

func optBacklog(n int) (o netOptions) { o.Backlog = n; return o }

func TestPeerResetAndAbort(t *testing.T) {
	t.Run("the peer resets", func(t *testing.T) {
		testkit.SkipOnWine(t, testkit.WineAbortiveClose)
		testkit.NoLeaks(t)
		srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0")})
		c, err := net.Dial("tcp", srv.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c.Write([]byte("bye"))
		waitLog(t, srv, "data", gotIn("bye"))
		c.(*net.TCPConn).SetLinger(0) // linger 0 then close: RST
		c.Close()
		waitLog(t, srv, "reset", func(es []Entry) bool { return hasText(es, KindClosed, "reset by peer") })
	})
	// We reset: the peer's read fails with "connection reset", whichever
	// end of the connection we are.
	tests := []struct {
		name string
		role Role
	}{
		{"we reset as the server", Server},
		{"we reset as the client", Client},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testkit.SkipOnWine(t, testkit.WineAbortiveClose)
			testkit.NoLeaks(t)
			var s *Session
			var c net.Conn
			if tt.role == Server {
				s = start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0")})
				var err error
				if c, err = net.Dial("tcp", s.Addr().String()); err != nil {
					t.Fatal(err)
				}
			} else {
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				defer ln.Close()
				s = start(t, Config{Role: Client, Endpoint: ep(t, "tcp://"+ln.Addr().String())})
				if c, err = ln.Accept(); err != nil {
					t.Fatal(err)
				}
			}
			defer c.Close()
			es := waitLog(t, s, "the peer", func(es []Entry) bool { return count(es, KindAccepted)+count(es, KindConnected) == 1 })
			if err := s.AbortPeer(es[len(es)-1].Peer); err != nil {
				t.Fatal(err)
			}
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := c.Read(make([]byte, 1)); !netcore.IsReset(err) {
				t.Errorf("peer read after abort: %v, want connection reset", err)
			}
			waitLog(t, s, "abort logged", func(es []Entry) bool { return hasText(es, KindClosed, "closed by you (reset sent)") })
		})
	}
}

// A socat client is killed mid-stream: every byte the server read before is
// in the log and in the counters, and the end is logged.
func TestPeerKilledMidStream(t *testing.T) {
	testkit.Need(t, "socat")
	testkit.NoLeaks(t)
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), LogBudget: 256 << 20})
	cmd := exec.Command("socat", "-u", "-", "TCP:"+srv.Addr().String())
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waited := make(chan struct{})
	go func() { cmd.Wait(); close(waited) }()
	pattern := make([]byte, 4096)
	for i := range pattern {
		pattern[i] = byte(i % 251)
	}
	writerDone := make(chan struct{})
	go func() { // ends when socat dies (broken pipe) or after 64 MiB
		defer close(writerDone)
		for i := 0; i < 16384; i++ {
			if _, err := in.Write(pattern); err != nil {
				return
			}
		}
	}()
	testkit.Eventually(t, "1 MiB received", func() bool { return srv.Counters().BytesIn >= 1<<20 })
	cmd.Process.Kill()
	<-waited
	in.Close()
	<-writerDone
	es := waitLog(t, srv, "peer gone", func(es []Entry) bool { return count(es, KindClosed) == 1 })
	got := joined(es, KindDataIn)
	if uint64(len(got)) != srv.Counters().BytesIn {
		t.Fatalf("log holds %d bytes, counters say %d", len(got), srv.Counters().BytesIn)
	}
	for off := 0; off < len(got); off += len(pattern) {
		end := min(off+len(pattern), len(got))
		if !bytes.Equal(got[off:end], pattern[:end-off]) {
			t.Fatalf("stream corrupt at offset %d", off)
		}
	}
	t.Logf("received %d bytes in %d chunks before the kill; closed: %q", len(got), count(es, KindDataIn), es[len(es)-1].Text)
}

func TestConnectionRefused(t *testing.T) {
	testkit.NoLeaks(t)
	port := testkit.FreePort(t, "tcp4")
	s, err := New(Config{Role: Client, Endpoint: ep(t, fmt.Sprintf("tcp://127.0.0.1:%d", port))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Start(testCtx(t))
	if !netcore.IsRefused(err) {
		t.Fatalf("err = %v; want connection refused", err)
	}
	// The system's words: "connection refused" on Linux and macOS; Windows
	// says "No connection could be made because the target machine
	// actively refused it" (WSAECONNREFUSED).
	if runtime.GOOS != "windows" && !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("err = %v; want it to say connection refused", err)
	}
	if s.State() != StateFailed || !hasText(entries(s.Log()), KindError, err.Error()) {
		t.Fatalf("state %v log:\n%s", s.State(), dump(entries(s.Log())))
	}
}

// The server closes first, so its side of the connection sits in TIME_WAIT.
// A new server on the same port starts at once with SO_REUSEADDR (the
// default) and, on Linux and macOS, fails without it; Windows lets a
// listener bind over TIME_WAIT without SO_REUSEADDR (which there would let
// it share a port another socket is bound to), so it starts either way.
func TestRestartOnSamePortAfterClose(t *testing.T) {
	tests := []struct {
		name      string
		reuseAddr *bool
		wantInUse bool
	}{
		{"reuseaddr default", nil, false},
		{"reuseaddr off", new(false), runtime.GOOS != "windows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testkit.NoLeaks(t)
			srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0")})
			url := serverURL(srv)
			cli := start(t, Config{Role: Client, Endpoint: ep(t, url)})
			cli.Send(PeerAll, []byte("x"))
			waitLog(t, srv, "data", gotIn("x"))
			srv.Close() // active close: TIME_WAIT on the server's port
			waitLog(t, cli, "closed", func(es []Entry) bool { return count(es, KindClosed) == 1 })
			cli.Close()
			s2, err := New(Config{Role: Server, Endpoint: ep(t, url), Options: netOptions{ReuseAddr: tt.reuseAddr}})
			if err != nil {
				t.Fatal(err)
			}
			defer s2.Close()
			err = s2.Start(testCtx(t))
			if tt.wantInUse && !netcore.IsAddrInUse(err) || !tt.wantInUse && err != nil {
				t.Fatalf("restart: %v; want address in use: %v", err, tt.wantInUse)
			}
		})
	}
}

func TestHalfCloseBothDirections(t *testing.T) {
	t.Run("we half-close", func(t *testing.T) {
		testkit.NoLeaks(t)
		srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0")})
		c, err := net.Dial("tcp", srv.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		es := waitLog(t, srv, "accepted", func(es []Entry) bool { return count(es, KindAccepted) == 1 })
		id := es[len(es)-1].Peer
		srv.Send(id, []byte("last words"))
		if err := srv.CloseWrite(id); err != nil {
			t.Fatal(err)
		}
		if st := srv.Peers()[0].State; st != PeerWriteClosed {
			t.Errorf("state %v", st)
		}
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		got, err := io.ReadAll(c) // ends at our FIN
		if err != nil || string(got) != "last words" {
			t.Fatalf("peer read %q, %v", got, err)
		}
		c.Write([]byte("still heard"))
		waitLog(t, srv, "after half-close", gotIn("still heard"))
		c.(*net.TCPConn).CloseWrite()
		waitLog(t, srv, "closed", func(es []Entry) bool { return hasText(es, KindClosed, "peer closed") })
	})
	t.Run("peer half-closes", func(t *testing.T) {
		testkit.NoLeaks(t)
		srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), KeepOpenAfterEOF: true})
		cli := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv))})
		cli.Send(PeerAll, []byte("question"))
		if err := cli.CloseWrite(cli.Peers()[0].ID); err != nil {
			t.Fatal(err)
		}
		waitLog(t, srv, "peer finished", func(es []Entry) bool {
			return slices.ContainsFunc(es, func(e Entry) bool { return e.Note == NotePeerFinished })
		})
		ps := srv.Peers()
		if len(ps) != 1 || ps[0].State != PeerReadClosed {
			t.Fatalf("peers %+v", ps)
		}
		if err := srv.Send(ps[0].ID, []byte("answer")); err != nil {
			t.Fatal(err)
		}
		waitLog(t, cli, "answer", gotIn("answer"))
		srv.ClosePeer(ps[0].ID)
		waitLog(t, cli, "closed", func(es []Entry) bool { return hasText(es, KindClosed, "peer closed") })
	})
	t.Run("unix abort is a plain close", func(t *testing.T) {
		testkit.NeedUnixSockets(t)
		testkit.NoLeaks(t)
		srv := start(t, Config{Role: Server, Endpoint: ep(t, unixURL(netcore.SchemeUnix, sockPath(t, "a.sock")))})
		cli := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv))})
		es := waitLog(t, srv, "accepted", func(es []Entry) bool { return count(es, KindAccepted) == 1 })
		if err := srv.AbortPeer(es[len(es)-1].Peer); err == nil {
			t.Fatal("abort of a unix stream claimed a reset")
		}
		waitLog(t, srv, "closed", func(es []Entry) bool {
			return hasText(es, KindClosed, "closed by you") && !hasText(es, KindClosed, "reset")
		})
		waitLog(t, cli, "peer closed", func(es []Entry) bool { return hasText(es, KindClosed, "peer closed") })
	})
	t.Run("datagram cannot", func(t *testing.T) {
		testkit.NeedUDP(t)
		testkit.NoLeaks(t)
		srv := start(t, Config{Role: Server, Endpoint: ep(t, "udp://127.0.0.1:0")})
		cli := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv))})
		if err := cli.CloseWrite(cli.Peers()[0].ID); err == nil {
			t.Fatal("half-close of udp worked")
		}
		if err := cli.AbortPeer(cli.Peers()[0].ID); !errors.Is(err, ErrNotStream) {
			t.Fatalf("abort udp: %v", err)
		}
	})
}

func TestIdleTimeout(t *testing.T) {
	testkit.NoLeaks(t)
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), Options: netOptions{IdleTimeout: 200 * time.Millisecond}})
	cli := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv))})
	waitLog(t, srv, "timed out", func(es []Entry) bool { return hasText(es, KindClosed, "timed out") })
	waitLog(t, cli, "peer closed", func(es []Entry) bool { return hasText(es, KindClosed, "peer closed") })
}

// flakyListener fails Accept with EMFILE a few times, as a process out of
// file descriptors does.
type flakyListener struct {
	net.Listener
	mu    sync.Mutex
	fails int
}

func (l *flakyListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	if l.fails > 0 {
		l.fails--
		l.mu.Unlock()
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: syscall.EMFILE}
	}
	l.mu.Unlock()
	return l.Listener.Accept()
}

func TestAcceptErrorsAreLoggedAndAcceptingGoesOn(t *testing.T) {
	testkit.NoLeaks(t)
	orig := netListen
	t.Cleanup(func() { netListen = orig })
	netListen = func(ctx context.Context, e netEndpoint, o netOptions) (net.Listener, error) {
		l, err := orig(ctx, e, o)
		if err != nil {
			return nil, err
		}
		return &flakyListener{Listener: l, fails: 3}, nil
	}
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), Reply: ReplyEcho})
	netListen = orig
	cli := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv))})
	cli.Send(PeerAll, []byte("ping"))
	waitLog(t, cli, "echo", gotIn("ping"))
	es := entries(srv.Log())
	if n := count(es, KindError); n != 3 || !hasText(es, KindError, "too many open files") {
		t.Fatalf("%d errors:\n%s", n, dump(es))
	}
}

func TestReconnect(t *testing.T) {
	t.Run("by hand", func(t *testing.T) {
		testkit.NoLeaks(t)
		srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0")})
		cli := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv))})
		first := cli.Peers()[0].ID
		if err := cli.Reconnect(testCtx(t)); err != nil {
			t.Fatal(err)
		}
		ps := cli.Peers()
		if len(ps) != 1 || ps[0].ID == first || cli.State() != StateConnected {
			t.Fatalf("peers %+v state %v", ps, cli.State())
		}
		waitLog(t, srv, "two accepts", func(es []Entry) bool { return count(es, KindAccepted) == 2 })
		es := entries(cli.Log())
		if !hasText(es, KindClosed, "closed by you") || count(es, KindConnected) != 2 {
			t.Fatalf("client log:\n%s", dump(es))
		}
	})
	t.Run("unconnected udp", func(t *testing.T) {
		testkit.NeedUDP(t)
		testkit.NoLeaks(t)
		srv := start(t, Config{Role: Server, Endpoint: ep(t, "udp://127.0.0.1:0"), Reply: ReplyEcho})
		cli := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv)), Unconnected: true})
		if err := cli.Reconnect(testCtx(t)); err != nil {
			t.Fatal(err)
		}
		cli.Send(PeerAll, []byte("after"))
		waitLog(t, cli, "echo on the new socket", gotIn("after"))
		if ps := cli.Peers(); len(ps) != 1 {
			t.Fatalf("peers %+v", ps)
		}
	})
	t.Run("automatic", func(t *testing.T) {
		testkit.NoLeaks(t)
		srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0")})
		cli := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv)), AutoReconnect: true, ReconnectMin: 20 * time.Millisecond})
		for i := 1; i <= 3; i++ {
			es := waitLog(t, srv, "accept", func(es []Entry) bool { return count(es, KindAccepted) == i })
			srv.ClosePeer(es[len(es)-1].Peer)
		}
		waitLog(t, srv, "fourth accept", func(es []Entry) bool { return count(es, KindAccepted) == 4 })
		testkit.Eventually(t, "connected", func() bool { return cli.State() == StateConnected })
		es := entries(cli.Log())
		if !hasText(es, KindInfo, "reconnecting in") {
			t.Fatalf("client log:\n%s", dump(es))
		}
	})
	t.Run("automatic while server is down", func(t *testing.T) {
		testkit.NoLeaks(t)
		srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0")})
		url := serverURL(srv)
		cli := start(t, Config{Role: Client, Endpoint: ep(t, url), AutoReconnect: true, ReconnectMin: 20 * time.Millisecond, ReconnectMax: 80 * time.Millisecond})
		srv.Close()
		waitLog(t, cli, "failed redials", func(es []Entry) bool { return count(es, KindError) >= 2 })
		srv2 := start(t, Config{Role: Server, Endpoint: ep(t, url)})
		waitLog(t, srv2, "client back", func(es []Entry) bool { return count(es, KindAccepted) == 1 })
		cli.Close() // must stop the redial loop and wait for it
	})
}

// The log budget pushes old chunks out of view while counters stay exact.
func TestLogBudgetOnARealStream(t *testing.T) {
	testkit.NoLeaks(t)
	// Reads of at most 16 KiB: a chunk bigger than the whole budget is kept
	// alone, over it (see Log.Add), which is not what this test is about.
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), LogBudget: 64 << 10, ReadBuffer: 16 << 10})
	c, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	const total = 4 << 20
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 1024)
	for sent := 0; sent < total; sent += len(chunk) {
		c.Write(chunk)
	}
	c.Close()
	es := waitLog(t, srv, "closed", func(es []Entry) bool { return count(es, KindClosed) == 1 })
	l := srv.Log()
	db, _ := l.Dropped()
	kept := uint64(len(joined(es, KindDataIn)))
	if cv := srv.Counters(); cv.BytesIn != total || db+kept != total {
		t.Fatalf("counters %d, dropped %d + kept %d", cv.BytesIn, db, kept)
	}
	if m, _ := l.At(0); m.Note != NoteViewDropped || m.Bytes != db {
		t.Fatalf("first row %+v", m)
	}
	if l.Used() > l.Budget() {
		t.Fatalf("used %d of %d", l.Used(), l.Budget())
	}
}
