package pcap

// Reading a capture file into conversations. The file formats (read_pcap.go,
// read_pcapng.go) and the link layers and IP headers (read_decode.go) are
// read here, not through gopacket's pcapgo and layers, for reasons a
// hostile or merely unusual file makes plain:
//   - pcapgo keeps a link type in a uint8, so LINKTYPE_LINUX_SLL2 (276),
//     what `tcpdump -i any` writes, reads as link type 20;
//   - pcapgo allocates what a record's length field says, so one corrupt
//     record asks for gigabytes, and it cannot say at which byte a file
//     went wrong;
//   - layers.LinuxSLL panics on an address length over 8, and layers.TCP
//     drops a whole segment whose options are malformed where tshark still
//     follows its payload.
// Each header is a few fixed fields; reading them by hand into reused
// buffers costs no allocation per packet and is fuzzed here.

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Sentinels for errors.Is; the errors themselves are FormatErrors that say
// what is wrong and where.
var (
	// ErrNotCapture: the file is neither pcap nor pcapng.
	ErrNotCapture = errors.New("not a capture file")
	// ErrTruncated: the file ends inside a header, a block or a packet.
	ErrTruncated = errors.New("capture file cut short")
	// ErrCorrupt: a header or block holds values no capture has.
	ErrCorrupt = errors.New("capture file corrupt")
	// ErrLinkType: a pcap file's link type is not one this package reads.
	ErrLinkType = errors.New("link type not supported")
	// ErrNoStream: no conversation has the number asked for.
	ErrNoStream = errors.New("no such conversation")
)

// FormatError is a problem in a capture file, with where it is. Everything
// read before it is still returned beside it.
type FormatError struct {
	File   string // the file's path as given, or "" for a reader without one
	Offset int64  // byte offset of the problem (in the uncompressed data for a .gz)
	Packet int    // the packet it is in, counted from 1 as Wireshark numbers frames; 0 when in no packet
	What   string // what is wrong, in words
	Err    error  // ErrTruncated, ErrCorrupt, ErrNotCapture or ErrLinkType
}

func (e *FormatError) Error() string {
	name := e.File
	if name == "" {
		name = "capture"
	}
	if e.Packet > 0 {
		return fmt.Sprintf("%s, packet %d (at byte %d): %s", name, e.Packet, e.Offset, e.What)
	}
	return fmt.Sprintf("%s, at byte %d: %s", name, e.Offset, e.What)
}

func (e *FormatError) Unwrap() error { return e.Err }

// Defaults for Options. They bound what reading any file holds: a capture
// of 10 GB lists every conversation with exact counts, and keeps the
// payload of as many as fit.
const (
	// DefaultMaxPacket is the largest captured packet accepted: libpcap's
	// and Wireshark's own limit (262144). A record claiming more is corrupt.
	DefaultMaxPacket = 256 << 10
	// DefaultMaxConversations bounds the conversations tracked; packets of
	// later ones are counted, not read.
	DefaultMaxConversations = 100_000
	// DefaultMaxStreamBytes is the payload kept for one conversation, both
	// directions together; past it the conversation is still counted.
	DefaultMaxStreamBytes = 64 << 20
	// DefaultMaxTotalBytes is the payload kept for the whole capture.
	DefaultMaxTotalBytes = 512 << 20
	// DefaultMaxOutOfOrder is what one direction of a TCP stream holds
	// while it waits for a segment that is missing; past it the missing
	// bytes are declared a gap.
	DefaultMaxOutOfOrder = 4 << 20
)

// chunkCost is what one kept chunk costs beyond its bytes (the Chunk and
// its slice header), charged to the budgets so a million one-byte chunks
// are bounded like a million bytes are; convCost is the same for one
// conversation and its reassembly state.
const (
	chunkCost = 64
	convCost  = 512
)

// Options bound what reading holds; zero fields take the defaults.
type Options struct {
	MaxPacket        int
	MaxConversations int
	MaxStreamBytes   int64
	MaxTotalBytes    int64
	MaxOutOfOrder    int64
}

func (o Options) withDefaults() Options {
	if o.MaxPacket <= 0 {
		o.MaxPacket = DefaultMaxPacket
	}
	if o.MaxConversations <= 0 {
		o.MaxConversations = DefaultMaxConversations
	}
	if o.MaxStreamBytes <= 0 {
		o.MaxStreamBytes = DefaultMaxStreamBytes
	}
	if o.MaxTotalBytes <= 0 {
		o.MaxTotalBytes = DefaultMaxTotalBytes
	}
	if o.MaxOutOfOrder <= 0 {
		o.MaxOutOfOrder = DefaultMaxOutOfOrder
	}
	return o
}

// Capture is what a capture file holds, as conversations. It is not
// changed after Open returns, so any number of goroutines may read it.
type Capture struct {
	// Format is "pcap" or "pcapng", with " (gzip)" when it was compressed.
	Format string
	// Links are the link types met, as "Ethernet (1)", in order of first
	// use; one for a pcap file, one per kind of interface for pcapng.
	Links []string
	// Packets counts the packets read (of every kind); First and Last are
	// the times of the first and last of them.
	Packets     int
	First, Last time.Time
	// Conversations are every TCP stream and UDP flow in order of their
	// first packet. TCP streams and UDP flows are numbered apart, each from
	// 0, as tshark's tcp.stream and udp.stream: use Find to look one up.
	Conversations []*Conversation
	// Skipped counts the packets that carry no TCP or UDP over IP (ARP,
	// ICMP, IP fragments after the first, ...): counted, not kept.
	Skipped int
	// Notes say, one sentence each, what a person should know to trust
	// the listing: a limit reached (and what it left out), packets that
	// could not be decoded, link types not read.
	Notes []string
}

// Find returns the conversation proto ("tcp" or "udp") number id.
func (c *Capture) Find(proto string, id int) (*Conversation, error) {
	n := 0
	for _, cv := range c.Conversations {
		if cv.Proto != proto {
			continue
		}
		if cv.ID == id {
			return cv, nil
		}
		n++
	}
	if n == 0 {
		return nil, fmt.Errorf("%s stream %d: the capture has no %s conversations: %w", proto, id, strings.ToUpper(proto), ErrNoStream)
	}
	if n == 1 {
		return nil, fmt.Errorf("%s stream %d: the capture has one %s stream, %s:0: %w", proto, id, proto, proto, ErrNoStream)
	}
	return nil, fmt.Errorf("%s stream %d: the capture has %s streams 0 to %d: %w", proto, id, proto, n-1, ErrNoStream)
}

// ParseStream reads how a person names a conversation: "N" (a TCP stream,
// as tshark's tcp.stream), "tcp:N" or "udp:N" (udp.stream).
func ParseStream(s string) (proto string, id int, err error) {
	proto, num := "tcp", s
	if p, n, ok := strings.Cut(s, ":"); ok {
		proto, num = strings.ToLower(p), n
		if proto != "tcp" && proto != "udp" {
			return "", 0, fmt.Errorf("%q is not a stream: %q is no protocol here; write N, tcp:N or udp:N", s, p)
		}
	}
	id, err = strconv.Atoi(num)
	if err != nil || id < 0 {
		return "", 0, fmt.Errorf("%q is not a stream: write N, tcp:N or udp:N, with N from 0", s)
	}
	return proto, id, nil
}

// Open reads the capture file at path with the default limits.
func Open(path string) (*Capture, error) {
	return OpenContext(context.Background(), path, Options{})
}

// OpenContext reads the capture file at path. See Read for what comes back.
func OpenContext(ctx context.Context, path string, opt Options) (*Capture, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // *PathError: "open x.pcap: no such file or directory"
	}
	defer f.Close()
	return read(ctx, f, path, opt)
}

// Read reads a pcap or pcapng capture (gzip-compressed or not) from r.
//
// On a problem in the file (a *FormatError: truncated, corrupt) the
// Capture holds everything read before it, so the error comes beside a
// partial Capture. The Capture is nil only when nothing is a capture: the
// file is no pcap or pcapng at all, or could not be read from the start.
// ctx is checked between packets.
func Read(ctx context.Context, r io.Reader, opt Options) (*Capture, error) {
	return read(ctx, r, "", opt)
}

// source yields the packets of one file format.
type source interface {
	// next returns the next packet, io.EOF at a clean end, or a
	// *FormatError. The packet's data is valid until the next call.
	next() (rawPacket, error)
}

// rawPacket is one record of a capture file.
type rawPacket struct {
	data    []byte // the captured bytes
	origLen int    // the packet's length on the wire
	ts      time.Time
	link    uint16 // the link type of the interface it was captured on
	num     int    // counted from 1
	offset  int64  // byte offset of its record
}

func read(ctx context.Context, r io.Reader, name string, opt Options) (*Capture, error) {
	opt = opt.withDefaults()
	cr := &countReader{r: bufio.NewReaderSize(r, 64<<10), name: name}
	magic, err := cr.peek(4)
	if len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, zerr := gzip.NewReader(cr.r)
		if zerr != nil {
			return nil, cr.formatErr(0, 0, ErrTruncated, "cut short inside its gzip header")
		}
		defer zr.Close()
		cr = &countReader{r: bufio.NewReaderSize(zr, 64<<10), name: name, gz: true}
		magic, err = cr.peek(4)
	}
	if err != nil {
		if len(magic) == 0 {
			return nil, cr.formatErr(0, 0, ErrNotCapture, "empty, not a capture file")
		}
		return nil, cr.formatErr(0, 0, ErrNotCapture, fmt.Sprintf("only %d bytes long, not a capture file", len(magic)))
	}
	var src source
	c := &Capture{}
	switch {
	case isNgMagic(magic):
		c.Format = "pcapng"
		src, err = newNgSource(cr, opt.MaxPacket)
	case isPcapMagic(magic):
		c.Format = "pcap"
		src, err = newPcapSource(cr, opt.MaxPacket)
	case isModifiedPcapMagic(magic):
		return nil, cr.formatErr(0, 0, ErrNotCapture, "a modified (Kuznetzov) pcap file, which sockplay does not read; convert it with: editcap -F pcap IN OUT")
	default:
		return nil, cr.formatErr(0, 0, ErrNotCapture, fmt.Sprintf("not a capture file: it starts with % x, which is no pcap or pcapng magic number", magic))
	}
	if err != nil {
		return nil, err
	}
	if cr.gz {
		c.Format += " (gzip)"
	}
	t := newTracker(c, opt)
	for {
		if c.Packets%1024 == 0 {
			if err = ctx.Err(); err != nil {
				break
			}
		}
		var p rawPacket
		p, err = src.next()
		if err != nil {
			break
		}
		t.add(p)
	}
	t.finish()
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return c, err
}

func isPcapMagic(m []byte) bool {
	switch string(m) {
	case "\xd4\xc3\xb2\xa1", "\xa1\xb2\xc3\xd4", "\x4d\x3c\xb2\xa1", "\xa1\xb2\x3c\x4d":
		return true
	}
	return false
}

func isModifiedPcapMagic(m []byte) bool {
	return string(m) == "\x34\xcd\xb2\xa1" || string(m) == "\xa1\xb2\xcd\x34"
}

func isNgMagic(m []byte) bool { return string(m) == "\x0a\x0d\x0d\x0a" }

// countReader reads a file and knows at which byte it is, for errors that
// say where.
type countReader struct {
	r    *bufio.Reader
	off  int64
	name string
	gz   bool
}

func (c *countReader) peek(n int) ([]byte, error) { return c.r.Peek(n) }

// full reads len(b) bytes; n is how many it got when the file ended first.
func (c *countReader) full(b []byte) (int, error) {
	n, err := io.ReadFull(c.r, b)
	c.off += int64(n)
	return n, err
}

// skip discards n bytes without holding them, however many.
func (c *countReader) skip(n int64) (int64, error) {
	var got int64
	for n > 0 {
		step := int(min(n, 1<<30))
		d, err := c.r.Discard(step)
		got += int64(d)
		c.off += int64(d)
		n -= int64(d)
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return got, err
		}
	}
	return got, nil
}

func (c *countReader) formatErr(at int64, packet int, kind error, what string) *FormatError {
	return &FormatError{File: c.name, Offset: at, Packet: packet, What: what, Err: kind}
}

// readErr words a failed read of want bytes of what (begun at byte at, got
// of them read): the end of the file is a truncation, anything else (a disk
// error, a bad gzip stream) is wrapped as it is.
func (c *countReader) readErr(err error, at int64, packet int, what string, got, want int64) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return c.formatErr(at, packet, ErrTruncated, fmt.Sprintf("cut short: the file ends after %d of the %d bytes of %s", got, want, what))
	}
	return &FormatError{File: c.name, Offset: at + got, Packet: packet, Err: err,
		What: fmt.Sprintf("reading %s failed: %v", what, err)}
}
