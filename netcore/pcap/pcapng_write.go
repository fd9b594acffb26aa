package pcap

// The pcapng blocks the writer needs, written here rather than through
// gopacket's pcapgo.NgWriter: google/gopacket v1.1.19's writer had no
// packet options, and a packet comment (opt_comment) is how a reader of
// the file sees what the session's log said at a connection's events; it
// also cannot cut a file back to whole blocks after a full disk. The
// format is the IETF draft "PCAP Next Generation (pcapng) Capture File
// Format" (draft-tuexen-opsawg-pcapng): every block is a type, a total
// length, a body and the total length again, padded to 32 bits; options
// are a code, a length and a value padded to 32 bits, ended by
// opt_endofopt. Blocks are written little-endian; the section header's
// byte-order magic tells readers so.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"time"
)

// Block types and option codes used here.
const (
	wrBlkSHB            = 0x0A0D0D0A
	wrBlkIDB            = 1
	wrBlkEPB            = 6
	wrBlkByteOrderMagic = 0x1A2B3C4D

	wrOptEnd         = 0
	wrOptComment     = 1
	wrOptSHBHardware = 2
	wrOptSHBOS       = 3
	wrOptSHBUserAppl = 4
	wrOptIfName      = 2
	wrOptIfDesc      = 3
	wrOptIfTsResol   = 9
	wrOptEPBFlags    = 2
)

// Packet directions, as epb_flags carries them (bits 0-1).
const (
	epbInbound  = 1
	epbOutbound = 2
)

// writeSnapLen is the interface's snap length: no synthesized packet is
// longer (an IPv4 packet of one MSS is 65523 bytes).
const writeSnapLen = 65535

// writeBufSize is the size of the file's writes. Every block, payload
// included, is copied into the buffer, and the file gets it in writes
// that end on a multiple of this size of the file: writing each payload
// from where it lies, between small writes of the headers around it,
// costs the kernel far more than the copy (on ext4, 1 GiB as 32 KiB
// payloads between header writes took 0.45 s of CPU, copied and written
// 256 KiB at a time 0.33 s, the copy included). Whole aligned writes
// matter as much: writing 1 GiB to ext4 on this kind of machine from Go
// took 0.39-0.48 s of system time in 512 KiB writes that end on 512 KiB,
// 0.60-0.66 s in 256 KiB ones and 0.76-1.15 s in 512 KiB writes 100 bytes
// off (three runs each); from python3, writes of 196,704 bytes (three
// full packets, where flushing whole blocks used to cut) took 0.52-1.07 s
// against 0.34-0.51 s for 256 KiB. Likely cause: a write that ends inside
// a page-cache folio leaves the kernel part of one to fill.
const writeBufSize = 512 << 10

// blockWriter writes whole pcapng blocks to w through its own buffer, in
// writes that end on multiples of writeBufSize (a block may span two). It
// counts what w took (Size, read from any goroutine) and remembers where
// the last whole block that reached w ends, so that after a failed write
// (a full disk) a file is cut back to whole blocks and stays readable.
type blockWriter struct {
	w   io.Writer
	cut func(size int64) error // cuts w back to size bytes; nil when w cannot be cut
	buf []byte
	err error // the first write error; nothing is written after it

	written int64   // bytes w took
	ends    []int64 // where the blocks in buf end, as offsets in the file
	safe    int64   // a block boundary that w has taken
	size    atomic.Int64
}

func newBlockWriter(w io.Writer, cut func(int64) error) *blockWriter {
	// Room for a full write and the largest packet block past it.
	return &blockWriter{w: w, cut: cut, buf: make([]byte, 0, writeBufSize+128<<10)}
}

// blockPad is n rounded up to a multiple of four.
func blockPad(n int) int { return (n + 3) &^ 3 }

// blockOption is one option of a block.
type blockOption struct {
	code uint16
	val  []byte
}

func blockOptionsLen(opts []blockOption) int {
	if len(opts) == 0 {
		return 0
	}
	n := 4 // opt_endofopt
	for _, o := range opts {
		n += 4 + blockPad(len(o.val))
	}
	return n
}

func appendBlockOptions(b []byte, opts []blockOption) []byte {
	if len(opts) == 0 {
		return b
	}
	for _, o := range opts {
		b = binary.LittleEndian.AppendUint16(b, o.code)
		b = binary.LittleEndian.AppendUint16(b, uint16(len(o.val)))
		b = append(b, o.val...)
		b = append(b, make([]byte, blockPad(len(o.val))-len(o.val))...)
	}
	return binary.LittleEndian.AppendUint32(b, 0) // opt_endofopt, length 0
}

// textBlockOption is a UTF-8 string option (the format requires UTF-8), cut
// to what an option's 16-bit length holds.
func textBlockOption(code uint16, s string) blockOption {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) > 60000 {
		s = s[:60000]
		s = strings.ToValidUTF8(s, "") // a rune cut in half goes
	}
	return blockOption{code, []byte(s)}
}

// sectionHeader appends a section header block with the given options.
func (f *blockWriter) sectionHeader(opts []blockOption) error {
	total := 28 + blockOptionsLen(opts)
	b := f.buf
	b = binary.LittleEndian.AppendUint32(b, wrBlkSHB)
	b = binary.LittleEndian.AppendUint32(b, uint32(total))
	b = binary.LittleEndian.AppendUint32(b, wrBlkByteOrderMagic)
	b = binary.LittleEndian.AppendUint16(b, 1) // version 1.0
	b = binary.LittleEndian.AppendUint16(b, 0)
	b = binary.LittleEndian.AppendUint64(b, ^uint64(0)) // section length: not given
	b = appendBlockOptions(b, opts)
	f.buf = binary.LittleEndian.AppendUint32(b, uint32(total))
	return f.endBlock()
}

// interfaceDesc appends an interface description block: link type, snap
// length and options.
func (f *blockWriter) interfaceDesc(linkType uint16, opts []blockOption) error {
	total := 20 + blockOptionsLen(opts)
	b := f.buf
	b = binary.LittleEndian.AppendUint32(b, wrBlkIDB)
	b = binary.LittleEndian.AppendUint32(b, uint32(total))
	b = binary.LittleEndian.AppendUint16(b, linkType)
	b = binary.LittleEndian.AppendUint16(b, 0)
	b = binary.LittleEndian.AppendUint32(b, writeSnapLen)
	b = appendBlockOptions(b, opts)
	f.buf = binary.LittleEndian.AppendUint32(b, uint32(total))
	return f.endBlock()
}

// packet appends an enhanced packet block for interface 0 whose data is
// head followed by payload, with a timestamp in microseconds (the
// interface's resolution), a direction and an optional comment. When sum
// is not nil, the transport checksum in head is finished over the copy of
// payload in the buffer (see tcpHead).
func (f *blockWriter) packet(t time.Time, head, payload []byte, sum *l4Sum, dir uint32, comment string) error {
	if f.err != nil {
		return f.err
	}
	n := len(head) + len(payload)
	var optBuf [2]blockOption
	opts := optBuf[:0]
	if comment != "" {
		opts = append(opts, textBlockOption(wrOptComment, comment))
	}
	var flags [4]byte
	if dir != 0 {
		binary.LittleEndian.PutUint32(flags[:], dir)
		opts = append(opts, blockOption{wrOptEPBFlags, flags[:]})
	}
	total := 32 + blockPad(n) + blockOptionsLen(opts)
	us := uint64(t.UnixMicro())
	b := f.buf
	b = binary.LittleEndian.AppendUint32(b, wrBlkEPB)
	b = binary.LittleEndian.AppendUint32(b, uint32(total))
	b = binary.LittleEndian.AppendUint32(b, 0) // interface 0
	b = binary.LittleEndian.AppendUint32(b, uint32(us>>32))
	b = binary.LittleEndian.AppendUint32(b, uint32(us))
	b = binary.LittleEndian.AppendUint32(b, uint32(n)) // captured: all of it
	b = binary.LittleEndian.AppendUint32(b, uint32(n)) // original length
	b = append(b, head...)
	b = append(b, payload...)
	if sum != nil {
		hs := len(b) - len(payload) - len(head)
		sum.put(b[hs:hs+len(head)], b[hs+len(head):])
	}
	b = append(b, make([]byte, blockPad(n)-n)...)
	b = appendBlockOptions(b, opts)
	f.buf = binary.LittleEndian.AppendUint32(b, uint32(total))
	return f.endBlock()
}

// endBlock notes that a whole block was appended, and writes the buffer
// up to the next multiple of writeBufSize in the file once it reaches it.
func (f *blockWriter) endBlock() error {
	f.ends = append(f.ends, f.written+int64(len(f.buf)))
	if n := writeBufSize - int(f.written%writeBufSize); len(f.buf) >= n {
		return f.writeOut(n)
	}
	return nil
}

// flush hands all that is buffered to w. A flush that ends off the
// alignment only delays it: the next full write ends on it again.
func (f *blockWriter) flush() error {
	if f.err != nil {
		return f.err
	}
	if len(f.buf) == 0 {
		return nil
	}
	return f.writeOut(len(f.buf))
}

// writeOut writes the first n buffered bytes and keeps the rest, moved to
// the front (less than one block, so a small copy beside the write).
func (f *blockWriter) writeOut(n int) error {
	err := f.write(f.buf[:n])
	f.buf = f.buf[:copy(f.buf, f.buf[n:])]
	return err
}

// write hands b to w, counting it; on the first error it cuts what w has
// back to the last whole block, when it can (a file it created), and
// fails for good.
func (f *blockWriter) write(b []byte) error {
	if f.err != nil {
		return f.err
	}
	n, err := f.w.Write(b)
	f.written += int64(n)
	if err == nil && n < len(b) {
		err = io.ErrShortWrite
	}
	if err != nil {
		f.err = err
		if f.cut != nil && f.written > f.safe {
			if terr := f.cut(f.safe); terr == nil {
				f.written = f.safe
			} else {
				f.err = errors.Join(err, fmt.Errorf("cutting the file back to whole blocks: %w", terr))
			}
		}
		f.size.Store(f.written)
		return f.err
	}
	i := 0
	for ; i < len(f.ends) && f.ends[i] <= f.written; i++ {
		f.safe = f.ends[i]
	}
	f.ends = f.ends[:copy(f.ends, f.ends[i:])]
	f.size.Store(f.written)
	return nil
}
