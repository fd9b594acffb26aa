package pcap

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"time"
)

// pcapng block types this reader looks into; every other block is skipped
// by its length without being held.
// https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html
const (
	rdBlockSHB = 0x0A0D0D0A // section header
	rdBlockIDB = 1          // interface description
	rdBlockPB  = 2          // packet (obsolete, still written by old tools)
	rdBlockSPB = 3          // simple packet
	rdBlockEPB = 6          // enhanced packet
)

// ngSource reads pcapng: sections of blocks, each packet on an interface
// described earlier in its section, with that interface's link type and
// timestamp resolution.
type ngSource struct {
	r         *countReader
	order     binary.ByteOrder
	ifaces    []ngIface
	maxPacket int
	hdr       [28]byte
	opt       []byte
	buf       []byte
	n         int
	lastTS    time.Time // for simple packet blocks, which carry no time
}

type ngIface struct {
	link  uint16
	snap  uint32
	units uint64 // timestamp units per second: 10^6 unless if_tsresol says
	shift int64  // if_tsoffset: seconds added to every timestamp
}

func newNgSource(r *countReader, maxPacket int) (*ngSource, error) {
	return &ngSource{r: r, maxPacket: maxPacket}, nil
}

func isPacketBlock(t uint32) bool { return t == rdBlockEPB || t == rdBlockSPB || t == rdBlockPB }

func (s *ngSource) next() (rawPacket, error) {
	for {
		at := s.r.off
		n, err := s.r.full(s.hdr[:8])
		if err != nil {
			if n == 0 && err == io.EOF {
				return rawPacket{}, io.EOF
			}
			return rawPacket{}, s.cut(err, at, 0, "a block header", 8)
		}
		raw := s.hdr[:4]
		var typ uint32
		if string(raw) == "\x0a\x0d\x0d\x0a" {
			typ = rdBlockSHB
			if _, err := s.r.full(s.hdr[8:12]); err != nil {
				return rawPacket{}, s.cut(err, at, 0, "the start of a section header", 12)
			}
			switch string(s.hdr[8:12]) {
			case "\x4d\x3c\x2b\x1a":
				s.order = binary.LittleEndian
			case "\x1a\x2b\x3c\x4d":
				s.order = binary.BigEndian
			default:
				return rawPacket{}, s.r.formatErr(at+8, 0, ErrCorrupt, fmt.Sprintf("corrupt: a section header with byte-order magic % x, not 1a 2b 3c 4d either way round", s.hdr[8:12]))
			}
		} else {
			typ = s.order.Uint32(raw)
		}
		length := s.order.Uint32(s.hdr[4:8])
		pkt := 0
		if isPacketBlock(typ) {
			pkt = s.n + 1
		}
		if length < 12 || length%4 != 0 || typ == rdBlockSHB && length < 28 {
			return rawPacket{}, s.r.formatErr(at, pkt, ErrCorrupt, fmt.Sprintf("corrupt: a block of type 0x%08x claims a length of %d bytes, which no block has", typ, length))
		}
		body := int64(length) - 12 // without type, length and the trailing length
		if typ == rdBlockSHB {
			body -= 4 // the byte-order magic, read
		}
		var p rawPacket
		var got bool
		switch typ {
		case rdBlockSHB:
			err = s.section(at, body)
		case rdBlockIDB:
			err = s.iface(at, body)
		case rdBlockEPB, rdBlockPB:
			p, err = s.packet(at, typ, body)
			got = err == nil
		case rdBlockSPB:
			p, err = s.simplePacket(at, body)
			got = err == nil
		default:
			if _, serr := s.r.skip(body); serr != nil {
				err = s.cut(serr, at, 0, fmt.Sprintf("a block of type 0x%08x", typ), int64(length))
			}
		}
		if err != nil {
			return rawPacket{}, err
		}
		var tail [4]byte
		if _, err := s.r.full(tail[:]); err != nil {
			return rawPacket{}, s.cut(err, at, pkt, "its block", int64(length))
		}
		if end := s.order.Uint32(tail[:]); end != length {
			return rawPacket{}, s.r.formatErr(at, pkt, ErrCorrupt, fmt.Sprintf("corrupt: a block of type 0x%08x begins with length %d and ends with %d", typ, length, end))
		}
		if got {
			return p, nil
		}
	}
}

// section starts a new section: its interfaces are its own.
func (s *ngSource) section(at, body int64) error {
	if _, err := s.r.full(s.hdr[12:24]); err != nil {
		return s.cut(err, at, 0, "a section header", body+16)
	}
	if major := s.order.Uint16(s.hdr[12:14]); major != 1 {
		return s.r.formatErr(at+12, 0, ErrCorrupt, fmt.Sprintf("a pcapng section of version %d.%d, where every pcapng file is 1.0", major, s.order.Uint16(s.hdr[14:16])))
	}
	s.ifaces = s.ifaces[:0]
	if _, err := s.r.skip(body - 12); err != nil { // options: nothing needed from them
		return s.cut(err, at, 0, "a section header", body+16)
	}
	return nil
}

// iface reads an interface description: its link type, snap length and
// the two options that change how its packets' timestamps read.
func (s *ngSource) iface(at, body int64) error {
	if body < 8 {
		return s.r.formatErr(at, 0, ErrCorrupt, fmt.Sprintf("corrupt: an interface description of %d bytes, too short for one", body+12))
	}
	if _, err := s.r.full(s.hdr[8:16]); err != nil {
		return s.cut(err, at, 0, "an interface description", body+12)
	}
	ifc := ngIface{link: s.order.Uint16(s.hdr[8:10]), snap: s.order.Uint32(s.hdr[12:16]), units: 1e6}
	rem := body - 8
	for rem >= 4 {
		optAt := s.r.off
		if _, err := s.r.full(s.hdr[16:20]); err != nil {
			return s.cut(err, at, 0, "an interface description", body+12)
		}
		rem -= 4
		code, size := s.order.Uint16(s.hdr[16:18]), int64(s.order.Uint16(s.hdr[18:20]))
		if code == 0 { // end of options
			break
		}
		padded := (size + 3) &^ 3
		if padded > rem {
			return s.r.formatErr(optAt, 0, ErrCorrupt, fmt.Sprintf("corrupt: option %d of interface %d runs %d bytes past its block", code, len(s.ifaces), padded-rem))
		}
		if cap(s.opt) < int(padded) {
			s.opt = make([]byte, padded)
		}
		v := s.opt[:padded]
		if _, err := s.r.full(v); err != nil {
			return s.cut(err, at, 0, "an interface description", body+12)
		}
		rem -= padded
		v = v[:size]
		switch {
		case code == 9 && size >= 1: // if_tsresol
			units, ok := tsUnits(v[0])
			if !ok {
				return s.r.formatErr(optAt, 0, ErrCorrupt, fmt.Sprintf("corrupt: interface %d has a timestamp resolution of %s s, finer than any clock", len(s.ifaces), tsresolText(v[0])))
			}
			ifc.units = units
		case code == 14 && size == 8: // if_tsoffset
			ifc.shift = int64(s.order.Uint64(v))
		}
	}
	if rem > 0 {
		if _, err := s.r.skip(rem); err != nil {
			return s.cut(err, at, 0, "an interface description", body+12)
		}
	}
	s.ifaces = append(s.ifaces, ifc)
	return nil
}

// tsUnits turns if_tsresol into units per second: 10^-v, or 2^-v when
// the high bit is set; beyond what 64 bits count is refused.
func tsUnits(v byte) (uint64, bool) {
	if v&0x80 != 0 {
		e := v & 0x7f
		if e > 63 {
			return 0, false
		}
		return 1 << e, true
	}
	if v > 19 {
		return 0, false
	}
	u := uint64(1)
	for range v {
		u *= 10
	}
	return u, true
}

func tsresolText(v byte) string {
	if v&0x80 != 0 {
		return fmt.Sprintf("2^-%d", v&0x7f)
	}
	return fmt.Sprintf("10^-%d", v)
}

// packet reads an enhanced (or obsolete) packet block.
func (s *ngSource) packet(at int64, typ uint32, body int64) (rawPacket, error) {
	num := s.n + 1
	if body < 20 {
		return rawPacket{}, s.r.formatErr(at, num, ErrCorrupt, fmt.Sprintf("corrupt: a packet block of %d bytes, too short for one", body+12))
	}
	h := s.hdr[8:28]
	if _, err := s.r.full(h); err != nil {
		return rawPacket{}, s.cut(err, at, num, "its block", body+12)
	}
	var ifn uint32
	if typ == rdBlockEPB {
		ifn = s.order.Uint32(h[0:4])
	} else {
		ifn = uint32(s.order.Uint16(h[0:2]))
	}
	tsHigh, tsLow := s.order.Uint32(h[4:8]), s.order.Uint32(h[8:12])
	caplen, orig := s.order.Uint32(h[12:16]), s.order.Uint32(h[16:20])
	if int64(caplen) > body-20 {
		return rawPacket{}, s.r.formatErr(at, num, ErrCorrupt, fmt.Sprintf("corrupt: it claims %d captured bytes in a block of %d", caplen, body+12))
	}
	if caplen > uint32(s.maxPacket) {
		return rawPacket{}, s.r.formatErr(at, num, ErrCorrupt, fmt.Sprintf("corrupt: it claims %d captured bytes, more than the %d any packet has", caplen, s.maxPacket))
	}
	if int(ifn) >= len(s.ifaces) {
		return rawPacket{}, s.r.formatErr(at, num, ErrCorrupt, fmt.Sprintf("corrupt: it was captured on interface %d, but its section describes %d", ifn, len(s.ifaces)))
	}
	data, err := s.data(at, num, int(caplen), body+12)
	if err != nil {
		return rawPacket{}, err
	}
	if _, err := s.r.skip(body - 20 - int64(caplen)); err != nil { // padding and options
		return rawPacket{}, s.cut(err, at, num, "its block", body+12)
	}
	ifc := s.ifaces[ifn]
	ts := ifc.time(uint64(tsHigh)<<32 | uint64(tsLow))
	s.n, s.lastTS = num, ts
	return rawPacket{data: data, origLen: int(max(orig, caplen)), ts: ts, link: ifc.link, num: num, offset: at}, nil
}

// simplePacket reads a simple packet block: interface 0, no timestamp
// (the previous packet's time is used), the captured length implied.
func (s *ngSource) simplePacket(at, body int64) (rawPacket, error) {
	num := s.n + 1
	if body < 4 {
		return rawPacket{}, s.r.formatErr(at, num, ErrCorrupt, fmt.Sprintf("corrupt: a simple packet block of %d bytes, too short for one", body+12))
	}
	if len(s.ifaces) == 0 {
		return rawPacket{}, s.r.formatErr(at, num, ErrCorrupt, "corrupt: a simple packet block in a section that describes no interface")
	}
	if _, err := s.r.full(s.hdr[8:12]); err != nil {
		return rawPacket{}, s.cut(err, at, num, "its block", body+12)
	}
	orig := s.order.Uint32(s.hdr[8:12])
	caplen := min(int64(orig), body-4)
	if snap := s.ifaces[0].snap; snap > 0 {
		caplen = min(caplen, int64(snap))
	}
	if caplen > int64(s.maxPacket) {
		return rawPacket{}, s.r.formatErr(at, num, ErrCorrupt, fmt.Sprintf("corrupt: it holds %d captured bytes, more than the %d any packet has", caplen, s.maxPacket))
	}
	data, err := s.data(at, num, int(caplen), body+12)
	if err != nil {
		return rawPacket{}, err
	}
	if _, err := s.r.skip(body - 4 - caplen); err != nil {
		return rawPacket{}, s.cut(err, at, num, "its block", body+12)
	}
	s.n = num
	return rawPacket{data: data, origLen: int(max(int64(orig), caplen)), ts: s.lastTS, link: s.ifaces[0].link, num: num, offset: at}, nil
}

// cut words a failed read inside a block that began at byte at and is
// total bytes long: how far into it the file ended, or the read error.
func (s *ngSource) cut(err error, at int64, packet int, what string, total int64) error {
	return s.r.readErr(err, at, packet, what, s.r.off-at, total)
}

// data reads a packet's captured bytes into the reused buffer.
func (s *ngSource) data(at int64, num, caplen int, blockLen int64) ([]byte, error) {
	if cap(s.buf) < caplen {
		s.buf = make([]byte, caplen, max(caplen, 2048))
	}
	d := s.buf[:caplen]
	if _, err := s.r.full(d); err != nil {
		return nil, s.cut(err, at, num, "its block", blockLen)
	}
	return d, nil
}

// time turns a raw timestamp into a time: ts units since the epoch, plus
// the interface's offset in seconds.
func (i ngIface) time(ts uint64) time.Time {
	sec, rem := ts/i.units, ts%i.units
	hi, lo := bits.Mul64(rem, 1e9)
	nsec, _ := bits.Div64(hi, lo, i.units) // rem < units, so the quotient fits
	return time.Unix(int64(sec)+i.shift, int64(nsec)).UTC()
}
