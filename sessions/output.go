package sessions

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Output is a consumer that must see every entry of a session, in order:
// the command line's printer, recordings, saved logs. The Log is the view
// and may drop old entries; an output never loses one. When an output falls
// behind, the session's readers stop reading until it catches up, so the
// kernel's receive buffer fills, TCP's window closes and the peer slows
// down: the backpressure socat and ncat give.
type Output interface {
	// WriteEntry handles one entry, on the output's own goroutine, in
	// sequence order. e.Data is valid only during the call. An error stops
	// this output: the session logs why and goes on without it.
	WriteEntry(e Entry) error
	// Flush runs whenever no entry is waiting, so an output that buffers
	// reaches its file promptly without a system call per entry.
	Flush() error
}

// OutputOptions tune one output.
type OutputOptions struct {
	// Name says what the output is in the session's log ("stdout",
	// "recording to a.pcapng").
	Name string
	// Budget is how many bytes may wait for this output before the
	// session's readers pause; DefaultOutputBudget if 0.
	Budget int64
	// Wants, when set, picks the entries this output is given (called on
	// the emitting goroutine, under the session's emit lock: it must be
	// quick). Entries it skips cost the output nothing.
	Wants func(e *Entry) bool
}

// DefaultOutputBudget is what may wait for an output before readers pause:
// enough to ride out a slow write or two, small next to the log's budget.
const DefaultOutputBudget = 8 << 20

// outputSlab is the smallest arena slab of an output queue: chunks up to
// a quarter of a slab share slabs that are recycled, and a larger one is
// allocated alone (4 MiB reads in 1 MiB slabs made `serve > file` a third
// slower and its RSS pass 100 MB). A read that fills half the reader's
// buffer or more is kept in that buffer (emitLending), so a session's
// slabs are twice its reads (Config.ReadBuffer), and never less than this.
const outputSlab = 1 << 20

// ErrOutputStopped is what a detached or failed output's queue answers.
var ErrOutputStopped = errors.New("output stopped")

// OutputHandle is an attached output. Close detaches it after everything
// handed to it was written.
type OutputHandle struct {
	s *Session
	q *outQueue
}

// outQueue holds the entries waiting for one output and runs the goroutine
// that hands them over. Data lives in the queue's own arena.
type outQueue struct {
	o      Output
	name   string
	budget int64
	wants  func(e *Entry) bool

	mu      sync.Mutex
	items   []item // FIFO: items[head:]
	head    int
	queued  int64 // bytes waiting (data + entryOverhead each)
	peak    int64
	arena   arena
	closing bool
	space   chan struct{} // closed when queued falls below budget; nil when nobody waits
	wake    chan struct{} // cap 1: an entry arrived or closing was set

	done   chan struct{} // closed when the goroutine has ended
	err    error         // the output's first error (set before done closes)
	failed atomic.Bool   // the output failed: stop feeding it

	waits    atomic.Uint64 // times a reader waited for this output
	waitedNs atomic.Int64
}

// AddOutput attaches o: from now on every entry the session logs (that o
// wants) is handed to o in order on a goroutine the handle owns. Attach
// before Start to see the session from its first entry.
func (s *Session) AddOutput(o Output, opt OutputOptions) *OutputHandle {
	if opt.Budget <= 0 {
		opt.Budget = DefaultOutputBudget
	}
	if opt.Name == "" {
		opt.Name = "output"
	}
	// The queue keeps as many free slabs as its budget fills: one that fills
	// and drains (a recording behind a write to disk) then reuses them,
	// where allocating and zeroing new ones on the readers' path, and
	// collecting the old, took 7% of the CPU of a 1 GiB recording.
	slab := max(outputSlab, 2*s.cfg.ReadBuffer)
	q := &outQueue{o: o, name: opt.Name, budget: opt.Budget, wants: opt.Wants,
		arena: arena{size: slab, keep: int(opt.Budget/int64(slab)) + 2}, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go q.run(s)
	s.emitMu.Lock()
	s.outs = append(append([]*outQueue(nil), s.outs...), q)
	s.emitMu.Unlock()
	return &OutputHandle{s: s, q: q}
}

// Close stops handing entries to the output, waits until every entry it
// was given is written and flushed, and returns the output's first error.
// The session's Close does this for every output still attached.
func (h *OutputHandle) Close() error {
	h.s.detach(h.q)
	<-h.q.done
	return h.q.err
}

// Done is closed once the output has ended: detached and drained, or failed.
func (h *OutputHandle) Done() <-chan struct{} { return h.q.done }

// Err is the output's first error, once Done is closed.
func (h *OutputHandle) Err() error {
	select {
	case <-h.q.done:
		return h.q.err
	default:
		return nil
	}
}

// OutputStats says how the output kept up: the most bytes that waited for
// it at once, and how often and how long the session's readers waited.
type OutputStats struct {
	PeakQueued int64
	Waits      uint64
	Waited     time.Duration
}

// Stats reads the output's figures now.
func (h *OutputHandle) Stats() OutputStats {
	h.q.mu.Lock()
	peak := h.q.peak
	h.q.mu.Unlock()
	return OutputStats{PeakQueued: peak, Waits: h.q.waits.Load(), Waited: time.Duration(h.q.waitedNs.Load())}
}

// detach removes q from the session's outputs and lets its goroutine end
// once the queue is empty.
func (s *Session) detach(q *outQueue) {
	s.emitMu.Lock()
	outs := make([]*outQueue, 0, len(s.outs))
	for _, o := range s.outs {
		if o != q {
			outs = append(outs, o)
		}
	}
	s.outs = outs
	s.emitMu.Unlock()
	q.mu.Lock()
	q.closing = true
	q.mu.Unlock()
	q.signal()
}

// closeOutputs detaches and drains every output (Session.Close), the
// last attached first: an output that fails while it drains (a recording
// whose last writes find the disk full) says so in an entry, which the
// outputs attached before it (the command line's printer) still get.
func (s *Session) closeOutputs() {
	s.emitMu.Lock()
	outs := s.outs
	s.emitMu.Unlock()
	for i := len(outs) - 1; i >= 0; i-- {
		s.detach(outs[i])
		<-outs[i].done
	}
}

// emit is the one way an entry enters the session: the log (the view) gets
// it, and every output that wants it gets a copy, in the same order.
// It never waits for an output; readers and writers call waitOutputs first.
func (s *Session) emit(e Entry) uint64 {
	seq, _ := s.emitLending(e, nil, nil)
	return seq
}

// lentChunks counts chunks an output kept in the reader's buffer, for tests.
var lentChunks atomic.Int64

// lendMin is the smallest chunk an output takes in the reader's own
// buffer; a smaller one is cheaper to copy into a slab. Lending only
// buffers at least half full left a recording copying a third of its
// chunks (reads of 2 MiB buffers come back 0.6 MiB on average): 8% of
// its CPU.
const lendMin = 64 << 10

// emitLending is emit for a chunk e.Data that fills a reader's buffer buf,
// which the reader can do without: when exactly one output wants the
// entry, that output keeps buf itself instead of a copy, and back gets buf
// again once it is written. It reports whether buf was taken; the reader
// must then read into another. Receiving into a file (`serve > FILE`)
// spent a tenth of its CPU on that copy.
func (s *Session) emitLending(e Entry, buf []byte, back func([]byte)) (uint64, bool) {
	if e.Micros == 0 {
		e.Micros = time.Now().UnixMicro()
	}
	lent := false
	s.emitMu.Lock()
	e.Seq = s.log.Add(e)
	if len(s.outs) > 0 {
		// The outputs' Wants look at a copy in the session, so that e itself
		// does not escape: an entry allocated per emit was half of what a
		// stream of small messages allocated.
		s.emitting = e
		var room [4]*outQueue // asked once each; outputs are few
		wanted := room[:0]
		for _, q := range s.outs {
			if s.wantedBy(q) {
				wanted = append(wanted, q)
			}
		}
		switch {
		case len(wanted) == 1 && back != nil && len(e.Data) >= lendMin:
			// The queue's budget counts the whole buffer (queuedCost), so
			// what it holds stays within it however full buffers are.
			wanted[0].putLent(e, buf, back)
			lent = true
		default:
			for _, q := range wanted {
				q.put(e)
			}
		}
		s.emitting = Entry{}
	}
	s.emitMu.Unlock()
	return e.Seq, lent
}

// waitOutputs blocks while any output has more than its budget waiting,
// until it catches up, fails or the session ends. Readers call it before
// each read and writers before each write, so a slow output slows the
// peers instead of growing memory.
func (s *Session) waitOutputs() {
	s.emitMu.Lock()
	outs := s.outs
	s.emitMu.Unlock()
	for _, q := range outs {
		q.waitSpace(s.ctx.Done())
	}
}

// put copies e into the queue; the caller holds the session's emit lock.
func (q *outQueue) put(e Entry) {
	q.mu.Lock()
	var sl *slab
	if e.Data != nil {
		var dst []byte
		dst, sl = q.arena.alloc(len(e.Data))
		copy(dst, e.Data)
		e.Data = dst
	}
	if q.head > 0 && q.head == len(q.items) {
		q.items, q.head = q.items[:0], 0
	}
	q.items = append(q.items, item{e, sl})
	q.queued += int64(len(e.Data)) + entryOverhead
	q.peak = max(q.peak, q.queued)
	q.mu.Unlock()
	q.signal()
}

// wantedBy says whether output q takes the entry in s.emitting; the
// caller holds the emit lock.
func (s *Session) wantedBy(q *outQueue) bool {
	return !q.failed.Load() && (q.wants == nil || q.wants(&s.emitting))
}

// putLent queues e without copying its data, which lies in buf; back
// gets buf once the output has written e. The caller holds the emit lock.
func (q *outQueue) putLent(e Entry, buf []byte, back func([]byte)) {
	lentChunks.Add(1)
	q.mu.Lock()
	if q.head > 0 && q.head == len(q.items) {
		q.items, q.head = q.items[:0], 0
	}
	it := item{e, &slab{buf: buf, refs: 1, back: back}}
	q.items = append(q.items, it)
	q.queued += queuedCost(&it)
	q.peak = max(q.peak, q.queued)
	q.mu.Unlock()
	q.signal()
}

// outputWants says whether any output takes an entry like e (of p's
// traffic, without its bytes): the paths that send or drop bytes nobody
// copies ask it before each piece.
func (s *Session) outputWants(e Entry) bool {
	s.emitMu.Lock()
	defer s.emitMu.Unlock()
	s.emitting = e
	defer func() { s.emitting = Entry{} }()
	for _, q := range s.outs {
		if s.wantedBy(q) {
			return true
		}
	}
	return false
}

// queuedCost is what an item counts against its queue's budget: a lent
// chunk counts the whole buffer it keeps from the reader, so the budget
// bounds the memory held whatever the chunk's size.
func queuedCost(it *item) int64 {
	if it.s != nil && it.s.back != nil {
		return int64(len(it.s.buf)) + entryOverhead
	}
	return int64(len(it.e.Data)) + entryOverhead
}

func (q *outQueue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// waitSpace returns once the queue is under its budget, the output has
// ended, or stop is closed.
func (q *outQueue) waitSpace(stop <-chan struct{}) {
	q.mu.Lock()
	if q.queued < q.budget || q.closing || q.failed.Load() {
		q.mu.Unlock()
		return
	}
	if q.space == nil {
		q.space = make(chan struct{})
	}
	space := q.space
	q.mu.Unlock()
	began := time.Now()
	select {
	case <-space:
	case <-q.done:
	case <-stop:
	}
	q.waits.Add(1)
	q.waitedNs.Add(int64(time.Since(began)))
}

// run hands the queued entries to the output until it is detached and the
// queue is empty, or the output failed (what still waits is dropped).
func (q *outQueue) run(s *Session) {
	defer close(q.done)
	dirty := false
	for {
		q.mu.Lock()
		if q.failed.Load() { // drop what waits and end: nobody waits on a dead output
			for ; q.head < len(q.items); q.head++ {
				q.arena.release(q.items[q.head].s)
				q.items[q.head] = item{}
			}
			q.queued = 0
			q.mu.Unlock()
			break
		}
		for q.head == len(q.items) && !q.closing {
			q.mu.Unlock()
			if dirty && !q.failed.Load() {
				if err := q.o.Flush(); err != nil {
					q.fail(s, err)
				}
				dirty = false
			}
			if q.failed.Load() { // a Flush failed: nothing will wake this loop again
				q.mu.Lock()
				break
			}
			<-q.wake
			q.mu.Lock()
		}
		if q.head == len(q.items) { // closing and empty
			q.mu.Unlock()
			break
		}
		it := q.items[q.head]
		q.mu.Unlock()

		if !q.failed.Load() {
			if err := q.o.WriteEntry(it.e); err != nil {
				q.fail(s, err)
			}
			dirty = true
		}

		q.mu.Lock()
		q.items[q.head] = item{}
		q.head++
		q.queued -= queuedCost(&it)
		q.arena.release(it.s)
		if q.space != nil && q.queued < q.budget {
			close(q.space)
			q.space = nil
		}
		q.mu.Unlock()
	}
	if dirty && !q.failed.Load() {
		if err := q.o.Flush(); err != nil {
			q.fail(s, err)
		}
	}
	q.mu.Lock()
	if q.space != nil {
		close(q.space)
		q.space = nil
	}
	q.mu.Unlock()
}

// fail records the output's first error, stops feeding it and says so in
// the session's log (which the failed output itself no longer sees).
func (q *outQueue) fail(s *Session, err error) {
	if q.failed.Swap(true) {
		return
	}
	q.err = fmt.Errorf("%s: %w", q.name, err)
	q.mu.Lock()
	if q.space != nil {
		close(q.space)
		q.space = nil
	}
	q.mu.Unlock()
	s.emit(Entry{Kind: KindError, Note: NoteOutputStopped, Text: q.err.Error() + "; it gets nothing more", Err: q.err})
}
