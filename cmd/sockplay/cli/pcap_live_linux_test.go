package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore/pcap"
)

// Captures taken during the test, of traffic between peers nobody here
// wrote (python3's sockets and socat, driven by netcore/pcap's
// testdata/traffic.py), by tshark and tcpdump on loopback: `sockplay pcap`
// lists them as tshark does, prints each side's bytes as tshark follows
// them and as the peers themselves say they sent them, and shows a segment
// dropped from the file as a gap of its size. Captures on the "any"
// device are left to the files in netcore/pcap/testdata: on this kernel
// they lose a segment or a FIN now and then (tshark says "previous segment
// not captured"), so a live one cannot be compared with what the peers
// sent.

// peersSent is traffic.py's report: for each TCP connection, the SHA-256
// of what each side sent, checked by the peers against what the other
// side received.
type peersSent map[string]struct {
	Client, Server       string
	ClientLen, ServerLen int `json:"-"`
}

// freeBase finds four consecutive ports free for TCP and UDP on loopback.
func freeBase(t *testing.T) int {
	t.Helper()
	for range 100 {
		base := 20000 + rand.IntN(40000)
		ok := true
		for p := base; p < base+4 && ok; p++ {
			l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
			if err != nil {
				ok = false
				break
			}
			l.Close()
			u, err := net.ListenPacket("udp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
			if err != nil {
				ok = false
				break
			}
			u.Close()
		}
		if ok {
			return base
		}
	}
	t.Fatal("no four free ports in a row")
	return 0
}

// captureTraffic runs tool (tshark or tcpdump, with args that write the
// file) until traffic.py's peers are done, and returns their report.
func captureTraffic(t *testing.T, file string, base int, ready string, tool string, args ...string) peersSent {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tool, args...)
	var errb syncBuffer
	cmd.Stdout, cmd.Stderr = &errb, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGINT)
		cmd.Wait()
	}()
	testkit.Eventually(t, tool+" to start capturing", func() bool {
		if strings.Contains(errb.String(), "ermission") || strings.Contains(errb.String(), "Operation not permitted") {
			t.Skipf("%s cannot capture here: %s", tool, errb.String())
		}
		return strings.Contains(errb.String(), ready)
	})
	py := exec.CommandContext(ctx, "python3", captures+"traffic.py", strconv.Itoa(base), "7", "2")
	var out, pyErr bytes.Buffer
	py.Stdout, py.Stderr = &out, &pyErr
	if err := py.Run(); err != nil {
		t.Fatalf("traffic.py: %v\n%s", err, pyErr.String())
	}
	var sent peersSent
	if err := json.Unmarshal(out.Bytes(), &sent); err != nil {
		t.Fatalf("traffic.py said %q: %v", out.String(), err)
	}
	// The last packets reach the file when the capturing tool gets to
	// them, later under load: wait (bounded) until every TCP connection's
	// end is in it, then a little for the rest.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		c, _ := pcap.Open(file)
		if c == nil {
			continue
		}
		ended := 0
		for _, cv := range c.Conversations {
			if cv.Proto == "tcp" && cv.End != "" {
				ended++
			}
		}
		if ended >= 3 {
			break
		}
	}
	time.Sleep(300 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil && !strings.Contains(err.Error(), "interrupt") {
		t.Logf("%s: %v\n%s", tool, err, errb.String())
	}
	return sent
}

func TestPcapOfLiveCaptures(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("capturing on loopback needs root (or CAP_NET_RAW for tshark and tcpdump)")
	}
	for _, tool := range []string{"tshark", "tcpdump", "python3", "socat"} {
		testkit.Need(t, tool)
	}
	dir := testkit.TempDir(t)
	for _, tc := range []struct {
		name  string
		head  string // the list's head line says this of the file
		tool  string
		ready string
		args  func(file, filter string) []string
	}{
		{"tshark-lo.pcapng", "pcapng, Ethernet (1)", "tshark", "Capturing on", func(f, filter string) []string { return []string{"-q", "-i", "lo", "-f", filter, "-w", f} }},
		{"tcpdump-lo.pcap", "pcap, Ethernet (1)", "tcpdump", "listening on", func(f, filter string) []string {
			return []string{"-U", "--immediate-mode", "-Z", "root", "-i", "lo", "-w", f, filter}
		}},
		{"tcpdump-lo-nano.pcap", "pcap, Ethernet (1)", "tcpdump", "listening on", func(f, filter string) []string {
			return []string{"-U", "--immediate-mode", "-Z", "root", "--time-stamp-precision=nano", "-i", "lo", "-w", f, filter}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			base := freeBase(t)
			file := filepath.Join(dir, tc.name)
			filter := "tcp portrange " + strconv.Itoa(base) + "-" + strconv.Itoa(base+2) + " or udp port " + strconv.Itoa(base+3)
			sent := captureTraffic(t, file, base, tc.ready, tc.tool, tc.args(file, filter)...)
			if _, list, _ := runCLI(t, "pcap", file); !strings.HasPrefix(list, file+": "+tc.head+", ") {
				t.Errorf("list head %q, want it to say %q", strings.SplitN(list, "\n", 2)[0], tc.head)
			}
			cs := checkAgainstTshark(t, file)
			// Each side's bytes are what the peers say they sent.
			byPort := map[int]convJSON{}
			for _, c := range cs {
				if c.Proto == "tcp" {
					_, p, _ := net.SplitHostPort(c.Server)
					n, _ := strconv.Atoi(p)
					byPort[n] = c
				}
			}
			for name, port := range map[string]int{"tcp4": base, "tcp6": base + 1, "rst": base + 2} {
				c, ok := byPort[port]
				if !ok {
					t.Errorf("%s: no conversation with port %d", name, port)
					continue
				}
				if got := sha(sideBytes(t, file, c.Stream, "client")); got != sent[name].Client {
					t.Errorf("%s: the client's bytes differ from what it sent", name)
				}
				if got := sha(sideBytes(t, file, c.Stream, "server")); got != sent[name].Server {
					t.Errorf("%s: the server's bytes differ from what it sent", name)
				}
				want := "fin"
				if name == "rst" {
					want = "rst"
				}
				if c.End != want {
					t.Errorf("%s ended %q", name, c.End)
				}
			}
			if c := byPort[base+1]; !strings.HasPrefix(c.Client, "[::1]:") {
				t.Errorf("tcp6 client %s", c.Client)
			}
			if udp := len(cs) - len(byPort); udp != 2 {
				t.Errorf("%d UDP conversations, want 2", udp)
			}
			if tc.name == "tshark-lo.pcapng" || tc.name == "tcpdump-lo.pcap" {
				checkDroppedSegment(t, file, byPort[base])
			}
		})
	}
}

// checkDroppedSegment drops the third segment with payload the server
// sent in conversation c from file, writes the rest back with pcapgo, and
// checks that `sockplay pcap` shows a gap of its size there, in text and
// in --from mode, and nothing glued.
func checkDroppedSegment(t *testing.T, file string, c convJSON) {
	t.Helper()
	src, link := testkit.OpenCapture(t, file)
	_, sport, _ := net.SplitHostPort(c.Server)
	type packet struct {
		ci   gopacket.CaptureInfo
		data []byte
	}
	var ps []packet
	drop, n, seen := -1, 0, 0
	for {
		data, ci, err := src.ReadPacketData()
		if err != nil {
			break
		}
		// pcapgo keeps a link type in a uint8: LINKTYPE_LINUX_SLL2 (276)
		// reads as 20; decode past its 20-byte header by hand.
		var pk gopacket.Packet
		if link == 20 {
			pk = gopacket.NewPacket(data[20:], layers.LayerTypeIPv4, gopacket.Default)
		} else {
			pk = gopacket.NewPacket(data, link, gopacket.Default)
		}
		if tl, _ := pk.Layer(layers.LayerTypeTCP).(*layers.TCP); tl != nil && strconv.Itoa(int(tl.SrcPort)) == sport && len(tl.Payload) > 0 && drop < 0 {
			if seen++; seen == 3 {
				drop, n = len(ps), len(tl.Payload)
			}
		}
		ps = append(ps, packet{ci, data})
	}
	if drop < 0 {
		t.Fatal("no third server segment to drop")
	}
	out := filepath.Join(filepath.Dir(file), "dropped-"+filepath.Base(file)+".pcap")
	o, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	w := pcapgo.NewWriterNanos(o)
	wlink := link
	if link == 20 {
		wlink = 0 // written by hand below: pcapgo cannot write 276 either
	}
	w.WriteFileHeader(262144, wlink)
	for i, p := range ps {
		if i != drop {
			w.WritePacket(p.ci, p.data)
		}
	}
	o.Close()
	if link == 20 { // put LINKTYPE_LINUX_SLL2 back in the header
		b, _ := os.ReadFile(out)
		b[20], b[21] = 0x14, 0x01
		os.WriteFile(out, b, 0o644)
	}
	_, text, _ := runCLI(t, "pcap", out, "--stream", c.Stream)
	if gap := "-> server " + c.Server + ": [" + strconv.Itoa(n) + " bytes not captured]\n"; strings.Count(text, gap) != 1 || strings.Count(text, "not captured") != 1 {
		t.Errorf("no single gap of %d bytes from the server:\n%s", n, text)
	}
	full := sideBytes(t, file, c.Stream, "server")
	code, got, errOut := runCLI(t, "pcap", out, "--stream", c.Stream, "--from", "server")
	if code != ExitOK || errOut != "sockplay pcap: ["+strconv.Itoa(n)+" bytes not captured]\n" || len(got) != len(full)-n {
		t.Errorf("--from server: exit %d, %d bytes of %d, stderr %q", code, len(got), len(full), errOut)
	}
	// got is full less n bytes at one place: the same up to it, the same after.
	at := 0
	for at < len(got) && got[at] == full[at] {
		at++
	}
	if len(got) != len(full)-n || got[at:] != string(full[at+n:]) {
		t.Errorf("the bytes around the gap are not the capture's")
	}
}
