package pcap

import (
	"net/netip"
	"sort"
	"time"
)

// TCP reassembly, one direction at a time, written here rather than taken
// from gopacket's reassembly or tcpassembly: a capture file is read once,
// from start to end, and what a person needs from it is exact
//   - segments in sequence order, whatever order they were captured in;
//   - each byte once: a retransmission or an overlap adds nothing;
//   - every byte that was never captured shown as a gap of its exact
//     size, attached to the chunk that follows it (or alone, at the end),
//     never glued over;
//   - a bound on what is held while waiting for a missing segment.
//
// A missing segment is waited for until the other side has acknowledged
// past it (the receiver had it; only the capture missed it, so it will
// not come again) and the conversation moved on: the sender sent again,
// or the receiver sent data. So an ACK captured a moment before the data
// it acknowledges (capture order is not always wire order) makes no gap.
// It is also given up when the direction holds more than
// Options.MaxOutOfOrder bytes or maxHeld segments after the hole, and at
// the end of the capture.

// maxHeld bounds the segments one direction holds after a hole, so that
// many tiny out-of-order segments cost no quadratic insertion.
const maxHeld = 1024

// tcpConv is one TCP stream being reassembled.
type tcpConv struct {
	flow
	dirs [2]tcpDir // [0] client to server
	done bool      // finished: a reused port replaced it, or the capture ended
}

// tcpDir is one direction of a stream. Offsets are in the direction's
// stream: 0 is the first byte after the SYN (or the first byte seen, for a
// stream captured after it began), as int64 so streams past 4 GiB unwrap.
type tcpDir struct {
	baseSet bool
	isn     uint32 // the first sequence number seen this way: Wireshark's test for a reused port
	base    uint32 // the sequence number of offset 0
	next    int64  // delivered up to here
	maxEnd  int64  // the end on the wire of the furthest segment with payload
	seqEnd  int64  // the furthest sequence position a segment of this direction had (a pure ACK's too)
	acked   int64  // the other side acknowledged up to here (when ackSet)
	ackSet  bool
	fin     bool
	finOff  int64

	held    []heldSeg // after a hole, sorted by offset
	heldLen int64

	gap      int64 // declared missing, to go with the next chunk
	gapTS    time.Time
	gapFrame int
}

// heldSeg is a segment waiting for the hole before it.
type heldSeg struct {
	off   int64
	n     int64  // captured payload bytes
	data  []byte // the kept copy, nil when the conversation keeps no more
	ts    time.Time
	frame int
}

// offset unwraps a sequence number near the delivered position.
func (d *tcpDir) offset(seq uint32) int64 {
	return d.next + int64(int32(seq-d.base-uint32(d.next)))
}

// dirOf is the direction of a segment sent from src: 0 from the client.
func (tc *tcpConv) dirOf(src netip.AddrPort) int {
	if src == tc.conv.Client {
		return 0
	}
	return 1
}

// segment takes one TCP segment of the stream, sent in direction di.
func (tc *tcpConv) segment(t *tracker, di int, s *segment, ts time.Time, frame int) {
	cv, d := tc.conv, &tc.dirs[di]
	syn := s.flags&tcpSYN != 0
	if syn && di == 0 && s.flags&tcpACK == 0 {
		cv.Syn = true
	}
	if !d.baseSet {
		d.baseSet, d.isn, d.base = true, s.seq, s.seq
		if syn {
			d.base++
		}
	}
	start := s.seq
	if syn {
		start++ // the SYN takes one sequence number; data on a SYN (TCP Fast Open) follows it
	}
	off := d.offset(start)
	if end := off + int64(s.wire); s.wire > 0 && end > d.maxEnd {
		d.maxEnd = end
	}
	if off > d.seqEnd {
		d.seqEnd = off
	}
	if s.flags&tcpACK != 0 {
		if o := &tc.dirs[1-di]; o.baseSet {
			if a := o.offset(s.ack); !o.ackSet || a > o.acked {
				o.acked, o.ackSet = a, true
			}
		}
	}
	if len(s.payload) > 0 {
		// The other side moved on: a hole in its stream that this side
		// has acknowledged will not be filled. Its bytes go first, as they
		// were sent before this segment.
		tc.resolve(t, 1-di, ts, frame, holeAcked)
		tc.data(t, di, off, s.payload, ts, frame)
	}
	// So did this side, unless this segment filled its hole.
	tc.resolve(t, di, ts, frame, holeAcked)
	if s.flags&tcpFIN != 0 && !d.fin {
		d.fin, d.finOff = true, off+int64(s.wire)
		cv.Fin[di] = true
	}
	if s.flags&tcpRST != 0 && cv.End == "" {
		cv.End = "rst"
	}
	if cv.End == "" && cv.Fin[0] && cv.Fin[1] {
		cv.End = "fin"
	}
}

// data takes the captured payload of a segment at stream offset off.
func (tc *tcpConv) data(t *tracker, di int, off int64, p []byte, ts time.Time, frame int) {
	cv, d := tc.conv, &tc.dirs[di]
	n := int64(len(p))
	if off+n <= d.next {
		cv.Retransmitted[di] += n
		return
	}
	if off < d.next { // overlaps what was delivered: keep the new part
		cut := d.next - off
		cv.Retransmitted[di] += cut
		p, off, n = p[cut:], d.next, n-cut
	}
	if off == d.next && len(d.held) == 0 {
		tc.deliver(t, di, t.keepData(&tc.flow, p), n, ts, frame)
		return
	}
	i := sort.Search(len(d.held), func(i int) bool { return d.held[i].off >= off })
	if i < len(d.held) && d.held[i].off == off {
		if d.held[i].n >= n { // the same segment again
			cv.Retransmitted[di] += n
			return
		}
		cv.Retransmitted[di] += d.held[i].n
		d.heldLen -= d.held[i].n
		d.held[i] = heldSeg{off: off, n: n, data: t.keepData(&tc.flow, p), ts: ts, frame: frame}
	} else {
		d.held = append(d.held, heldSeg{})
		copy(d.held[i+1:], d.held[i:])
		d.held[i] = heldSeg{off: off, n: n, data: t.keepData(&tc.flow, p), ts: ts, frame: frame}
	}
	d.heldLen += n
	tc.resolve(t, di, ts, frame, holeWait)
}

// How resolve treats a hole before what is held.
type holeRule uint8

const (
	holeWait  holeRule = iota // only a direction holding too much gives it up
	holeAcked                 // also give up what the receiver acknowledged
	holeEnd                   // the stream ends: every hole is a gap
)

// resolve delivers what is held once the hole before it is filled, or
// declared a gap by rule.
func (tc *tcpConv) resolve(t *tracker, di int, ts time.Time, frame int, rule holeRule) {
	cv, d := tc.conv, &tc.dirs[di]
	for len(d.held) > 0 {
		h := d.held[0]
		if h.off > d.next {
			limit := h.off
			if rule != holeEnd && d.heldLen <= t.opt.MaxOutOfOrder && len(d.held) <= maxHeld {
				if rule != holeAcked || !d.ackSet || d.acked <= d.next {
					return
				}
				limit = min(limit, d.acked)
			}
			tc.declareGap(di, limit-d.next, ts, frame)
			d.next = limit
			continue
		}
		d.held[0] = heldSeg{}
		d.held = d.held[1:]
		d.heldLen -= h.n
		if h.off+h.n <= d.next {
			cv.Retransmitted[di] += h.n
			continue
		}
		data, n := h.data, h.n
		if cut := d.next - h.off; cut > 0 {
			cv.Retransmitted[di] += cut
			n -= cut
			if data != nil {
				data = data[cut:]
			}
		}
		tc.deliver(t, di, data, n, h.ts, h.frame)
	}
	d.held = nil
}

// deliver appends n bytes at the delivered position, after any gap
// declared before them.
func (tc *tcpConv) deliver(t *tracker, di int, data []byte, n int64, ts time.Time, frame int) {
	d := &tc.dirs[di]
	gap := d.gap
	d.gap = 0
	d.next += n
	t.emit(&tc.flow, di, data, n, gap, ts, frame)
}

func (tc *tcpConv) declareGap(di int, n int64, ts time.Time, frame int) {
	if n <= 0 {
		return
	}
	d := &tc.dirs[di]
	tc.conv.Missing[di] += n
	d.gap += n
	d.gapTS, d.gapFrame = ts, frame
}

// finishTCP ends a stream: what is still held is delivered after the gaps
// before it, and bytes known to have been sent but never captured (past
// the last segment, up to a FIN, the sender's later sequence numbers or
// what the other side acknowledged) end it as a gap. One sequence number
// more than was sent, with no FIN captured, is taken for the FIN that was
// not captured, not for a byte.
func (t *tracker) finishTCP(tc *tcpConv) {
	if tc.done {
		return
	}
	tc.done = true
	cv := tc.conv
	for di := range 2 {
		d := &tc.dirs[di]
		if !d.baseSet {
			continue
		}
		tc.resolve(t, di, cv.Last, 0, holeEnd)
		// Sent for sure: the end of the furthest segment, and a FIN's
		// position. Sent as far as the sender's own later segments (a
		// pure ACK's sequence number) or the other side's ACK say, less
		// the one number a FIN takes.
		end := d.maxEnd
		if d.fin {
			end = max(end, d.finOff)
		}
		said := d.seqEnd
		if d.ackSet {
			said = max(said, d.acked)
		}
		if said > end {
			switch {
			case d.fin:
				said = min(said, d.finOff)
			case said == end+1: // the FIN was not captured
				said = end
			}
			end = max(end, said)
		}
		if end > d.next {
			tc.declareGap(di, end-d.next, cv.Last, 0)
			d.next = end
		}
		if d.gap > 0 {
			t.emit(&tc.flow, di, nil, 0, d.gap, d.gapTS, d.gapFrame)
			d.gap = 0
		}
	}
}
