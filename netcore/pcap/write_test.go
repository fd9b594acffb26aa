package pcap

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/sockplay/sockplay/internal/testkit"
)

// step is one event of a scripted TCP connection.
type step struct {
	op  string // "data", "fin", "rst"
	out bool   // from the local end
	n   int    // data: how many bytes
}

// tcpScript writes one connection: a handshake, the steps, and returns
// the bytes each side sent.
func tcpScript(t testing.TB, w *Writer, local, remote string, weOpened bool, steps []step, r *rand.Rand) (out, in []byte) {
	t.Helper()
	at := time.Date(2025, 3, 1, 12, 0, 0, 123456000, time.UTC)
	c, err := w.OpenTCP(at, netip.MustParseAddrPort(local), netip.MustParseAddrPort(remote), weOpened, "opened")
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range steps {
		at = at.Add(time.Millisecond)
		switch s.op {
		case "data":
			b := make([]byte, s.n)
			for j := range b {
				b[j] = byte(r.Uint32())
			}
			switch { // nothing follows a side's FIN, or a reset, on the wire
			case c.Finished(s.out) || c.reset:
			case s.out:
				out = append(out, b...)
			default:
				in = append(in, b...)
			}
			err = c.Data(at, s.out, b, fmt.Sprintf("step %d", i))
		case "fin":
			err = c.Fin(at, s.out, "fin")
		case "rst":
			err = c.Reset(at, s.out, "rst")
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return out, in
}

// wrapISN starts every connection just below the sequence number wrap.
func wrapISN() uint32 { return 0xffffffff - 1000 }

var tcpCases = []struct {
	name          string
	local, remote string
	weOpened      bool
	isn           func() uint32
	steps         []step
	reset         bool
}{
	{"v4 accepted, both ways, both FIN", "127.0.0.1:9000", "127.0.0.1:54321", false, nil,
		[]step{{"data", false, 5}, {"data", true, 6}, {"data", false, 200000}, {"data", true, 3*MSS + 1}, {"fin", false, 0}, {"fin", true, 0}}, false},
	{"v6 dialed, large chunks", "[::1]:40000", "[::1]:9000", true, nil,
		[]step{{"data", true, MSS}, {"data", false, MSS + 1}, {"data", true, 1}, {"fin", true, 0}, {"fin", false, 0}}, false},
	{"sequence numbers wrap", "127.0.0.1:9000", "127.0.0.1:1234", false, wrapISN,
		[]step{{"data", false, 5000}, {"data", true, 5000}, {"fin", true, 0}, {"fin", false, 0}}, false},
	{"half-close by us, the peer goes on", "127.0.0.1:9000", "127.0.0.1:2345", false, nil,
		[]step{{"data", true, 100}, {"fin", true, 0}, {"data", false, 70000}, {"data", true, 9}, {"fin", false, 0}}, false},
	{"reset by peer", "127.0.0.1:40001", "127.0.0.1:9000", true, nil,
		[]step{{"data", true, 10}, {"data", false, 10}, {"rst", false, 0}, {"data", false, 5}}, true},
	{"reset by us", "[::1]:9000", "[::1]:40002", false, nil,
		[]step{{"data", false, 1000}, {"rst", true, 0}}, true},
	{"ipv4-mapped peer of a dual-stack socket", "[::ffff:127.0.0.1]:9000", "127.0.0.1:40003", false, nil,
		[]step{{"data", false, 10}, {"fin", false, 0}, {"fin", true, 0}}, false},
}

// cleanExpert fails unless tshark's analysis found nothing wrong: no
// errors, no warnings but the resets a test expects, only the notes a
// clean close has.
func cleanExpert(t *testing.T, file string, resets bool) {
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
}

// TestWriterTCPTshark: tshark reads each scripted connection, its analysis
// is clean, and following the stream gives back every byte each way.
func TestWriterTCPTshark(t *testing.T) {
	testkit.Need(t, "tshark")
	dir := testkit.TempDir(t)
	for i, tc := range tcpCases {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(dir, fmt.Sprintf("%d.pcapng", i))
			w, err := Create(file, WriterOptions{Interface: "TCP server 127.0.0.1:9000", Description: "a test", ISN: tc.isn})
			if err != nil {
				t.Fatal(err)
			}
			out, in := tcpScript(t, w, tc.local, tc.remote, tc.weOpened, tc.steps, rand.New(rand.NewPCG(uint64(i), 9)))
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			client, server := testkit.TsharkFollow(t, file, "tcp", 0)
			if !tc.weOpened { // the client is the remote end
				out, in = in, out
			}
			if !bytes.Equal(client, out) || !bytes.Equal(server, in) {
				t.Errorf("follow gives %d and %d bytes, want %d and %d (equal: %v %v)", len(client), len(server), len(out), len(in),
					bytes.Equal(client, out), bytes.Equal(server, in))
			}
			cleanExpert(t, file, tc.reset)
			// The interface is the session, the comments what the log said.
			got := testkit.Tshark(t, "-r", file, "-c", "1", "-T", "fields", "-e", "frame.interface_name", "-e", "frame.interface_description", "-e", "frame.comment")
			if want := "TCP server 127.0.0.1:9000\ta test\topened\n"; got != want {
				t.Errorf("first frame's interface and comment: %q, want %q", got, want)
			}
		})
	}
}

// TestWriterReadBack: gopacket's own reader takes the file: one raw-IP
// interface with its name and microseconds, every packet decodes, times
// as given, each side's sequence numbers follow on, every ACK is of bytes
// sent, and the payloads are the bytes sent.
func TestWriterReadBack(t *testing.T) {
	for i, tc := range tcpCases {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := NewWriter(&buf, WriterOptions{Interface: "iface", Description: "desc", ISN: tc.isn})
			out, in := tcpScript(t, w, tc.local, tc.remote, tc.weOpened, tc.steps, rand.New(rand.NewPCG(uint64(i), 9)))
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if w.Size() != int64(buf.Len()) {
				t.Errorf("Size %d, the writer took %d", w.Size(), buf.Len())
			}
			gotOut, gotIn := checkTCPFile(t, buf.Bytes(), tc.local)
			if !bytes.Equal(gotOut, out) || !bytes.Equal(gotIn, in) {
				t.Errorf("payloads: %d out and %d in, want %d and %d", len(gotOut), len(gotIn), len(out), len(in))
			}
			if n := countPackets(t, buf.Bytes()); uint64(n) != w.Packets() {
				t.Errorf("Packets() %d, the file has %d", w.Packets(), n)
			}
		})
	}
}

func countPackets(t testing.TB, file []byte) int {
	r, err := pcapgo.NewNgReader(bytes.NewReader(file), pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		if _, _, err := r.ReadPacketData(); err == io.EOF {
			return n
		} else if err != nil {
			t.Fatalf("packet %d: %v", n+1, err)
		}
		n++
	}
}

// checkTCPFile reads a capture of one TCP connection whose local end is
// local and checks it packet by packet; it returns each side's payload.
func checkTCPFile(t testing.TB, file []byte, local string) (out, in []byte) {
	t.Helper()
	r, err := pcapgo.NewNgReader(bytes.NewReader(file), pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatal(err)
	}
	if r.LinkType() != layers.LinkTypeRaw {
		t.Fatalf("link type %v", r.LinkType())
	}
	iface, err := r.Interface(0)
	if err != nil {
		t.Fatal(err)
	}
	if iface.SnapLength != writeSnapLen || iface.Resolution() != gopacket.TimestampResolutionMicrosecond {
		t.Errorf("interface: snap length %d, resolution %v", iface.SnapLength, iface.Resolution())
	}
	lp := netip.MustParseAddrPort(local).Port()
	var next [2]uint32 // per side: the next sequence number, once seen
	var seen [2]bool
	var last time.Time
	for n := 1; ; n++ {
		data, ci, err := r.ReadPacketData()
		if err == io.EOF {
			return out, in
		}
		if err != nil {
			t.Fatalf("packet %d: %v", n, err)
		}
		if ci.Timestamp.Before(last) || ci.Timestamp.Nanosecond()%1000 != 0 {
			t.Errorf("packet %d: time %v after %v", n, ci.Timestamp, last)
		}
		last = ci.Timestamp
		first := layers.LayerTypeIPv4
		if data[0]>>4 == 6 {
			first = layers.LayerTypeIPv6
		}
		pk := gopacket.NewPacket(data, first, gopacket.Default)
		if el := pk.ErrorLayer(); el != nil {
			t.Fatalf("packet %d: %v", n, el.Error())
		}
		tcp, _ := pk.Layer(layers.LayerTypeTCP).(*layers.TCP)
		if tcp == nil {
			t.Fatalf("packet %d is not TCP", n)
		}
		if !checksumOK(pk) {
			t.Errorf("packet %d: bad checksum", n)
		}
		side := 1
		if uint16(tcp.SrcPort) == lp {
			side = 0
		}
		if seen[side] && tcp.Seq != next[side] && !tcp.SYN {
			t.Errorf("packet %d: seq %d, expected %d", n, tcp.Seq, next[side])
		}
		if tcp.ACK && seen[1-side] && tcp.Ack != next[1-side] && !(tcp.RST && tcp.Ack == next[1-side]) {
			t.Errorf("packet %d: ack %d of side %d, which sent up to %d", n, tcp.Ack, 1-side, next[1-side])
		}
		seen[side] = true
		next[side] = tcp.Seq + uint32(len(tcp.Payload))
		if tcp.SYN || tcp.FIN {
			next[side]++
		}
		if len(tcp.Payload) > MSS {
			t.Errorf("packet %d: %d bytes, more than the MSS", n, len(tcp.Payload))
		}
		if side == 0 {
			out = append(out, tcp.Payload...)
		} else {
			in = append(in, tcp.Payload...)
		}
	}
}

// checksumOK recomputes a TCP or UDP packet's checksum the plain way.
func checksumOK(pk gopacket.Packet) bool {
	var ph []byte
	var l4 []byte
	var proto byte
	switch ip := pk.NetworkLayer().(type) {
	case *layers.IPv4:
		if refSum(ip.Contents) != 0xffff {
			return false
		}
		ph = append(append(ph, ip.SrcIP.To4()...), ip.DstIP.To4()...)
		proto = byte(ip.Protocol)
		l4 = ip.Payload
	case *layers.IPv6:
		ph = append(append(ph, ip.SrcIP...), ip.DstIP...)
		proto = byte(ip.NextHeader)
		l4 = ip.Payload
	default:
		return false
	}
	ph = binary.BigEndian.AppendUint32(ph, uint32(len(l4)))
	ph = append(ph, 0, 0, 0, proto)
	return refSum(append(ph, l4...)) == 0xffff
}

// TestWriterUDPAndICMP: datagrams both ways over IPv4 and IPv6, one larger
// than a UDP packet (a unix datagram) in parts, and a port unreachable
// quoting the last datagram sent: tshark follows the bytes and finds
// nothing wrong.
func TestWriterUDPAndICMP(t *testing.T) {
	testkit.Need(t, "tshark")
	for _, tc := range []struct {
		name          string
		local, remote string
		sizes         []int // > 0 out, < 0 in
	}{
		{"v4", "127.0.0.1:40000", "127.0.0.1:40001", []int{4, -40, 1000, -65507, 0}},
		{"v6", "[::1]:40000", "[::1]:40001", []int{5, -65527, 1}},
		{"unix datagrams in parts", UnixPeerAddr(1).String(), UnixSocketAddr.String(), []int{200000, -70000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(testkit.TempDir(t), "u.pcapng")
			w, err := Create(file, WriterOptions{})
			if err != nil {
				t.Fatal(err)
			}
			f, err := w.UDP(netip.MustParseAddrPort(tc.local), netip.MustParseAddrPort(tc.remote))
			if err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(5, 6))
			var out, in []byte
			at := time.Now()
			for _, n := range tc.sizes {
				b := make([]byte, max(n, -n))
				for i := range b {
					b[i] = byte(r.Uint32())
				}
				if n >= 0 {
					out = append(out, b...)
				} else {
					in = append(in, b...)
				}
				if err := f.Data(at, n >= 0, b, ""); err != nil {
					t.Fatal(err)
				}
			}
			if err := f.Unreachable(at, "refused"); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			client, server := testkit.TsharkFollow(t, file, "udp", 0)
			if !bytes.Equal(client, out) || !bytes.Equal(server, in) {
				t.Errorf("follow gives %d and %d bytes, want %d and %d", len(client), len(server), len(out), len(in))
			}
			e := testkit.TsharkExpert(t, file)
			if len(e["Errors"])+len(e["Warns"])+len(e["Notes"]) > 0 {
				t.Errorf("tshark expert: %v", e)
			}
			icmp := testkit.Tshark(t, "-r", file, "-Y", "icmp || icmpv6", "-T", "fields", "-e", "frame.comment")
			if icmp != "refused\n" {
				t.Errorf("ICMP packets' comments: %q", icmp)
			}
		})
	}
}

// TestWriterRefusedTCP: a refused connect is a SYN and the RST answering it.
func TestWriterRefusedTCP(t *testing.T) {
	file := filepath.Join(testkit.TempDir(t), "r.pcapng")
	w, err := Create(file, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.RefusedTCP(time.Now(), netip.MustParseAddrPort("127.0.0.1:40000"), netip.MustParseAddrPort("127.0.0.1:9"), "nothing listens"); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got := testkit.Tshark(t, "-r", file, "-T", "fields", "-e", "tcp.flags.str", "-e", "tcp.srcport", "-e", "frame.comment")
	want := "·······A·R··\t9\t\n" // the RST, after the SYN
	lines := strings.SplitAfter(got, "\n")
	if len(lines) < 2 || !strings.Contains(lines[0], "S") || !strings.HasSuffix(lines[0], "40000\tnothing listens\n") || lines[1] != want {
		t.Errorf("tshark: %q", got)
	}
}

// failingFile takes limit bytes and fails after, like a full disk; it can
// be cut back like a file.
type failingFile struct {
	bytes.Buffer
	limit int
}

var errDiskFull = errors.New("no space left on device")

func (f *failingFile) Write(b []byte) (int, error) {
	room := f.limit - f.Len()
	if room >= len(b) {
		return f.Buffer.Write(b)
	}
	f.Buffer.Write(b[:max(room, 0)])
	return max(room, 0), errDiskFull
}

func (f *failingFile) Truncate(n int64) error { f.Buffer.Truncate(int(n)); return nil }

// TestWriterFullDisk: when a write fails, the file is cut back to whole
// blocks (gopacket reads it to its end with no error), the error stays,
// and Size says what the file keeps.
func TestWriterFullDisk(t *testing.T) {
	for _, limit := range []int{100, 5000, 70000, writeBufSize + 10, 300000, 1 << 20} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			ff := &failingFile{limit: limit}
			w := newCaptureWriter(newBlockWriter(ff, ff.Truncate), WriterOptions{})
			c, err := w.OpenTCP(time.Now(), netip.MustParseAddrPort("127.0.0.1:1"), netip.MustParseAddrPort("127.0.0.1:2"), false, "")
			chunk := make([]byte, 30000)
			for i := 0; err == nil && i < 100; i++ {
				err = c.Data(time.Now(), i%2 == 0, chunk[:1+i*997%len(chunk)], "")
			}
			if err == nil {
				err = w.Flush()
			}
			if !errors.Is(err, errDiskFull) {
				t.Fatalf("error %v, want the disk's", err)
			}
			if err2 := w.Flush(); !errors.Is(err2, errDiskFull) {
				t.Errorf("a later Flush: %v", err2)
			}
			if w.Size() != int64(ff.Len()) {
				t.Errorf("Size %d, the file has %d", w.Size(), ff.Len())
			}
			if ff.Len() == 0 {
				return // not even the header fitted
			}
			countPackets(t, ff.Bytes())
		})
	}
}

// writeLog is a file that remembers the size of each write.
type writeLog struct {
	bytes.Buffer
	sizes []int
}

func (w *writeLog) Write(b []byte) (int, error) {
	w.sizes = append(w.sizes, len(b))
	return w.Buffer.Write(b)
}

// TestWriterWritesEndOnAlignment: the file gets writes that end on
// multiples of writeBufSize, whatever the packets' sizes; a Flush ends one
// off it, and the next write ends on it again. Every packet reads back.
func TestWriterWritesEndOnAlignment(t *testing.T) {
	wl := &writeLog{}
	w := newCaptureWriter(newBlockWriter(wl, nil), WriterOptions{})
	c, err := w.OpenTCP(time.Now(), netip.MustParseAddrPort("127.0.0.1:1"), netip.MustParseAddrPort("127.0.0.1:2"), false, "")
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 70000)
	flushAt := map[int]bool{40: true, 41: true, 90: true}
	var flushedAfter []int // how many writes the log held after each Flush
	for i := 0; i < 150; i++ {
		if err := c.Data(time.Now(), i%3 == 0, chunk[:1+i*7919%len(chunk)], ""); err != nil {
			t.Fatal(err)
		}
		if flushAt[i] {
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			flushedAfter = append(flushedAfter, len(wl.sizes))
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	flushed := map[int]bool{len(wl.sizes): true} // Close's write
	for _, n := range flushedAfter {
		flushed[n] = true
	}
	off := 0
	for i, n := range wl.sizes {
		off += n
		if off%writeBufSize != 0 && !flushed[i+1] {
			t.Errorf("write %d of %d bytes ends at %d, off the %d alignment", i+1, n, off, writeBufSize)
		}
		if n > writeBufSize {
			t.Errorf("write %d is %d bytes, more than %d", i+1, n, writeBufSize)
		}
	}
	if n := countPackets(t, wl.Bytes()); n < 150 {
		t.Errorf("%d packets read back, want at least the 150 data packets", n)
	}
}

// TestUnixPeerAddr: each peer has its own address and port, none the
// socket's.
func TestUnixPeerAddr(t *testing.T) {
	for _, tc := range []struct {
		n    uint64
		want string
	}{
		{1, "127.0.0.2:49153"}, {2, "127.0.0.2:49154"}, {16383, "127.0.0.2:65535"},
		{16384, "127.0.0.3:49153"}, {0, "127.0.0.2:49153"},
	} {
		if got := UnixPeerAddr(tc.n).String(); got != tc.want {
			t.Errorf("UnixPeerAddr(%d) = %s, want %s", tc.n, got, tc.want)
		}
	}
	seen := map[netip.AddrPort]bool{UnixSocketAddr: true}
	for n := uint64(1); n < 40000; n++ {
		a := UnixPeerAddr(n)
		if seen[a] {
			t.Fatalf("peer %d shares %s", n, a)
		}
		seen[a] = true
	}
}

// TestFlowAddrs: a flow's two ends always fit one IP header.
func TestFlowAddrs(t *testing.T) {
	for _, tc := range []struct{ local, remote, wantL, wantR string }{
		{"127.0.0.1:9", "127.0.0.1:8", "127.0.0.1:9", "127.0.0.1:8"},
		{"[::ffff:127.0.0.1]:9", "127.0.0.1:8", "127.0.0.1:9", "127.0.0.1:8"},
		{"0.0.0.0:9", "127.0.0.1:8", "127.0.0.1:9", "127.0.0.1:8"},
		{"[::]:9", "127.0.0.1:8", "127.0.0.1:9", "127.0.0.1:8"},
		{"[::]:9", "10.0.0.1:8", "0.0.0.0:9", "10.0.0.1:8"},
		{"[::]:9", "[::1]:8", "[::1]:9", "[::1]:8"},
		{"[::1]:9", "10.0.0.1:8", "[::1]:9", "[::ffff:10.0.0.1]:8"},
		{"[fe80::1%lo]:9", "[fe80::2%lo]:8", "[fe80::1]:9", "[fe80::2]:8"},
	} {
		l, r, err := flowAddrs(netip.MustParseAddrPort(tc.local), netip.MustParseAddrPort(tc.remote))
		if err != nil {
			t.Fatal(err)
		}
		a, b := newFlowEnd(l), newFlowEnd(r)
		if a.ap.String() != tc.wantL || b.ap.String() != tc.wantR {
			t.Errorf("%s, %s: %s, %s; want %s, %s", tc.local, tc.remote, a.ap, b.ap, tc.wantL, tc.wantR)
		}
	}
}

// TestTsharkSeesBadChecksums makes sure the checks above can fail: a
// segment with one checksum bit flipped is reported.
func TestTsharkSeesBadChecksums(t *testing.T) {
	testkit.Need(t, "tshark")
	file := filepath.Join(testkit.TempDir(t), "bad.pcapng")
	var buf bytes.Buffer
	w := NewWriter(&buf, WriterOptions{})
	src, dst := newFlowEnd(netip.MustParseAddrPort("127.0.0.1:1")), newFlowEnd(netip.MustParseAddrPort("127.0.0.1:2"))
	h, err := w.b.tcpHeaders(&src, &dst, 1, 1, 1, segACK|segPSH, []byte("hello"))
	if err != nil {
		t.Fatal(err)
	}
	h[20+17] ^= 1
	if err := w.packet(time.Now(), h, []byte("hello"), nil, epbOutbound, ""); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	e := testkit.TsharkExpert(t, file)
	if !slices.ContainsFunc(e["Errors"], func(s string) bool { return strings.Contains(s, "Bad checksum") }) {
		t.Errorf("tshark missed a bad checksum: %v", e)
	}
}

// FuzzWriterTCP drives a connection with arbitrary steps and checks the
// capture as gopacket reads it: every packet decodes with good checksums,
// sequence and acknowledgement numbers follow on, and the payloads are
// the bytes written. (Nothing in the writer parses input: this fuzzes
// what it builds.)
func FuzzWriterTCP(f *testing.F) {
	f.Add([]byte{0, 10, 1, 200, 2, 3}, uint32(0))
	f.Add([]byte{1, 255, 255, 0, 1, 5, 4}, uint32(0xfffffff0))
	f.Fuzz(func(t *testing.T, script []byte, isn uint32) {
		var buf bytes.Buffer
		w := NewWriter(&buf, WriterOptions{ISN: func() uint32 { return isn }})
		c, err := w.OpenTCP(time.Unix(1e9, 0), netip.MustParseAddrPort("127.0.0.1:9000"), netip.MustParseAddrPort("127.0.0.1:5000"), len(script)%2 == 0, "")
		if err != nil {
			t.Fatal(err)
		}
		var out, in []byte
		for i := 0; i+1 < len(script); i += 2 {
			op, arg := script[i]%6, int(script[i+1])
			outSide := op%2 == 0
			switch op / 2 {
			case 0: // data, sizes up to past two segments
				b := bytes.Repeat([]byte{byte(i)}, arg*600)
				if !c.Finished(outSide) && !(c.Over()) {
					if outSide {
						out = append(out, b...)
					} else {
						in = append(in, b...)
					}
				}
				err = c.Data(time.Unix(1e9, 0), outSide, b, "")
			case 1:
				err = c.Fin(time.Unix(1e9, 0), outSide, "")
			case 2:
				if arg > 250 {
					err = c.Reset(time.Unix(1e9, 0), outSide, "")
				}
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		gotOut, gotIn := checkTCPFile(t, buf.Bytes(), "127.0.0.1:9000")
		if !bytes.Equal(gotOut, out) || !bytes.Equal(gotIn, in) {
			t.Fatalf("payloads: %d out and %d in, want %d and %d", len(gotOut), len(gotIn), len(out), len(in))
		}
	})
}
