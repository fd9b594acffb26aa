package socktable

import (
	"errors"
	"net/netip"
	"runtime"
	"testing"
)

const procTCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:2328 00000000:0000 0A 00000000:00000003 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:C350 0100007F:2328 01 0000000A:00000000 00:00000000 00000000     0        0 4243 1 0000000000000000 20 4 30 10 -1
`

const procTCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77 1 0000000000000000 100 0 0 10 0
`

const procUnix = `Num       RefCount Protocol Flags    Type St Inode Path
0000000000000000: 00000002 00000000 00010000 0001 01 100 /run/a b.sock
0000000000000000: 00000003 00000000 00000000 0001 03 101
0000000000000000: 00000002 00000000 00000000 0002 01 102 @abstract
0000000000000000: 00000002 00000000 00000000 0005 03 103
0000000000000000: 00000002 00000000 00000000 0001 02 0
`

func TestParseProcNet(t *testing.T) {
	if runtime.GOARCH == "s390x" || runtime.GOARCH == "ppc64" {
		t.Skip("the samples are from a little-endian machine")
	}
	tcp, err := ParseProcNetInet([]byte(procTCP), TCP, IPv4, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	tcp6, err := ParseProcNetInet([]byte(procTCP6), TCP, IPv6, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	unixs, err := ParseProcNetUnix([]byte(procUnix), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := append(append(tcp, tcp6...), unixs...)
	want := []struct {
		proto        Proto
		state        State
		local, peer  string
		recvQ, sendQ uint32
		uid, inode   uint32
	}{
		{TCP, Listen, "127.0.0.1:9000", "0.0.0.0:*", 3, 0, 1000, 4242},
		{TCP, Established, "127.0.0.1:50000", "127.0.0.1:9000", 0, 10, 0, 4243},
		{TCP, Listen, "[::1]:22", "[::]:*", 0, 0, 0, 77},
		{UnixStream, Listen, "/run/a b.sock 100", "* 0", 0, 0, NoUID, 100},
		{UnixStream, Established, "* 101", "* 0", 0, 0, NoUID, 101},
		{UnixDgram, Close, "@abstract 102", "* 0", 0, 0, NoUID, 102},
		{UnixSeqpacket, Established, "* 103", "* 0", 0, 0, NoUID, 103},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Proto != w.proto || g.State != w.state || g.LocalString() != w.local || g.PeerString() != w.peer ||
			g.RecvQ != w.recvQ || g.SendQ != w.sendQ || g.UID != w.uid || g.Inode != w.inode {
			t.Errorf("row %d: got %s %s %q %q q=%d/%d uid=%d ino=%d, want %+v", i, g.Proto, g.State,
				g.LocalString(), g.PeerString(), g.RecvQ, g.SendQ, g.UID, g.Inode, w)
		}
	}
	if _, err := ParseProcNetInet([]byte("hdr\n 0: zz\n"), TCP, IPv4, nil, nil); err == nil {
		t.Error("a malformed line parsed")
	}
}

// FuzzParseProcNet: no input makes the /proc parsers panic, and every row
// they return prints.
func FuzzParseProcNet(f *testing.F) {
	f.Add([]byte(procTCP), uint8(0))
	f.Add([]byte(procTCP6), uint8(1))
	f.Add([]byte(procUnix), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		var socks []Socket
		switch which % 3 {
		case 0:
			socks, _ = ParseProcNetInet(data, UDP, IPv4, nil, nil)
		case 1:
			socks, _ = ParseProcNetInet(data, TCP, IPv6, nil, nil)
		default:
			socks, _ = ParseProcNetUnix(data, nil, nil)
		}
		for i := range socks {
			_ = socks[i].LocalString() + socks[i].PeerString() + socks[i].State.String()
		}
	})
}

func TestParseAddrMatch(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    AddrMatch
		wantErr bool
	}{
		{"", AddrMatch{}, false},
		{":9000", AddrMatch{Port: 9000}, false},
		{"*:53", AddrMatch{Port: 53}, false},
		{"127.0.0.1", AddrMatch{Prefix: netip.MustParsePrefix("127.0.0.1/32")}, false},
		{"127.0.0.1:80", AddrMatch{Prefix: netip.MustParsePrefix("127.0.0.1/32"), Port: 80}, false},
		{"[::1]:22", AddrMatch{Prefix: netip.MustParsePrefix("::1/128"), Port: 22}, false},
		{"::1", AddrMatch{Prefix: netip.MustParsePrefix("::1/128")}, false},
		{"[::ffff:10.0.0.1]", AddrMatch{Prefix: netip.MustParsePrefix("10.0.0.1/32")}, false},
		{"10.1.2.3/8", AddrMatch{Prefix: netip.MustParsePrefix("10.0.0.0/8")}, false},
		{"/run/x.sock", AddrMatch{Path: "/run/x.sock"}, false},
		{"@name", AddrMatch{Path: "@name"}, false},
		{":0", AddrMatch{}, true},
		{":70000", AddrMatch{}, true},
		{"[::1", AddrMatch{}, true},
		{"localhost", AddrMatch{}, true},
	} {
		got, err := ParseAddrMatch(tc.in)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("ParseAddrMatch(%q) = %+v, %v; want %+v, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
		if err != nil && !errors.Is(err, ErrBadFilter) {
			t.Errorf("ParseAddrMatch(%q): %v does not match ErrBadFilter", tc.in, err)
		}
	}
	s := Socket{Proto: TCP, Family: IPv6, Local: netip.MustParseAddrPort("[::ffff:127.0.0.1]:9000"), Peer: netip.MustParseAddrPort("[::ffff:127.0.0.1]:40000")}
	for _, in := range []string{":9000", "127.0.0.1", "127.0.0.1:40000", "127.0.0.0/8"} {
		if m, _ := ParseAddrMatch(in); !m.Match(&s) {
			t.Errorf("%q does not match a mapped-address socket", in)
		}
	}
	if m, _ := ParseAddrMatch(":22"); m.Match(&s) {
		t.Error(":22 matches port 9000")
	}
}

func TestParseStates(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want StateSet
	}{
		{"established", StatesOf(Established)},
		{"ESTAB", StatesOf(Established)},
		{"time-wait,TIME_WAIT", StatesOf(TimeWait)},
		{"fin-wait-2,close-wait", StatesOf(FinWait2, CloseWait)},
		{"listening", StatesOf(Listen)},
		{"closed", StatesOf(Close)},
		{"connected", AllStates &^ StatesOf(Listen, Close)},
		{"synchronized", AllStates &^ StatesOf(Listen, Close, SynSent)},
		{"bucket", StatesOf(TimeWait, SynRecv)},
		{"big", AllStates &^ StatesOf(TimeWait, SynRecv)},
		{"all", AllStates},
	} {
		got, err := ParseStates(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseStates(%q) = %b, %v; want %b", tc.in, got, err, tc.want)
		}
	}
	if _, err := ParseStates("estab,sleepy"); !errors.Is(err, ErrBadFilter) {
		t.Errorf("bad state: %v", err)
	}
	if DefaultStates.Has(TimeWait) || DefaultStates.Has(Listen) || !DefaultStates.Has(CloseWait) {
		t.Errorf("DefaultStates = %b", DefaultStates)
	}
}
