package cli

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore/hexdump"
)

// The real captures netcore/pcap is tested on: python3 and socat peers
// captured by tshark and tcpdump (see its testdata/make-captures.sh).
const captures = "../../../netcore/pcap/testdata/"

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// listJSON runs `sockplay pcap FILE --json` and decodes its lines.
func listJSON(t *testing.T, file string) []convJSON {
	t.Helper()
	code, out, errOut := runCLI(t, "pcap", file, "--json")
	if code != ExitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	var cs []convJSON
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var c convJSON
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		cs = append(cs, c)
	}
	return cs
}

// sideBytes runs `sockplay pcap FILE --stream S --from SIDE`: that side's
// bytes alone.
func sideBytes(t *testing.T, file, stream, side string) []byte {
	t.Helper()
	code, out, errOut := runCLI(t, "pcap", file, "--stream", stream, "--from", side)
	if code != ExitOK || errOut != "" {
		t.Fatalf("--stream %s --from %s: exit %d, stderr %q", stream, side, code, errOut)
	}
	return []byte(out)
}

// convRow is a row of tshark's -z conv table.
type convRow struct {
	a, b               string
	framesTo, framesFr int    // "<-" (to a), "->" (from a)
	bytesTo, bytesFr   string // as printed
}

// tsharkConv runs `tshark -q -z conv,tcp -z conv,udp` and the per-packet
// frame lengths: the table's rows by protocol, and each stream's exact
// frame bytes, which the table prints rounded.
func tsharkConv(t *testing.T, file string) (rows map[string][]convRow, exact map[string]int64) {
	t.Helper()
	out := testkit.Tshark(t, "-r", file, "-T", "fields", "-e", "tcp.stream", "-e", "udp.stream", "-e", "frame.len",
		"-z", "conv,tcp", "-z", "conv,udp")
	rows, exact = map[string][]convRow{}, map[string]int64{}
	proto := ""
	stats := false
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "====="):
			stats = true
		case !stats:
			f := strings.Split(line, "\t")
			if len(f) == 3 && (f[0] != "" || f[1] != "") {
				key := "tcp:" + f[0]
				if f[0] == "" {
					key = "udp:" + f[1]
				}
				n, _ := strconv.ParseInt(f[2], 10, 64)
				exact[key] += n
			}
		case strings.HasSuffix(line, " Conversations"):
			proto = strings.ToLower(strings.Fields(line)[0])
		case strings.Contains(line, "<->"):
			f := strings.Fields(line)
			ep := func(s string) string { i := strings.LastIndexByte(s, ':'); return net.JoinHostPort(s[:i], s[i+1:]) }
			r := convRow{a: ep(f[0]), b: ep(f[2]), bytesTo: f[4] + " " + f[5], bytesFr: f[7] + " " + f[8]}
			r.framesTo, _ = strconv.Atoi(f[3])
			r.framesFr, _ = strconv.Atoi(f[6])
			rows[proto] = append(rows[proto], r)
		}
	}
	return rows, exact
}

// checkAgainstTshark: `sockplay pcap FILE` lists what `tshark -z conv`
// lists (count, endpoints, frames and bytes each way), and `--stream N
// --from client|server` gives the bytes `tshark -z follow,PROTO,raw,N`
// gives each way (by hash).
func checkAgainstTshark(t *testing.T, file string) []convJSON {
	t.Helper()
	cs := listJSON(t, file)
	rows, exact := tsharkConv(t, file)
	count := map[string]int{}
	for _, c := range cs {
		count[c.Proto]++
		if c.FrameBytes() != exact[c.Stream] {
			t.Errorf("%s: %d frame bytes, tshark counts %d", c.Stream, c.FrameBytes(), exact[c.Stream])
		}
		found := false
		for _, r := range rows[c.Proto] {
			if r.a == c.Client && r.b == c.Server && r.framesFr == c.ToServer.Packets && r.framesTo == c.ToClient.Packets &&
				r.bytesFr == testkit.TsharkSize(c.ToServer.FrameBytes) && r.bytesTo == testkit.TsharkSize(c.ToClient.FrameBytes) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s %s <-> %s, %d/%d packets, %d/%d bytes: no such row in tshark -z conv,%s: %+v", c.Stream, c.Client, c.Server,
				c.ToServer.Packets, c.ToClient.Packets, c.ToServer.FrameBytes, c.ToClient.FrameBytes, c.Proto, rows[c.Proto])
		}
		client, server := testkit.TsharkFollow(t, file, c.Proto, c.ID)
		if got := sideBytes(t, file, c.Stream, "client"); sha(got) != sha(client) {
			t.Errorf("%s client: %d bytes, tshark follows %d", c.Stream, len(got), len(client))
		}
		if got := sideBytes(t, file, c.Stream, "server"); sha(got) != sha(server) {
			t.Errorf("%s server: %d bytes, tshark follows %d", c.Stream, len(got), len(server))
		}
	}
	for proto, rs := range rows {
		if count[proto] != len(rs) {
			t.Errorf("%d %s conversations, tshark lists %d", count[proto], proto, len(rs))
		}
	}
	return cs
}

// FrameBytes is both directions' frame bytes.
func (c convJSON) FrameBytes() int64 { return c.ToServer.FrameBytes + c.ToClient.FrameBytes }

// The listing of real captures (pcapng, pcap µs and ns, Ethernet, SLL,
// SLL2) is tshark's, and each stream's bytes are those tshark follows.
func TestPcapMatchesTshark(t *testing.T) {
	testkit.Need(t, "tshark")
	files, _ := filepath.Glob(captures + "*.pcap*")
	if len(files) < 5 {
		t.Fatalf("%d captures in %s", len(files), captures)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) { checkAgainstTshark(t, file) })
	}
}

// The text list: a head line, then a row per conversation, aligned.
func TestPcapList(t *testing.T) {
	file := captures + "lo-tcpdump-us.pcap"
	code, out, errOut := runCLI(t, "pcap", file)
	if code != ExitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	head := regexp.MustCompile(`^\S+lo-tcpdump-us.pcap: pcap, Ethernet \(1\), \d+ packets from 20\d\d-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}000 UTC over \d+\.\d{6} s; 5 TCP and UDP conversations \(payload bytes; START is seconds after the first packet\)$`)
	if !head.MatchString(lines[0]) {
		t.Errorf("head line %q", lines[0])
	}
	if !strings.HasPrefix(lines[1], "STREAM    CLIENT           SERVER           C>S PKTS    C>S BYTES  S>C PKTS    S>C BYTES         START     DURATION  END   NOTES") {
		t.Errorf("columns %q", lines[1])
	}
	row := regexp.MustCompile(`^(tcp|udp):\d\s+\S+\s+\S+\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+\.\d{6}\s+\d+\.\d{6}\s+(fin|rst|open|-)$`)
	for _, l := range lines[2:] {
		if !row.MatchString(l) {
			t.Errorf("row %q", l)
		}
	}
	if len(lines) != 7 || !strings.Contains(lines[2], " 6000 ") || !strings.Contains(lines[2], " 12000 ") || !strings.HasSuffix(lines[4], "rst") {
		t.Errorf("list:\n%s", out)
	}
}

// A stream printed as serve prints traffic, seen from its server: in text
// mode each chunk under a line saying who sent it ("<-" the client, "->"
// the server), with --hex as hexdump -C, with --json as serve --json.
func TestPcapStreamModes(t *testing.T) {
	file := captures + "lo-tshark.pcapng"
	cs := listJSON(t, file)
	udp := cs[len(cs)-1] // the python3 client's three datagrams, answered
	if udp.Stream != "udp:1" {
		t.Fatalf("last conversation %s", udp.Stream)
	}
	_, text, _ := runCLI(t, "pcap", file, "--stream", "udp:1")
	want := fmt.Sprintf("<- client %s: 11 bytes\ndatagram 0 \n-> server %s: 11 bytes\nDATAGRAM 0 \n", udp.Client, udp.Server)
	if !strings.HasPrefix(text, want) || strings.Count(text, "<- client") != 3 || strings.Count(text, "-> server") != 3 || !strings.HasSuffix(text, "\n") {
		t.Errorf("text:\n%s\nwant it to begin\n%s", text, want)
	}
	_, hx, _ := runCLI(t, "pcap", file, "--stream", "udp:1", "--hex")
	wantHex := fmt.Sprintf("<- client %s: 11 bytes\n%s-> server %s: 11 bytes\n%s", udp.Client,
		hexdump.Dump([]byte("datagram 0 "), hexdump.Options{}), udp.Server, hexdump.Dump([]byte("DATAGRAM 0 "), hexdump.Options{}))
	if !strings.HasPrefix(hx, wantHex) {
		t.Errorf("hex:\n%s\nwant it to begin\n%s", hx, wantHex)
	}
	code, js, errOut := runCLI(t, "pcap", file, "--stream", "tcp:0", "--json")
	if code != ExitOK || errOut != "" {
		t.Fatalf("--json: exit %d, stderr %q", code, errOut)
	}
	var kinds []string
	var in, out []byte
	for _, l := range strings.Split(strings.TrimSpace(js), "\n") {
		var e struct {
			Seq        int
			Kind, Data string
			Hex        string
			Addr       string
			Len        *int
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		b := []byte(e.Data)
		if e.Hex != "" {
			b, _ = hex.DecodeString(e.Hex)
		}
		switch e.Kind {
		case "data_in":
			in = append(in, b...)
		case "data_out":
			out = append(out, b...)
		}
		if len(kinds) == 0 || kinds[len(kinds)-1] != e.Kind {
			kinds = append(kinds, e.Kind)
		}
		if e.Seq != len(strings.Split(js[:strings.Index(js, l)], "\n")) || e.Addr != cs[0].Client {
			t.Errorf("line %q", l)
		}
	}
	if strings.Join(kinds, ",") != "accepted,data_in,data_out,closed" {
		t.Errorf("kinds %v", kinds)
	}
	if sha(in) != sha(sideBytes(t, file, "tcp:0", "client")) || sha(out) != sha(sideBytes(t, file, "tcp:0", "server")) || len(in) != 6000 || len(out) != 12000 {
		t.Errorf("json carries %d bytes in, %d out", len(in), len(out))
	}
}

// A capture written here with gopacket: one TCP conversation from the
// given segments after a handshake, seq numbers counted from the data.
type seg struct {
	fromServer bool
	off        uint32 // in the sender's stream
	data       string
	fin        bool
}

func writeConversation(t *testing.T, segs []seg) string {
	t.Helper()
	file := filepath.Join(testkit.TempDir(t), "conv.pcap")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := pcapgo.NewWriterNanos(f)
	w.WriteFileHeader(65535, layers.LinkTypeRaw)
	cli, srv := net.IPv4(192, 0, 2, 10).To4(), net.IPv4(192, 0, 2, 1).To4()
	const ci, si = 7000, 9000
	at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	write := func(fromServer bool, seq, ack uint32, syn, ackf, fin bool, data string) {
		src, dst, sp, dp := cli, srv, 40000, 7
		if fromServer {
			src, dst, sp, dp = srv, cli, 7, 40000
		}
		ip := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: src, DstIP: dst}
		tc := &layers.TCP{SrcPort: layers.TCPPort(sp), DstPort: layers.TCPPort(dp), Seq: seq, Ack: ack, SYN: syn, ACK: ackf, FIN: fin, Window: 65535}
		tc.SetNetworkLayerForChecksum(ip)
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ip, tc, gopacket.Payload(data)); err != nil {
			t.Fatal(err)
		}
		at = at.Add(time.Millisecond)
		w.WritePacket(gopacket.CaptureInfo{Timestamp: at, CaptureLength: len(buf.Bytes()), Length: len(buf.Bytes())}, buf.Bytes())
	}
	write(false, ci, 0, true, false, false, "")
	write(true, si, ci+1, true, true, false, "")
	var end [2]uint32
	for _, s := range segs {
		isn, other, d := uint32(ci), uint32(si), 0
		if s.fromServer {
			isn, other, d = si, ci, 1
		}
		write(s.fromServer, isn+1+s.off, other+1+end[1-d], false, true, s.fin, s.data)
		end[d] = max(end[d], s.off+uint32(len(s.data)))
	}
	return file
}

// A gap is a line of its own in every mode, with its size; with --from it
// goes to stderr so stdout keeps the side's bytes exactly.
func TestPcapGapEveryMode(t *testing.T) {
	file := writeConversation(t, []seg{
		{off: 0, data: "GET /a\n"},
		{off: 1467, data: "GET /c\n"}, // 1460 bytes never captured
		{fromServer: true, off: 0, data: "ok\n"},
	})
	_, text, _ := runCLI(t, "pcap", file, "--stream", "0")
	want := "<- client 192.0.2.10:40000: 7 bytes\nGET /a\n<- client 192.0.2.10:40000: [1460 bytes not captured]\n<- client 192.0.2.10:40000: 7 bytes\nGET /c\n-> server 192.0.2.1:7: 3 bytes\nok\n"
	if text != want {
		t.Errorf("text:\n%s\nwant\n%s", text, want)
	}
	_, hx, _ := runCLI(t, "pcap", file, "--stream", "0", "--hex")
	if !strings.Contains(hx, "\n<- client 192.0.2.10:40000: [1460 bytes not captured]\n<- client 192.0.2.10:40000: 7 bytes\n00000000  47 45 54 20 2f 63 0a") {
		t.Errorf("hex:\n%s", hx)
	}
	_, js, _ := runCLI(t, "pcap", file, "--stream", "0", "--json")
	if !strings.Contains(js, `"kind":"error","peer":1,"addr":"192.0.2.10:40000","text":"1460 bytes not captured from the client","bytes":1460}`) {
		t.Errorf("json:\n%s", js)
	}
	code, raw, errOut := runCLI(t, "pcap", file, "--stream", "0", "--from", "client")
	if code != ExitOK || raw != "GET /a\nGET /c\n" || errOut != "sockplay pcap: [1460 bytes not captured]\n" {
		t.Errorf("--from client: exit %d, stdout %q, stderr %q", code, raw, errOut)
	}
	_, list, _ := runCLI(t, "pcap", file)
	if !strings.Contains(list, "open  1460 bytes not captured") {
		t.Errorf("list:\n%s", list)
	}
}

// --framing cuts each direction into messages, as serve does; a gap ends
// the frame it cut (said on stderr) and framing goes on after it.
func TestPcapFraming(t *testing.T) {
	file := writeConversation(t, []seg{
		{off: 0, data: "one\ntw"},
		{off: 6, data: "o\nthr"},
		{off: 20, data: "x\nfour\n"}, // "ee..." (9 bytes) never captured
		{fromServer: true, off: 0, data: "A\nB\n", fin: true},
	})
	code, out, errOut := runCLI(t, "pcap", file, "--stream", "0", "--framing", "line")
	want := "<- client 192.0.2.10:40000: message, 3 bytes\none\n<- client 192.0.2.10:40000: message, 3 bytes\ntwo\n" +
		"<- client 192.0.2.10:40000: [9 bytes not captured]\n<- client 192.0.2.10:40000: message, 1 bytes\nx\n<- client 192.0.2.10:40000: message, 4 bytes\nfour\n" +
		"-> server 192.0.2.1:7: message, 1 bytes\nA\n-> server 192.0.2.1:7: message, 1 bytes\nB\n"
	if code != ExitOK || out != want {
		t.Errorf("exit %d, stdout\n%s\nwant\n%s", code, out, want)
	}
	if !strings.Contains(errOut, "framing (client): ") || !strings.Contains(errOut, "(9 bytes were not captured)") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("stderr %q", errOut)
	}
	_, raw, _ := runCLI(t, "pcap", file, "--stream", "0", "--framing", "line", "--from", "server")
	if raw != "A\nB\n" {
		t.Errorf("--from server: %q", raw)
	}
	_, js, _ := runCLI(t, "pcap", file, "--stream", "0", "--framing", "line", "--json")
	if strings.Count(js, `"kind":"message"`) != 4 || strings.Count(js, `"kind":"message_out"`) != 2 || strings.Count(js, `"note":"framing_error"`) != 1 {
		t.Errorf("json:\n%s", js)
	}
}

// A capture cut in the middle of a packet: what came before is listed,
// then one line names the packet and byte, and the exit status is 1.
func TestPcapTruncated(t *testing.T) {
	full, err := os.ReadFile(captures + "lo-tcpdump-ns.pcap")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(testkit.TempDir(t), "cut.pcap")
	os.WriteFile(file, full[:len(full)-100], 0o644)
	code, out, errOut := runCLI(t, "pcap", file)
	re := regexp.MustCompile(`^sockplay pcap: \S+cut.pcap, packet (\d+) \(at byte \d+\): cut short: the file ends after \d+ of the \d+ bytes of its captured data \(what the (\d+) packets before it hold is shown\)\n$`)
	m := re.FindStringSubmatch(errOut)
	if code != ExitFail || m == nil {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if n, _ := strconv.Atoi(m[1]); strconv.Itoa(n-1) != m[2] {
		t.Errorf("packet %s, %s before it", m[1], m[2])
	}
	if !strings.Contains(out, "tcp:0 ") || !strings.Contains(out, "udp:1 ") {
		t.Errorf("list:\n%s", out)
	}
}

// Wrong arguments: one line each, naming the bad part.
func TestPcapUsageErrors(t *testing.T) {
	file := captures + "lo-tshark.pcapng"
	for _, tc := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"pcap"}, ExitUsage, "sockplay pcap: missing FILE, a pcap or pcapng capture\n"},
		{[]string{"pcap", file, "--hex"}, ExitUsage, "sockplay pcap: --hex prints one conversation: add --stream N (the list's STREAM column)\n"},
		{[]string{"pcap", file, "--stream", "0", "--hex", "--json"}, ExitUsage, "sockplay pcap: choose one of --hex and --json\n"},
		{[]string{"pcap", file, "--stream", "x"}, ExitUsage, "sockplay pcap: --stream: \"x\" is not a stream: write N, tcp:N or udp:N, with N from 0\n"},
		{[]string{"pcap", file, "--stream", "0", "--from", "both"}, ExitUsage, "sockplay pcap: --from \"both\": write client or server\n"},
		{[]string{"pcap", file, "--stream", "0", "--framing", "len:3"}, ExitUsage, "sockplay pcap: --framing \"len:3\": "},
		{[]string{"pcap", file, "--stream", "9"}, ExitFail, "sockplay pcap: tcp stream 9: the capture has tcp streams 0 to 2\n"},
		{[]string{"pcap", file, "--nosuch"}, ExitUsage, "sockplay pcap: unknown flag --nosuch; see 'sockplay pcap -h'\n"},
		{[]string{"pcap", "nosuch.pcap"}, ExitFail, "sockplay pcap: open nosuch.pcap: "},
		{[]string{"pcap", captures + "traffic.py"}, ExitFail, "sockplay pcap: " + captures + "traffic.py, at byte 0: not a capture file: it starts with 23 21 2f 75, which is no pcap or pcapng magic number\n"},
	} {
		t.Run(strings.Join(tc.args[1:], " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, tc.args...)
			if code != tc.code || out != "" || !strings.HasPrefix(errOut, tc.err) || strings.Count(errOut, "\n") != 1 {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d and %q", code, out, errOut, tc.code, tc.err)
			}
		})
	}
	code, out, _ := runCLI(t, "help", "pcap")
	if code != ExitOK || !strings.HasPrefix(out, "usage: sockplay pcap FILE [--json]") {
		t.Errorf("help: exit %d, %q", code, out)
	}
}
