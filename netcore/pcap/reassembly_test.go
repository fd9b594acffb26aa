package pcap

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
)

// Synthetic streams for what real peers on loopback cannot be made to do
// on demand: segments lost, reordered, repeated, overlapping, cut by a
// snap length, sequence numbers that wrap. Frames are built with
// gopacket's layers (synth); where tshark is there, it reads the same
// files, so the numbering and counts are checked against it too.

const (
	syn    = tcpSYN
	synack = tcpSYN | tcpACK
	ack    = tcpACK
	finack = tcpFIN | tcpACK
	rstack = tcpRST | tcpACK
)

// handshake is a client ISN ci and server ISN si opening: SYN, SYN-ACK, ACK.
func handshake(ci, si uint32) []pkt {
	return []pkt{
		{seq: ci, flags: syn},
		{fromSrv: true, seq: si, ack: ci + 1, flags: synack},
		{seq: ci + 1, ack: si + 1, flags: ack},
	}
}

// stream describes what a conversation's chunks say, one line per chunk:
// "c 5 hello", "s gap 3", "s 2 ok" (a gap then data is two lines).
func stream(cv *Conversation) string {
	var b strings.Builder
	for _, ch := range cv.Chunks {
		who := "s"
		if ch.FromClient {
			who = "c"
		}
		if ch.Gap > 0 {
			fmt.Fprintf(&b, "%s gap %d\n", who, ch.Gap)
		}
		if len(ch.Data) > 0 || ch.Gap == 0 {
			fmt.Fprintf(&b, "%s %d %s\n", who, len(ch.Data), ch.Data)
		}
	}
	return b.String()
}

func TestReassembly(t *testing.T) {
	const ci, si = 1000, 5000
	p := func(fromSrv bool, seq, ackn uint32, flags uint8, data string) pkt {
		return pkt{fromSrv: fromSrv, seq: seq, ack: ackn, flags: flags, payload: []byte(data)}
	}
	c := func(off, ackOff uint32, flags uint8, data string) pkt {
		return p(false, ci+1+off, si+1+ackOff, flags, data)
	}
	s := func(off, ackOff uint32, flags uint8, data string) pkt {
		return p(true, si+1+off, ci+1+ackOff, flags, data)
	}
	tests := []struct {
		name    string
		pkts    []pkt
		want    string
		end     string
		missing [2]int64
		retrans [2]int64
	}{
		{name: "in order both ways, FIN both ways",
			pkts: append(handshake(ci, si), c(0, 0, ack, "hello"), s(0, 5, ack, "world!"), c(5, 6, finack, ""), s(6, 6, finack, ""), c(6, 7, ack, "")),
			want: "c 5 hello\ns 6 world!\n", end: "fin"},
		{name: "out of order",
			pkts: append(handshake(ci, si), c(0, 0, ack, "aaa"), c(6, 0, ack, "ccc"), c(3, 0, ack, "bbb"), s(0, 9, ack, "ok")),
			want: "c 3 aaa\nc 3 bbb\nc 3 ccc\ns 2 ok\n"},
		{name: "retransmission counted once",
			pkts: append(handshake(ci, si), c(0, 0, ack, "abc"), c(0, 0, ack, "abc"), c(3, 0, ack, "def")),
			want: "c 3 abc\nc 3 def\n", retrans: [2]int64{3, 0}},
		{name: "overlap keeps the new part",
			pkts: append(handshake(ci, si), c(0, 0, ack, "abcdef"), c(3, 0, ack, "defghi")),
			want: "c 6 abcdef\nc 3 ghi\n", retrans: [2]int64{3, 0}},
		{name: "overlapping held segments",
			pkts: append(handshake(ci, si), c(4, 0, ack, "efgh"), c(2, 0, ack, "cdef"), c(0, 0, ack, "ab")),
			want: "c 2 ab\nc 4 cdef\nc 2 gh\n", retrans: [2]int64{2, 0}},
		{name: "lost segment the receiver acknowledged is a gap when the sender goes on",
			pkts: append(handshake(ci, si), c(0, 0, ack, "aaaa"), s(0, 10, ack, ""), c(10, 0, ack, "cccc"), s(0, 14, ack, "ok")),
			want: "c 4 aaaa\nc gap 6\nc 4 cccc\ns 2 ok\n", missing: [2]int64{6, 0}},
		{name: "lost segment is a gap when the receiver answers",
			pkts: append(handshake(ci, si), c(0, 0, ack, "req1"), c(8, 0, ack, "req3"), s(0, 12, ack, "answer")),
			want: "c 4 req1\nc gap 4\nc 4 req3\ns 6 answer\n", missing: [2]int64{4, 0}},
		{name: "an ack captured before its data is no gap",
			pkts: append(handshake(ci, si), c(0, 0, ack, "aaaa"), c(8, 0, ack, "cccc"), s(0, 8, ack, ""), c(4, 0, ack, "bbbb")),
			want: "c 4 aaaa\nc 4 bbbb\nc 4 cccc\n"},
		{name: "lost last segment before the FIN ends the stream in a gap",
			pkts: append(handshake(ci, si), c(0, 0, ack, "aaaa"), c(8, 0, finack, ""), s(0, 9, finack, ""), c(9, 1, ack, "")),
			want: "c 4 aaaa\nc gap 4\n", end: "fin", missing: [2]int64{4, 0}},
		{name: "acknowledged but never captured at the end",
			pkts: append(handshake(ci, si), c(0, 0, ack, "aaaa"), s(0, 100, ack, "")),
			want: "c 4 aaaa\nc gap 96\n", missing: [2]int64{96, 0}},
		{name: "a FIN acknowledged but not captured is no byte",
			pkts: append(handshake(ci, si), c(0, 0, ack, "aaaa"), s(0, 5, ack, "")),
			want: "c 4 aaaa\n"},
		{name: "snap length cut a segment",
			pkts: append(handshake(ci, si), pkt{seq: ci + 1, ack: si + 1, flags: ack, payload: []byte("0123456789"), cutTo: 14 + 20 + 20 + 4}, c(10, 0, ack, "next")),
			want: "c 4 0123\nc gap 6\nc 4 next\n", missing: [2]int64{6, 0}},
		{name: "reset", pkts: append(handshake(ci, si), c(0, 0, ack, "hello"), s(0, 5, rstack, "")),
			want: "c 5 hello\n", end: "rst"},
		{name: "data on the SYN (TCP Fast Open)",
			pkts: []pkt{p(false, ci, 0, syn, "fast"), p(true, si, ci+5, synack, ""), c(4, 0, ack, "more")},
			want: "c 4 fast\nc 4 more\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			capt, err := readBytes(synth(t, tt.pkts), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(capt.Conversations) != 1 {
				t.Fatalf("%d conversations", len(capt.Conversations))
			}
			cv := capt.Conversations[0]
			if got := stream(cv); got != tt.want {
				t.Errorf("chunks\n%s want\n%s", got, tt.want)
			}
			if cv.End != tt.end || cv.Missing != tt.missing || cv.Retransmitted != tt.retrans {
				t.Errorf("end %q missing %v retransmitted %v; want %q %v %v", cv.End, cv.Missing, cv.Retransmitted, tt.end, tt.missing, tt.retrans)
			}
			if cv.Client != cliAddr || cv.Server != srvAddr || !cv.Syn {
				t.Errorf("client %s server %s syn %v", cv.Client, cv.Server, cv.Syn)
			}
			checkCounts(t, cv)
		})
	}
}

// checkCounts: the counts agree with the chunks.
func checkCounts(t testing.TB, cv *Conversation) {
	t.Helper()
	var data, gaps [2]int64
	for _, ch := range cv.Chunks {
		i := 1
		if ch.FromClient {
			i = 0
		}
		data[i] += int64(len(ch.Data))
		gaps[i] += ch.Gap
	}
	for i := range 2 {
		if data[i]+cv.Dropped[i] != cv.Bytes[i] {
			t.Errorf("%s direction %d: chunks %d + dropped %d != bytes %d", cv.Name(), i, data[i], cv.Dropped[i], cv.Bytes[i])
		}
		if gaps[i] > cv.Missing[i] || cv.Dropped[i] == 0 && gaps[i] != cv.Missing[i] {
			t.Errorf("%s direction %d: gaps %d, missing %d", cv.Name(), i, gaps[i], cv.Missing[i])
		}
	}
}

// Sequence numbers that wrap past 2^32 in the middle of a stream.
func TestReassemblyWrap(t *testing.T) {
	const ci, si = 0xffffff00, 0xfffffff0
	ps := handshake(ci, si)
	var want []byte
	for i := range 40 { // 40 x 10 bytes: past the wrap
		d := bytes.Repeat([]byte{byte('a' + i%26)}, 10)
		want = append(want, d...)
		ps = append(ps, pkt{seq: ci + 1 + uint32(i*10), ack: si + 1, flags: ack, payload: d})
	}
	c, err := readBytes(synth(t, ps), Options{})
	if err != nil {
		t.Fatal(err)
	}
	cv := c.Conversations[0]
	if got := joined(cv)[0]; !bytes.Equal(got, want) || cv.Missing != [2]int64{} {
		t.Errorf("got %d bytes, missing %v", len(got), cv.Missing)
	}
}

// Conversations as tshark numbers them: in order of first packet, a new
// stream for a SYN with a new ISN on a used address pair, the client from
// a SYN-ACK when the SYN was not captured, from the first packet when
// neither was; UDP flows apart. tshark reads the same file the same.
func TestConversationNumbering(t *testing.T) {
	a := netip.MustParseAddrPort("192.0.2.10:40000")
	b := netip.MustParseAddrPort("192.0.2.1:80")
	cc := netip.MustParseAddrPort("192.0.2.20:40001")
	v6a := netip.MustParseAddrPort("[2001:db8::1]:5353")
	v6b := netip.MustParseAddrPort("[2001:db8::2]:53")
	type ep struct {
		src, dst netip.AddrPort
		p        pkt
	}
	frames := []ep{
		{a, b, pkt{seq: 100, flags: syn}}, // tcp:0
		{b, a, pkt{seq: 900, ack: 101, flags: synack}},
		{a, b, pkt{seq: 101, ack: 901, flags: ack, payload: []byte("one")}},
		{v6a, v6b, pkt{udp: true, payload: []byte("q")}}, // udp:0
		{b, cc, pkt{seq: 700, ack: 301, flags: synack}},  // tcp:1, its SYN not captured: cc is the client
		{cc, b, pkt{seq: 301, ack: 701, flags: ack}},     //
		{v6b, v6a, pkt{udp: true, payload: []byte("r")}}, // udp:0 back
		{a, b, pkt{seq: 104, ack: 901, flags: finack}},   // tcp:0 ends
		{b, a, pkt{seq: 901, ack: 105, flags: finack}},   //
		{a, b, pkt{seq: 105, ack: 902, flags: ack}},      //
		{a, b, pkt{seq: 5000, flags: syn}},               // tcp:2: the same pair, a new ISN
		{b, a, pkt{seq: 6000, ack: 5001, flags: synack}}, //
		{a, b, pkt{seq: 5001, ack: 6001, flags: ack, payload: []byte("two")}},
		{b, a, pkt{seq: 6001, ack: 5004, flags: ack, payload: []byte("mid")}}, // still tcp:2
		{cc, a, pkt{seq: 1, ack: 1, flags: ack, payload: []byte("x")}},        // tcp:3 from the middle
	}
	var buf bytes.Buffer
	w := newTestPcap(&buf, 1)
	for i, f := range frames {
		full := ethFrame(t, f.p, f.src, f.dst)
		w.add(t0.Add(time.Duration(i)*time.Millisecond), full, len(full))
	}
	c, err := readBytes(buf.Bytes(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, cv := range c.Conversations {
		got = append(got, fmt.Sprintf("%s %s>%s %q", cv.Name(), cv.Client, cv.Server, joined(cv)[0]))
	}
	want := []string{
		`tcp:0 192.0.2.10:40000>192.0.2.1:80 "one"`,
		`udp:0 [2001:db8::1]:5353>[2001:db8::2]:53 "q"`,
		`tcp:1 192.0.2.20:40001>192.0.2.1:80 ""`,
		`tcp:2 192.0.2.10:40000>192.0.2.1:80 "two"`,
		`tcp:3 192.0.2.20:40001>192.0.2.10:40000 "x"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("conversations\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if cv, _ := c.Find("tcp", 0); cv.End != "fin" || !cv.Syn {
		t.Errorf("tcp:0 end %q syn %v", cv.End, cv.Syn)
	}
	if cv, _ := c.Find("tcp", 1); cv.Syn {
		t.Error("tcp:1 says its SYN was captured")
	}
	if cv, _ := c.Find("tcp", 2); string(joined(cv)[1]) != "mid" {
		t.Errorf("tcp:2 server sent %q", joined(cv)[1])
	}
	if _, err := c.Find("tcp", 4); err == nil || err.Error() != "tcp stream 4: the capture has tcp streams 0 to 3: no such conversation" {
		t.Errorf("Find(tcp, 4): %v", err)
	}
	if _, err := c.Find("udp", 1); err == nil || !strings.Contains(err.Error(), "one udp stream, udp:0") {
		t.Errorf("Find(udp, 1): %v", err)
	}
	if _, err := exec.LookPath("tshark"); err == nil {
		file := filepath.Join(testkit.TempDir(t), "numbering.pcap")
		os.WriteFile(file, buf.Bytes(), 0o644)
		compareWithTshark(t, file, c)
	}
}

// UDP: every datagram a chunk, an empty one too; a datagram the snap
// length cut is its bytes and then a gap.
func TestUDPFlows(t *testing.T) {
	ps := []pkt{
		{udp: true, payload: []byte("ask")},
		{udp: true, fromSrv: true, payload: []byte("answer")},
		{udp: true, payload: nil},
		{udp: true, payload: []byte("0123456789"), cutTo: 14 + 20 + 8 + 3},
	}
	c, err := readBytes(synth(t, ps), Options{})
	if err != nil {
		t.Fatal(err)
	}
	cv := c.Conversations[0]
	want := "c 3 ask\ns 6 answer\nc 0 \nc 3 012\nc gap 7\n"
	if got := stream(cv); got != want || cv.Proto != "udp" || cv.Missing != [2]int64{7, 0} || cv.Packets != [2]int{3, 1} {
		t.Errorf("chunks\n%s want\n%s missing %v packets %v", got, want, cv.Missing, cv.Packets)
	}
	checkCounts(t, cv)
}

// testPcap writes a pcap file by hand: any link type, any header values,
// for the hostile and unusual cases pcapgo would not write.
type testPcap struct {
	w     *bytes.Buffer
	order binary.ByteOrder
	nano  bool
}

func newTestPcap(w *bytes.Buffer, link uint32) *testPcap {
	return newTestPcapWith(w, link, binary.LittleEndian, true, 262144)
}

func newTestPcapWith(w *bytes.Buffer, link uint32, order binary.ByteOrder, nano bool, snap uint32) *testPcap {
	magic := uint32(0xa1b2c3d4)
	if nano {
		magic = 0xa1b23c4d
	}
	h := make([]byte, 24)
	order.PutUint32(h[0:], magic)
	order.PutUint16(h[4:], 2)
	order.PutUint16(h[6:], 4)
	order.PutUint32(h[16:], snap)
	order.PutUint32(h[20:], link)
	w.Write(h)
	return &testPcap{w: w, order: order, nano: nano}
}

func (p *testPcap) add(ts time.Time, data []byte, orig int) {
	h := make([]byte, 16)
	frac := ts.Nanosecond()
	if !p.nano {
		frac /= 1000
	}
	p.order.PutUint32(h[0:], uint32(ts.Unix()))
	p.order.PutUint32(h[4:], uint32(frac))
	p.order.PutUint32(h[8:], uint32(len(data)))
	p.order.PutUint32(h[12:], uint32(orig))
	p.w.Write(h)
	p.w.Write(data)
}

// rawTCP builds an IPv4 and TCP header around payload by hand (no
// checksums: the reader does not check them), fast enough for the
// million-packet tests.
func rawTCP(b []byte, src, dst netip.AddrPort, seq, ackn uint32, flags uint8, payload []byte) []byte {
	b = b[:0]
	total := 40 + len(payload)
	s4, d4 := src.Addr().As4(), dst.Addr().As4()
	b = append(b, 0x45, 0, byte(total>>8), byte(total), 0, 0, 0x40, 0, 64, 6, 0, 0)
	b = append(b, s4[:]...)
	b = append(b, d4[:]...)
	b = binary.BigEndian.AppendUint16(b, src.Port())
	b = binary.BigEndian.AppendUint16(b, dst.Port())
	b = binary.BigEndian.AppendUint32(b, seq)
	b = binary.BigEndian.AppendUint32(b, ackn)
	b = append(b, 5<<4, flags, 0xff, 0xff, 0, 0, 0, 0)
	return append(b, payload...)
}
