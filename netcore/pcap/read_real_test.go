package pcap

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/sockplay/sockplay/internal/testkit"
)

// Captures of real peers (python3, socat) taken by tshark and tcpdump read
// as tshark reads them: the same streams with the same numbers, endpoints,
// packets and frame bytes each way as `tshark -z conv` and its fields, and
// the same bytes each way as `tshark -z follow,...,raw`.
func TestRealCapturesMatchTshark(t *testing.T) {
	needTshark(t)
	want := map[string]string{
		"any-tcpdump.pcap": "pcap", "any-tshark.pcapng": "pcapng", "lo-tcpdump-ns.pcap": "pcap",
		"lo-tcpdump-us.pcap": "pcap", "lo-tshark.pcapng": "pcapng",
	}
	links := map[string]string{"any-tcpdump.pcap": "Linux cooked SLL2 (276)", "any-tshark.pcapng": "Linux cooked SLL (113)"}
	for _, file := range realCaptures(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			c := openT(t, file)
			base := filepath.Base(file)
			if c.Format != want[base] {
				t.Errorf("format %q, want %q", c.Format, want[base])
			}
			link := links[base]
			if link == "" {
				link = "Ethernet (1)"
			}
			if len(c.Links) != 1 || c.Links[0] != link {
				t.Errorf("links %q, want %q", c.Links, link)
			}
			if len(c.Notes) != 0 || c.Skipped != 0 {
				t.Errorf("notes %q, %d skipped", c.Notes, c.Skipped)
			}
			compareWithTshark(t, file, c)
			// What traffic.py's peers made: a request and an answer over
			// IPv4 and IPv6 ending in FIN both ways, a reset, and UDP.
			var tcps, udps int
			for _, cv := range c.Conversations {
				if cv.Proto == "udp" {
					udps++
					continue
				}
				tcps++
				if !cv.Syn || cv.Missing != [2]int64{} {
					t.Errorf("%s: syn %v, missing %v", cv.Name(), cv.Syn, cv.Missing)
				}
				switch cv.Server.Port() {
				case 47310, 47311:
					if cv.End != "fin" || cv.Fin != [2]bool{true, true} {
						t.Errorf("%s ended %q, fin %v", cv.Name(), cv.End, cv.Fin)
					}
				case 47312:
					if cv.End != "rst" || string(joined(cv)[0]) != "hello" {
						t.Errorf("%s ended %q, client sent %q", cv.Name(), cv.End, joined(cv)[0])
					}
				}
				if cv.Server.Port() == 47311 && !cv.Client.Addr().Is6() {
					t.Errorf("%s is not IPv6: %s", cv.Name(), cv.Client)
				}
			}
			if tcps != 3 || udps != 2 {
				t.Errorf("%d TCP and %d UDP conversations, want 3 and 2", tcps, udps)
			}
		})
	}
}

// The pcap timestamps are read at their resolution: tcpdump's microsecond
// and nanosecond files give the times tshark gives.
func TestRealCaptureTimes(t *testing.T) {
	needTshark(t)
	for _, file := range realCaptures(t) {
		c := openT(t, file)
		out := strings.Fields(tshark(t, "-r", file, "-T", "fields", "-e", "frame.time_epoch", "-c", "1"))
		if len(out) != 1 {
			t.Fatalf("%s: tshark gave %q", file, out)
		}
		secs, frac, _ := strings.Cut(out[0], ".")
		frac = (frac + "000000000")[:9]
		if want := secs + frac; strconv.FormatInt(c.First.UnixNano(), 10) != want {
			t.Errorf("%s: first packet at %d ns, tshark says %s", file, c.First.UnixNano(), out[0])
		}
	}
}

// The same real packets in every other link type and file format read the
// same: raw IP (101, and 228/229 for one IP version), BSD loopback (0, in
// either byte order), OpenBSD loopback (108), Ethernet with an 802.1Q tag,
// pcap with microsecond and nanosecond times, pcapng. tshark reads each
// rewritten file the same, so the rewriting itself is checked too.
func TestRealCaptureInEveryLinkType(t *testing.T) {
	needTshark(t)
	orig := "testdata/lo-tshark.pcapng"
	link, ps := readPackets(t, orig)
	if link != layers.LinkTypeEthernet {
		t.Fatalf("%s has link type %v", orig, link)
	}
	want := openT(t, orig)
	strip := func(ps []capPacket, keep func(v int) bool, head func(v int) []byte) []capPacket {
		var out []capPacket
		for _, p := range ps {
			ip := p.data[14:]
			v := int(ip[0] >> 4)
			if keep != nil && !keep(v) {
				continue
			}
			out = append(out, capPacket{p.ci, append(head(v), ip...)})
		}
		return out
	}
	none := func(int) []byte { return nil }
	family := func(order binary.ByteOrder, v6 uint32) func(int) []byte {
		return func(v int) []byte {
			b := make([]byte, 4)
			if v == 4 {
				order.PutUint32(b, 2)
			} else {
				order.PutUint32(b, v6)
			}
			return b
		}
	}
	vlan := func(ps []capPacket) []capPacket {
		var out []capPacket
		for _, p := range ps {
			d := append(append(append([]byte(nil), p.data[:12]...), 0x81, 0x00, 0x00, 0x2a), p.data[12:]...)
			out = append(out, capPacket{p.ci, d})
		}
		return out
	}
	dir := testkit.TempDir(t)
	cases := []struct {
		name  string
		link  layers.LinkType
		ps    []capPacket
		nano  bool
		ng    bool
		only4 bool
		only6 bool
	}{
		{name: "raw.pcap", link: layers.LinkTypeRaw, ps: strip(ps, nil, none)},
		{name: "ipv4.pcap", link: layers.LinkTypeIPv4, ps: strip(ps, func(v int) bool { return v == 4 }, none), only4: true},
		{name: "ipv6.pcap", link: layers.LinkTypeIPv6, ps: strip(ps, func(v int) bool { return v == 6 }, none), only6: true},
		{name: "null-le.pcap", link: layers.LinkTypeNull, ps: strip(ps, nil, family(binary.LittleEndian, 24))},
		{name: "null-be.pcap", link: layers.LinkTypeNull, ps: strip(ps, nil, family(binary.BigEndian, 30))},
		{name: "loop.pcap", link: layers.LinkTypeLoop, ps: strip(ps, nil, family(binary.BigEndian, 24))},
		{name: "vlan-us.pcap", link: layers.LinkTypeEthernet, ps: vlan(ps)},
		{name: "ethernet-ns.pcap", link: layers.LinkTypeEthernet, ps: ps, nano: true},
		{name: "raw.pcapng", link: layers.LinkTypeRaw, ps: strip(ps, nil, none), ng: true},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(dir, tt.name)
			if tt.ng {
				writePcapng(t, file, tt.link, tt.ps)
			} else {
				writePcap(t, file, tt.link, tt.nano, tt.ps)
			}
			c := openT(t, file)
			compareWithTshark(t, file, c)
			// And the same conversations as the original, byte for byte.
			var wantConvs []*Conversation
			for _, cv := range want.Conversations {
				if tt.only4 && !cv.Client.Addr().Is4() || tt.only6 && !cv.Client.Addr().Is6() {
					continue
				}
				wantConvs = append(wantConvs, cv)
			}
			if len(c.Conversations) != len(wantConvs) {
				t.Fatalf("%d conversations, want %d", len(c.Conversations), len(wantConvs))
			}
			for i, cv := range c.Conversations {
				w := wantConvs[i]
				if cv.Client != w.Client || cv.Server != w.Server || cv.Bytes != w.Bytes || cv.End != w.End || !bytes.Equal(joined(cv)[1], joined(w)[1]) {
					t.Errorf("%s: %s->%s %v %q, want %s->%s %v %q", cv.Name(), cv.Client, cv.Server, cv.Bytes, cv.End, w.Client, w.Server, w.Bytes, w.End)
				}
				if !tt.nano && !tt.ng && cv.First.Nanosecond()%1000 != 0 {
					t.Errorf("a microsecond pcap gave %v", cv.First)
				}
			}
		})
	}
}

// A data segment dropped from a real capture is a gap of its exact size
// where it was, with every byte before and after it in place; tshark
// reports the same loss ("previous segment not captured").
func TestRealCaptureDroppedSegment(t *testing.T) {
	needTshark(t)
	for _, orig := range []string{"testdata/lo-tcpdump-us.pcap", "testdata/any-tshark.pcapng"} {
		t.Run(filepath.Base(orig), func(t *testing.T) {
			want := openT(t, orig)
			srv, err := want.Find("tcp", 0)
			if err != nil {
				t.Fatal(err)
			}
			link, ps := readPackets(t, orig)
			// The fifth segment with payload from the server.
			drop, n, seen := -1, 0, 0
			for i, p := range ps {
				pk := gopacket.NewPacket(p.data, link, gopacket.Default)
				tl, _ := pk.Layer(layers.LayerTypeTCP).(*layers.TCP)
				if tl == nil || int(tl.SrcPort) != int(srv.Server.Port()) || len(tl.Payload) == 0 {
					continue
				}
				if seen++; seen == 5 {
					drop, n = i, len(tl.Payload)
					break
				}
			}
			if drop < 0 {
				t.Fatal("no fifth server segment")
			}
			kept := append(append([]capPacket(nil), ps[:drop]...), ps[drop+1:]...)
			file := filepath.Join(testkit.TempDir(t), "dropped.pcap")
			writePcap(t, file, link, true, kept)
			c := openT(t, file)
			cv, _ := c.Find("tcp", 0)
			var gaps []Chunk
			at := int64(0) // where the gap is in the server's stream
			var before int64
			for _, ch := range cv.Chunks {
				if ch.FromClient {
					continue
				}
				if ch.Gap > 0 {
					gaps = append(gaps, ch)
					at = before
				}
				before += int64(len(ch.Data))
			}
			if len(gaps) != 1 || gaps[0].Gap != int64(n) || cv.Missing != [2]int64{0, int64(n)} {
				t.Fatalf("gaps %+v, missing %v; want one gap of %d bytes", gaps, cv.Missing, n)
			}
			full := joined(srv)[1]
			got := joined(cv)[1]
			if !bytes.Equal(got, append(append([]byte(nil), full[:at]...), full[at+int64(n):]...)) {
				t.Errorf("the bytes around the gap are not those of the capture")
			}
			if !bytes.Equal(joined(cv)[0], joined(srv)[0]) {
				t.Errorf("the client's bytes changed")
			}
			if exp := tshark(t, "-r", file, "-q", "-z", "expert,warn"); !strings.Contains(exp, "Previous segment(s) not captured") &&
				!strings.Contains(exp, "previous segment not captured") {
				t.Errorf("tshark sees no lost segment:\n%s", exp)
			}
		})
	}
}

// Real segments captured out of order, and again, give the stream as it
// was sent: each byte once, in order, retransmissions counted.
func TestRealCaptureReorderedAndRetransmitted(t *testing.T) {
	needTshark(t)
	orig := "testdata/lo-tshark.pcapng"
	want := openT(t, orig)
	srv, _ := want.Find("tcp", 0)
	link, ps := readPackets(t, orig)
	var data []int // server segments with payload
	for i, p := range ps {
		pk := gopacket.NewPacket(p.data, link, gopacket.Default)
		if tl, _ := pk.Layer(layers.LayerTypeTCP).(*layers.TCP); tl != nil && int(tl.SrcPort) == int(srv.Server.Port()) && len(tl.Payload) > 0 {
			data = append(data, i)
		}
	}
	if len(data) < 6 {
		t.Fatalf("%d server segments", len(data))
	}
	a, b, dup := data[2], data[3], data[5]
	mod := append([]capPacket(nil), ps...)
	mod[a], mod[b] = mod[b], mod[a]                                            // out of order
	mod = append(mod[:dup+1], append([]capPacket{ps[dup]}, mod[dup+1:]...)...) // captured twice
	file := filepath.Join(testkit.TempDir(t), "reordered.pcapng")
	writePcapng(t, file, link, mod)
	c := openT(t, file)
	cv, _ := c.Find("tcp", 0)
	if !bytes.Equal(joined(cv)[1], joined(srv)[1]) || cv.Missing != [2]int64{} {
		t.Errorf("the server's %d bytes came out as %d, missing %v", len(joined(srv)[1]), len(joined(cv)[1]), cv.Missing)
	}
	dupLen := int64(len(ps[dup].data)) // frame; the payload is what was counted
	if cv.Retransmitted[1] == 0 || cv.Retransmitted[1] >= dupLen {
		t.Errorf("retransmitted %v, want the one segment's payload", cv.Retransmitted)
	}
	compareWithTshark(t, file, c)
}

// A real capture cut in the middle of a packet: one sentence naming the
// packet and the byte where it is cut, and every packet before it read,
// as tshark reads the same file.
func TestRealCaptureTruncated(t *testing.T) {
	needTshark(t)
	for _, orig := range realCaptures(t) {
		t.Run(filepath.Base(orig), func(t *testing.T) {
			full, err := os.ReadFile(orig)
			if err != nil {
				t.Fatal(err)
			}
			// Cut in the middle of the 30th packet: find where it starts by
			// cutting at every length until 29 packets read cleanly.
			cut := len(full) * 2 / 3
			file := filepath.Join(testkit.TempDir(t), "cut"+filepath.Ext(orig))
			if err := os.WriteFile(file, full[:cut], 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := Open(file)
			var fe *FormatError
			if !errors.As(err, &fe) || !errors.Is(err, ErrTruncated) {
				t.Fatalf("err %v, want a FormatError matching ErrTruncated", err)
			}
			if c == nil {
				t.Fatal("no capture beside the error")
			}
			msg := err.Error()
			if strings.Count(msg, "\n") != 0 || !strings.Contains(msg, file) || !strings.Contains(msg, "cut short") {
				t.Errorf("error %q", msg)
			}
			if fe.Packet != c.Packets+1 || fe.Offset <= 0 || fe.Offset >= int64(cut) {
				t.Errorf("error at packet %d byte %d, %d packets read, file of %d bytes", fe.Packet, fe.Offset, c.Packets, cut)
			}
			n := len(strings.Fields(tshark(t, "-r", file, "-T", "fields", "-e", "frame.number")))
			if c.Packets != n {
				t.Errorf("%d packets read before the cut, tshark reads %d", c.Packets, n)
			}
			if len(c.Conversations) == 0 {
				t.Error("no conversation from the packets before the cut")
			}
			// The packet named starts where the error says: the file
			// cut there reads cleanly with the packets before it.
			c2, err := readBytes(full[:fe.Offset], Options{})
			if err != nil || c2.Packets != c.Packets {
				t.Errorf("cut at byte %d: %d packets, %v; want %d and no error", fe.Offset, c2.Packets, err, c.Packets)
			}
		})
	}
}
