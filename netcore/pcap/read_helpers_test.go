package pcap

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/sockplay/sockplay/internal/testkit"
)

// realCaptures are the captures of real peers in testdata (see
// testdata/make-captures.sh).
func realCaptures(t testing.TB) []string {
	files, err := filepath.Glob("testdata/*.pcap*")
	if err != nil || len(files) < 5 {
		t.Fatalf("testdata holds %d captures (%v); run testdata/make-captures.sh", len(files), err)
	}
	sort.Strings(files)
	return files
}

func needTshark(t testing.TB) {
	t.Helper()
	testkit.Need(t, "tshark")
}

func tshark(t testing.TB, args ...string) string {
	t.Helper()
	cmd := exec.Command("tshark", args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil && out.Len() == 0 {
		t.Fatalf("tshark %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.String()
}

// tsStream is one conversation as tshark's fields count it, exactly.
type tsStream struct {
	proto  string
	id     int
	a, b   string // the first packet's source, and the other end
	frames [2]int // [0] from a
	bytes  [2]int64
}

// tsharkStreams counts each tcp.stream and udp.stream of file from
// tshark's per-packet fields (frame.len, as its conversation table adds).
func tsharkStreams(out string) map[string]*tsStream {
	m := map[string]*tsStream{}
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if strings.HasPrefix(line, "=====") {
			break // the statistics after the packets
		}
		f := strings.Split(line, "\t")
		if len(f) < 11 || f[0] == "" && f[1] == "" {
			continue
		}
		proto, id := "tcp", f[0]
		if id == "" {
			proto, id = "udp", f[1]
		}
		src := joinHostPort(first(f[2], f[3]), first(f[4], f[5]))
		dst := joinHostPort(first(f[6], f[7]), first(f[8], f[9]))
		n, _ := strconv.Atoi(id)
		size, _ := strconv.ParseInt(f[10], 10, 64)
		key := fmt.Sprintf("%s:%d", proto, n)
		s := m[key]
		if s == nil {
			s = &tsStream{proto: proto, id: n, a: src, b: dst}
			m[key] = s
		}
		d := 0
		if src != s.a {
			d = 1
		}
		s.frames[d]++
		s.bytes[d] += size
	}
	return m
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// joinHostPort writes an endpoint as netip.AddrPort does: [::1]:80.
func joinHostPort(host, port string) string {
	if i := strings.IndexByte(host, ','); i >= 0 { // an ICMP error's inner header
		host = host[:i]
	}
	if i := strings.IndexByte(port, ','); i >= 0 {
		port = port[:i]
	}
	return net.JoinHostPort(host, port)
}

// tsConvRow is one row of `tshark -z conv,tcp`.
type tsConvRow struct {
	a, b         string
	framesBA     int    // the "<-" column: to a
	bytesBA      string // as printed, "13 kB"
	framesAB     int    // "->": from a
	bytesAB      string
	relStart     float64
	durationSecs float64
}

// tsharkConvTable parses the table `tshark -z conv,PROTO` printed in out.
func tsharkConvTable(t testing.TB, out, proto string) []tsConvRow {
	var rows []tsConvRow
	in := false
	for _, line := range strings.Split(out, "\n") {
		if strings.HasSuffix(line, " Conversations") {
			in = strings.HasPrefix(line, strings.ToUpper(proto)+" ")
		}
		if !in || !strings.Contains(line, "<->") {
			continue
		}
		f := strings.Fields(line)
		// A <-> B  frames N bytes|unit  frames N bytes|unit  frames N unit  start duration
		if len(f) < 14 {
			t.Fatalf("conv row %q", line)
		}
		r := tsConvRow{a: convEndpoint(f[0]), b: convEndpoint(f[2])}
		r.framesBA, _ = strconv.Atoi(f[3])
		r.bytesBA = f[4] + " " + f[5]
		r.framesAB, _ = strconv.Atoi(f[6])
		r.bytesAB = f[7] + " " + f[8]
		r.relStart, _ = strconv.ParseFloat(f[len(f)-2], 64)
		r.durationSecs, _ = strconv.ParseFloat(f[len(f)-1], 64)
		rows = append(rows, r)
	}
	return rows
}

// convEndpoint turns the conv table's "::1:44506" into "[::1]:44506".
func convEndpoint(s string) string {
	i := strings.LastIndexByte(s, ':')
	return net.JoinHostPort(s[:i], s[i+1:])
}

// tsharkAll runs tshark once on file for what compareWithTshark needs:
// per-packet fields, the conversation tables, and follow-stream for each
// of streams ("tcp:0").
func tsharkAll(t testing.TB, file string, streams []string) string {
	args := []string{"-r", file, "-T", "fields", "-E", "separator=\t", "-e", "tcp.stream", "-e", "udp.stream",
		"-e", "ip.src", "-e", "ipv6.src", "-e", "tcp.srcport", "-e", "udp.srcport",
		"-e", "ip.dst", "-e", "ipv6.dst", "-e", "tcp.dstport", "-e", "udp.dstport", "-e", "frame.len",
		"-z", "conv,tcp", "-z", "conv,udp"}
	for _, s := range streams {
		proto, id, _ := strings.Cut(s, ":")
		args = append(args, "-z", "follow,"+proto+",raw,"+id)
	}
	return tshark(t, args...)
}

// tsharkFollow returns, for each stream followed in out, the bytes each
// node sent as `tshark -z follow,PROTO,raw,N` prints them: [0] node 0's
// (the first packet's source), [1] node 1's, and node 0's endpoint.
func tsharkFollow(t testing.TB, out string) map[string]followed {
	res := map[string]followed{}
	var cur string
	var f followed
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "Filter: "):
			var proto string
			var id int
			fmt.Sscanf(line, "Filter: %3s.stream eq %d", &proto, &id)
			cur, f = fmt.Sprintf("%s:%d", proto, id), followed{}
		case strings.HasPrefix(line, "Node 0: "):
			f.node0 = strings.TrimPrefix(line, "Node 0: ")
		case strings.HasPrefix(line, "Node 1: "):
		case strings.HasPrefix(line, "====="):
			if cur != "" {
				res[cur] = f
				cur = ""
			}
		case cur != "" && line != "":
			d := 0
			if strings.HasPrefix(line, "\t") {
				d = 1
			}
			b, err := hex.DecodeString(strings.TrimSpace(line))
			if err != nil {
				t.Fatalf("follow line %q: %v", line, err)
			}
			f.data[d] = append(f.data[d], b...)
		}
	}
	return res
}

type followed struct {
	node0 string
	data  [2][]byte
}

// joined is what a conversation's chunks hold each way, gaps left out.
func joined(cv *Conversation) [2][]byte {
	var d [2][]byte
	for _, ch := range cv.Chunks {
		i := 1
		if ch.FromClient {
			i = 0
		}
		d[i] = append(d[i], ch.Data...)
	}
	return d
}

func hash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8])
}

// compareWithTshark checks that c lists the conversations tshark finds in
// file, with the same endpoints, frames and frame bytes each way, and that
// each one's bytes each way are those tshark's follow-stream gives.
func compareWithTshark(t *testing.T, file string, c *Capture) {
	t.Helper()
	var names []string
	for _, cv := range c.Conversations {
		names = append(names, cv.Name())
	}
	out := tsharkAll(t, file, names)
	ts := tsharkStreams(out)
	if len(c.Conversations) != len(ts) {
		t.Errorf("%s: %d conversations, tshark has %d", file, len(c.Conversations), len(ts))
	}
	for _, cv := range c.Conversations {
		s := ts[cv.Name()]
		if s == nil {
			t.Errorf("%s: %s is not in tshark's streams", file, cv.Name())
			continue
		}
		ends := [2]string{cv.Client.String(), cv.Server.String()}
		flip := 0
		if s.a != ends[0] {
			flip = 1
		}
		if s.a != ends[flip] || s.b != ends[1-flip] {
			t.Errorf("%s %s: %s <-> %s, tshark %s <-> %s", file, cv.Name(), ends[0], ends[1], s.a, s.b)
		}
		for d := range 2 {
			if cv.Packets[d] != s.frames[d^flip] || cv.FrameBytes[d] != s.bytes[d^flip] {
				t.Errorf("%s %s direction %d: %d packets %d bytes, tshark %d packets %d bytes", file, cv.Name(), d,
					cv.Packets[d], cv.FrameBytes[d], s.frames[d^flip], s.bytes[d^flip])
			}
		}
	}
	// The conversation table, as printed: the same rows, each way.
	for _, proto := range []string{"tcp", "udp"} {
		rows := tsharkConvTable(t, out, proto)
		n := 0
		for _, cv := range c.Conversations {
			if cv.Proto != proto {
				continue
			}
			n++
			found := false
			for _, r := range rows {
				ab := r.a == cv.Client.String() && r.b == cv.Server.String()
				ba := r.b == cv.Client.String() && r.a == cv.Server.String()
				if !ab && !ba {
					continue
				}
				out, in := 0, 1 // our direction that is tshark's "->" (from a), "<-"
				if ba {
					out, in = 1, 0
				}
				if r.framesAB == cv.Packets[out] && r.framesBA == cv.Packets[in] &&
					r.bytesAB == testkit.TsharkSize(cv.FrameBytes[out]) && r.bytesBA == testkit.TsharkSize(cv.FrameBytes[in]) {
					found = true
				}
			}
			if !found {
				t.Errorf("%s %s: no row of tshark -z conv,%s has %s <-> %s with %v packets and %v bytes:\n%+v",
					file, cv.Name(), proto, cv.Client, cv.Server, cv.Packets, cv.FrameBytes, rows)
			}
		}
		if n != len(rows) {
			t.Errorf("%s: %d %s conversations, tshark -z conv,%s has %d rows", file, n, proto, proto, len(rows))
		}
	}
	// The bytes each way.
	fol := tsharkFollow(t, out)
	for _, cv := range c.Conversations {
		f, ok := fol[cv.Name()]
		if !ok {
			t.Errorf("%s: tshark did not follow %s", file, cv.Name())
			continue
		}
		ours := joined(cv)
		flip := 0
		if f.node0 != cv.Client.String() {
			flip = 1
		}
		for d := range 2 {
			if hash(ours[d]) != hash(f.data[d^flip]) {
				t.Errorf("%s %s direction %d: %d bytes (sha256 %s), tshark follows %d bytes (sha256 %s)", file, cv.Name(), d,
					len(ours[d]), hash(ours[d]), len(f.data[d^flip]), hash(f.data[d^flip]))
			}
			if cv.Bytes[d] != int64(len(ours[d])) {
				t.Errorf("%s %s direction %d: Bytes %d, chunks hold %d", file, cv.Name(), d, cv.Bytes[d], len(ours[d]))
			}
		}
	}
}

// readPackets reads every packet of a capture with gopacket's pcapgo, to
// rewrite it in tests.
type capPacket struct {
	ci   gopacket.CaptureInfo
	data []byte
}

func readPackets(t testing.TB, file string) (layers.LinkType, []capPacket) {
	t.Helper()
	src, link := testkit.OpenCapture(t, file)
	var ps []capPacket
	for {
		data, ci, err := src.ReadPacketData()
		if err != nil {
			break
		}
		ps = append(ps, capPacket{ci, data})
	}
	return link, ps
}

// writePcap writes packets as a pcap file of link type link with pcapgo;
// nano chooses nanosecond timestamps.
func writePcap(t testing.TB, file string, link layers.LinkType, nano bool, ps []capPacket) {
	t.Helper()
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := pcapgo.NewWriter(f)
	if nano {
		w = pcapgo.NewWriterNanos(f)
	}
	if err := w.WriteFileHeader(65536, link); err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		ci := p.ci
		ci.CaptureLength = len(p.data)
		if ci.Length < ci.CaptureLength {
			ci.Length = ci.CaptureLength
		}
		if err := w.WritePacket(ci, p.data); err != nil {
			t.Fatal(err)
		}
	}
}

// writePcapng writes packets as pcapng with pcapgo's NgWriter.
func writePcapng(t testing.TB, file string, link layers.LinkType, ps []capPacket) {
	t.Helper()
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := pcapgo.NewNgWriter(f, link)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		ci := p.ci
		ci.CaptureLength = len(p.data)
		if ci.Length < ci.CaptureLength {
			ci.Length = ci.CaptureLength
		}
		if err := w.WritePacket(ci, p.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}

// openT reads file and fails the test on any error.
func openT(t testing.TB, file string) *Capture {
	t.Helper()
	c, err := Open(file)
	if err != nil {
		t.Fatalf("Open(%s): %v", file, err)
	}
	return c
}

// readBytes reads a capture held in memory.
func readBytes(b []byte, opt Options) (*Capture, error) {
	return Read(context.Background(), bytes.NewReader(b), opt)
}

// Synthetic traffic, for the cases real peers on loopback cannot be made
// to produce on demand.

var (
	cliAddr = netip.MustParseAddrPort("192.0.2.10:40000")
	srvAddr = netip.MustParseAddrPort("192.0.2.1:502")
	t0      = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
)

// pkt is one synthetic TCP segment or UDP datagram.
type pkt struct {
	udp      bool
	fromSrv  bool
	seq, ack uint32
	flags    uint8
	payload  []byte
	cutTo    int // >0: keep only this many bytes of the frame (a snap length)
}

// ethFrame builds an Ethernet/IPv4/TCP or UDP frame with gopacket.
func ethFrame(t testing.TB, p pkt, src, dst netip.AddrPort) []byte {
	t.Helper()
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}}
	var ls []gopacket.SerializableLayer
	var netl gopacket.NetworkLayer
	if src.Addr().Is4() {
		eth.EthernetType = layers.EthernetTypeIPv4
		ip := &layers.IPv4{Version: 4, TTL: 64, SrcIP: src.Addr().AsSlice(), DstIP: dst.Addr().AsSlice(), Protocol: layers.IPProtocolTCP}
		if p.udp {
			ip.Protocol = layers.IPProtocolUDP
		}
		ls, netl = append(ls, eth, ip), ip
	} else {
		eth.EthernetType = layers.EthernetTypeIPv6
		ip := &layers.IPv6{Version: 6, HopLimit: 64, SrcIP: src.Addr().AsSlice(), DstIP: dst.Addr().AsSlice(), NextHeader: layers.IPProtocolTCP}
		if p.udp {
			ip.NextHeader = layers.IPProtocolUDP
		}
		ls, netl = append(ls, eth, ip), ip
	}
	if p.udp {
		u := &layers.UDP{SrcPort: layers.UDPPort(src.Port()), DstPort: layers.UDPPort(dst.Port())}
		u.SetNetworkLayerForChecksum(netl)
		ls = append(ls, u)
	} else {
		tc := &layers.TCP{SrcPort: layers.TCPPort(src.Port()), DstPort: layers.TCPPort(dst.Port()), Seq: p.seq, Ack: p.ack,
			FIN: p.flags&tcpFIN != 0, SYN: p.flags&tcpSYN != 0, RST: p.flags&tcpRST != 0, ACK: p.flags&tcpACK != 0, Window: 65535}
		tc.SetNetworkLayerForChecksum(netl)
		ls = append(ls, tc)
	}
	ls = append(ls, gopacket.Payload(p.payload))
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if p.cutTo > 0 && p.cutTo < len(b) {
		return append([]byte(nil), b[:p.cutTo]...)
	}
	return append([]byte(nil), b...)
}

// synth writes ps as an Ethernet pcap in memory, a millisecond apart, from
// cliAddr to srvAddr or back.
func synth(t testing.TB, ps []pkt) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := pcapgo.NewWriterNanos(&buf)
	w.WriteFileHeader(65536, layers.LinkTypeEthernet)
	for i, p := range ps {
		src, dst := cliAddr, srvAddr
		if p.fromSrv {
			src, dst = dst, src
		}
		full := ethFrame(t, pkt{udp: p.udp, seq: p.seq, ack: p.ack, flags: p.flags, payload: p.payload}, src, dst)
		data := ethFrame(t, p, src, dst)
		ci := gopacket.CaptureInfo{Timestamp: t0.Add(time.Duration(i) * time.Millisecond), CaptureLength: len(data), Length: len(full)}
		if err := w.WritePacket(ci, data); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}
