package cli

// The rows of the fault table (issue 11) that serve and connect own, each
// with a real peer where one exists.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
)

// stdin is held for the first peer, as ncat -l holds it, and nothing is
// said about it.
func TestServeHoldsStdinForTheFirstPeer(t *testing.T) {
	testkit.NoLeaks(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out syncBuffer
	errb, url, wait := serveWith(ctx, strings.NewReader("greeting\n"), &out, "tcp://127.0.0.1:0", "--once")
	addr := strings.TrimPrefix(url(t), "tcp://")
	time.Sleep(1500 * time.Millisecond)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	got := make([]byte, 9)
	if _, err := io.ReadFull(c, got); err != nil || string(got) != "greeting\n" {
		t.Fatalf("client read %q, %v", got, err)
	}
	c.Close()
	if code := wait(); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	if strings.Contains(errb.String(), "no peer") {
		t.Fatalf("stderr %q", errb.String())
	}
}

// A unixgram datagram larger than the read buffer arrives whole: one chunk
// of 300,000 bytes, and nothing says "truncated".
func TestServeUnixgramBigDatagramCounted(t *testing.T) {
	testkit.Need(t, "python3")
	testkit.NoLeaks(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	path := shortPath(t, "big2.sock")
	var out syncBuffer
	errb, url, wait := serveWith(ctx, blockingReader{ctx}, &out, "unixgram://"+path, "--hex")
	url(t)
	py := python(t, `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
s.sendto(b"x" * 300000, sys.argv[1])
print("sent", flush=True)
`, path)
	py.wait(t)
	testkit.Eventually(t, "the datagram", func() bool { return strings.Contains(errb.String(), "accepted") })
	time.Sleep(100 * time.Millisecond)
	cancel()
	wait()
	if first, _, _ := strings.Cut(out.String(), "\n"); !strings.HasSuffix(first, ": 300000 bytes") || strings.Contains(errb.String(), "truncated") {
		t.Fatalf("stdout starts %q, stderr %q", first, errb.String())
	}
}

// A message that the peer's FIN completes (idle framing) is answered
// before the connection closes: ncat, stdin "request\n", gets "ACK".
func TestServeAnswersTheMessageTheFINCompletes(t *testing.T) {
	testkit.Need(t, "ncat")
	testkit.NoLeaks(t)
	srv := serveCmd(t, "tcp://127.0.0.1:0", "--framing", "idle:100ms", "--reply", "ACK")
	host, port := hostPort(srv.url)
	cmd := exec.Command("ncat", host, port)
	cmd.Stdin = strings.NewReader("request\n")
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("ncat: %v", err)
	}
	if string(b) != "ACK" {
		t.Fatalf("ncat got %q; serve stderr %q", b, srv.err.String())
	}
}

// A jsonhdr file over the frame limit: one line says so with the spec that
// takes it, and stdout gets the whole stream raw from the frame that failed
// (header included), so nothing sent is missing.
func TestServeStuckJSONHdrPrintsEverythingRaw(t *testing.T) {
	testkit.Need(t, "python3")
	testkit.NoLeaks(t)
	body := make([]byte, 20<<20)
	rand.Read(body)
	path := filepath.Join(testkit.TempDir(t), "body.bin")
	os.WriteFile(path, body, 0o600)
	out := newSlowStdout(0)
	out.keepLines = true
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	errb, url, wait := serveTo(ctx, out, "tcp://127.0.0.1:0", "--once", "--framing", "jsonhdr")
	_, port := hostPort(url(t))
	py := python(t, `
import json, socket, struct, sys
data = open(sys.argv[2], "rb").read()
hdr = json.dumps({"filename": "big.bin", "filesize": len(data)}).encode()
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
c.sendall(struct.pack("i", len(hdr)) + hdr + data)
c.close()
`, port, path)
	py.wait(t)
	if code := wait(); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	hdr := fmt.Sprintf(`{"filename": "big.bin", "filesize": %d}`, len(body))
	want := binary.LittleEndian.AppendUint32(nil, uint32(len(hdr)))
	want = append(append(want, hdr...), body...)
	if got := out.String(); got != string(want) {
		t.Fatalf("stdout has %d bytes, want the %d sent", len(got), len(want))
	}
	e := errb.String()
	if strings.Count(e, "framing:") != 1 || !strings.Contains(e, "raise the limit with --framing jsonhdr:max=32MiB") {
		t.Fatalf("stderr %q", e)
	}
}

// connect over udp to a port nobody listens on: the refusal is said and
// the exit is 1, like ncat.
//
// Windows does not tell: Go turns SIO_UDP_CONNRESET off on every UDP
// socket, so the port unreachable never reaches it, and connect ends
// after --wait as with a peer that stays silent.
func TestConnectUDPToAClosedPort(t *testing.T) {
	testkit.NeedUDP(t)
	testkit.NoLeaks(t)
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	if runtime.GOOS == "windows" {
		code, _, errOut := connectCmd(t, "", "udp://"+addr, "--send", "hello", "--wait", "300ms")
		if code != ExitOK || errOut != "" {
			t.Fatalf("exit %d, stderr %q; want a quiet end after --wait", code, errOut)
		}
		return
	}
	code, _, errOut := connectCmd(t, "", "udp://"+addr, "--send", "hello", "--wait", "5s")
	if code != ExitFail || !strings.Contains(errOut, "the peer's port is closed (ICMP port unreachable)") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

// --keep-open: after the peer's FIN the connection stays open, the log
// says so, and what stdin brings afterwards still reaches the peer.
func TestServeKeepOpenAfterThePeersFIN(t *testing.T) {
	testkit.NoLeaks(t)
	srv := serveCmd(t, "tcp://127.0.0.1:0", "--keep-open")
	c, err := net.Dial("tcp", strings.TrimPrefix(srv.url, "tcp://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("question"))
	c.(*net.TCPConn).CloseWrite()
	testkit.Eventually(t, "the FIN noted", func() bool {
		return strings.Contains(srv.err.String(), "peer finished sending (FIN); you can still send")
	})
	srv.stdin.Write([]byte("answer"))
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	got := make([]byte, 6)
	if _, err := io.ReadFull(c, got); err != nil || string(got) != "answer" {
		t.Fatalf("read %q, %v", got, err)
	}
}

// --half-close: stdin's end is a FIN to every peer (serve < file ends).
func TestServeHalfCloseAtStdinEnd(t *testing.T) {
	testkit.NoLeaks(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out syncBuffer
	_, url, wait := serveWith(ctx, strings.NewReader("the whole file\n"), &out, "tcp://127.0.0.1:0", "--half-close", "--once")
	c, err := net.Dial("tcp", strings.TrimPrefix(url(t), "tcp://"))
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, err := io.ReadAll(c)
	if err != nil || string(got) != "the whole file\n" {
		t.Fatalf("read %q, %v (want the file, then EOF)", got, err)
	}
	c.Close()
	if code := wait(); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
}

// One peer that never reads does not stall the others: it is named, and
// the reading peer gets all of stdin.
func TestServeStalledPeerDoesNotStallTheOthers(t *testing.T) {
	testkit.NoLeaks(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	inR, inW := io.Pipe()
	var out syncBuffer
	errb, url, wait := serveWith(ctx, inR, &out, "tcp://127.0.0.1:0")
	addr := strings.TrimPrefix(url(t), "tcp://")
	lazy, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer lazy.Close()
	lazy.(*net.TCPConn).SetReadBuffer(4096)
	reader, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	testkit.Eventually(t, "both peers", func() bool { return strings.Count(errb.String(), "accepted") == 2 })
	const total = 32 << 20
	var got atomic.Int64
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := reader.Read(buf)
			got.Add(int64(n))
			if err != nil {
				return
			}
		}
	}()
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 4096)
	for sent := 0; sent < total; sent += len(chunk) {
		if _, err := inW.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	testkit.Eventually(t, "the stall named", func() bool { return strings.Contains(errb.String(), "stopped reading") })
	inW.Close()
	testkit.Eventually(t, "the reader to get it all", func() bool { return got.Load() == total })
	lazy.Close()
	testkit.Eventually(t, "the missed bytes counted", func() bool { return strings.Contains(errb.String(), "while it was not reading") })
	cancel()
	wait()
	if e := errb.String(); strings.Count(e, "\n") > 8 || strings.Contains(e, "i/o timeout") {
		t.Fatalf("stderr %q", e)
	}
}

// SIGINT in the middle of connect --send-file says how far it got and
// exits as a shell reports an interrupted command.
func TestConnectInterruptedMidFile(t *testing.T) {
	testkit.NoLeaks(t)
	path, _ := bigFile(t, 64<<20)
	// A peer that reads slowly, so the send is still going.
	addr := acceptOnce(t, func(c net.Conn) {
		defer c.Close()
		buf := make([]byte, 4096)
		for {
			if _, err := c.Read(buf); err != nil {
				return
			}
			time.Sleep(time.Millisecond)
		}
	})
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(500*time.Millisecond, func() { cancel(Interrupted{Signal: syscall.SIGINT}) })
	var out, errb syncBuffer
	code := Run(ctx, []string{"connect", "tcp://" + addr, "--send-file", path}, Stdio{In: strings.NewReader(""), Out: &out, Err: &errb})
	if code != 130 || !strings.Contains(errb.String(), "sockplay connect: interrupted after ") ||
		!strings.Contains(errb.String(), fmt.Sprintf(" of %d bytes of %s", 64<<20, path)) {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
}

// Values and combinations refused at start with one sentence (exit 2).
func TestSessionFlagsRefusedAtStart(t *testing.T) {
	udpFile := filepath.Join(testkit.TempDir(t), "70000.bin")
	os.WriteFile(udpFile, make([]byte, 70000), 0o600)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"serve", "tcp://:1", "--framing", "line", "--reply", `OK\n`},
			`sockplay serve: --reply "OK\\n": payload contains the delimiter 0a at offset 2, which would split it into two messages (framing line)`},
		{[]string{"serve", "tcp://:1", "--log-budget", "-5"},
			"sockplay serve: --log-budget: -5 is negative; give the bytes the view keeps, or 0 for the default 64 MiB"},
		{[]string{"serve", "udp://:1", "--max-peers", "-1"},
			"sockplay serve: --max-peers: -1 is negative; give the most datagram peers to keep, or 0 for the default 4096"},
		{[]string{"connect", "udp://127.0.0.1:9", "--send-file", udpFile},
			"sockplay connect: --send-file: " + udpFile + " is 70000 bytes, more than the 65507 bytes one udp datagram can carry; a file goes as one datagram, so send a smaller one or use a stream (tcp, unix)"},
		{[]string{"connect", "tcp://127.0.0.1:9", "--hex", "--json"}, "sockplay connect: choose one of --hex, --json and --quiet"},
		{[]string{"connect", "udp://127.0.0.1:9", "--keep-open"},
			"sockplay connect: --keep-open: keeping a connection open after the peer's FIN applies to tcp and unix, not udp"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, errOut := runCLI(t, tt.args...)
			if code != ExitUsage || errOut != tt.want+"\n" {
				t.Fatalf("exit %d, stderr %q\nwant %q", code, errOut, tt.want)
			}
		})
	}
}
