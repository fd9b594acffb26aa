package socktable

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// known is one socket the test opened and what the table must say of it.
type known struct {
	name  string
	inode uint32
	fd    int
	proto Proto
	state State
	local string // as LocalString prints it
}

// openKnown opens one socket of every kind the table lists.
func openKnown(t *testing.T) []known {
	t.Helper()
	var ks []known
	add := func(name string, c syscall.Conn, proto Proto, state State, local string) {
		ks = append(ks, known{name, inodeOf(t, c), fdOf(t, c), proto, state, local})
	}
	ln4, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln4.Close() })
	add("tcp4 listener", ln4.(*net.TCPListener), TCP, Listen, ln4.Addr().String())
	c, s := tcpPair(t, "tcp4", "127.0.0.1:0")
	add("tcp4 client", c, TCP, Established, c.LocalAddr().String())
	add("tcp4 server", s, TCP, Established, s.LocalAddr().String())
	if ln6, err := net.Listen("tcp6", "[::1]:0"); err == nil {
		t.Cleanup(func() { ln6.Close() })
		add("tcp6 listener", ln6.(*net.TCPListener), TCP, Listen, ln6.Addr().String())
		c6, _ := tcpPair(t, "tcp6", "[::1]:0")
		add("tcp6 client", c6, TCP, Established, c6.LocalAddr().String())
		u6, err := net.ListenPacket("udp6", "[::1]:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { u6.Close() })
		add("udp6", u6.(*net.UDPConn), UDP, Close, u6.LocalAddr().String())
	}
	u4, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { u4.Close() })
	add("udp4 unconnected", u4.(*net.UDPConn), UDP, Close, u4.LocalAddr().String())
	uc, err := net.Dial("udp4", u4.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { uc.Close() })
	add("udp4 connected", uc.(*net.UDPConn), UDP, Established, uc.LocalAddr().String())

	dir := t.TempDir()
	for _, k := range []struct {
		network string
		proto   Proto
	}{{"unix", UnixStream}, {"unixpacket", UnixSeqpacket}} {
		path := filepath.Join(dir, k.network+".sock")
		ln, err := net.Listen(k.network, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		add(k.network+" listener", ln.(*net.UnixListener), k.proto, Listen, path+" "+strconv.Itoa(int(inodeOf(t, ln.(*net.UnixListener)))))
		cc, err := net.Dial(k.network, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cc.Close() })
		add(k.network+" client", cc.(*net.UnixConn), k.proto, Established, "* "+strconv.Itoa(int(inodeOf(t, cc.(*net.UnixConn)))))
	}
	gpath := filepath.Join(dir, "dgram.sock")
	g, err := net.ListenPacket("unixgram", gpath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	add("unixgram bound", g.(*net.UnixConn), UnixDgram, Close, gpath+" "+strconv.Itoa(int(inodeOf(t, g.(*net.UnixConn)))))
	abstract := fmt.Sprintf("@sockplay-socktable-test-%d-%d", os.Getpid(), time.Now().UnixNano())
	al, err := net.Listen("unix", abstract)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { al.Close() })
	add("unix abstract listener", al.(*net.UnixListener), UnixStream, Listen, abstract+" "+strconv.Itoa(int(inodeOf(t, al.(*net.UnixListener)))))
	return ks
}

func TestListFindsKnownSockets(t *testing.T) {
	ks := openKnown(t)
	for _, src := range []Source{SourceNetlink, SourceProc} {
		socks, err := List(context.Background(), Options{Processes: true, Source: src, Filter: Filter{States: AllStates}})
		if err != nil {
			t.Fatalf("source %d: %v", src, err)
		}
		byInode := map[uint32]*Socket{}
		for i := range socks {
			if socks[i].Inode != 0 {
				byInode[socks[i].Inode] = &socks[i]
			}
		}
		for _, k := range ks {
			t.Run(fmt.Sprintf("%s/source%d", k.name, src), func(t *testing.T) {
				s := byInode[k.inode]
				if s == nil {
					t.Fatalf("inode %d not listed", k.inode)
				}
				if s.Proto != k.proto || s.State != k.state || s.LocalString() != k.local {
					t.Errorf("got %s %s %s, want %s %s %s", s.Proto, s.State, s.LocalString(), k.proto, k.state, k.local)
				}
				if len(s.Owners) != 1 || s.Owners[0].PID != os.Getpid() || s.Owners[0].FD != k.fd || s.Owners[0].Name == "" {
					t.Errorf("owners %+v, want pid %d fd %d", s.Owners, os.Getpid(), k.fd)
				}
				if src == SourceNetlink && s.UID != uint32(os.Getuid()) {
					t.Errorf("uid %d, want %d", s.UID, os.Getuid())
				}
			})
		}
	}
}

func TestListFilters(t *testing.T) {
	ks := openKnown(t)
	ln4 := ks[0] // the tcp4 listener
	_, port, _ := net.SplitHostPort(ln4.local)
	for _, tc := range []struct {
		name   string
		filter Filter
		want   bool
	}{
		{"listening", Filter{States: ListeningStates}, true},
		{"default hides listeners", Filter{States: DefaultStates}, false},
		{"tcp", Filter{Protos: ProtoTCP, States: AllStates}, true},
		{"udp only", Filter{Protos: ProtoUDP}, false},
		{"inet", Filter{Families: FamilySetOf(IPv4)}, true},
		{"inet6", Filter{Families: FamilySetOf(IPv6)}, false},
		{"port", Filter{Addr: AddrMatch{Port: mustPort(t, port)}}, true},
		{"process", Filter{Process: "test"}, true},
		{"other process", Filter{Process: "no-such-process-name"}, false},
		{"text", Filter{Text: "LISTEN 127.0.0.1:" + port}, true},
		{"big", Filter{States: BigStates}, true},
		{"bucket", Filter{States: BucketStates}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			socks, err := List(context.Background(), Options{Filter: tc.filter})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, s := range socks {
				if !tc.filter.Match(&s) {
					t.Errorf("row %s %s %s does not match the filter it was listed with", s.Proto, s.State, s.LocalString())
				}
				found = found || s.Inode == ln4.inode
			}
			if found != tc.want {
				t.Errorf("listener found = %v, want %v", found, tc.want)
			}
		})
	}
}

func mustPort(t *testing.T, s string) uint16 {
	p, err := strconv.ParseUint(s, 10, 16)
	if err != nil {
		t.Fatal(err)
	}
	return uint16(p)
}

// TestStatesAfterClose checks the states a playground exists to show:
// FIN-WAIT-2 and CLOSE-WAIT after a half-close, TIME-WAIT after an active close.
func TestStatesAfterClose(t *testing.T) {
	for _, network := range []struct{ net, addr string }{{"tcp4", "127.0.0.1:0"}, {"tcp6", "[::1]:0"}} {
		t.Run(network.net, func(t *testing.T) {
			ctx := context.Background()
			// The peer (client) closes, we (server) do not: CLOSE-WAIT here.
			c, s := tcpPair(t, network.net, network.addr)
			cl, cp := addrPort(t, c.LocalAddr()), addrPort(t, c.RemoteAddr())
			if err := c.CloseWrite(); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "CLOSE-WAIT on the server", func() (bool, string) {
				conn, err := LookupTCP(ctx, cp, cl)
				return err == nil && conn.State == CloseWait, fmt.Sprint(conn.State, err)
			})
			waitFor(t, "FIN-WAIT-2 on the client", func() (bool, string) {
				conn, err := LookupTCP(ctx, cl, cp)
				return err == nil && conn.State == FinWait2, fmt.Sprint(conn.State, err)
			})
			// The server closes too: the client, who closed first, waits.
			s.Close()
			waitFor(t, "TIME-WAIT on the client", func() (bool, string) {
				socks, err := List(ctx, Options{Filter: Filter{Protos: ProtoTCP, States: StatesOf(TimeWait), Addr: AddrMatch{Port: cl.Port()}}})
				for _, x := range socks {
					if sameEnds(&x, cl, cp) {
						// The kernel's 60 s TIME_WAIT timer runs, as ss -o shows it.
						if x.Timer != TimerTimeWait || x.Expires <= 0 || x.Expires > time.Minute {
							return false, fmt.Sprintf("timer %q expires in %v", x.Timer, x.Expires)
						}
						return true, x.State.String()
					}
				}
				return false, fmt.Sprint(len(socks), " rows, ", err)
			})
		})
	}
}

func TestLookupTCP(t *testing.T) {
	ctx := context.Background()
	c, s := tcpPair(t, "tcp4", "127.0.0.1:0")
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	if _, err := s.Read(buf); err != nil {
		t.Fatal(err)
	}
	conn, err := LookupTCP(ctx, addrPort(t, c.LocalAddr()), addrPort(t, c.RemoteAddr()))
	if err != nil {
		t.Fatal(err)
	}
	if conn.State != Established || !conn.HasInfo || conn.RTT <= 0 || conn.Inode != inodeOf(t, c) {
		t.Errorf("got %+v", conn)
	}
	// A tuple nobody holds, even one whose local end is a listener's.
	ln, _ := net.Listen("tcp4", "127.0.0.1:0")
	defer ln.Close()
	_, err = LookupTCP(ctx, addrPort(t, ln.Addr()), addrPort(t, c.LocalAddr()))
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("lookup of a listener's port with a stranger: %v, want ErrNotFound", err)
	}
}

func BenchmarkList(b *testing.B) {
	for _, tc := range []struct {
		name string
		opt  Options
	}{
		{"all", Options{Filter: Filter{States: AllStates}}},
		{"all+processes", Options{Processes: true, Filter: Filter{States: AllStates}}},
		{"proc", Options{Source: SourceProc, Filter: Filter{States: AllStates}}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				socks, err := List(context.Background(), tc.opt)
				if err != nil {
					b.Fatal(err)
				}
				n = len(socks)
			}
			b.ReportMetric(float64(n), "sockets")
		})
	}
}
