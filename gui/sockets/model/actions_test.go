package model

import (
	"net/netip"
	"os"
	"testing"

	"github.com/sockplay/sockplay/netcore/socktable"
	"github.com/sockplay/sockplay/sessions"
)

func TestClientURL(t *testing.T) {
	v6wild := tcp(socktable.Listen, "[::]:53", "")
	v6wild.Proto, v6wild.State = socktable.UDP, socktable.Close
	dual := tcp(socktable.Listen, "[::]:8080", "")
	dual.DualStack = true
	for _, tt := range []struct {
		name string
		sock socktable.Socket
		want string
	}{
		{"wildcard IPv4 is reached on loopback", tcp(socktable.Listen, "0.0.0.0:80", ""), "tcp://127.0.0.1:80"},
		{"wildcard IPv6 on ::1", v6wild, "udp://[::1]:53"},
		{"dual stack on 127.0.0.1", dual, "tcp://127.0.0.1:8080"},
		{"a bound address as it is", tcp(socktable.Listen, "10.1.2.3:22", ""), "tcp://10.1.2.3:22"},
		{"port 0 is nowhere", udp("0.0.0.0:0"), ""},
		{"a connection is no listener", tcp(socktable.Established, "127.0.0.1:1", "127.0.0.1:2"), ""},
		{"unix listener", unixSock(socktable.UnixStream, socktable.Listen, "/tmp/x.sock", 1), "unix:///tmp/x.sock"},
		{"unixgram bound", unixSock(socktable.UnixDgram, socktable.Close, "/tmp/d.sock", 1), "unixgram:///tmp/d.sock"},
		{"unnamed unix", unixSock(socktable.UnixStream, socktable.Listen, "", 1), ""},
		{"seqpacket is not offered", unixSock(socktable.UnixSeqpacket, socktable.Listen, "/tmp/q", 1), ""},
	} {
		if got := ClientURL(&tt.sock); got != tt.want {
			t.Errorf("%s: ClientURL = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestCanDestroy(t *testing.T) {
	for _, tt := range []struct {
		sock socktable.Socket
		want bool
	}{
		{tcp(socktable.Established, "127.0.0.1:1", "127.0.0.1:2"), true},
		{tcp(socktable.CloseWait, "127.0.0.1:1", "127.0.0.1:2"), true},
		{tcp(socktable.Listen, "127.0.0.1:1", ""), false},
		{tcp(socktable.TimeWait, "127.0.0.1:1", "127.0.0.1:2"), false},
		{tcp(socktable.Close, "127.0.0.1:1", ""), false},
		{udp("127.0.0.1:53"), false},
		{unixSock(socktable.UnixStream, socktable.Established, "", 1), false},
	} {
		if got := CanDestroy(&tt.sock); got != tt.want {
			t.Errorf("CanDestroy(%s %s) = %v", tt.sock.Proto, tt.sock.State, got)
		}
	}
}

func TestSameEnd(t *testing.T) {
	a := netip.MustParseAddrPort("[::ffff:127.0.0.1]:80")
	for _, tt := range []struct {
		s    string
		want bool
	}{{"127.0.0.1:80", true}, {"[::ffff:127.0.0.1]:80", true}, {"127.0.0.1:81", false}, {"[::1]:80", false}, {"/tmp/x", false}} {
		if got := SameEnd(a, tt.s); got != tt.want {
			t.Errorf("SameEnd(%s, %q) = %v", a, tt.s, got)
		}
	}
}

func TestOwns(t *testing.T) {
	server := SessionEnds{Network: "tcp", Addr: "127.0.0.1:9000",
		Peers: []sessions.PeerInfo{{Addr: "127.0.0.1:50000", Local: "127.0.0.1:9000"}}}
	unixSrv := SessionEnds{Network: "unix", Path: "/tmp/s.sock"}
	for _, tt := range []struct {
		name string
		ends SessionEnds
		sock socktable.Socket
		ours bool
		want bool
	}{
		{"its listener", server, tcp(socktable.Listen, "127.0.0.1:9000", ""), true, true},
		{"a listener of another kind on the port", server, udp("127.0.0.1:9000"), true, false},
		{"its connection", server, tcp(socktable.Established, "127.0.0.1:9000", "127.0.0.1:50000"), true, true},
		{"the dialer's end", server, tcp(socktable.Established, "127.0.0.1:50000", "127.0.0.1:9000"), true, false},
		{"another listener", server, tcp(socktable.Listen, "127.0.0.1:9001", ""), true, false},
		{"not started", SessionEnds{Network: "tcp"}, tcp(socktable.Listen, "127.0.0.1:9000", ""), true, false},
		{"its unix path, held by us", unixSrv, unixSock(socktable.UnixStream, socktable.Listen, "/tmp/s.sock", 1), true, true},
		{"its unix path, held by another program", unixSrv, unixSock(socktable.UnixStream, socktable.Listen, "/tmp/s.sock", 1), false, false},
		{"an unnamed unix socket", SessionEnds{Network: "unix"}, unixSock(socktable.UnixStream, socktable.Established, "", 1), true, false},
	} {
		if got := tt.ends.Owns(&tt.sock, tt.ours); got != tt.want {
			t.Errorf("%s: Owns = %v, want %v", tt.name, got, tt.want)
		}
	}
	if EndsOf(nil).Network != "" {
		t.Error("a session not made yet has ends")
	}
}

func TestOurs(t *testing.T) {
	s := owned(tcp(socktable.Listen, "127.0.0.1:1", ""), socktable.Owner{PID: 1}, socktable.Owner{PID: os.Getpid()})
	if !Ours(&s) {
		t.Error("a socket this process holds is not ours")
	}
	s.Owners = s.Owners[:1]
	if Ours(&s) {
		t.Error("pid 1's socket is ours")
	}
}
