package cli

// The traffic printer shared by serve and connect: a sessions.Output, so it
// sees every entry in order and, when stdout is slow, the session stops
// reading (the peer waits) instead of the printer missing data. Data goes
// to stdout, status to stderr.

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/sockplay/sockplay/internal/writebehind"
	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/hexdump"
	"github.com/sockplay/sockplay/sessions"
)

type printMode uint8

const (
	printText printMode = iota // data in as raw bytes, like ncat
	printHex                   // both directions, `hexdump -C` per chunk
	printJSON                  // every event, one JSON object per line
	printNone                  // --quiet
)

// printer formats entries into reused buffers and writes them when the
// queue runs dry or a buffer grows past printerFlushAt; a large chunk of
// raw text goes straight to stdout without a copy.
type printer struct {
	out, err io.Writer
	mode     printMode
	status   bool          // print status lines to stderr (serve always, connect with -v)
	framed   bool          // messages are printed instead of chunks
	relay    bool          // a relay: both directions, each under a line saying which
	dec      *fieldDecoder // --decode: received messages' fields too
	obuf     []byte
	ebuf     []byte

	// what the command watches for, reported after everything before it
	// was printed
	mu          sync.Mutex
	closed      int             // KindClosed entries of peers
	firstClosed sessions.Entry  // the first of them
	refused     *sessions.Entry // the first refusal a datagram peer got (ICMP port unreachable)
	signal      chan struct{}   // cap 1: closed or refused changed
}

const printerFlushAt = 64 << 10

// newPrinter prints to out; when out is a file (serve > FILE), it is
// written behind (internal/writebehind), so a long stream goes round a few
// pages of the cache instead of filling it.
func newPrinter(out, err io.Writer, mode printMode, status, framed bool) *printer {
	if f, ok := out.(*os.File); ok {
		out = writebehind.New(f)
	}
	return &printer{out: out, err: err, mode: mode, status: status, framed: framed, signal: make(chan struct{}, 1)}
}

// attach makes p an output of sess, taking only the entries it prints or
// watches.
func (p *printer) attach(sess *sessions.Session) *sessions.OutputHandle {
	return sess.AddOutput(p, sessions.OutputOptions{Name: "stdout", Wants: p.wants})
}

func (p *printer) wants(e *sessions.Entry) bool {
	if p.relay && e.Kind.Data() {
		switch {
		case p.mode == printNone:
			return false
		case p.mode == printJSON || e.Kind.Message():
			return true
		}
		return !p.framed || e.Note == sessions.NoteUndecoded
	}
	switch e.Kind {
	case sessions.KindDataIn:
		if p.mode == printNone {
			return false
		}
		return !p.framed || e.Note == sessions.NoteUndecoded || p.mode == printJSON
	case sessions.KindDataOut:
		return p.mode == printHex || p.mode == printJSON
	case sessions.KindMessage:
		return p.mode != printNone
	case sessions.KindMessageOut: // --hex shows the frame as data_out
		return p.mode == printJSON
	}
	return true
}

// WriteEntry prints one entry (sessions.Output).
func (p *printer) WriteEntry(e sessions.Entry) error {
	p.watch(e)
	switch p.mode {
	case printNone:
		return nil
	case printJSON:
		n := len(p.obuf)
		p.obuf = sessions.AppendJSON(p.obuf, e)
		if p.dec != nil && p.decodes(e) {
			p.obuf = append(p.obuf[:n], p.dec.spliceJSON(p.obuf[n:], e.Data)...)
		}
		return p.flushIfFull()
	}
	if p.relay && e.Kind.Data() {
		return p.relayData(e)
	}
	switch e.Kind {
	case sessions.KindDataIn:
		if p.mode == printText && p.dec == nil {
			return p.writeData(e.Data)
		}
		p.obuf = fmt.Appendf(p.obuf, "<- %s: %d bytes\n", who(e), len(e.Data))
		if p.mode == printHex {
			p.obuf = hexdump.AppendDump(p.obuf, e.Data, hexdump.Options{})
		}
		if p.dec != nil {
			p.obuf = p.dec.appendText(p.obuf, e.Data)
		}
	case sessions.KindDataOut:
		p.obuf = fmt.Appendf(p.obuf, "-> %s: %d bytes\n", who(e), len(e.Data))
		p.obuf = hexdump.AppendDump(p.obuf, e.Data, hexdump.Options{})
	case sessions.KindMessage:
		p.message(e)
	case sessions.KindError:
		switch e.Note {
		case sessions.NoteDecoderStuck, sessions.NoteFramingError, sessions.NoteOutputStopped, sessions.NoteTruncated:
			// Always shown: they explain output that looks wrong.
			p.ebuf = appendStatus(p.ebuf, e)
			if e.Note == sessions.NoteDecoderStuck && len(e.Data) > 0 {
				if p.mode == printText {
					return p.writeData(e.Data)
				}
				p.obuf = fmt.Appendf(p.obuf, "<- %s: %d bytes not decoded\n", who(e), len(e.Data))
				p.obuf = hexdump.AppendDump(p.obuf, e.Data, hexdump.Options{})
			}
		default:
			if p.status {
				p.ebuf = appendStatus(p.ebuf, e)
			}
		}
	default:
		if p.status {
			p.ebuf = appendStatus(p.ebuf, e)
		}
	}
	return p.flushIfFull()
}

// writeData prints raw bytes: small ones gather in the buffer, a large
// chunk is written as it is after what came before it.
func (p *printer) writeData(b []byte) error {
	if len(b) < printerFlushAt/2 {
		p.obuf = append(p.obuf, b...)
		return p.flushIfFull()
	}
	if err := p.Flush(); err != nil {
		return err
	}
	if _, err := p.out.Write(b); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

func (p *printer) flushIfFull() error {
	if len(p.ebuf) > 0 { // status lines are rare and wanted at once
		p.err.Write(p.ebuf)
		p.ebuf = p.ebuf[:0]
	}
	if len(p.obuf) >= printerFlushAt {
		return p.Flush()
	}
	return nil
}

// Flush writes what is buffered (sessions.Output).
func (p *printer) Flush() error {
	if len(p.ebuf) > 0 {
		p.err.Write(p.ebuf)
		p.ebuf = p.ebuf[:0]
	}
	if len(p.obuf) == 0 {
		return nil
	}
	_, err := p.out.Write(p.obuf)
	p.obuf = p.obuf[:0]
	if err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return nil
}

// watch notes the entries the command's loop acts on.
func (p *printer) watch(e sessions.Entry) {
	closed := e.Kind == sessions.KindClosed && e.Peer != sessions.NoPeer
	refused := e.Kind == sessions.KindError && isRefusal(e.Err)
	if !closed && !refused {
		return
	}
	e.Data = nil
	p.mu.Lock()
	switch {
	case closed:
		if p.closed == 0 {
			p.firstClosed = e
		}
		p.closed++
	case p.refused == nil:
		p.refused = &e
	}
	p.mu.Unlock()
	select {
	case p.signal <- struct{}{}:
	default:
	}
}

// seen reports how many peers have closed, the first of them, and the first
// refusal, among the entries printed so far.
func (p *printer) seen() (closed int, first sessions.Entry, refused *sessions.Entry) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed, p.firstClosed, p.refused
}

// message prints one decoded frame: in text mode its bytes and a newline
// (unless it ends with one), with --hex a dump of it alone. A jsonhdr file
// that --save-dir took is not printed: the session's next entry says where
// it went (or why it could not), on stderr.
func (p *printer) message(e sessions.Entry) {
	if e.Msg != nil && (e.Msg.Saved != "" || e.Msg.SaveErr != "") {
		return
	}
	if p.mode == printText && p.dec == nil {
		p.obuf = append(p.obuf, e.Data...)
		if len(e.Data) == 0 || e.Data[len(e.Data)-1] != '\n' {
			p.obuf = append(p.obuf, '\n')
		}
		return
	}
	p.obuf = fmt.Appendf(p.obuf, "<- %s: message, %d bytes\n", who(e), len(e.Data))
	if e.Msg != nil && e.Msg.Header != nil {
		p.obuf = fmt.Appendf(p.obuf, "header %s\n", e.Msg.Header)
	}
	if p.mode == printHex {
		p.obuf = hexdump.AppendDump(p.obuf, e.Data, hexdump.Options{})
	}
	if p.dec != nil {
		p.obuf = p.dec.appendText(p.obuf, e.Data)
	}
}

// relayData prints what one side of a relay sent: a line saying which
// way it went, then its bytes as they are (with a newline after them
// when they lack one) or, with --hex, their dump; --decode adds fields.
func (p *printer) relayData(e sessions.Entry) error {
	what := "bytes"
	if e.Kind.Message() {
		what = "bytes, message"
	}
	if e.Kind == sessions.KindDataIn || e.Kind == sessions.KindMessage {
		p.obuf = fmt.Appendf(p.obuf, "> client %s -> target: %d %s\n", who(e), len(e.Data), what)
	} else {
		p.obuf = fmt.Appendf(p.obuf, "< target -> client %s: %d %s\n", who(e), len(e.Data), what)
	}
	switch {
	case p.mode == printHex:
		p.obuf = hexdump.AppendDump(p.obuf, e.Data, hexdump.Options{})
	case p.dec == nil:
		if err := p.writeData(e.Data); err != nil {
			return err
		}
		if len(e.Data) == 0 || e.Data[len(e.Data)-1] != '\n' {
			p.obuf = append(p.obuf, '\n')
		}
	}
	if p.dec != nil {
		p.obuf = p.dec.appendText(p.obuf, e.Data)
	}
	return p.flushIfFull()
}

// decodes says whether --decode reads e: what was received, as messages
// when there is a framing.
func (p *printer) decodes(e sessions.Entry) bool {
	if p.relay && e.Kind.Data() {
		return e.Kind.Message() || !p.framed || e.Note == sessions.NoteUndecoded
	}
	switch e.Kind {
	case sessions.KindMessage:
		return true
	case sessions.KindDataIn:
		return !p.framed || e.Note == sessions.NoteUndecoded
	}
	return false
}

func who(e sessions.Entry) string {
	return e.Addr + " (peer " + strconv.FormatUint(uint64(e.Peer), 10) + ")"
}

// appendStatus words one event for stderr.
func appendStatus(b []byte, e sessions.Entry) []byte {
	switch e.Kind {
	case sessions.KindListening:
		return fmt.Appendf(b, "listening on %s\n", e.Addr)
	case sessions.KindAccepted:
		return fmt.Appendf(b, "accepted %s\n", who(e))
	case sessions.KindConnected:
		return fmt.Appendf(b, "connected to %s\n", who(e))
	case sessions.KindClosed:
		return fmt.Appendf(b, "closed %s: %s\n", who(e), e.Text)
	case sessions.KindError:
		if e.Peer != sessions.NoPeer {
			return fmt.Appendf(b, "error %s: %s\n", who(e), e.Text)
		}
		return fmt.Appendf(b, "error: %s\n", e.Text)
	}
	if e.Text == "" {
		return b
	}
	if e.Peer != sessions.NoPeer {
		return fmt.Appendf(b, "%s: %s\n", who(e), e.Text)
	}
	return fmt.Appendf(b, "%s\n", e.Text)
}

// summary is the --quiet report of counts, with the messages when there
// were any (a framing decoded or framed them).
func summary(w io.Writer, c sessions.CounterValues, peers uint64, d time.Duration) {
	msgs := ""
	if c.MessagesIn > 0 || c.MessagesOut > 0 {
		msgs = fmt.Sprintf(", messages in %d, out %d", c.MessagesIn, c.MessagesOut)
	}
	fmt.Fprintf(w, "peers %d, in %d bytes in %d chunks, out %d bytes in %d chunks%s, %.3fs\n",
		peers, c.BytesIn, c.ChunksIn, c.BytesOut, c.ChunksOut, msgs, d.Seconds())
}

// isRefusal reports whether err is a datagram socket's "connection
// refused": the ICMP port unreachable that answered an earlier send.
func isRefusal(err error) bool { return err != nil && netcore.IsRefused(err) }
