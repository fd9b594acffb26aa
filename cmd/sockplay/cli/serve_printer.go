package cli

// The traffic printer shared by serve and connect: it drains new log entries
// when the session signals a change, data to stdout, status to stderr.

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

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

type printer struct {
	out, err io.Writer
	mode     printMode
	status   bool   // print status lines to stderr (serve always, connect with -v)
	next     uint64 // seq of the next entry to print
	obuf     []byte
	ebuf     []byte
	werr     error // first stdout write error: the command ends with it

	// With a framing, messages are printed instead of chunks, except for a
	// peer whose decoder is stuck (it cannot resync): the rest of that
	// connection is printed raw.
	framed  bool
	resyncs bool
	stuck   map[sessions.PeerID]bool

	// what the command watches for
	closed []sessions.Entry // KindClosed entries seen in this drain
}

// drain prints every entry added since the last call. Formatting happens
// under the log's lock into reused buffers; writing happens after it.
func (p *printer) drain(l *sessions.Log) {
	p.closed = p.closed[:0]
	if first := l.First(); first > p.next && p.next > 0 && p.mode != printNone {
		p.ebuf = fmt.Appendf(p.ebuf, "sockplay: output fell behind; entries %d-%d left the log unprinted\n", p.next, first-1)
	}
	p.next = l.Range(p.next, func(e sessions.Entry) bool {
		if e.Kind == sessions.KindClosed && e.Peer != sessions.NoPeer {
			e.Data = nil
			p.closed = append(p.closed, e)
		}
		p.format(e)
		return true
	})
	p.flush()
}

func (p *printer) flush() {
	if len(p.obuf) > 0 && p.werr == nil {
		if _, err := p.out.Write(p.obuf); err != nil {
			p.werr = fmt.Errorf("write output: %w", err)
		}
	}
	if len(p.ebuf) > 0 {
		p.err.Write(p.ebuf)
	}
	p.obuf, p.ebuf = p.obuf[:0], p.ebuf[:0]
}

func (p *printer) format(e sessions.Entry) {
	switch p.mode {
	case printNone:
		return
	case printJSON:
		p.obuf = sessions.AppendJSON(p.obuf, e)
		return
	}
	switch e.Kind {
	case sessions.KindDataIn:
		if p.framed && !p.stuck[e.Peer] {
			return
		}
		if p.mode == printText {
			p.obuf = append(p.obuf, e.Data...)
			return
		}
		p.obuf = fmt.Appendf(p.obuf, "<- %s: %d bytes\n", who(e), len(e.Data))
		p.obuf = hexdump.AppendDump(p.obuf, e.Data, hexdump.Options{})
	case sessions.KindDataOut:
		if p.mode == printHex {
			p.obuf = fmt.Appendf(p.obuf, "-> %s: %d bytes\n", who(e), len(e.Data))
			p.obuf = hexdump.AppendDump(p.obuf, e.Data, hexdump.Options{})
		}
	case sessions.KindMessage:
		p.message(e)
	case sessions.KindError:
		if p.framed && strings.HasPrefix(e.Text, "framing: ") {
			p.framingError(e)
			return
		}
		if p.status {
			p.ebuf = appendStatus(p.ebuf, e)
		}
	default:
		if p.status {
			p.ebuf = appendStatus(p.ebuf, e)
		}
	}
}

// message prints one decoded frame: in text mode its bytes and a newline
// (unless it ends with one), with --hex a dump of it alone. A jsonhdr file
// that --save-dir took is not printed: the session's next entry says where
// it went (or why it could not), on stderr.
func (p *printer) message(e sessions.Entry) {
	if e.Msg != nil && (e.Msg.Saved != "" || e.Msg.SaveErr != "") {
		return
	}
	if p.mode == printText {
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
	p.obuf = hexdump.AppendDump(p.obuf, e.Data, hexdump.Options{})
}

// framingError is always shown: it explains output that looks wrong. After
// it a decoder that cannot resync is stuck, and that peer's data is printed
// raw from then on.
func (p *printer) framingError(e sessions.Entry) {
	p.ebuf = appendStatus(p.ebuf, e)
	if !p.resyncs && !p.stuck[e.Peer] && !strings.Contains(e.Text, "truncated") {
		if p.stuck == nil {
			p.stuck = map[sessions.PeerID]bool{}
		}
		p.stuck[e.Peer] = true
		p.ebuf = fmt.Appendf(p.ebuf, "the rest of %s is shown raw\n", who(e))
	}
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
	return fmt.Appendf(b, "%s\n", e.Text)
}

// summary is the --quiet report of counts.
func summary(w io.Writer, c sessions.CounterValues, peers uint64, d time.Duration) {
	fmt.Fprintf(w, "peers %d, in %d bytes in %d chunks, out %d bytes in %d chunks, %.3fs\n",
		peers, c.BytesIn, c.ChunksIn, c.BytesOut, c.ChunksOut, d.Seconds())
}

// drainPause is the least time between two drains: changes arriving meanwhile
// are printed together, so a fast stream costs one wake-up per pause and not
// one per chunk (the same idea as the GUI's ≤ 30 Hz pump).
const drainPause = 10 * time.Millisecond

// pause waits drainPause or until ctx ends.
func pause(ctx context.Context) {
	t := time.NewTimer(drainPause)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
