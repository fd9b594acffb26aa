package pcap

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"os"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/gopacket/gopacket/layers"

	"github.com/sockplay/sockplay/internal/writebehind"
)

// WriteLinkType is the link type of every file the writer makes: raw IP
// (LINKTYPE_RAW, 101), each packet an IPv4 or IPv6 packet with no link
// header. tshark, Wireshark and gopacket read it; made-up Ethernet
// addresses would add nothing a reader can use, and a session may see
// IPv4 and IPv6 peers at once, which one raw-IP interface carries.
const WriteLinkType = layers.LinkTypeRaw

// WriterOptions describe the one interface of a capture the writer makes. The
// file's interface stands for the session, so a reader of the file (or
// of several merged) knows whose traffic it is.
type WriterOptions struct {
	// Interface is the interface's name: the session as its tab is
	// titled ("TCP server 127.0.0.1:9000").
	Interface string
	// Description says more about it: the endpoint, the role, and for a
	// unix socket how its peers are shown.
	Description string
	// Comment is the section's comment.
	Comment string
	// ISN gives each TCP connection's initial sequence numbers; random
	// when nil (tests fix them, near the wrap, to check it).
	ISN func() uint32
}

// Writer writes what one session read and wrote as a pcapng capture:
// a section header, one interface (the session), and packets synthesized
// from the session's events (see TCPConn, UDPFlow). Its header blocks are
// written with the first packet or Flush, so Describe may still name the
// interface after the session has started. Methods are for one goroutine;
// Size and Packets may be read from any.
type Writer struct {
	f       *blockWriter
	b       *headerBuilder
	opt     WriterOptions
	started bool
	closer  io.Closer
	last    time.Time // timestamps never go back
	ipID    uint16    // of datagrams and ICMP
	packets atomic.Uint64
}

// NewWriter returns a writer of a capture into w.
func NewWriter(w io.Writer, o WriterOptions) *Writer {
	return newCaptureWriter(newBlockWriter(w, nil), o)
}

// Create creates (or truncates) the file at path and returns a writer of a
// capture into it. Close closes the file. When a write fails (a full
// disk), the file is cut back to its last whole block, so it stays a
// capture that tshark and Wireshark read up to there.
func Create(path string, o WriterOptions) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create capture: %w", err)
	}
	wb := writebehind.New(f)
	w := newCaptureWriter(newBlockWriter(wb, wb.Truncate), o)
	w.closer = f
	return w, nil
}

func newCaptureWriter(f *blockWriter, o WriterOptions) *Writer {
	if o.ISN == nil {
		o.ISN = rand.Uint32
	}
	return &Writer{f: f, b: newHeaderBuilder(), opt: o, ipID: uint16(rand.Uint32())}
}

// Describe names the interface and says what it is, until the first
// packet or Flush writes the header; later it does nothing.
func (w *Writer) Describe(iface, description string) {
	if !w.started {
		w.opt.Interface, w.opt.Description = iface, description
	}
}

// start writes the section header and the interface once.
func (w *Writer) start() error {
	if w.started {
		return w.f.err
	}
	w.started = true
	shb := []blockOption{textBlockOption(wrOptSHBOS, runtime.GOOS), textBlockOption(wrOptSHBUserAppl, "sockplay")}
	if w.opt.Comment != "" {
		shb = append([]blockOption{textBlockOption(wrOptComment, w.opt.Comment)}, shb...)
	}
	if err := w.f.sectionHeader(shb); err != nil {
		return err
	}
	idb := []blockOption{{wrOptIfTsResol, []byte{6}}} // microseconds, as sessions stamp entries
	if w.opt.Interface != "" {
		idb = append(idb, textBlockOption(wrOptIfName, w.opt.Interface))
	}
	if w.opt.Description != "" {
		idb = append(idb, textBlockOption(wrOptIfDesc, w.opt.Description))
	}
	return w.f.interfaceDesc(uint16(WriteLinkType), idb)
}

// packet writes one packet: head (the headers) followed by payload; sum,
// when not nil, is head's transport checksum still to be finished over
// payload.
func (w *Writer) packet(t time.Time, head, payload []byte, sum *l4Sum, dir uint32, comment string) error {
	if err := w.start(); err != nil {
		return err
	}
	if t.Before(w.last) {
		t = w.last
	}
	w.last = t
	if err := w.f.packet(t, head, payload, sum, dir, comment); err != nil {
		return err
	}
	w.packets.Add(1)
	return nil
}

// Flush writes the header, if no packet did yet, and what is buffered.
func (w *Writer) Flush() error {
	if err := w.start(); err != nil {
		return err
	}
	return w.f.flush()
}

// Close flushes and, for a writer from Create, closes the file. It
// returns the first error of any write.
func (w *Writer) Close() error {
	err := w.Flush()
	if w.closer != nil {
		if cerr := w.closer.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close capture: %w", cerr)
		}
		w.closer = nil
	}
	return err
}

// Err is the first write error, nil while writing works.
func (w *Writer) Err() error { return w.f.err }

// Size is how many bytes the file has taken so far.
func (w *Writer) Size() int64 { return w.f.size.Load() }

// Packets is how many packets were written (some may still be buffered).
func (w *Writer) Packets() uint64 { return w.packets.Load() }

// ErrAddressFamily is returned for a flow whose two ends cannot share
// an IP version.
var ErrAddressFamily = errors.New("the two ends of a flow need IP addresses")

// flowAddrs makes a flow's two addresses fit one IP header: IPv4-mapped
// addresses become IPv4, and an end whose address is unknown or
// unspecified (a datagram socket bound to all addresses does not say
// which one a datagram came to) takes the other's loopback address when
// the other is loopback, else the unspecified address of its family. When
// one end is IPv4 and the other IPv6, the IPv4 one is shown mapped into
// IPv6 (as a dual-stack socket sees it).
func flowAddrs(local, remote netip.AddrPort) (netip.AddrPort, netip.AddrPort, error) {
	l, r := local.Addr().Unmap(), remote.Addr().Unmap()
	fill := func(unknown, known netip.Addr) netip.Addr {
		switch {
		case known.Is4() && known.IsLoopback():
			return netip.AddrFrom4([4]byte{127, 0, 0, 1})
		case known.Is6() && known.IsLoopback():
			return netip.IPv6Loopback()
		case known.Is4():
			return netip.IPv4Unspecified()
		}
		return netip.IPv6Unspecified()
	}
	switch {
	case !r.IsValid():
		return local, remote, ErrAddressFamily
	case !l.IsValid() || l.IsUnspecified():
		l = fill(l, r)
	case r.IsUnspecified():
		r = fill(r, l)
	}
	if l.Is4() != r.Is4() {
		if l.Is4() {
			l = netip.AddrFrom16(l.As16())
		} else {
			r = netip.AddrFrom16(r.As16())
		}
	}
	return netip.AddrPortFrom(l, local.Port()), netip.AddrPortFrom(r, remote.Port()), nil
}

// TCPConn is one TCP connection of a capture (or a unix stream connection
// shown as one): the writer tracks each side's sequence number, so every
// segment follows the one before it and every acknowledgement is of bytes
// the other side sent. Local is the session's end, remote the peer's.
type TCPConn struct {
	w      *Writer
	ends   [2]flowEnd // [0] local, [1] remote
	next   [2]uint32  // the next sequence number each side sends
	ipID   [2]uint16
	fin    [2]bool
	reset  bool
	opened bool
}

// Sides of a connection, as TCPConn indexes them.
const (
	endLocal  = 0
	endRemote = 1
)

func epbDir(side int) uint32 {
	if side == endLocal {
		return epbOutbound
	}
	return epbInbound
}

// OpenTCP writes a three-way handshake between local and remote at t and
// returns the connection: the local end sends the SYN when weOpened (a
// client's connect), else the remote end does (an accepted peer). The
// comment goes on the SYN. Both SYNs carry the MSS and a window scale, so
// the window never limits what follows.
func (w *Writer) OpenTCP(t time.Time, local, remote netip.AddrPort, weOpened bool, comment string) (*TCPConn, error) {
	l, r, err := flowAddrs(local, remote)
	if err != nil {
		return nil, err
	}
	c := &TCPConn{w: w, ends: [2]flowEnd{newFlowEnd(l), newFlowEnd(r)}}
	c.next = [2]uint32{w.opt.ISN(), w.opt.ISN()}
	c.ipID = [2]uint16{uint16(rand.Uint32()), uint16(rand.Uint32())}
	opener := endRemote
	if weOpened {
		opener = endLocal
	}
	if err := c.send(t, opener, segSYN, nil, comment); err != nil {
		return c, err
	}
	if err := c.send(t, 1-opener, segSYN|segACK, nil, ""); err != nil {
		return c, err
	}
	c.opened = true
	return c, c.send(t, opener, segACK, nil, "")
}

// RefusedTCP writes a connect that was refused: the local end's SYN and
// the remote end's RST. The kernel does not say which port a refused
// connect had; local's port is whatever the caller chose to show.
func (w *Writer) RefusedTCP(t time.Time, local, remote netip.AddrPort, comment string) error {
	l, r, err := flowAddrs(local, remote)
	if err != nil {
		return err
	}
	c := &TCPConn{w: w, ends: [2]flowEnd{newFlowEnd(l), newFlowEnd(r)}}
	c.next[endLocal] = w.opt.ISN()
	if err := c.send(t, endLocal, segSYN, nil, comment); err != nil {
		return err
	}
	// A reset answering a SYN has sequence number 0 and acknowledges the
	// SYN (RFC 9293, 3.10.7.1).
	return c.send(t, endRemote, segRST|segACK, nil, "")
}

// send writes one segment from side, of the connection's next sequence
// number, acknowledging all the other side sent when it has segACK.
func (c *TCPConn) send(t time.Time, side int, fl segFlag, payload []byte, comment string) error {
	var ack uint32
	if fl&segACK != 0 {
		ack = c.next[1-side]
	}
	h, sum, err := c.w.b.tcpHead(&c.ends[side], &c.ends[1-side], c.ipID[side], c.next[side], ack, fl, len(payload))
	if err != nil {
		return err
	}
	c.ipID[side]++
	c.next[side] += uint32(len(payload))
	if fl&(segSYN|segFIN) != 0 {
		c.next[side]++ // SYN and FIN take one sequence number each
	}
	return c.w.packet(t, h, payload, &sum, epbDir(side), comment)
}

func endOf(out bool) int {
	if out {
		return endLocal
	}
	return endRemote
}

// Data writes data sent by the local end (out) or the remote one: as
// segments of at most MSS bytes, the last with PSH, then the receiver's
// ACK of all of it. The comment goes on the first segment. Nothing is
// written after that side's FIN or a reset: no TCP sends it.
func (c *TCPConn) Data(t time.Time, out bool, data []byte, comment string) error {
	side := endOf(out)
	if len(data) == 0 || c.fin[side] || c.reset {
		return nil
	}
	for len(data) > 0 {
		n := min(len(data), MSS)
		fl := segACK
		if n == len(data) {
			fl |= segPSH
		}
		if err := c.send(t, side, fl, data[:n], comment); err != nil {
			return err
		}
		comment, data = "", data[n:]
	}
	return c.send(t, 1-side, segACK, nil, "")
}

// Fin writes a FIN from the local end (out) or the remote one, and the
// other side's ACK of it: a half-close, or one half of a close. A second
// FIN from the same side, or one after a reset, writes nothing.
func (c *TCPConn) Fin(t time.Time, out bool, comment string) error {
	side := endOf(out)
	if c.fin[side] || c.reset {
		return nil
	}
	c.fin[side] = true
	if err := c.send(t, side, segFIN|segACK, nil, comment); err != nil {
		return err
	}
	return c.send(t, 1-side, segACK, nil, "")
}

// Reset writes a RST from the local end (out) or the remote one; the
// connection is over.
func (c *TCPConn) Reset(t time.Time, out bool, comment string) error {
	if c.reset {
		return nil
	}
	c.reset = true
	return c.send(t, endOf(out), segRST|segACK, nil, comment)
}

// Finished reports whether the local end (out) or the remote one has
// sent its FIN.
func (c *TCPConn) Finished(out bool) bool { return c.fin[endOf(out)] }

// Over reports whether the connection has ended: both FINs, or a reset.
func (c *TCPConn) Over() bool { return c.reset || (c.fin[0] && c.fin[1]) }

// UDPFlow is the datagrams between the session's end (local) and one
// peer (remote).
type UDPFlow struct {
	w     *Writer
	ends  [2]flowEnd
	quote []byte // the start of the last datagram sent, for an ICMP error
}

// UDP returns the flow between local and remote; it writes nothing yet.
func (w *Writer) UDP(local, remote netip.AddrPort) (*UDPFlow, error) {
	l, r, err := flowAddrs(local, remote)
	if err != nil {
		return nil, err
	}
	return &UDPFlow{w: w, ends: [2]flowEnd{newFlowEnd(l), newFlowEnd(r)}}, nil
}

// icmpQuoteMax is how much of a datagram an ICMP error quotes at most.
const icmpQuoteMax = 1280 - 40 - 8

// Data writes one datagram sent by the local end (out) or the remote one.
// A datagram larger than a UDP packet holds (a unix datagram can be) is
// written as consecutive datagrams of the most a UDP packet holds, each
// saying so in its comment, so every byte is in the file.
func (f *UDPFlow) Data(t time.Time, out bool, data []byte, comment string) error {
	side := endOf(out)
	most := maxUDPPayload(&f.ends[side])
	parts := max(1, (len(data)+most-1)/most)
	for i := 0; i < parts; i++ {
		p := data[i*most : min(len(data), (i+1)*most)]
		c := comment
		if parts > 1 {
			c = fmt.Sprintf("part %d of %d of one %d-byte datagram (a UDP packet holds at most %d bytes)", i+1, parts, len(data), most)
			if i == 0 && comment != "" {
				c = comment + "; " + c
			}
		}
		h, err := f.w.b.udpHeaders(&f.ends[side], &f.ends[1-side], f.w.ipID, p)
		if err != nil {
			return err
		}
		f.w.ipID++
		if out && i == 0 {
			f.quote = append(append(f.quote[:0], h...), p[:min(len(p), icmpQuoteMax)]...)
		}
		if err := f.w.packet(t, h, p, nil, epbDir(side), c); err != nil {
			return err
		}
	}
	return nil
}

// Unreachable writes the ICMP "port unreachable" with which the remote
// host refused the last datagram the local end sent (none sent: nothing
// to quote, nothing written).
func (f *UDPFlow) Unreachable(t time.Time, comment string) error {
	if len(f.quote) == 0 {
		return nil
	}
	h, err := f.w.b.icmpUnreachable(&f.ends[endRemote], &f.ends[endLocal], f.w.ipID, f.quote)
	if err != nil {
		return err
	}
	f.w.ipID++
	return f.w.packet(t, h, nil, nil, epbInbound, comment)
}
