package sessions

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore"
)

// recordStart makes a session, starts recording it to file, then starts
// it, so the file holds everything from the first packet.
func recordStart(t *testing.T, cfg Config, file string) (*Session, *Recording) {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	r, err := s.Record(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(testCtx(t)); err != nil {
		t.Fatalf("start: %v", err)
	}
	return s, r
}

// pyRun runs a python3 script with args to its end and returns its output.
func pyRun(t *testing.T, script string, args ...string) func() string {
	t.Helper()
	testkit.Need(t, "python3")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	cmd := exec.CommandContext(ctx, "python3", append([]string{"-c", script}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { cancel(); <-done; done <- nil })
	return func() string {
		t.Helper()
		if err := <-done; err != nil {
			t.Fatalf("python3: %v\n%s", err, errb.String())
		}
		done <- nil
		return out.String()
	}
}

// pyBothWays sends N random bytes (its own, seeded) while it reads until
// the server's FIN, then closes; it prints the hash of what it sent and of
// what it received, and how much it received. With "reset" it closes
// with SO_LINGER 0 (a RST) instead, right after sending.
const pyBothWays = `
import socket, sys, hashlib, threading, random, struct
host, port, n, how = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
s = socket.create_connection((host, port))
data = random.Random(7).randbytes(n)
if how == 'reset':
    s.sendall(data)
    s.recv(10)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    s.close()
    sys.exit(0)
def send():
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
th = threading.Thread(target=send); th.start()
h = hashlib.sha256(); got = 0
while True:
    b = s.recv(1 << 16)
    if not b: break
    h.update(b); got += len(b)
th.join()
s.close()
print(hashlib.sha256(data).hexdigest(), h.hexdigest(), got)
`

func sha(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// recordedClean fails unless tshark reads the file and its analysis
// (checksums checked) finds no error and no warning but resets when a
// test expects them.
func recordedClean(t *testing.T, file string, resets bool) testkit.Expert {
	t.Helper()
	e := testkit.TsharkExpert(t, file)
	if len(e["Errors"]) > 0 {
		t.Errorf("tshark errors: %q", e["Errors"])
	}
	for _, w := range e["Warns"] {
		if !(resets && w == "Connection reset (RST)") {
			t.Errorf("tshark warning: %q", w)
		}
	}
	for _, n := range e["Notes"] {
		if n != "This frame initiates the connection closing" && n != "This frame undergoes the connection closing" {
			t.Errorf("tshark note: %q", n)
		}
	}
	return e
}

// TestRecordTCPBothWays: 10 MB of random bytes each way between a server
// session and a python3 client, at once; tshark's follow-stream gives back
// exactly what each side sent (by hash), over IPv4 and IPv6, and with a
// view so small that it dropped nearly everything: the file has every byte.
func TestRecordTCPBothWays(t *testing.T) {
	testkit.Need(t, "tshark")
	const n = 10 << 20
	for _, tc := range []struct {
		name, host string
		budget     int64
	}{
		{"ipv4", "127.0.0.1", 0},
		{"ipv6", "::1", 0},
		{"view overflowed", "127.0.0.1", 64 << 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.host == "::1" {
				ipv6(t)
			}
			file := filepath.Join(testkit.TempDir(t), "rec.pcapng")
			srv, rec := recordStart(t, Config{Role: Server, Endpoint: ep(t, "tcp://"+net.JoinHostPort(tc.host, "0")),
				KeepOpenAfterEOF: true, LogBudget: tc.budget}, file)
			port := fmt.Sprint(srv.Addr().(*net.TCPAddr).Port)
			wait := pyRun(t, pyBothWays, tc.host, port, fmt.Sprint(n), "fin")
			ours := make([]byte, n)
			rand.Read(ours)
			var id PeerID
			testkit.Eventually(t, "the python client", func() bool {
				ps := srv.Peers()
				if len(ps) > 0 {
					id = ps[0].ID
				}
				return len(ps) > 0
			})
			for off := 0; off < n; off += 100_000 {
				if err := srv.Send(id, ours[off:min(n, off+100_000)]); err != nil {
					t.Fatal(err)
				}
			}
			if err := srv.CloseWrite(id); err != nil {
				t.Fatal(err)
			}
			f := strings.Fields(wait())
			if len(f) != 3 || f[1] != sha(ours) || f[2] != fmt.Sprint(n) {
				t.Fatalf("python got %v, we sent %s", f, sha(ours))
			}
			// The peer's FIN closes the connection when we half-closed
			// first; else it stays open (keep-open) until we close it.
			waitLog(t, srv, "every byte", func(es []Entry) bool { return srv.Counters().BytesIn == n })
			srv.ClosePeer(id)
			waitLog(t, srv, "closed", func(es []Entry) bool { return count(es, KindClosed) == 1 })
			srv.Close()
			if err := rec.Stop(); err != nil {
				t.Fatal(err)
			}
			if dropped, _ := srv.Log().DroppedTotal(); tc.budget > 0 && dropped < n {
				t.Errorf("the %d-byte view dropped only %d bytes", tc.budget, dropped)
			}
			client, server := testkit.TsharkFollow(t, file, "tcp", 0)
			if sha(client) != f[0] || sha(server) != sha(ours) {
				t.Errorf("tshark follows %d bytes from the client (sha %s, it sent %s) and %d from us (sha %s, we sent %s)",
					len(client), sha(client)[:12], f[0][:12], len(server), sha(server)[:12], sha(ours)[:12])
			}
			recordedClean(t, file, false)
			if rec.Size() == 0 || rec.Packets() == 0 {
				t.Errorf("size %d, packets %d", rec.Size(), rec.Packets())
			}
			if st, _ := os.Stat(file); st.Size() != rec.Size() {
				t.Errorf("Size() %d, the file has %d", rec.Size(), st.Size())
			}
		})
	}
}

func slicesContainsNote(es []Entry, n Note) bool {
	for _, e := range es {
		if e.Note == n {
			return true
		}
	}
	return false
}

// tsharkFields is one line per packet of the fields asked for.
func tsharkFields(t *testing.T, file, filter string, fields ...string) []string {
	t.Helper()
	args := []string{"-r", file, "-T", "fields"}
	if filter != "" {
		args = append(args, "-Y", filter)
	}
	for _, f := range fields {
		args = append(args, "-e", f)
	}
	out := strings.TrimSuffix(testkit.Tshark(t, args...), "\n")
	if out == "" {
		return nil
	}
	return strings.Split(out, "\n")
}

// TestRecordResets: a connection that ends in RST, sent by us (Abort) or
// by the peer (python with SO_LINGER 0), ends in the file with that RST
// from that side, and the comment says what the log said.
func TestRecordResets(t *testing.T) {
	testkit.Need(t, "tshark")
	for _, tc := range []struct {
		name string
		byUs bool
	}{{"reset by us", true}, {"reset by peer", false}} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(testkit.TempDir(t), "rst.pcapng")
			srv, rec := recordStart(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), Reply: ReplyEcho}, file)
			port := fmt.Sprint(srv.Addr().(*net.TCPAddr).Port)
			var wait func() string
			if tc.byUs {
				c, err := net.Dial("tcp", srv.Addr().String())
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				c.Write([]byte("ping"))
				waitLog(t, srv, "the echo", gotIn("ping"))
				if err := srv.AbortPeer(srv.Peers()[0].ID); err != nil {
					t.Fatal(err)
				}
			} else {
				wait = pyRun(t, pyBothWays, "127.0.0.1", port, "1000", "reset")
				wait()
			}
			waitLog(t, srv, "closed", func(es []Entry) bool { return count(es, KindClosed) == 1 })
			srv.Close()
			if err := rec.Stop(); err != nil {
				t.Fatal(err)
			}
			lines := tsharkFields(t, file, "tcp.flags.reset == 1", "tcp.srcport", "frame.comment")
			want := fmt.Sprintf("%s\tclosed", port)
			if !tc.byUs {
				want = "\tclosed" // from the peer's port
			}
			if len(lines) != 1 || !strings.Contains(lines[0], want) {
				t.Fatalf("RST packets: %q", lines)
			}
			if tc.byUs != strings.HasPrefix(lines[0], port+"\t") {
				t.Errorf("the RST comes from the wrong side: %q", lines[0])
			}
			if tc.byUs && !strings.HasSuffix(lines[0], "closed by you (reset sent)") || !tc.byUs && !strings.HasSuffix(lines[0], "reset by peer") {
				t.Errorf("comment: %q", lines[0])
			}
			recordedClean(t, file, true)
		})
	}
}

// TestRecordHalfClose: a half-close is a FIN while the other side goes on
// sending, ours (then the peer's FIN ends it) or the peer's with
// keep-open (then ours ends it): each FIN in the file from its side, in
// its order, the comments saying what the log said.
func TestRecordHalfClose(t *testing.T) {
	testkit.Need(t, "tshark")
	for _, tc := range []struct {
		name     string
		weFirst  bool
		comments []string // of the FINs, in order
	}{
		{"ours first", true, []string{"half-closed by you (FIN sent)", "peer closed"}},
		{"the peer's first", false, []string{"peer finished sending (FIN)", "closed by you"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(testkit.TempDir(t), "half.pcapng")
			srv, rec := recordStart(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), KeepOpenAfterEOF: true}, file)
			c, err := net.Dial("tcp", srv.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			testkit.Eventually(t, "the peer", func() bool { return len(srv.Peers()) == 1 })
			id := srv.Peers()[0].ID
			srv.Send(id, []byte("hello"))
			if tc.weFirst {
				if err := srv.CloseWrite(id); err != nil {
					t.Fatal(err)
				}
				c.Write([]byte("still talking"))
				waitLog(t, srv, "the data", gotIn("still talking"))
				c.(*net.TCPConn).CloseWrite()
			} else {
				c.Write([]byte("still talking"))
				c.(*net.TCPConn).CloseWrite()
				waitLog(t, srv, "the peer's FIN", func(es []Entry) bool { return slicesContainsNote(es, NotePeerFinished) })
				srv.Send(id, []byte(", world"))
				srv.ClosePeer(id)
			}
			waitLog(t, srv, "closed", func(es []Entry) bool { return count(es, KindClosed) == 1 })
			srv.Close()
			if err := rec.Stop(); err != nil {
				t.Fatal(err)
			}
			port := fmt.Sprint(srv.Config().Endpoint.Port)
			lines := tsharkFields(t, file, "tcp.flags.fin == 1", "tcp.srcport", "frame.comment")
			if len(lines) != 2 {
				t.Fatalf("FIN packets: %q", lines)
			}
			for i, l := range lines {
				ours := strings.HasPrefix(l, port+"\t") || strings.HasPrefix(l, fmt.Sprint(srv.Addr().(*net.TCPAddr).Port)+"\t")
				if ours != (tc.weFirst == (i == 0)) || !strings.Contains(l, tc.comments[i]) {
					t.Errorf("FIN %d: %q (ours: %v), want the comment %q", i+1, l, ours, tc.comments[i])
				}
			}
			client, server := testkit.TsharkFollow(t, file, "tcp", 0)
			want := "hello"
			if !tc.weFirst {
				want = "hello, world"
			}
			if string(client) != "still talking" || string(server) != want {
				t.Errorf("follow: %q, %q", client, server)
			}
			recordedClean(t, file, false)
		})
	}
}

// pyUDP sends datagrams of the sizes given and reads each echo.
const pyUDP = `
import socket, sys
host, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET6 if ':' in host else socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
for i, n in enumerate(sys.argv[3:]):
    s.sendto(bytes([i % 256]) * int(n), (host, port))
    s.recvfrom(70000)
print('ok')
`

// TestRecordUDP: a UDP server echoing a python3 client: every datagram
// both ways in the file, the first one saying who the peer is; and a
// client's datagram to a port nobody listens on is answered by an ICMP
// port unreachable in the file.
func TestRecordUDP(t *testing.T) {
	testkit.Need(t, "tshark")
	t.Run("echo", func(t *testing.T) {
		file := filepath.Join(testkit.TempDir(t), "udp.pcapng")
		srv, rec := recordStart(t, Config{Role: Server, Endpoint: ep(t, "udp://127.0.0.1:0"), Reply: ReplyEcho}, file)
		port := fmt.Sprint(srv.Addr().(*net.UDPAddr).Port)
		sizes := []string{"1", "1000", "65507", "0", "7"}
		if out := pyRun(t, pyUDP, append([]string{"127.0.0.1", port}, sizes...)...)(); out != "ok\n" {
			t.Fatal(out)
		}
		srv.Close()
		if err := rec.Stop(); err != nil {
			t.Fatal(err)
		}
		var want []byte
		for i, n := range sizes {
			var k int
			fmt.Sscan(n, &k)
			want = append(want, bytes.Repeat([]byte{byte(i)}, k)...)
		}
		client, server := testkit.TsharkFollow(t, file, "udp", 0)
		if !bytes.Equal(client, want) || !bytes.Equal(server, want) {
			t.Errorf("follow: %d and %d bytes, want %d each way", len(client), len(server), len(want))
		}
		lines := tsharkFields(t, file, "", "udp.length", "frame.comment")
		if len(lines) != 2*len(sizes) || !strings.Contains(lines[0], "accepted 127.0.0.1:") {
			t.Errorf("packets: %q", lines)
		}
		recordedClean(t, file, false)
	})
	t.Run("port unreachable", func(t *testing.T) {
		file := filepath.Join(testkit.TempDir(t), "icmp.pcapng")
		port := testkit.FreePort(t, "udp")
		cli, rec := recordStart(t, Config{Role: Client, Endpoint: ep(t, fmt.Sprintf("udp://127.0.0.1:%d", port))}, file)
		cli.Send(PeerAll, []byte("anyone?"))
		waitLog(t, cli, "the refusal", func(es []Entry) bool {
			for _, e := range es {
				if e.Kind == KindError && netcore.IsRefused(e.Err) {
					return true
				}
			}
			return false
		})
		cli.Close()
		if err := rec.Stop(); err != nil {
			t.Fatal(err)
		}
		lines := tsharkFields(t, file, "", "_ws.col.Protocol", "icmp.type", "icmp.code", "frame.comment")
		if len(lines) != 2 || !strings.HasPrefix(lines[1], "ICMP\t3\t3\t") || !strings.Contains(lines[0], "connected to") {
			t.Errorf("packets: %q", lines)
		}
	})
}

// pyUnix talks to a unix socket: stream (send, half-close, read to the
// end) or datagram (one datagram of N bytes, read the echo).
const pyUnix = `
import socket, sys, os
kind, path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
if kind == 'stream':
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.sendall(b'u' * n)
    s.shutdown(socket.SHUT_WR)
    got = 0
    while True:
        b = s.recv(65536)
        if not b: break
        got += len(b)
    print(got)
else:
    me = path + '.client'
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    s.bind(me)
    s.settimeout(5)
    s.sendto(b'd' * n, path)
    print(len(s.recv(1 << 20)))
    os.unlink(me)
`

// TestRecordUnix: unix sockets are TCP and UDP between 127.0.0.1:49152
// (the socket) and 127.0.0.2:49152+N (peer N): two stream clients are two
// conversations, a datagram larger than a UDP packet is in the file in
// parts, and follow-stream gives back every byte.
func TestRecordUnix(t *testing.T) {
	testkit.Need(t, "tshark")
	t.Run("stream", func(t *testing.T) {
		path := sockPath(t, "s.sock")
		file := filepath.Join(testkit.TempDir(t), "unix.pcapng")
		srv, rec := recordStart(t, Config{Role: Server, Endpoint: ep(t, unixURL(netcore.SchemeUnix, path)), Reply: ReplyEcho}, file)
		for _, n := range []string{"100000", "5"} {
			if got := pyRun(t, pyUnix, "stream", path, n)(); got != n+"\n" {
				t.Fatalf("python got %q back", got)
			}
		}
		waitLog(t, srv, "both closed", func(es []Entry) bool { return count(es, KindClosed) == 2 })
		srv.Close()
		if err := rec.Stop(); err != nil {
			t.Fatal(err)
		}
		conv := tsharkFields(t, file, "tcp.flags.syn == 1 && tcp.flags.ack == 0", "ip.src", "tcp.srcport", "ip.dst", "tcp.dstport", "frame.comment")
		if len(conv) != 2 || !strings.HasPrefix(conv[0], "127.0.0.2\t49153\t127.0.0.1\t49152\taccepted") ||
			!strings.HasPrefix(conv[1], "127.0.0.2\t49154\t127.0.0.1\t49152\taccepted") || !strings.Contains(conv[0], path) {
			t.Errorf("SYNs: %q", conv)
		}
		for i, n := range []int{100000, 5} {
			client, server := testkit.TsharkFollow(t, file, "tcp", i)
			if len(client) != n || len(server) != n || client[0] != 'u' {
				t.Errorf("stream %d: %d and %d bytes, want %d", i, len(client), len(server), n)
			}
		}
		desc := tsharkFields(t, file, "frame.number == 1", "frame.interface_name", "frame.interface_description")
		if len(desc) != 1 || !strings.HasPrefix(desc[0], "Unix server "+path) || !strings.Contains(desc[0], "127.0.0.1:49152") {
			t.Errorf("interface: %q", desc)
		}
		recordedClean(t, file, false)
	})
	t.Run("datagram", func(t *testing.T) {
		path := sockPath(t, "d.sock")
		file := filepath.Join(testkit.TempDir(t), "unixgram.pcapng")
		srv, rec := recordStart(t, Config{Role: Server, Endpoint: ep(t, unixURL(netcore.SchemeUnixgram, path)), Reply: ReplyEcho}, file)
		if got := pyRun(t, pyUnix, "dgram", path, "150000")(); got != "150000\n" {
			t.Fatalf("python got %q back", got)
		}
		srv.Close()
		if err := rec.Stop(); err != nil {
			t.Fatal(err)
		}
		client, server := testkit.TsharkFollow(t, file, "udp", 0)
		if len(client) != 150000 || len(server) != 150000 {
			t.Errorf("follow: %d and %d bytes", len(client), len(server))
		}
		parts := tsharkFields(t, file, "", "udp.srcport", "frame.comment")
		if len(parts) != 6 || !strings.Contains(parts[0], "part 1 of 3 of one 150000-byte datagram") || !strings.HasPrefix(parts[0], "49153") {
			t.Errorf("datagrams: %q", parts)
		}
		recordedClean(t, file, false)
	})
}

// TestRecordRefusedConnect: a client's connect that nothing answers is a
// SYN and the RST refusing it.
func TestRecordRefusedConnect(t *testing.T) {
	testkit.Need(t, "tshark")
	file := filepath.Join(testkit.TempDir(t), "refused.pcapng")
	port := testkit.FreePort(t, "tcp")
	s, err := New(Config{Role: Client, Endpoint: ep(t, fmt.Sprintf("tcp://127.0.0.1:%d", port))})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := s.Record(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(testCtx(t)); err == nil {
		t.Fatal("connected to a free port")
	}
	s.Close()
	if err := rec.Stop(); err != nil {
		t.Fatal(err)
	}
	lines := tsharkFields(t, file, "", "tcp.flags.syn", "tcp.flags.reset", "tcp.dstport", "frame.comment")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], fmt.Sprintf("1\t0\t%d\tconnect to tcp", port)) || !strings.HasPrefix(lines[1], "0\t1\t") {
		t.Errorf("packets: %q", lines)
	}
}

// echoWorks checks the session still answers: what a client sends comes
// back.
func echoWorks(t *testing.T, srv *Session) {
	t.Helper()
	c, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	c.Write([]byte("still there?"))
	got := make([]byte, 12)
	if _, err := c.Read(got); err != nil || string(got) != "still there?" {
		t.Fatalf("the session no longer echoes: %q %v", got, err)
	}
}

// stoppedEntries are the log's NoteOutputStopped entries.
func stoppedEntries(s *Session) []Entry {
	var out []Entry
	for _, e := range entries(s.Log()) {
		if e.Note == NoteOutputStopped {
			out = append(out, e)
		}
	}
	return out
}

// TestRecordUnwritable: a file that cannot be made is one sentence in the
// log, Record's error, and the session goes on.
func TestRecordUnwritable(t *testing.T) {
	notDir := filepath.Join(testkit.TempDir(t), "a-file")
	os.WriteFile(notDir, nil, 0o644)
	for _, tc := range []struct {
		name, path string
		want       error
	}{
		{"folder is a file", filepath.Join(notDir, "x.pcapng"), syscall.ENOTDIR},
		{"no such folder", filepath.Join(testkit.TempDir(t), "gone", "x.pcapng"), os.ErrNotExist},
		{"a folder", testkit.TempDir(t), syscall.EISDIR},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), Reply: ReplyEcho})
			rec, err := srv.Record(tc.path)
			if rec != nil || !errors.Is(err, tc.want) {
				t.Fatalf("Record: %v, want %v", err, tc.want)
			}
			st := stoppedEntries(srv)
			if len(st) != 1 || !strings.HasPrefix(st[0].Text, "recording to "+tc.path+": ") || strings.Count(st[0].Text, "\n") > 0 {
				t.Fatalf("log: %v", st)
			}
			echoWorks(t, srv)
			if err := CheckRecordPath(tc.path); !errors.Is(err, tc.want) {
				t.Errorf("CheckRecordPath: %v, want %v", err, tc.want)
			}
		})
	}
}

// mountTmpfs mounts a tmpfs of size bytes on a fresh folder (root only:
// the test skips when it may not) and unmounts it at cleanup.
func mountTmpfs(t *testing.T, size int) string {
	t.Helper()
	dir := testkit.TempDir(t)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs (needs root): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	return dir
}

// TestRecordFullDisk: recording to a tiny tmpfs fills it; the log says so
// once, the session goes on echoing, and the file is cut back to whole
// blocks, which tshark reads.
func TestRecordFullDisk(t *testing.T) {
	testkit.Need(t, "tshark")
	dir := mountTmpfs(t, 256<<10)
	file := filepath.Join(dir, "full.pcapng")
	srv, rec := recordStart(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), Reply: ReplyEcho}, file)
	c, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	go func() { // read the echoes, or the session waits for us
		b := make([]byte, 1<<16)
		for {
			if _, err := c.Read(b); err != nil {
				return
			}
		}
	}()
	chunk := bytes.Repeat([]byte("x"), 32<<10)
	for i := 0; i < 64; i++ { // 2 MiB each way, 8 times the disk
		if _, err := c.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-rec.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the recording did not stop")
	}
	if !errors.Is(rec.Err(), syscall.ENOSPC) {
		t.Errorf("Err: %v", rec.Err())
	}
	waitLog(t, srv, "the sentence", func([]Entry) bool { return len(stoppedEntries(srv)) > 0 })
	echoWorks(t, srv)
	st := stoppedEntries(srv)
	if len(st) != 1 || !strings.Contains(st[0].Text, "the disk is full") {
		t.Errorf("log: %v", st)
	}
	t.Log(st[0].Text)
	if err := rec.Stop(); !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("Stop: %v", err)
	}
	fi, _ := os.Stat(file)
	if fi.Size() != rec.Size() || fi.Size() == 0 || fi.Size() > 256<<10 {
		t.Errorf("file %d bytes, Size %d", fi.Size(), rec.Size())
	}
	testkit.Tshark(t, "-r", file) // fails the test if tshark finds the file cut
}

// TestRecordStopAndStartAgain: a second recording of a running session is
// a new file (NextRecordingPath proposes its name) that opens on its own:
// the open connection gets a made-up handshake that says so, and each file
// has the bytes of its own time.
func TestRecordStopAndStartAgain(t *testing.T) {
	testkit.Need(t, "tshark")
	dir := testkit.TempDir(t)
	first := filepath.Join(dir, "session.pcapng")
	srv, rec := recordStart(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), Reply: ReplyEcho}, first)
	c, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	echo := func(s string) { // once the echo is back, its entries were logged
		t.Helper()
		c.Write([]byte(s))
		if _, err := io.ReadFull(c, make([]byte, len(s))); err != nil {
			t.Fatal(err)
		}
	}
	echo("one")
	if err := rec.Stop(); err != nil {
		t.Fatal(err)
	}
	echo("two")
	second := NextRecordingPath(first)
	if second != filepath.Join(dir, "session-2.pcapng") {
		t.Fatalf("NextRecordingPath: %s", second)
	}
	rec2, err := srv.Record(second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Record(second); !errors.Is(err, ErrAlreadyRecording) {
		t.Errorf("a second recording to the same file: %v", err)
	}
	echo("three") // read: an unread echo would make the close a RST
	c.Close()
	waitLog(t, srv, "closed", func(es []Entry) bool { return count(es, KindClosed) == 1 })
	if err := rec2.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file, want string
		comment    string
	}{{first, "one", "accepted 127.0.0.1:"}, {second, "three", "already connected when the recording began"}} {
		client, server := testkit.TsharkFollow(t, tc.file, "tcp", 0)
		if string(client) != tc.want || string(server) != tc.want {
			t.Errorf("%s: %q and %q, want %q", filepath.Base(tc.file), client, server, tc.want)
		}
		syn := tsharkFields(t, tc.file, "frame.number == 1", "frame.comment")
		if len(syn) != 1 || !strings.Contains(syn[0], tc.comment) {
			t.Errorf("%s: first packet's comment %q", filepath.Base(tc.file), syn)
		}
		recordedClean(t, tc.file, false)
	}
	if !hasText(entries(srv.Log()), KindInfo, "recording stopped: "+first) {
		t.Error("the log does not say the first recording stopped")
	}
}

// TestRecordJSONLocal: accepted and connected lines name our end; data
// lines, which every entry of a peer now also carries it for, do not.
func TestRecordJSONLocal(t *testing.T) {
	for _, tc := range []struct {
		e    Entry
		want bool
	}{
		{Entry{Kind: KindAccepted, Addr: "127.0.0.1:5", Local: "127.0.0.1:9"}, true},
		{Entry{Kind: KindConnected, Addr: "127.0.0.1:9", Local: "127.0.0.1:5"}, true},
		{Entry{Kind: KindDataIn, Addr: "127.0.0.1:5", Local: "127.0.0.1:9", Data: []byte("x")}, false},
		{Entry{Kind: KindClosed, Addr: "127.0.0.1:5", Local: "127.0.0.1:9"}, false},
	} {
		got := strings.Contains(string(AppendJSON(nil, tc.e)), `"local":"127.0.0.1:`)
		if got != tc.want {
			t.Errorf("%s: local in JSON %v, want %v", tc.e.Kind, got, tc.want)
		}
	}
}

// TestSpecRecord: Spec.Config checks the record field as it is now, and
// names it.
func TestSpecRecord(t *testing.T) {
	dir := testkit.TempDir(t)
	notDir := filepath.Join(dir, "a-file")
	os.WriteFile(notDir, nil, 0o644)
	for _, tc := range []struct {
		name, record string
		ok           bool
	}{
		{"none", "", true},
		{"a new file", filepath.Join(dir, "new.pcapng"), true},
		{"an existing file (replaced when recording starts)", notDir, true},
		{"a folder", dir, false},
		{"a missing folder", filepath.Join(dir, "gone", "x.pcapng"), false},
		{"under a file", filepath.Join(notDir, "x.pcapng"), false},
		{"blank", "  ", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Spec{Role: "server", URL: "tcp://127.0.0.1:0", Record: tc.record}.Config()
			var se *SpecError
			switch {
			case tc.ok && err != nil:
				t.Errorf("Config: %v", err)
			case !tc.ok && (!errors.As(err, &se) || se.Field != "record"):
				t.Errorf("Config: %v, want an error naming record", err)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "new.pcapng")); !errors.Is(err, os.ErrNotExist) {
		t.Error("checking made the file")
	}
}
