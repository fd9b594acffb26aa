package netcore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The Linux side of the socket tests: what Linux reports (doubled buffers,
// the backlog read back from TCP_INFO), SO_BINDTODEVICE, multicast on lo,
// a unixgram peer in python3.

func TestEffectiveOptions(t *testing.T) {
	somax, _ := readSysctl("net.core.somaxconn")
	tests := []struct {
		name   string
		url    string
		o      Options
		server bool // check the listener / server socket rather than the client
		want   map[string]string
	}{
		{"defaults client", "tcp://127.0.0.1:0", Options{}, false, map[string]string{
			"SO_REUSEADDR": "off", "TCP_NODELAY": "on", "SO_KEEPALIVE": "off", "SO_BINDTODEVICE": "none",
			"SO_LINGER": "off (close sends FIN, the kernel finishes sending in the background)"}},
		{"defaults server", "tcp://127.0.0.1:0", Options{}, true, map[string]string{"SO_REUSEADDR": "on",
			"backlog": fmt.Sprintf("%d (Go's default: net.core.somaxconn)", somax)}},
		{"reuseaddr off", "tcp://127.0.0.1:0", Options{ReuseAddr: ptr(false)}, true, map[string]string{"SO_REUSEADDR": "off"}},
		{"reuseport", "tcp://127.0.0.1:0", Options{ReusePort: true}, true, map[string]string{"SO_REUSEPORT": "on"}},
		{"rcvbuf doubled", "tcp://127.0.0.1:0", Options{RecvBuffer: 212992}, false, map[string]string{"SO_RCVBUF": "425984 (asked 212992; Linux doubles it)"}},
		{"sndbuf doubled", "tcp://127.0.0.1:0", Options{SendBuffer: 65536}, false, map[string]string{"SO_SNDBUF": "131072 (asked 65536; Linux doubles it)"}},
		{"nodelay off", "tcp://127.0.0.1:0", Options{NoDelay: ptr(false)}, false, map[string]string{"TCP_NODELAY": "off"}},
		{"keepalive", "tcp://127.0.0.1:0", Options{KeepAlive: &KeepAlive{Idle: 30 * time.Second, Interval: 5 * time.Second, Count: 4}}, false,
			map[string]string{"SO_KEEPALIVE": "on", "TCP_KEEPIDLE": "30s", "TCP_KEEPINTVL": "5s", "TCP_KEEPCNT": "4"}},
		{"keepalive kernel defaults", "tcp://127.0.0.1:0", Options{KeepAlive: &KeepAlive{}}, false, map[string]string{"SO_KEEPALIVE": "on", "TCP_KEEPIDLE": "2h0m0s"}},
		{"linger 0", "tcp://127.0.0.1:0", Options{Linger: ptr(0)}, false, map[string]string{"SO_LINGER": "on, 0s (close sends RST)"}},
		{"linger 5", "tcp://127.0.0.1:0", Options{Linger: ptr(5)}, false, map[string]string{"SO_LINGER": "on, 5s (close waits up to that long for unsent data)"}},
		{"ttl", "tcp://127.0.0.1:0", Options{TTL: 7}, false, map[string]string{"IP_TTL": "7"}},
		{"hops v6", "tcp://[::1]:0", Options{TTL: 9}, false, map[string]string{"IPV6_UNICAST_HOPS": "9"}},
		{"bind to lo", "tcp://127.0.0.1:0", Options{BindDevice: "lo"}, false, map[string]string{"SO_BINDTODEVICE": "lo"}},
		{"backlog", "tcp://127.0.0.1:0", Options{Backlog: 17}, true, map[string]string{"backlog": "17 (asked 17)"}},
		{"backlog capped", "tcp://127.0.0.1:0", Options{Backlog: somax + 1}, true,
			map[string]string{"backlog": fmt.Sprintf("%d (asked %d; capped at net.core.somaxconn)", somax, somax+1)}},
		{"udp broadcast", "udp://127.0.0.1:0", Options{Broadcast: true}, true, map[string]string{"SO_BROADCAST": "on", "SO_REUSEADDR": "off"}},
		{"udp broadcast off unless asked (Go turns it on)", "udp://127.0.0.1:0", Options{}, false, map[string]string{"SO_BROADCAST": "off"}},
		{"udp server broadcast off", "udp://127.0.0.1:0", Options{}, true, map[string]string{"SO_BROADCAST": "off"}},
		{"udp client ttl", "udp://127.0.0.1:0", Options{TTL: 3, RecvBuffer: 10000}, false,
			map[string]string{"IP_TTL": "3", "SO_RCVBUF": "20000 (asked 10000; Linux doubles it)"}},
		{"unix rcvbuf", "unix://@sp-eff-" + fmt.Sprint(os.Getpid()), Options{RecvBuffer: 50000}, false,
			map[string]string{"SO_RCVBUF": "100000 (asked 50000; Linux doubles it)"}},
		{"unix backlog", "unix://@sp-effb-" + fmt.Sprint(os.Getpid()), Options{Backlog: 3}, true,
			map[string]string{"backlog": "3 (as asked; not readable back for unix sockets)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ep := mustParse(t, tt.url)
			var got map[string]string
			if ep.Stream() {
				so, co := Options{}, tt.o
				if tt.server {
					so, co = tt.o, Options{}
				}
				ln := listen(t, tt.url, so)
				ch := acceptOne(t, ln)
				c := dial(t, endpointOf(t, ln.Addr()), co)
				s := accepted(t, ch)
				if tt.server {
					got = effectiveMap(t, ln)
					// Accepted connections inherit the listener's buffers and TTL.
					_ = effectiveMap(t, s)
				} else {
					got = effectiveMap(t, c)
				}
			} else {
				so, co := Options{}, tt.o
				if tt.server {
					so, co = tt.o, Options{}
				}
				pc, err := ListenPacket(context.Background(), ep, so)
				if err != nil {
					t.Fatal(err)
				}
				defer pc.Close()
				c := dial(t, endpointOf(t, pc.LocalAddr()), co)
				if tt.server {
					got = effectiveMap(t, pc)
				} else {
					got = effectiveMap(t, c)
				}
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q (all: %v)", k, got[k], v, got)
				}
			}
		})
	}
}

// Accepted connections carry the listener's options: buffers and TTL are
// inherited in the kernel, TCP_NODELAY is re-applied after Go's default.
func TestAcceptedInherits(t *testing.T) {
	ln := listen(t, "tcp://127.0.0.1:0", Options{RecvBuffer: 100000, TTL: 11, NoDelay: ptr(false), Linger: ptr(0)})
	ch := acceptOne(t, ln)
	dial(t, endpointOf(t, ln.Addr()), Options{})
	s := accepted(t, ch)
	got := effectiveMap(t, s)
	for k, v := range map[string]string{"SO_RCVBUF": "200000 (asked 100000; Linux doubles it)", "IP_TTL": "11", "TCP_NODELAY": "off", "SO_LINGER": "on, 0s (close sends RST)"} {
		if got[k] != v {
			t.Errorf("accepted %s = %q, want %q", k, got[k], v)
		}
	}
}

// A unixgram echo server in python3, as the tutorials write it, answers
// our client because the client bound its own path.
func TestUnixgramClientAgainstPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	d := shortDir(t)
	path := filepath.Join(d, "py.sock")
	script := `import socket,sys
s=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("ready",flush=True)
data,addr=s.recvfrom(1024)
s.sendto(data.upper(),addr)
`
	cmd := exec.Command(py, "-c", script, path)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	if _, err := out.Read(make([]byte, 6)); err != nil {
		t.Fatal(err)
	}
	local := filepath.Join(d, "me.sock")
	c := dial(t, Endpoint{Scheme: SchemeUnixgram, Path: path}, Options{LocalAddr: local})
	c.Write([]byte("hi python"))
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 100)
	n, err := c.Read(buf)
	if err != nil || string(buf[:n]) != "HI PYTHON" {
		t.Fatalf("reply %q, %v", buf[:n], err)
	}
	c.Close()
	if _, err := os.Lstat(local); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("client path not removed: %v", err)
	}
}

// TestMulticastEffective: the joins a UDP server asked for show in its
// effective options, the old single group and the new list alike. Traffic
// between namespaces is TestMulticastNamespaces in cmd/sockplay/cli.
func TestMulticastEffective(t *testing.T) {
	for _, tt := range []struct {
		m    *Multicast
		want string
		// ownNetns: a join on the kernel's choice would tell the machine's
		// network (an IGMP report out of its default route), and fails where
		// there is no route at all: it is made in a namespace of the test's.
		ownNetns bool
	}{
		{&Multicast{Group: "239.255.42.99", Interface: "lo", TTL: 1, Loopback: ptr(true)}, "joined 239.255.42.99 on lo", false},
		{&Multicast{Group: "ff01::4242", Interface: "lo"}, "joined ff01::4242 on lo", false},
		{&Multicast{Joins: []string{"239.255.42.1@lo", "239.255.42.2"}}, "joined 239.255.42.1 on lo, 239.255.42.2 on the kernel's choice", true},
	} {
		t.Run(tt.want, func(t *testing.T) {
			var pc net.PacketConn
			var err error
			listen := func() {
				pc, err = ListenPacket(context.Background(), Endpoint{Scheme: SchemeUDP, Port: 0}, Options{Multicast: tt.m})
			}
			if tt.ownNetns {
				inOwnNetns(t, listen)
			} else {
				listen()
			}
			if err != nil {
				t.Fatal(err)
			}
			defer pc.Close()
			got := effectiveMap(t, pc)
			if got["multicast group"] != tt.want {
				t.Errorf("multicast group = %q, want %q", got["multicast group"], tt.want)
			}
			if tt.m.TTL != 0 && got["IP_MULTICAST_TTL"] != "1" {
				t.Errorf("IP_MULTICAST_TTL = %q", got["IP_MULTICAST_TTL"])
			}
		})
	}
}

func TestBindToDevice(t *testing.T) {
	ln := listen(t, "tcp://127.0.0.1:0", Options{BindDevice: "lo"})
	ch := acceptOne(t, ln)
	c := dial(t, endpointOf(t, ln.Addr()), Options{BindDevice: "lo"})
	accepted(t, ch)
	if got := effectiveMap(t, c)["SO_BINDTODEVICE"]; got != "lo" {
		t.Errorf("SO_BINDTODEVICE = %q", got)
	}
	_, err := Dial(context.Background(), endpointOf(t, ln.Addr()), Options{BindDevice: "nosuchdev0"})
	if err == nil || !strings.Contains(err.Error(), `SO_BINDTODEVICE "nosuchdev0": no such network interface`) || !errors.Is(err, syscall.ENODEV) {
		t.Errorf("bad device: %v", err)
	}
}
