package sessions

import (
	"fmt"
	"sync"
)

// The hold switch of a relay, like a debugger's step: while a direction
// is held, each message (each chunk without a framing, each datagram)
// read in that direction queues instead of being forwarded, until
// Release lets some or all of them go, in order. Every pair and direction
// has a lane: a FIFO of what waits to be written to its destination,
// held or released, and the FIN that follows them. Bytes go through a
// lane only while it is in use; otherwise the reader writes them itself.
// A lane holds at most relayLaneBudget bytes: past that its reader waits
// (TCP's window then closes on the sender), so held data costs bounded
// memory and is never dropped, unless its connection ends first (the log
// then says how much).

// relayLaneBudget bounds what waits in one lane before its reader waits.
const relayLaneBudget = 4 << 20

// heldOverhead is what one queued item costs besides its bytes, so that
// many tiny messages are bounded too.
const heldOverhead = 64

// holdState is a session's hold switches and the messages held, per
// direction, in the order they arrived across all pairs.
type holdState struct {
	mu    sync.Mutex
	on    [2]bool
	queue [2][]*heldItem // held, not yet released
}

// heldItem is one message or FIN in a lane.
type heldItem struct {
	p        *peer
	d        int
	data     []byte
	fin      bool // pass the FIN on (after what came before)
	released bool // may be written
}

// relayLane is what waits for one direction of one pair (hold.mu).
type relayLane struct {
	items   []*heldItem
	bytes   int64
	writing bool          // a drainLane goroutine runs
	dead    bool          // the pair ended: nothing more is queued or written
	space   chan struct{} // closed when bytes falls under the budget (or dead)
}

func (h *holdState) isOn(d int) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.on[d]
}

// forward writes data to direction d's destination, or queues a copy in
// its lane when the lane is in use or the direction is held; it waits
// while the lane is over its budget.
func (s *Session) forward(p *peer, d int, data []byte) error {
	h := &s.hold
	l := &p.relay.lane[d]
	h.mu.Lock()
	if l.dead {
		h.mu.Unlock()
		return errRelayEnded
	}
	if len(l.items) == 0 && !h.on[d] {
		h.mu.Unlock()
		return s.relayWrite(p, d, data)
	}
	it := &heldItem{p: p, d: d, data: append([]byte{}, data...), released: !h.on[d]}
	l.items = append(l.items, it)
	l.bytes += int64(len(data)) + heldOverhead
	if !it.released {
		h.queue[d] = append(h.queue[d], it)
	}
	s.kickLocked(p, d)
	for l.bytes >= relayLaneBudget && !l.dead {
		if l.space == nil {
			l.space = make(chan struct{})
		}
		ch := l.space
		h.mu.Unlock()
		select {
		case <-ch:
		case <-s.ctx.Done():
			return errRelayEnded
		}
		h.mu.Lock()
	}
	dead := l.dead
	h.mu.Unlock()
	if !it.released {
		s.changed()
	}
	if dead {
		return errRelayEnded
	}
	return nil
}

// kickLocked starts the goroutine writing lane d of p when its first item
// may go and none runs. The pair's goroutine (or, for a datagram peer, its
// target reader) is alive while its lanes are, so Add never races Wait.
func (s *Session) kickLocked(p *peer, d int) {
	l := &p.relay.lane[d]
	if l.writing || l.dead || len(l.items) == 0 || !l.items[0].released {
		return
	}
	l.writing = true
	s.wg.Add(1)
	go s.drainLane(p, d)
}

// drainLane writes the released items at the head of lane d of p, in
// order, and exits at the first held one, an empty lane or the pair's end.
func (s *Session) drainLane(p *peer, d int) {
	defer s.wg.Done()
	h := &s.hold
	r := p.relay
	l := &r.lane[d]
	h.mu.Lock()
	for len(l.items) > 0 && l.items[0].released && !l.dead {
		it := l.items[0]
		h.mu.Unlock()
		var err error
		if it.fin {
			err = s.writeFIN(p, d)
		} else {
			err = s.relayWrite(p, d, it.data)
		}
		h.mu.Lock()
		if l.dead {
			break // dropped and counted by killLanes
		}
		l.items[0] = nil
		l.items = l.items[1:]
		l.bytes -= int64(len(it.data)) + heldOverhead
		if l.space != nil && l.bytes < relayLaneBudget {
			close(l.space)
			l.space = nil
		}
		if err != nil {
			l.writing = false
			h.mu.Unlock()
			r.signal()
			s.relayWriteFailed(p, d, err)
			return
		}
	}
	l.writing = false
	h.mu.Unlock()
	r.signal()
}

// killLanes drops what waits in both lanes of p (the pair ended) and says
// how much, once per direction.
func (s *Session) killLanes(p *peer) {
	h := &s.hold
	r := p.relay
	type drop struct{ bytes, msgs, held int }
	var drops [2]drop
	h.mu.Lock()
	for d := range r.lane {
		l := &r.lane[d]
		if l.dead {
			continue
		}
		l.dead = true
		for _, it := range l.items {
			if it.fin {
				continue
			}
			drops[d].bytes += len(it.data)
			drops[d].msgs++
			if !it.released {
				drops[d].held++
			}
		}
		l.items, l.bytes = nil, 0
		if l.space != nil {
			close(l.space)
			l.space = nil
		}
		if drops[d].held > 0 {
			q := h.queue[d][:0]
			for _, it := range h.queue[d] {
				if it.p != p {
					q = append(q, it)
				}
			}
			clear(h.queue[d][len(q):])
			h.queue[d] = q
		}
	}
	h.mu.Unlock()
	for d, dr := range drops {
		if dr.msgs == 0 {
			continue
		}
		s.droppedBytes.Add(uint64(dr.bytes))
		s.droppedMsgs.Add(uint64(dr.msgs))
		s.emit(Entry{Kind: KindError, Peer: p.id, Addr: p.addr, Count: uint64(dr.msgs), Bytes: uint64(dr.bytes),
			Text: fmt.Sprintf("dropped %d bytes in %d messages from the %s (%d of them held) that were never forwarded to the %s: the connection ended first",
				dr.bytes, dr.msgs, sideNames[d], dr.held, sideNames[1-d])})
	}
	if drops[0].held+drops[1].held > 0 {
		s.changed()
	}
}

// changed fires Changed without a log entry (the held counts moved).
func (s *Session) changed() {
	s.log.version.Add(1)
	s.log.notify.signal()
}

// Hold turns the hold switch of one direction of a relay on or off:
// toTarget is what clients send toward the target, else what the target
// sends back. While on, each message read in that direction (each chunk
// without a framing, each datagram) queues instead of being forwarded;
// turning it off releases everything held, in order. A relay that holds
// more than a few MiB of one pair and direction stops reading that side
// until some is released. A session that is not a relay does nothing
// (RelayErr says so).
func (s *Session) Hold(toTarget bool, on bool) {
	if s.cfg.Role != Relay {
		return
	}
	d := dirOf(toTarget)
	h := &s.hold
	h.mu.Lock()
	was := h.on[d]
	h.on[d] = on
	h.mu.Unlock()
	if was == on {
		return
	}
	what := fmt.Sprintf("what the %s sends to the %s", sideNames[d], sideNames[1-d])
	if on {
		s.logEvent(KindInfo, nil, "holding "+what+": each message waits until you release it")
		return
	}
	n, b := s.release(d, 0)
	s.logEvent(KindInfo, nil, fmt.Sprintf("no longer holding %s; released %s (%s)", what, Plural(n, "held message"), Plural(b, "byte")))
}

// RelayErr is nil for a relay and ErrNotRelay for any other session, on
// which Hold, Held and Release do nothing.
func (s *Session) RelayErr() error {
	if s.cfg.Role != Relay {
		return ErrNotRelay
	}
	return nil
}

// Held is how many messages wait for release in each direction of a
// relay (0, 0 for other sessions).
func (s *Session) Held() (toTarget, toClient int) {
	h := &s.hold
	h.mu.Lock()
	defer h.mu.Unlock()
	// Not h.queue[toTarget]: the results shadow the directions' constants.
	return len(h.queue[dirOf(true)]), len(h.queue[dirOf(false)])
}

// Holding reports whether each direction's hold switch is on.
func (s *Session) Holding() (toTarget, toClient bool) {
	h := &s.hold
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.on[0], h.on[1]
}

// Release lets the first n held messages of one direction go, in the
// order they arrived (n <= 0: all of them), and returns how many went.
// They are written by the pairs' own goroutines: Release does not wait
// for a slow receiver. It returns 0 for a session that is not a relay.
func (s *Session) Release(toTarget bool, n int) int {
	if s.cfg.Role != Relay {
		return 0
	}
	d := dirOf(toTarget)
	k, b := s.release(d, n)
	if k > 0 {
		s.logEvent(KindInfo, nil, fmt.Sprintf("released %s (%s) to the %s", Plural(k, "held message"), Plural(b, "byte"), sideNames[1-d]))
	}
	return k
}

func (s *Session) release(d, n int) (int, int) {
	h := &s.hold
	h.mu.Lock()
	q := h.queue[d]
	if n <= 0 || n > len(q) {
		n = len(q)
	}
	b := 0
	for _, it := range q[:n] {
		it.released = true
		b += len(it.data)
		s.kickLocked(it.p, d)
	}
	rest := make([]*heldItem, len(q)-n)
	copy(rest, q[n:])
	h.queue[d] = rest
	h.mu.Unlock()
	if n > 0 {
		s.changed()
	}
	return n, b
}
