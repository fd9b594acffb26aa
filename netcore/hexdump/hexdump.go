// Package hexdump formats bytes exactly as `hexdump -C` prints them, so what
// sockplay shows, logs and saves can be diffed against the standard tool.
//
// It belongs here: the canonical line format, the collapsing of repeated
// lines into "*", the final offset line, and the options that change them
// (verbose, starting offset). It does not belong here: colouring, direction
// markers, timestamps or any other decoration of a session's log; those are
// the views' business and are built around these lines.
//
// The formatter is table driven and appends into a caller's buffer, so a
// dump costs no allocation per line: the GUI formats rows as they scroll
// into view and the CLI streams files of any size.
package hexdump

import (
	"errors"
	"fmt"
	"io"
)

// Options change the dump the way hexdump's flags do.
type Options struct {
	// Verbose prints every line, like `hexdump -Cv`, instead of collapsing
	// runs of identical 16-byte lines into one "*" line.
	Verbose bool
	// Offset is the offset shown for the first byte, so one message inside
	// a stream can be dumped with the stream's offsets. Lines still hold 16
	// bytes counted from the first byte, as `hexdump -C -s Offset` does.
	Offset uint64
}

// ErrClosed is returned by Write after Close.
var ErrClosed = errors.New("hexdump: write after close")

const (
	lineLen   = 79 // "00000000  " + 16 hex columns + "  |" + 16 chars + "|\n"
	hexStart  = 10 // column of the first hex digit
	charStart = 61 // column of the first character, after the '|'
	flushAt   = 64 << 10
)

const hexDigits = "0123456789abcdef"

// hexPair and printable are the tables the formatter looks bytes up in.
var (
	hexPair   [256][2]byte
	printable [256]byte
)

// template is a canonical line with every column blank and the separators
// in place; a line is this with the digits and characters written over it,
// and absent bytes of a partial line stay blank.
var template [lineLen]byte

func init() {
	for i := range 256 {
		hexPair[i] = [2]byte{hexDigits[i>>4], hexDigits[i&0xf]}
		if i >= 0x20 && i < 0x7f {
			printable[i] = byte(i)
		} else {
			printable[i] = '.'
		}
	}
	for i := range template {
		template[i] = ' '
	}
	template[charStart-1] = '|'
	template[charStart+16] = '|'
	template[charStart+17] = '\n'
}

// dumper holds what the dump of one stream remembers between lines: the
// offset of the next line and the previous line, to collapse repeats.
type dumper struct {
	opt       Options
	off       uint64   // offset of the next line
	prev      [16]byte // the last full line, when havePrev
	havePrev  bool
	squeezing bool // a "*" line has been printed for the current run
}

// appendLine appends one full 16-byte line, a "*" line or nothing,
// depending on whether it repeats the line before it.
func (d *dumper) appendLine(dst []byte, line *[16]byte) []byte {
	if !d.opt.Verbose && d.havePrev && *line == d.prev {
		d.off += 16
		if d.squeezing {
			return dst
		}
		d.squeezing = true
		return append(dst, '*', '\n')
	}
	d.squeezing = false
	d.prev = *line
	d.havePrev = true
	dst = appendCanonical(dst, d.off, line[:])
	d.off += 16
	return dst
}

// appendEnd appends the last, partial line (never collapsed, as hexdump
// does) and the line holding the offset after the last byte. That line is
// left out only when it would read 00000000, which is what `hexdump -C`
// prints for empty input: nothing.
func (d *dumper) appendEnd(dst, partial []byte) []byte {
	if len(partial) > 0 {
		dst = appendCanonical(dst, d.off, partial)
		d.off += uint64(len(partial))
	}
	if d.off == 0 {
		return dst
	}
	dst = appendOffset(dst, d.off)
	return append(dst, '\n')
}

// appendOffset appends off as at least eight lowercase hex digits, like %08x.
func appendOffset(dst []byte, off uint64) []byte {
	if off>>32 == 0 {
		p := hexPair[off>>24]
		q := hexPair[off>>16&0xff]
		r := hexPair[off>>8&0xff]
		s := hexPair[off&0xff]
		return append(dst, p[0], p[1], q[0], q[1], r[0], r[1], s[0], s[1])
	}
	n := 0
	for v := off; v != 0; v >>= 4 {
		n++
	}
	for i := n - 1; i >= 0; i-- {
		dst = append(dst, hexDigits[off>>(4*uint(i))&0xf])
	}
	return dst
}

// appendCanonical appends one canonical line for up to 16 bytes. Columns
// are counted from the start of an eight-digit offset; a longer offset
// shifts the rest of the line right, as %08x does in hexdump.
func appendCanonical(dst []byte, off uint64, b []byte) []byte {
	dst = appendOffset(dst, off)
	base := len(dst) - 8
	if len(b) == 16 {
		dst = append(dst, template[8:]...)
		l := dst[base : base+lineLen : base+lineLen]
		_ = b[15]
		for i := range 8 {
			p, q := hexPair[b[i]], hexPair[b[8+i]]
			l[hexStart+3*i] = p[0]
			l[hexStart+3*i+1] = p[1]
			l[hexStart+25+3*i] = q[0]
			l[hexStart+25+3*i+1] = q[1]
			l[charStart+i] = printable[b[i]]
			l[charStart+8+i] = printable[b[8+i]]
		}
		return dst
	}
	// A partial line: the hex columns of absent bytes stay blank and the
	// character column ends after the last byte.
	dst = append(dst, template[8:charStart]...)
	l := dst[base:]
	for i, c := range b {
		p := hexPair[c]
		j := hexStart + 3*i + i/8
		l[j] = p[0]
		l[j+1] = p[1]
	}
	for _, c := range b {
		dst = append(dst, printable[c])
	}
	return append(dst, '|', '\n')
}

// AppendDump appends the whole `hexdump -C` output for data to dst and
// returns the extended buffer; with enough capacity in dst it allocates
// nothing. It is meant for a bounded view such as the GUI's detail pane;
// use a Writer for a stream.
func AppendDump(dst, data []byte, opt Options) []byte {
	d := dumper{opt: opt, off: opt.Offset}
	for len(data) >= 16 {
		dst = d.appendLine(dst, (*[16]byte)(data))
		data = data[16:]
	}
	return d.appendEnd(dst, data)
}

// Dump returns the `hexdump -C` output for data as a string.
func Dump(data []byte, opt Options) string {
	return string(AppendDump(make([]byte, 0, (len(data)/16+2)*lineLen), data, opt))
}

// Writer streams a dump: bytes written to it come out as `hexdump -C`
// lines on the underlying writer, however the input is split. The last
// partial line and the final offset line come out on Close.
type Writer struct {
	w       io.Writer
	d       dumper
	pending [16]byte // bytes of a line not yet complete
	npend   int
	buf     []byte // formatted output not yet written to w, reused
	err     error  // the first error from w; every later call returns it
	closed  bool
}

// NewWriter returns a Writer dumping to w. It buffers its output; call
// Close to get the end of the dump.
func NewWriter(w io.Writer, opt Options) *Writer {
	return &Writer{w: w, d: dumper{opt: opt, off: opt.Offset}, buf: make([]byte, 0, flushAt+2*lineLen)}
}

// Write formats p. It reports len(p) unless writing the output to the
// underlying writer failed.
func (w *Writer) Write(p []byte) (int, error) {
	if w.closed {
		return 0, ErrClosed
	}
	if w.err != nil {
		return 0, w.err
	}
	n := len(p)
	if w.npend > 0 {
		c := copy(w.pending[w.npend:], p)
		w.npend += c
		p = p[c:]
		if w.npend < 16 {
			return n, nil
		}
		w.buf = w.d.appendLine(w.buf, &w.pending)
		w.npend = 0
	}
	for len(p) >= 16 {
		w.buf = w.d.appendLine(w.buf, (*[16]byte)(p))
		p = p[16:]
		if len(w.buf) >= flushAt {
			if err := w.flush(); err != nil {
				return n - len(p), err
			}
		}
	}
	w.npend = copy(w.pending[:], p)
	return n, nil
}

// flush writes the formatted output to the underlying writer.
func (w *Writer) flush() error {
	if len(w.buf) == 0 {
		return nil
	}
	_, err := w.w.Write(w.buf)
	w.buf = w.buf[:0]
	if err != nil {
		w.err = fmt.Errorf("write dump: %w", err)
	}
	return w.err
}

// Close writes the last partial line and the final offset line and flushes
// everything. It does not close the underlying writer. Closing twice is a
// no-op that returns the first error, if any.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	w.buf = w.d.appendEnd(w.buf, w.pending[:w.npend])
	w.npend = 0
	return w.flush()
}
