package pcap

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ngFile writes pcapng blocks by hand in either byte order, for the
// options and blocks pcapgo's writer does not make.
type ngOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

type ngFile struct {
	b     bytes.Buffer
	order interface {
		binary.ByteOrder
		binary.AppendByteOrder
	}
}

func (f *ngFile) block(typ uint32, body []byte) {
	for len(body)%4 != 0 {
		body = append(body, 0)
	}
	n := uint32(12 + len(body))
	f.b.Write(f.order.AppendUint32(nil, typ))
	f.b.Write(f.order.AppendUint32(nil, n))
	f.b.Write(body)
	f.b.Write(f.order.AppendUint32(nil, n))
}

func (f *ngFile) section() {
	body := f.order.AppendUint32(nil, 0x1a2b3c4d)
	body = f.order.AppendUint16(body, 1)
	body = f.order.AppendUint16(body, 0)
	body = f.order.AppendUint64(body, ^uint64(0))
	f.block(rdBlockSHB, body)
}

// iface describes an interface; opts are code, value pairs.
func (f *ngFile) iface(link uint16, opts ...any) {
	body := f.order.AppendUint16(nil, link)
	body = f.order.AppendUint16(body, 0)
	body = f.order.AppendUint32(body, 0)
	for i := 0; i < len(opts); i += 2 {
		v := opts[i+1].([]byte)
		body = f.order.AppendUint16(body, uint16(opts[i].(int)))
		body = f.order.AppendUint16(body, uint16(len(v)))
		body = append(body, v...)
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
	}
	if len(opts) > 0 {
		body = append(body, 0, 0, 0, 0)
	}
	f.block(rdBlockIDB, body)
}

func (f *ngFile) epb(ifc uint32, ts uint64, data []byte) {
	body := f.order.AppendUint32(nil, ifc)
	body = f.order.AppendUint32(body, uint32(ts>>32))
	body = f.order.AppendUint32(body, uint32(ts))
	body = f.order.AppendUint32(body, uint32(len(data)))
	body = f.order.AppendUint32(body, uint32(len(data)))
	f.block(rdBlockEPB, append(body, data...))
}

func udpFrame(t testing.TB, payload string) []byte {
	return ethFrame(t, pkt{udp: true, payload: []byte(payload)}, cliAddr, srvAddr)
}

// pcapng: timestamps in the interface's resolution (if_tsresol, powers of
// ten and of two) and offset (if_tsoffset), both byte orders, several
// sections with their own interfaces, simple and obsolete packet blocks,
// blocks of unknown types skipped, an interface of a link type not read
// noted and skipped.
func TestPcapngBlocks(t *testing.T) {
	for _, order := range []ngOrder{binary.LittleEndian, binary.BigEndian} {
		f := &ngFile{order: order}
		f.section()
		f.iface(1)                                                  // µs by default
		f.iface(1, 9, []byte{9}, 14, f.order.AppendUint64(nil, 10)) // ns, and 10 s later
		f.iface(105)                                                // 802.11: not read
		f.block(0x0bad, []byte("unknown block, skipped"))
		f.epb(0, 1_700_000_000_123456, udpFrame(t, "a"))
		f.epb(1, 1_700_000_000_123456789, udpFrame(t, "b"))
		f.epb(2, 0, []byte("wifi"))
		// obsolete packet block on interface 0
		pb := f.order.AppendUint16(nil, 0)
		pb = f.order.AppendUint16(pb, 0)
		ts := uint64(1_700_000_001_000000)
		pb = f.order.AppendUint32(pb, uint32(ts>>32))
		pb = f.order.AppendUint32(pb, uint32(ts))
		d := udpFrame(t, "c")
		pb = f.order.AppendUint32(pb, uint32(len(d)))
		pb = f.order.AppendUint32(pb, uint32(len(d)))
		f.block(rdBlockPB, append(pb, d...))
		// simple packet block: interface 0, the previous packet's time
		d = udpFrame(t, "d")
		f.block(rdBlockSPB, append(f.order.AppendUint32(nil, uint32(len(d))), d...))
		// a new section: interface 0 is now 2^-10 s units
		f.section()
		f.iface(1, 9, []byte{0x80 | 10})
		f.epb(0, 1024*1_700_000_002+512, udpFrame(t, "e"))

		c, err := readBytes(f.b.Bytes(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if c.Packets != 6 || c.Skipped != 1 || len(c.Notes) != 1 || !strings.Contains(c.Notes[0], "802.11") {
			t.Errorf("%d packets, %d skipped, notes %q", c.Packets, c.Skipped, c.Notes)
		}
		if strings.Join(c.Links, ",") != "Ethernet (1),IEEE 802.11 (105)" {
			t.Errorf("links %q", c.Links)
		}
		cv := c.Conversations[0]
		var got []string
		for _, ch := range cv.Chunks {
			got = append(got, string(ch.Data)+" "+ch.Time.Format(time.RFC3339Nano))
		}
		want := []string{
			"a 2023-11-14T22:13:20.123456Z",
			"b 2023-11-14T22:13:30.123456789Z",
			"c 2023-11-14T22:13:21Z",
			"d 2023-11-14T22:13:21Z",
			"e 2023-11-14T22:13:22.5Z",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%v: chunks\n%s\nwant\n%s", order, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// pcap in both byte orders, µs and ns, and gzip-compressed; a gigantic
// snap length in the header is not used for anything.
func TestPcapHeaders(t *testing.T) {
	for _, tt := range []struct {
		order binary.ByteOrder
		nano  bool
		gz    bool
	}{{binary.LittleEndian, false, false}, {binary.BigEndian, false, false}, {binary.LittleEndian, true, false},
		{binary.BigEndian, true, true}} {
		var b bytes.Buffer
		w := newTestPcapWith(&b, 1, tt.order, tt.nano, 0xffffffff)
		at := time.Date(2026, 1, 2, 3, 4, 5, 678901234, time.UTC)
		d := udpFrame(t, "x")
		w.add(at, d, len(d))
		data := b.Bytes()
		if tt.gz {
			var z bytes.Buffer
			zw := gzip.NewWriter(&z)
			zw.Write(data)
			zw.Close()
			data = z.Bytes()
		}
		c, err := readBytes(data, Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := at.Truncate(time.Microsecond)
		if tt.nano {
			want = at
		}
		format := "pcap"
		if tt.gz {
			format += " (gzip)"
		}
		if c.Format != format || !c.First.Equal(want) || len(c.Conversations) != 1 {
			t.Errorf("%+v: format %q first %v (want %v), %d conversations", tt, c.Format, c.First, want, len(c.Conversations))
		}
	}
}

// Every refusal is one sentence naming what is wrong and where, matching
// its class with errors.Is, beside what was read before it.
func TestFormatErrors(t *testing.T) {
	var good bytes.Buffer
	w := newTestPcap(&good, 1)
	d := udpFrame(t, "first")
	w.add(t0, d, len(d))
	goodLen := good.Len()
	withRecord := func(caplen, orig uint32) []byte {
		b := append([]byte(nil), good.Bytes()...)
		h := make([]byte, 16)
		binary.LittleEndian.PutUint32(h[8:], caplen)
		binary.LittleEndian.PutUint32(h[12:], orig)
		return append(b, h...)
	}
	ng := &ngFile{order: binary.LittleEndian}
	ng.section()
	ng.iface(1)
	ngGood := ng.b.Len()
	tests := []struct {
		name    string
		data    []byte
		kind    error
		msg     string
		packets int // read before the problem; -1: no capture at all
	}{
		{"empty", nil, ErrNotCapture, "capture, at byte 0: empty, not a capture file", -1},
		{"not a capture", []byte("<html><body>"), ErrNotCapture, "capture, at byte 0: not a capture file: it starts with 3c 68 74 6d, which is no pcap or pcapng magic number", -1},
		{"modified pcap", []byte("\x34\xcd\xb2\xa1xxxxxxxxxxxxxxxxxxxxxxxx"), ErrNotCapture, "a modified (Kuznetzov) pcap file", -1},
		{"header cut", good.Bytes()[:10], ErrTruncated, "capture, at byte 0: cut short: the file ends after 10 of the 24 bytes of its pcap file header", -1},
		{"version", append([]byte("\xd4\xc3\xb2\xa1\x03\x00"), make([]byte, 18)...), ErrCorrupt, "capture, at byte 4: pcap version 3.0, where every pcap file is 2.4", -1},
		{"link type", append(append([]byte("\xd4\xc3\xb2\xa1\x02\x00\x04\x00"), make([]byte, 12)...), 105, 0, 0, 0), ErrLinkType,
			"capture, at byte 20: link type IEEE 802.11 (105), which sockplay does not read (it reads Ethernet, Linux cooked (SLL and SLL2), raw IP and BSD loopback)", -1},
		{"record header cut", withRecord(10, 10)[:goodLen+7], ErrTruncated,
			"capture, packet 2 (at byte " + strconv.Itoa(goodLen) + "): cut short: the file ends after 7 of the 16 bytes of its record header", 1},
		{"packet cut", append(withRecord(100, 100), 1, 2, 3), ErrTruncated,
			"capture, packet 2 (at byte " + strconv.Itoa(goodLen) + "): cut short: the file ends after 3 of the 100 bytes of its captured data", 1},
		{"gigantic record", withRecord(0xfffffff0, 0xfffffff0), ErrCorrupt,
			"capture, packet 2 (at byte " + strconv.Itoa(goodLen) + "): corrupt: its record claims 4294967280 captured bytes, more than the 262144 any packet has", 1},
		{"pcapng block length", append(append([]byte(nil), ng.b.Bytes()...), 6, 0, 0, 0, 7, 0, 0, 0), ErrCorrupt,
			"capture, packet 1 (at byte " + strconv.Itoa(ngGood) + "): corrupt: a block of type 0x00000006 claims a length of 7 bytes, which no block has", 0},
		{"pcapng huge unknown block cut", append(append([]byte(nil), ng.b.Bytes()...), 0xad, 0xb, 0, 0, 0xf0, 0xff, 0xff, 0xff, 1, 2), ErrTruncated,
			"capture, at byte " + strconv.Itoa(ngGood) + ": cut short: the file ends after 10 of the 4294967280 bytes of a block of type 0x00000bad", 0},
		{"pcapng unknown interface", func() []byte {
			f := &ngFile{order: binary.LittleEndian, b: *bytes.NewBuffer(append([]byte(nil), ng.b.Bytes()...))}
			f.epb(3, 0, []byte("x"))
			return f.b.Bytes()
		}(), ErrCorrupt, "corrupt: it was captured on interface 3, but its section describes 1", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := readBytes(tt.data, Options{})
			if !errors.Is(err, tt.kind) {
				t.Fatalf("err %v, want %v", err, tt.kind)
			}
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("%T is no FormatError", err)
			}
			if msg := err.Error(); !strings.Contains(msg, tt.msg) || strings.Contains(msg, "\n") {
				t.Errorf("error\n%s\nwant\n%s", msg, tt.msg)
			}
			switch {
			case tt.packets < 0 && c != nil:
				t.Errorf("a capture beside a file that is none: %+v", c)
			case tt.packets >= 0 && (c == nil || c.Packets != tt.packets):
				t.Errorf("capture %+v, want %d packets", c, tt.packets)
			}
		})
	}
}

// Open names the file in its errors, as given, and a missing file is the
// system's own error.
func TestOpenErrors(t *testing.T) {
	if _, err := Open("testdata/no-such.pcap"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	if _, err := Open("testdata/traffic.py"); err == nil || !strings.HasPrefix(err.Error(), "testdata/traffic.py, at byte 0: not a capture file") {
		t.Errorf("not a capture: %v", err)
	}
}

// A stream is named as tshark names it; Find says what there is.
func TestParseStream(t *testing.T) {
	for in, want := range map[string]string{"3": "tcp 3", "tcp:0": "tcp 0", "UDP:12": "udp 12"} {
		p, id, err := ParseStream(in)
		if err != nil || p+" "+strconv.Itoa(id) != want {
			t.Errorf("ParseStream(%q) = %s %d %v, want %s", in, p, id, err, want)
		}
	}
	for in, want := range map[string]string{
		"x":      `"x" is not a stream: write N, tcp:N or udp:N, with N from 0`,
		"-1":     `"-1" is not a stream: write N, tcp:N or udp:N, with N from 0`,
		"sctp:1": `"sctp:1" is not a stream: "sctp" is no protocol here; write N, tcp:N or udp:N`,
	} {
		if _, _, err := ParseStream(in); err == nil || err.Error() != want {
			t.Errorf("ParseStream(%q): %v, want %s", in, err, want)
		}
	}
}
