package sessions

import (
	"net"
	"sync/atomic"
	"time"
)

// A stream whose incoming bytes nobody keeps (the command line's --quiet:
// the log keeps sizes only, no output, framing, reply or rule wants them)
// is read by dropping its bytes in the kernel, uncopied, and counting
// them: copying them into a buffer was most of a quiet receiver's CPU
// (sendfile_mapped.go does the same for a sender). The kernel still acks
// every byte and tells the end of the stream, a reset or a timeout as a
// read would.

// discardReads counts reads that dropped their bytes in the kernel, for tests.
var discardReads atomic.Int64

// canDiscardIn says whether p's next incoming bytes may be dropped in the
// kernel: a plain TCP stream (the kernel drops with MSG_TRUNC only for
// TCP), the log keeping sizes only, and nothing that looks at the bytes.
// It is asked before every read and again once bytes have come, just
// before they are dropped, so an output or rule added while the reader
// waited gets them.
func (s *Session) canDiscardIn(p *peer) bool {
	if !discardSupported || !p.stream || !s.log.sizesOnly.Load() || s.rules.Load() != nil {
		return false
	}
	if p.dec != nil || p.decGen != s.framingNow().gen {
		return false
	}
	if s.cfg.Role == Server && s.cfg.Reply != ReplyNone {
		return false
	}
	if _, ok := p.conn.(*net.TCPConn); !ok {
		return false
	}
	return !s.outputWants(Entry{Kind: KindDataIn, Peer: p.id, Addr: p.addr, Local: p.local, Data: []byte{}})
}

// discardedIn counts and logs n bytes of p that were dropped in the
// kernel: logged as their size, as a sizes-only log keeps any chunk. An
// output added in the instant between canDiscardIn and here sees that one
// entry as a size without bytes, as it would a mapped send's.
func (s *Session) discardedIn(p *peer, n int) {
	discardReads.Add(1)
	now := time.Now()
	p.c.addIn(n, now.UnixNano())
	s.c.addIn(n, now.UnixNano())
	s.emit(Entry{Micros: now.UnixMicro(), Kind: KindDataIn, Peer: p.id, Addr: p.addr, Local: p.local, Data: []byte{}, Bytes: uint64(n)})
}
