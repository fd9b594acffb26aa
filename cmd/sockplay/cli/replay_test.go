package cli

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
)

// pyLenProto is the test protocol's two ends, python3 stdlib only. Over
// tcp a request and its answer are each a 2-byte big-endian length and
// that many bytes; over udp each is one datagram.
//
//	server tcp|udp [REQ=ANSWER]...   prints its port, then "req SECONDS" as each request comes
//	client tcp|udp PORT [order=a,b] [gaps=0,0.3]   asks, checks every answer, exits 1 on a wrong one
const pyLenProto = `
import socket, struct, sys, time
ANSWERS = {b"hello": b"hi there", b"temp?": b"21.5 C", b"status?": b"\x00\x01ok\xff", b"bye": b"goodbye"}
def exact(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            return None
        b += c
    return b
def read_frame(s):
    h = exact(s, 2)
    return None if h is None else exact(s, struct.unpack(">H", h)[0])
def frame(b):
    return struct.pack(">H", len(b)) + b
role, proto = sys.argv[1], sys.argv[2]
if role == "server":
    answers = dict(ANSWERS)
    for kv in sys.argv[3:]:
        k, v = kv.split("=", 1)
        answers[k.encode()] = v.encode()
    if proto == "tcp":
        ls = socket.socket()
        ls.bind(("127.0.0.1", 0))
        ls.listen()
        print(ls.getsockname()[1], flush=True)
        while True:
            c, _ = ls.accept()
            with c:
                while True:
                    req = read_frame(c)
                    if req is None:
                        break
                    print("req %.6f" % time.monotonic(), flush=True)
                    c.sendall(frame(answers.get(req, b"?")))
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1], flush=True)
        while True:
            d, peer = s.recvfrom(65535)
            print("req %.6f" % time.monotonic(), flush=True)
            s.sendto(answers.get(d, b"?"), peer)
else:
    port = int(sys.argv[3])
    opts = dict(kv.split("=", 1) for kv in sys.argv[4:])
    order = opts.get("order", "hello,temp?,status?,bye").split(",")
    gaps = [float(g) for g in opts.get("gaps", ",".join("0" * len(order))).split(",")]
    if proto == "tcp":
        s = socket.create_connection(("127.0.0.1", port))
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect(("127.0.0.1", port))
    s.settimeout(5)
    for q, gap in zip(order, gaps):
        time.sleep(gap)
        if proto == "tcp":
            s.sendall(frame(q.encode()))
            a = read_frame(s)
        else:
            s.send(q.encode())
            a = s.recv(65535)
        if a != ANSWERS.get(q.encode(), b"?"):
            print("asked %r, answered %r" % (q, a), file=sys.stderr)
            sys.exit(1)
    s.close()
    print("ok")
`

// capture runs tshark on loopback for the traffic filter lets through
// while run runs, and returns the file it wrote (pcapng, or pcap with
// format "pcap"). It skips, saying why, where it cannot capture.
func capture(t *testing.T, filter, format string, run func()) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the capture test captures on Linux's loopback interface, lo")
	}
	testkit.Need(t, "tshark")
	path := filepath.Join(testkit.TempDir(t), "cap."+format)
	args := []string{"-i", "lo", "-f", filter, "-w", path}
	if format == "pcap" {
		args = append(args, "-F", "pcap")
	}
	cmd := exec.Command("tshark", args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var said []string
	wait := time.After(15 * time.Second)
started:
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				cmd.Wait()
				t.Skipf("tshark cannot capture on lo here (root or the wireshark group is needed): %s", strings.Join(said, "; "))
			}
			said = append(said, l)
			if strings.Contains(l, "Capturing on") {
				break started
			}
		case <-wait:
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("tshark did not start capturing within 15 s: %s", strings.Join(said, "; "))
		}
	}
	run()
	time.Sleep(300 * time.Millisecond) // the last packets reach the capture socket
	cmd.Process.Signal(os.Interrupt)
	go func() {
		for range lines {
		}
	}()
	if err := cmd.Wait(); err != nil {
		t.Logf("tshark: %v", err)
	}
	return path
}

// pyServer starts the test protocol's server and returns it and its port.
func pyServer(t *testing.T, proto string, changes ...string) (*pyProc, string) {
	t.Helper()
	p := python(t, pyLenProto, append([]string{"server", proto}, changes...)...)
	return p, pyServerPort(t, p)
}

// pyClientRun runs the test protocol's client to its end: its error, if
// it failed, and its stderr.
func pyClientRun(t *testing.T, proto, port string, opts ...string) (error, string) {
	t.Helper()
	p := python(t, pyLenProto, append([]string{"client", proto, port}, opts...)...)
	select {
	case err := <-p.done:
		p.done <- err
		return err, p.err.String()
	case <-time.After(20 * time.Second):
		t.Fatal("python client did not end")
		return nil, ""
	}
}

// capturedExchange captures the python client asking the python server
// everything, in order, over proto, with gaps between the requests.
func capturedExchange(t *testing.T, proto, format string, gaps string) string {
	t.Helper()
	_, port := pyServer(t, proto)
	return capture(t, proto+" port "+port, format, func() {
		if err, stderr := pyClientRun(t, proto, port, "gaps="+gaps); err != nil {
			t.Fatalf("python client against python server: %v: %s", err, stderr)
		}
	})
}

// replayCmd runs `sockplay replay` to its end.
func replayCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code = Run(ctx, append([]string{"replay"}, args...), Stdio{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

// standInCmd runs `sockplay replay --listen` in the background; it
// returns the address it listens on and a func that waits for its end.
func standInCmd(t *testing.T, args ...string) (addr string, wait func() (int, string, string)) {
	t.Helper()
	var out, errb syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, append([]string{"replay"}, args...), Stdio{In: strings.NewReader(""), Out: &out, Err: &errb})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("replay --listen did not end after cancel")
		}
	})
	testkit.Eventually(t, "the stand-in's listening line", func() bool {
		if m := listeningRE.FindStringSubmatch(errb.String()); m != nil {
			addr = m[1]
			return true
		}
		select {
		case code := <-done:
			done <- code
			t.Fatalf("replay --listen ended with %d: %s%s", code, out.String(), errb.String())
		default:
		}
		return false
	})
	return addr, func() (int, string, string) {
		select {
		case code := <-done:
			done <- code
			return code, out.String(), errb.String()
		case <-time.After(15 * time.Second):
			t.Fatalf("replay --listen did not end: %s%s", out.String(), errb.String())
			return 0, "", ""
		}
	}
}

// TestReplayPythonTCP: a python client and server are captured; the
// client replayed against the real server matches every reply, raw and
// framed; a server with a changed answer is named with its diff and
// exit 1; standing in for the server answers the python client so its
// own checks pass, by order, and by content when it asks out of order.
func TestReplayPythonTCP(t *testing.T) {
	file := capturedExchange(t, "tcp", "pcapng", "0,0,0,0")
	t.Run("replay", func(t *testing.T) {
		tests := []struct {
			name    string
			changes []string
			args    []string
			code    int
			has     []string
		}{
			{"raw", nil, nil, ExitOK, []string{"step 1: sent 7 bytes \"\\x00\\x05hello\"", "got 10 bytes \"\\x00\\bhi there\": as captured", "replay: 4 steps; every reply was as captured"}},
			{"framed", nil, []string{"--framing", "len:2"}, ExitOK, []string{"step 4: sent 3 bytes \"bye\"", "got 7 bytes \"goodbye\": as captured", "replay: 4 steps; every reply was as captured"}},
			{"fast", nil, []string{"--framing", "len:2", "--pace", "fast"}, ExitOK, []string{"every reply was as captured"}},
			{"changed reply, framed", []string{"temp?=19.0 C"}, []string{"--framing", "len:2"}, ExitFail, []string{
				"step 2: sent 5 bytes \"temp?\"",
				"  got 6 bytes \"19.0 C\": DIFFERS; the capture had 6 bytes \"21.5 C\"",
				"    expected 6 bytes, got 6 bytes; first difference at byte 0 (3 bytes differ)",
				"      expected 00000000  32 31 2e 35 20 43",
				"      got      00000000  31 39 2e 30 20 43",
				"replay: 1 of 4 steps differed from the capture (step 2)"}},
			{"changed reply, raw", []string{"bye=see you"}, nil, ExitFail, []string{
				"got 9 bytes \"\\x00\\asee you\": DIFFERS; the capture had 9 bytes \"\\x00\\agoodbye\"",
				"replay: 1 of 4 steps differed from the capture (step 4)"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, port := pyServer(t, "tcp", tt.changes...)
				code, out, errs := replayCmd(t, append([]string{file, "--stream", "0", "--to", "tcp://127.0.0.1:" + port}, tt.args...)...)
				if code != tt.code {
					t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, out, errs)
				}
				for _, h := range tt.has {
					if !strings.Contains(out, h) {
						t.Errorf("stdout lacks %q:\n%s", h, out)
					}
				}
				if !strings.Contains(errs, "replaying the client of tcp:0 (127.0.0.1:") {
					t.Errorf("stderr: %s", errs)
				}
			})
		}
	})
	t.Run("stand-in", func(t *testing.T) {
		tests := []struct {
			name   string
			args   []string
			order  string
			pyOK   bool
			has    []string
			hasErr string // in the python client's complaint
		}{
			{"by order", nil, "hello,temp?,status?,bye", true, []string{"request 1: 7 bytes \"\\x00\\x05hello\": the capture's request 1; answered 10 bytes", "stand-in: 1 client, 4 requests: 4 answered from the capture"}, ""},
			{"framed, by order", []string{"--framing", "len:2"}, "hello,temp?,status?,bye", true, []string{"request 2: 5 bytes \"temp?\": the capture's request 2; answered 6 bytes \"21.5 C\""}, ""},
			{"by content, out of order", []string{"--framing", "len:2", "--match", "content"}, "bye,status?,hello,temp?", true, []string{"request 1: 3 bytes \"bye\": the capture's request 4; answered 7 bytes \"goodbye\""}, ""},
			{"by order, out of order", []string{"--framing", "len:2"}, "bye,status?,hello,temp?", false, []string{"request 1: 3 bytes \"bye\"; answered 8 bytes \"hi there\" (answered as the capture's request 1, which differs)"}, "asked 'bye', answered b'hi there'"},
			{"unknown request", []string{"--framing", "len:2", "--match", "content", "--unknown-reply", "?"}, "hello,what?,bye", true, []string{"request 2: 5 bytes \"what?\": not in the capture; answered 1 byte \"?\"", "1 unknown"}, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				addr, wait := standInCmd(t, append([]string{file, "--stream", "tcp:0", "--listen", "tcp://127.0.0.1:0", "--once"}, tt.args...)...)
				_, port, _ := strings.Cut(addr, ":")
				err, complaint := pyClientRun(t, "tcp", port, "order="+tt.order)
				if (err == nil) != tt.pyOK || !strings.Contains(complaint, tt.hasErr) {
					t.Errorf("python client: %v %s", err, complaint)
				}
				code, out, errs := wait()
				if code != ExitOK {
					t.Fatalf("exit %d\n%s%s", code, out, errs)
				}
				for _, h := range append(tt.has, "done after") {
					if !strings.Contains(out, h) {
						t.Errorf("stdout lacks %q:\n%s", h, out)
					}
				}
			})
		}
	})
	t.Run("json", func(t *testing.T) {
		_, port := pyServer(t, "tcp", "hello=hey")
		code, out, errs := replayCmd(t, file, "--to", "tcp://127.0.0.1:"+port, "--framing", "len:2", "--json")
		if code != ExitFail {
			t.Fatalf("exit %d: %s%s", code, out, errs)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 5 {
			t.Fatalf("%d lines, want 4 steps and the summary:\n%s", len(lines), out)
		}
		var first struct {
			Kind, Status, Diff string
			Step               int
			Match              bool
			Expected, Got      []struct {
				Len  int
				Data string
			}
		}
		if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
			t.Fatal(err)
		}
		if first.Kind != "send" || first.Step != 1 || first.Match || first.Status != "differ" || first.Expected[0].Data != "hi there" ||
			first.Got[0].Data != "hey" || !strings.Contains(first.Diff, "expected 8 bytes, got 3 bytes") {
			t.Fatalf("first step %+v\n%s", first, lines[0])
		}
		var sum struct {
			Kind     string
			Differed []int
			OK       bool
		}
		if err := json.Unmarshal([]byte(lines[4]), &sum); err != nil || sum.Kind != "summary" || sum.OK || len(sum.Differed) != 1 {
			t.Fatalf("summary %+v (%v): %s", sum, err, lines[4])
		}
	})
}

// TestReplayPythonUDP: the same over udp, from a capture in pcap format.
func TestReplayPythonUDP(t *testing.T) {
	file := capturedExchange(t, "udp", "pcap", "0,0,0,0")
	_, port := pyServer(t, "udp")
	code, out, errs := replayCmd(t, file, "--stream", "udp:0", "--to", "udp://127.0.0.1:"+port)
	if code != ExitOK || !strings.Contains(out, "step 3: sent 7 bytes \"status?\"\n  got 5 bytes \"\\x00\\x01ok\\xff\": as captured") {
		t.Fatalf("replay: exit %d\n%s%s", code, out, errs)
	}
	_, changedPort := pyServer(t, "udp", "hello=HI")
	if code, out, errs := replayCmd(t, file, "--stream", "udp:0", "--to", "udp://127.0.0.1:"+changedPort); code != ExitFail ||
		!strings.Contains(out, "    expected 8 bytes, got 2 bytes; first difference at byte 0") {
		t.Fatalf("changed reply: exit %d\n%s%s", code, out, errs)
	}
	for _, m := range []string{"order", "content"} {
		t.Run("stand-in by "+m, func(t *testing.T) {
			order := "hello,temp?,status?,bye"
			if m == "content" {
				order = "status?,bye,temp?,hello"
			}
			addr, wait := standInCmd(t, file, "--stream", "udp:0", "--listen", "udp://127.0.0.1:0", "--match", m, "--once")
			_, sport, _ := strings.Cut(addr, ":")
			if err, complaint := pyClientRun(t, "udp", sport, "order="+order); err != nil {
				t.Errorf("python client: %v %s", err, complaint)
			}
			code, out, errs := wait()
			if code != ExitOK || !strings.Contains(out, "done after 4 requests: asked every request of the capture") {
				t.Fatalf("exit %d\n%s%s", code, out, errs)
			}
		})
	}
}

// TestReplayPaceCaptured: the python client waited between requests;
// --pace captured keeps those gaps, measured where the python server
// receives the requests; --pace fast does not.
func TestReplayPaceCaptured(t *testing.T) {
	gaps := []float64{0, 0.3, 0.1, 0.4}
	var g []string
	for _, x := range gaps {
		g = append(g, strconv.FormatFloat(x, 'f', -1, 64))
	}
	file := capturedExchange(t, "tcp", "pcapng", strings.Join(g, ","))
	for _, pace := range []string{"captured", "fast"} {
		t.Run(pace, func(t *testing.T) {
			srv, port := pyServer(t, "tcp")
			code, out, errs := replayCmd(t, file, "--to", "tcp://127.0.0.1:"+port, "--framing", "len:2", "--pace", pace)
			if code != ExitOK {
				t.Fatalf("exit %d\n%s%s", code, out, errs)
			}
			var at []float64
			testkit.Eventually(t, "4 requests at the python server", func() bool {
				at = at[:0]
				for _, l := range strings.Split(afterFirstLine(srv.out.String()), "\n") {
					if v, ok := strings.CutPrefix(l, "req "); ok {
						f, _ := strconv.ParseFloat(v, 64)
						at = append(at, f)
					}
				}
				return len(at) == 4
			})
			// Offsets from the first request (see TestClientPaceCaptured).
			var want time.Duration
			for i := 1; i < 4; i++ {
				want += time.Duration(gaps[i] * float64(time.Second))
				off := time.Duration((at[i] - at[0]) * float64(time.Second))
				t.Logf("request %d at +%v (captured +%v)", i+1, off, want)
				switch {
				case pace == "captured" && (off < want-50*time.Millisecond || off > want+150*time.Millisecond):
					t.Errorf("request %d came at +%v, the capture's was +%v", i+1, off, want)
				case pace == "fast" && off > 150*time.Millisecond:
					t.Errorf("request %d came at +%v with --pace fast", i+1, off)
				}
			}
		})
	}
}

// TestReplayBadArguments: each mistake is one line naming it, exit 2.
func TestReplayBadArguments(t *testing.T) {
	dir := testkit.TempDir(t) // t.TempDir's cleanup fails under Wine
	file := filepath.Join(dir, "one.pcap")
	writeTestPcap(t, file)
	notCapture := filepath.Join(dir, "notes.txt")
	os.WriteFile(notCapture, []byte("hello, this is text\n"), 0o644)
	tests := []struct {
		name string
		args []string
		has  string
	}{
		{"no file", []string{"--to", "tcp://127.0.0.1:1"}, "missing capture FILE"},
		{"neither --to nor --listen", []string{file}, "give --to URL to replay the client, or --listen URL to stand in for the server"},
		{"both", []string{file, "--to", "tcp://127.0.0.1:1", "--listen", "tcp://127.0.0.1:0"}, "choose one of --to (replay the client) and --listen"},
		{"--pace with --listen", []string{file, "--listen", "tcp://127.0.0.1:0", "--pace", "fast"}, "--pace applies to --to (replaying the client), not to --listen"},
		{"--match with --to", []string{file, "--to", "tcp://127.0.0.1:1", "--match", "content"}, "--match applies to --listen"},
		{"--once with --to", []string{file, "--to", "tcp://127.0.0.1:1", "--once"}, "--once applies to --listen"},
		{"bad pace", []string{file, "--to", "tcp://127.0.0.1:1", "--pace", "slow"}, `--pace "slow": choose reply, captured or fast`},
		{"bad match", []string{file, "--listen", "tcp://127.0.0.1:0", "--match", "fuzzy"}, `--match "fuzzy": choose order or content`},
		{"bad timeout", []string{file, "--to", "tcp://127.0.0.1:1", "--timeout", "5"}, `--timeout "5": a duration needs a unit`},
		{"zero timeout", []string{file, "--to", "tcp://127.0.0.1:1", "--timeout", "0s"}, "--timeout 0s: must be more than 0"},
		{"bad framing", []string{file, "--to", "tcp://127.0.0.1:1", "--framing", "len:3"}, `--framing "len:3"`},
		{"unknown flag", []string{file, "--to", "tcp://127.0.0.1:1", "--nosuch"}, "unknown flag --nosuch; see 'sockplay replay -h'"},
		{"bad stream", []string{file, "--stream", "x", "--to", "tcp://127.0.0.1:1"}, `--stream: "x"`},
		{"no such stream", []string{file, "--stream", "7", "--to", "tcp://127.0.0.1:1"}, "tcp stream 7"},
		{"no such udp stream", []string{file, "--stream", "udp:0", "--to", "udp://127.0.0.1:1"}, "udp stream 0"},
		{"missing file", []string{filepath.Join(dir, "gone.pcap"), "--to", "tcp://127.0.0.1:1"}, "gone.pcap"},
		{"not a capture", []string{notCapture, "--to", "tcp://127.0.0.1:1"}, "notes.txt"},
		{"udp URL for tcp", []string{file, "--to", "udp://127.0.0.1:1"}, "--to: a tcp conversation needs a stream URL (tcp:// or unix://), not udp"},
		{"bad URL", []string{file, "--to", "tcp://127.0.0.1"}, `--to: missing port in "tcp://127.0.0.1"`},
		{"bad listen URL", []string{file, "--listen", "tcp://127.0.0.1:99999"}, "--listen: "},
		{"unknown reply with --to", []string{file, "--to", "tcp://127.0.0.1:1", "--unknown-reply", "x"}, "--unknown-reply applies to --listen"},
		{"payload mode alone", []string{file, "--listen", "tcp://127.0.0.1:0", "--payload-mode", "hex"}, "--payload-mode needs --unknown-reply"},
		{"bad unknown reply", []string{file, "--listen", "tcp://127.0.0.1:0", "--payload-mode", "hex", "--unknown-reply", "zz"}, `--unknown-reply: "z" at column 1 is not a hex digit`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := replayCmd(t, tt.args...)
			if code != ExitUsage {
				t.Fatalf("exit %d, want 2\nstdout: %s\nstderr: %s", code, out, errs)
			}
			if strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "sockplay replay: ") || !strings.Contains(errs, tt.has) {
				t.Fatalf("stderr %q, want one line with %q", errs, tt.has)
			}
			if out != "" {
				t.Fatalf("stdout %q", out)
			}
		})
	}
}

// writeTestPcap writes a pcap file (Ethernet, IPv4) of one tcp
// conversation: handshake, one request, its answer, both FINs.
func writeTestPcap(t *testing.T, path string) {
	t.Helper()
	le := binary.LittleEndian
	var f []byte
	f = le.AppendUint32(f, 0xa1b2c3d4)
	f = le.AppendUint16(f, 2)
	f = le.AppendUint16(f, 4)
	f = le.AppendUint32(f, 0)
	f = le.AppendUint32(f, 0)
	f = le.AppendUint32(f, 65535)
	f = le.AppendUint32(f, 1) // Ethernet
	client, server := [4]byte{10, 0, 0, 2}, [4]byte{10, 0, 0, 1}
	seq := [2]uint32{1000, 5000}
	ts := uint32(1_700_000_000)
	packet := func(fromClient bool, flags byte, data string) {
		src, dst, sport, dport, side := client, server, uint16(50000), uint16(502), 0
		if !fromClient {
			src, dst, sport, dport, side = server, client, 502, 50000, 1
		}
		tcp := make([]byte, 20, 20+len(data))
		binary.BigEndian.PutUint16(tcp[0:], sport)
		binary.BigEndian.PutUint16(tcp[2:], dport)
		binary.BigEndian.PutUint32(tcp[4:], seq[side])
		binary.BigEndian.PutUint32(tcp[8:], seq[1-side])
		tcp[12], tcp[13] = 5<<4, flags
		binary.BigEndian.PutUint16(tcp[14:], 65535)
		tcp = append(tcp, data...)
		pseudo := append(append(append([]byte{}, src[:]...), dst[:]...), 0, 6, byte(len(tcp)>>8), byte(len(tcp)))
		binary.BigEndian.PutUint16(tcp[16:], checksum(append(pseudo, tcp...)))
		seq[side] += uint32(len(data))
		if flags&0x03 != 0 { // SYN, FIN
			seq[side]++
		}
		ip := []byte{0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, 6, 0, 0}
		binary.BigEndian.PutUint16(ip[2:], uint16(20+len(tcp)))
		ip = append(append(ip, src[:]...), dst[:]...)
		binary.BigEndian.PutUint16(ip[10:], checksum(ip))
		frame := append(append([]byte{2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00}, ip...), tcp...)
		ts++
		f = le.AppendUint32(f, ts)
		f = le.AppendUint32(f, 0)
		f = le.AppendUint32(f, uint32(len(frame)))
		f = le.AppendUint32(f, uint32(len(frame)))
		f = append(f, frame...)
	}
	const syn, fin, ack, psh = 0x02, 0x01, 0x10, 0x08
	packet(true, syn, "")
	packet(false, syn|ack, "")
	packet(true, ack, "")
	packet(true, psh|ack, "\x00\x05hello")
	packet(false, psh|ack, "\x00\x08hi there")
	packet(true, fin|ack, "")
	packet(false, fin|ack, "")
	packet(true, ack, "")
	if err := os.WriteFile(path, f, 0o644); err != nil {
		t.Fatal(err)
	}
}

// checksum is the Internet checksum (RFC 1071).
func checksum(b []byte) uint16 {
	var s uint32
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)%2 == 1 {
		s += uint32(b[len(b)-1]) << 8
	}
	for s > 0xffff {
		s = s>>16 + s&0xffff
	}
	return ^uint16(s)
}
