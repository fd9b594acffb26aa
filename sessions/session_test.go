package sessions

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/payload"
)

// kindMissing is the error this system gives for endpoint e's kind when it
// has no such kind (Linux abstract names elsewhere; unixgram on Windows),
// else nil. Under Wine it skips the test for the kinds Wine lacks and
// Windows has (UDP, AF_UNIX stream sockets).
func kindMissing(t *testing.T, e netcore.Endpoint) error {
	t.Helper()
	switch {
	case e.Abstract() && runtime.GOOS != "linux":
		return netcore.ErrUnsupported
	case e.Scheme == netcore.SchemeUnixgram && runtime.GOOS == "windows":
		return netcore.ErrUnsupported // Windows' AF_UNIX has stream sockets only
	case e.Scheme == netcore.SchemeUDP:
		testkit.NeedUDP(t)
	case e.Scheme == netcore.SchemeUnix:
		testkit.NeedUnixSockets(t)
	}
	return nil
}

// Every kind of server against our own client of the same kind.
func TestSelfEchoEveryKind(t *testing.T) {
	tests := []struct {
		name, url   string
		unconnected bool
		v6          bool
	}{
		{"tcp4", "tcp://127.0.0.1:0", false, false},
		{"tcp6", "tcp://[::1]:0", false, true},
		{"udp4", "udp://127.0.0.1:0", false, false},
		{"udp6", "udp://[::1]:0", false, true},
		{"udp4 unconnected", "udp://127.0.0.1:0", true, false},
		{"unix", "unix://PATH", false, false},
		{"unix abstract", "unix://@sockplay-test-ABS", false, false},
		{"unixgram", "unixgram://PATH", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.v6 {
				ipv6(t)
			}
			testkit.NoLeaks(t)
			url := strings.Replace(tt.url, "PATH", sockPath(t, "s.sock"), 1)
			url = strings.Replace(url, "ABS", fmt.Sprint(time.Now().UnixNano()), 1)
			e := ep(t, url)
			if want := kindMissing(t, e); want != nil {
				// What the system lacks is refused with a named error, not a socket error.
				s, err := New(Config{Role: Server, Endpoint: e})
				if err == nil {
					defer s.Close()
					err = s.Start(testCtx(t))
				}
				if !errors.Is(err, want) {
					t.Fatalf("server %s: %v; want an error matching %v", e, err, want)
				}
				return
			}
			srv := start(t, Config{Role: Server, Endpoint: e, Reply: ReplyUpper})
			cli := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv)), Unconnected: tt.unconnected})
			if cli.State() != StateConnected || srv.State() != StateListening {
				t.Fatalf("states %v %v", cli.State(), srv.State())
			}
			for _, m := range []string{"hello\n", "world\n"} {
				if err := cli.Send(PeerAll, []byte(m)); err != nil {
					t.Fatal(err)
				}
				waitLog(t, cli, "reply "+m, gotIn(strings.ToUpper(m)))
			}
			es := waitLog(t, srv, "server log", gotIn("hello\nworld\n"))
			if count(es, KindAccepted) != 1 || count(es, KindListening) != 1 {
				t.Errorf("server log:\n%s", dump(es))
			}
			testkit.Eventually(t, "server counters", func() bool { got := srv.Counters(); return got.BytesIn == 12 && got.BytesOut == 12 })
			c := cli.Counters()
			if c.BytesIn != 12 || c.BytesOut != 12 || c.ChunksOut != 2 {
				t.Errorf("client counters %+v", c)
			}
			ps := srv.Peers()
			if len(ps) != 1 || ps[0].Counters.BytesIn != 12 || ps[0].State != PeerOpen {
				t.Errorf("server peers %+v", ps)
			}
			cli.Close()
			srv.Close()
			if cli.State() != StateClosed {
				t.Errorf("state after close %v", cli.State())
			}
			if err := cli.Send(PeerAll, []byte("x")); !errors.Is(err, ErrClosed) {
				t.Errorf("send after close: %v", err)
			}
		})
	}
}

func TestReplyModes(t *testing.T) {
	tests := []struct {
		mode ReplyMode
		data string
		in   string
		want string
	}{
		{ReplyEcho, "", "abc", "abc"},
		{ReplyUpper, "", "abc-é", "ABC-é"},
		{ReplyFixed, `OK\r\n`, "anything", "OK\r\n"},
		{ReplyFixed, `#{{counter}}\n`, "anything", "#0\n"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.mode), func(t *testing.T) {
			testkit.NoLeaks(t)
			cfg := Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), Reply: tt.mode}
			if tt.data != "" {
				pl, err := payload.Compile(payload.Spec{Source: tt.data})
				if err != nil {
					t.Fatal(err)
				}
				cfg.ReplyPayload = pl
			}
			srv := start(t, cfg)
			cli := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv))})
			cli.Send(PeerAll, []byte(tt.in))
			waitLog(t, cli, "reply", gotIn(tt.want))
			cli.Close()
			srv.Close()
		})
	}
}

func TestSendToOnePeerOrAll(t *testing.T) {
	testkit.NoLeaks(t)
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0")})
	a := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv))})
	b := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv))})
	waitLog(t, srv, "two peers", func(es []Entry) bool { return count(es, KindAccepted) == 2 })
	ps := srv.Peers()
	if err := srv.Send(ps[0].ID, []byte("one ")); err != nil {
		t.Fatal(err)
	}
	if err := srv.Send(PeerAll, []byte("all")); err != nil {
		t.Fatal(err)
	}
	waitLog(t, a, "a", gotIn("one all"))
	waitLog(t, b, "b", gotIn("all"))
	if bytes.Contains(joined(entries(b.Log()), KindDataIn), []byte("one")) {
		t.Error("b got a's message")
	}
	if err := srv.Send(999, nil); !errors.Is(err, ErrNoPeer) {
		t.Errorf("send to unknown peer: %v", err)
	}
	// Closing one peer leaves the other alone.
	if err := srv.ClosePeer(ps[0].ID); err != nil {
		t.Fatal(err)
	}
	waitLog(t, a, "a closed", func(es []Entry) bool { return hasText(es, KindClosed, "peer closed") })
	waitLog(t, srv, "closed by you", func(es []Entry) bool { return hasText(es, KindClosed, "closed by you") })
	if err := srv.Send(PeerAll, []byte("still")); err != nil {
		t.Fatal(err)
	}
	waitLog(t, b, "b still", gotIn("allstill"))
	if a.State() != StateDisconnected {
		t.Errorf("a state %v", a.State())
	}
	if err := a.Send(PeerAll, []byte("x")); !errors.Is(err, ErrNoPeers) {
		t.Errorf("send without connection: %v", err)
	}
}

func TestServerWithNoPeers(t *testing.T) {
	testkit.NeedUDP(t)
	testkit.NoLeaks(t)
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "udp://127.0.0.1:0")})
	if err := srv.Send(PeerAll, []byte("x")); !errors.Is(err, ErrNoPeers) {
		t.Fatalf("got %v", err)
	}
	if _, err := srv.Effective(); err != nil {
		t.Fatalf("effective: %v", err)
	}
	if err := srv.Reconnect(testCtx(t)); !errors.Is(err, ErrNotClient) {
		t.Fatalf("reconnect server: %v", err)
	}
	if err := srv.Start(testCtx(t)); !errors.Is(err, ErrStarted) {
		t.Fatalf("start twice: %v", err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no scheme", Config{}},
		{"unconnected tcp", Config{Role: Client, Endpoint: ep(t, "tcp://127.0.0.1:1"), Unconnected: true}},
		{"bad role", Config{Role: 7, Endpoint: ep(t, "tcp://127.0.0.1:1")}},
	}
	for _, tt := range tests {
		if _, err := New(tt.cfg); !errors.Is(err, ErrBadConfig) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}
