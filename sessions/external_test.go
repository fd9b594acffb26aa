package sessions

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
)

// pyPeers are the classic tutorial echo servers and clients, as people copy
// them from socket howtos. Usage: python3 -c pyPeers MODE HOST-OR-PATH [PORT]
const pyPeers = `
import socket, sys
mode, where = sys.argv[1], sys.argv[2]
port = int(sys.argv[3]) if len(sys.argv) > 3 else 0
def fam(h):
    return socket.AF_INET6 if ':' in h else socket.AF_INET
msg = b'hello sockplay\n'
if mode == 'tcp-server':
    s = socket.socket(fam(where), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((where, port)); s.listen(1)
    conn, addr = s.accept()
    while True:
        data = conn.recv(1024)
        if not data: break
        conn.sendall(data)
    conn.close()
elif mode == 'tcp-client':
    s = socket.create_connection((where, port))
    s.sendall(msg)
    s.shutdown(socket.SHUT_WR)
    got = b''
    while True:
        data = s.recv(1024)
        if not data: break
        got += data
    sys.stdout.write(got.decode())
elif mode == 'udp-server':
    s = socket.socket(fam(where), socket.SOCK_DGRAM)
    s.bind((where, port))
    while True:
        data, addr = s.recvfrom(65535)
        s.sendto(data, addr)
elif mode == 'udp-client':
    s = socket.socket(fam(where), socket.SOCK_DGRAM)
    s.settimeout(5)
    s.sendto(msg, (where, port))
    data, addr = s.recvfrom(65535)
    sys.stdout.write(data.decode())
elif mode == 'unix-server':
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(where); s.listen(1)
    conn, _ = s.accept()
    while True:
        data = conn.recv(1024)
        if not data: break
        conn.sendall(data)
elif mode == 'unix-client':
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(where)
    s.sendall(msg)
    s.shutdown(socket.SHUT_WR)
    got = b''
    while True:
        data = s.recv(1024)
        if not data: break
        got += data
    sys.stdout.write(got.decode())
elif mode == 'unixgram-server':
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(where)
    while True:
        data, addr = s.recvfrom(65535)
        s.sendto(data, addr)
elif mode == 'unixgram-client':
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(where + '.client')
    s.settimeout(5)
    s.sendto(msg, where)
    data, _ = s.recvfrom(65535)
    sys.stdout.write(data.decode())
`

// windowsUnixPeer skips a Unix-socket case on Windows: its peers are Unix
// programs there (Python has no AF_UNIX on Windows, ncat no -U, socat is a
// Cygwin port) and unixgram does not exist; sessions' own Unix sockets are
// tested against themselves in TestSelfEchoEveryKind.
func windowsUnixPeer(t *testing.T, url string) {
	t.Helper()
	if runtime.GOOS == "windows" && strings.HasPrefix(url, "unix") {
		t.Skip("the Unix-socket peers of this test (python3's AF_UNIX, ncat -U, socat) do not exist on Windows")
	}
}

// Our servers (answering in upper case, so the answer is provably ours)
// against clients nobody here wrote.
func TestOurServerAgainstForeignClients(t *testing.T) {
	tests := []struct {
		name, url string
		v6        bool
		tool      string
		args      func(host, port, path string) []string
		stdin     string
	}{
		{"tcp4 python", "tcp://127.0.0.1:0", false, "python3", func(h, p, _ string) []string { return []string{"-c", pyPeers, "tcp-client", h, p} }, ""},
		{"tcp6 python", "tcp://[::1]:0", true, "python3", func(h, p, _ string) []string { return []string{"-c", pyPeers, "tcp-client", h, p} }, ""},
		{"tcp4 socat", "tcp://127.0.0.1:0", false, "socat", func(h, p, _ string) []string { return []string{"-", "TCP4:" + h + ":" + p} }, "hello sockplay\n"},
		{"tcp6 socat", "tcp://[::1]:0", true, "socat", func(h, p, _ string) []string { return []string{"-", "TCP6:[" + h + "]:" + p} }, "hello sockplay\n"},
		{"tcp4 ncat", "tcp://127.0.0.1:0", false, "ncat", func(h, p, _ string) []string { return []string{h, p} }, "hello sockplay\n"},
		{"tcp6 ncat", "tcp://[::1]:0", true, "ncat", func(h, p, _ string) []string { return []string{"-6", h, p} }, "hello sockplay\n"},
		{"udp4 python", "udp://127.0.0.1:0", false, "python3", func(h, p, _ string) []string { return []string{"-c", pyPeers, "udp-client", h, p} }, ""},
		{"udp6 python", "udp://[::1]:0", true, "python3", func(h, p, _ string) []string { return []string{"-c", pyPeers, "udp-client", h, p} }, ""},
		{"udp4 socat", "udp://127.0.0.1:0", false, "socat", func(h, p, _ string) []string { return []string{"-t", "1", "-", "UDP4:" + h + ":" + p} }, "hello sockplay\n"},
		{"udp6 socat", "udp://[::1]:0", true, "socat", func(h, p, _ string) []string { return []string{"-t", "1", "-", "UDP6:[" + h + "]:" + p} }, "hello sockplay\n"},
		{"unix python", "unix://PATH", false, "python3", func(_, _, path string) []string { return []string{"-c", pyPeers, "unix-client", path} }, ""},
		{"unix socat", "unix://PATH", false, "socat", func(_, _, path string) []string { return []string{"-", "UNIX-CONNECT:" + path} }, "hello sockplay\n"},
		{"unix ncat", "unix://PATH", false, "ncat", func(_, _, path string) []string { return []string{"-U", path} }, "hello sockplay\n"},
		{"unixgram python", "unixgram://PATH", false, "python3", func(_, _, path string) []string { return []string{"-c", pyPeers, "unixgram-client", path} }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testkit.Need(t, tt.tool)
			windowsUnixPeer(t, tt.url)
			if tt.v6 {
				ipv6(t)
			}
			path := sockPath(t, "s.sock")
			srv := start(t, Config{Role: Server, Endpoint: ep(t, strings.Replace(tt.url, "PATH", path, 1)), Reply: ReplyUpper})
			host, port := "", ""
			if a, ok := srv.Addr().(interface{ String() string }); ok && !strings.HasPrefix(tt.url, "unix") {
				host, port = splitHostPort(a.String())
			}
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, tt.tool, tt.args(host, port, path)...)
			cmd.Stdin = strings.NewReader(tt.stdin)
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			if err := cmd.Run(); err != nil {
				t.Fatalf("%s: %v\nstderr: %s\nour log:\n%s", tt.tool, err, errb.String(), dump(entries(srv.Log())))
			}
			if got := out.String(); got != "HELLO SOCKPLAY\n" {
				t.Fatalf("%s got %q\nstderr: %s\nour log:\n%s", tt.tool, got, errb.String(), dump(entries(srv.Log())))
			}
			es := waitLog(t, srv, "the request", gotIn("hello sockplay\n"))
			if count(es, KindAccepted) != 1 {
				t.Errorf("accepted %d peers:\n%s", count(es, KindAccepted), dump(es))
			}
			if strings.HasPrefix(tt.url, "tcp") || strings.HasPrefix(tt.url, "unix:") {
				waitLog(t, srv, "peer closed", func(es []Entry) bool { return hasText(es, KindClosed, "peer closed") })
			}
		})
	}
}

func splitHostPort(a string) (string, string) {
	i := strings.LastIndexByte(a, ':')
	return strings.Trim(a[:i], "[]"), a[i+1:]
}

// Our clients against echo servers nobody here wrote.
func TestOurClientAgainstForeignServers(t *testing.T) {
	tests := []struct {
		name    string
		network string // for the free port: tcp4 tcp6 udp4 udp6, or "" for unix paths
		url     string // with PORT or PATH
		tool    string
		args    func(port, path string) []string
		uncon   bool
	}{
		{"tcp4 python", "tcp4", "tcp://127.0.0.1:PORT", "python3", func(p, _ string) []string { return []string{"-c", pyPeers, "tcp-server", "127.0.0.1", p} }, false},
		{"tcp6 python", "tcp6", "tcp://[::1]:PORT", "python3", func(p, _ string) []string { return []string{"-c", pyPeers, "tcp-server", "::1", p} }, false},
		{"tcp4 socat", "tcp4", "tcp://127.0.0.1:PORT", "socat", func(p, _ string) []string { return []string{"TCP4-LISTEN:" + p + ",bind=127.0.0.1,reuseaddr", "PIPE"} }, false},
		{"tcp6 socat", "tcp6", "tcp://[::1]:PORT", "socat", func(p, _ string) []string { return []string{"TCP6-LISTEN:" + p + ",bind=[::1],reuseaddr", "PIPE"} }, false},
		{"tcp4 ncat", "tcp4", "tcp://127.0.0.1:PORT", "ncat", func(p, _ string) []string { return []string{"-l", "127.0.0.1", p, "-e", "/bin/cat"} }, false},
		{"tcp6 ncat", "tcp6", "tcp://[::1]:PORT", "ncat", func(p, _ string) []string { return []string{"-6", "-l", "::1", p, "-e", "/bin/cat"} }, false},
		{"udp4 python", "udp4", "udp://127.0.0.1:PORT", "python3", func(p, _ string) []string { return []string{"-c", pyPeers, "udp-server", "127.0.0.1", p} }, false},
		{"udp4 python unconnected", "udp4", "udp://127.0.0.1:PORT", "python3", func(p, _ string) []string { return []string{"-c", pyPeers, "udp-server", "127.0.0.1", p} }, true},
		{"udp6 python", "udp6", "udp://[::1]:PORT", "python3", func(p, _ string) []string { return []string{"-c", pyPeers, "udp-server", "::1", p} }, false},
		{"udp4 socat", "udp4", "udp://127.0.0.1:PORT", "socat", func(p, _ string) []string { return []string{"UDP4-LISTEN:" + p + ",bind=127.0.0.1", "PIPE"} }, false},
		{"udp6 socat", "udp6", "udp://[::1]:PORT", "socat", func(p, _ string) []string { return []string{"UDP6-LISTEN:" + p + ",bind=[::1]", "PIPE"} }, false},
		{"unix python", "", "unix://PATH", "python3", func(_, path string) []string { return []string{"-c", pyPeers, "unix-server", path} }, false},
		{"unix socat", "", "unix://PATH", "socat", func(_, path string) []string { return []string{"UNIX-LISTEN:" + path, "PIPE"} }, false},
		{"unix ncat", "", "unix://PATH", "ncat", func(_, path string) []string { return []string{"-lU", path, "-e", "/bin/cat"} }, false},
		{"unixgram python", "", "unixgram://PATH", "python3", func(_, path string) []string { return []string{"-c", pyPeers, "unixgram-server", path} }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testkit.Need(t, tt.tool)
			windowsUnixPeer(t, tt.url)
			if runtime.GOOS == "windows" && slices.Contains(tt.args("1", "p"), "/bin/cat") {
				t.Skip("this peer runs /bin/cat, which Windows does not have")
			}
			if strings.HasSuffix(tt.network, "6") {
				ipv6(t)
			}
			port, path := "", sockPath(t, "s.sock")
			if tt.network != "" {
				port = fmt.Sprint(testkit.FreePort(t, tt.network))
			}
			proc(t, tt.tool, tt.args(port, path)...)
			url := strings.NewReplacer("PORT", port, "PATH", path).Replace(tt.url)
			cfg := Config{Role: Client, Endpoint: ep(t, url), Unconnected: tt.uncon}
			var cli *Session
			if tt.network == "udp4" || tt.network == "udp6" || strings.HasPrefix(url, "unixgram") {
				// Datagram servers cannot be dialed to check they are up: resend until answered.
				if !strings.HasPrefix(url, "unixgram") {
					cli = start(t, cfg)
				} else {
					cli = dialRetry(t, cfg)
				}
				for i := 0; i < 100; i++ {
					cli.Send(PeerAll, []byte("hello sockplay\n"))
					if bytes.Contains(joined(entries(cli.Log()), KindDataIn), []byte("hello sockplay\n")) {
						break
					}
					time.Sleep(100 * time.Millisecond)
				}
				waitLog(t, cli, "echo", gotIn("hello sockplay\n"))
				return
			}
			cli = dialRetry(t, cfg)
			if err := cli.Send(PeerAll, []byte("hello sockplay\n")); err != nil {
				t.Fatal(err)
			}
			waitLog(t, cli, "echo", gotIn("hello sockplay\n"))
			// Half-close: the foreign echo server sees EOF, closes, we log "peer closed".
			if err := cli.CloseWrite(cli.Peers()[0].ID); err != nil {
				t.Fatal(err)
			}
			waitLog(t, cli, "peer closed", func(es []Entry) bool { return hasText(es, KindClosed, "peer closed") })
		})
	}
}
