package pcap

import (
	"encoding/binary"
	"fmt"
	"io"
	"time"
)

// pcapSource reads the classic libpcap format: a 24-byte file header, then
// per packet a 16-byte record header and the captured bytes.
// https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html
type pcapSource struct {
	r         *countReader
	order     binary.ByteOrder
	nano      bool
	link      uint16
	maxPacket int
	hdr       [16]byte
	buf       []byte
	n         int
}

func newPcapSource(r *countReader, maxPacket int) (*pcapSource, error) {
	var h [24]byte
	if n, err := r.full(h[:]); err != nil {
		return nil, r.readErr(err, 0, 0, "its pcap file header", int64(n), 24)
	}
	s := &pcapSource{r: r, maxPacket: maxPacket}
	switch string(h[:4]) {
	case "\xd4\xc3\xb2\xa1":
		s.order = binary.LittleEndian
	case "\xa1\xb2\xc3\xd4":
		s.order = binary.BigEndian
	case "\x4d\x3c\xb2\xa1":
		s.order, s.nano = binary.LittleEndian, true
	case "\xa1\xb2\x3c\x4d":
		s.order, s.nano = binary.BigEndian, true
	}
	if major := s.order.Uint16(h[4:6]); major != 2 {
		return nil, r.formatErr(4, 0, ErrCorrupt, fmt.Sprintf("pcap version %d.%d, where every pcap file is 2.4", major, s.order.Uint16(h[6:8])))
	}
	// The snap length (h[16:20]) is not trusted for anything: each record
	// says how much it holds, and maxPacket bounds that. The link type is
	// the low 16 bits; the upper ones carry FCS flags.
	s.link = uint16(s.order.Uint32(h[20:24]))
	if !linkSupported(s.link) {
		return nil, r.formatErr(20, 0, ErrLinkType, fmt.Sprintf("link type %s, which sockplay does not read (it reads %s)", linkName(s.link), supportedLinks))
	}
	return s, nil
}

func (s *pcapSource) next() (rawPacket, error) {
	at := s.r.off
	n, err := s.r.full(s.hdr[:])
	if err != nil {
		if n == 0 && err == io.EOF {
			return rawPacket{}, io.EOF
		}
		return rawPacket{}, s.r.readErr(err, at, s.n+1, "its record header", int64(n), 16)
	}
	s.n++
	caplen := s.order.Uint32(s.hdr[8:12])
	orig := s.order.Uint32(s.hdr[12:16])
	if caplen > uint32(s.maxPacket) {
		return rawPacket{}, s.r.formatErr(at, s.n, ErrCorrupt,
			fmt.Sprintf("corrupt: its record claims %d captured bytes, more than the %d any packet has", caplen, s.maxPacket))
	}
	if cap(s.buf) < int(caplen) {
		s.buf = make([]byte, caplen, max(int(caplen), 2048))
	}
	data := s.buf[:caplen]
	if n, err := s.r.full(data); err != nil {
		return rawPacket{}, s.r.readErr(err, at, s.n, "its captured data", int64(n), int64(caplen))
	}
	sec := int64(s.order.Uint32(s.hdr[0:4]))
	frac := int64(s.order.Uint32(s.hdr[4:8]))
	if !s.nano {
		frac *= 1000
	}
	return rawPacket{data: data, origLen: int(max(orig, caplen)), ts: time.Unix(sec, frac).UTC(),
		link: s.link, num: s.n, offset: at}, nil
}
