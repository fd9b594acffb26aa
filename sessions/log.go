package sessions

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultLogBudget is the byte budget of a session's log when Config leaves it 0.
const DefaultLogBudget = 64 << 20

// entryOverhead is what one entry costs besides its data and text, counted in
// the budget so a flood of tiny chunks cannot grow the index without bound.
const entryOverhead = 160

// item is one slot of the ring: the entry and the slab holding its data.
type item struct {
	e Entry
	s *slab
}

// Log is a session's bounded view of events: a ring of entries whose data
// lives in recycled slabs, so a steady stream costs no garbage and memory stays
// near the budget. Socket goroutines write with Add; one reader (the GUI pump,
// the CLI printer) reads with Len/At/Range and polls Version or a Subscribe
// channel. When old entries are dropped the view starts with one Info entry
// saying how many bytes left it.
type Log struct {
	mu      sync.Mutex
	budget  int64
	used    int64
	ring    []item // circular, len is a power of two
	head, n int
	next    uint64 // seq of the next entry
	arena   arena

	dropBytes, dropEntries   uint64 // since the last Clear: shown in the view
	dropMicros               int64  // time of the newest dropped entry
	totalBytes, totalEntries uint64 // since creation: exact, never cleared

	version atomic.Uint64
	notify  notifier
}

// NewLog returns a log holding about budget bytes (DefaultLogBudget if <= 0).
func NewLog(budget int64) *Log {
	if budget <= 0 {
		budget = DefaultLogBudget
	}
	ss := budget / 8
	ss = min(max(ss, 4096), 1<<20)
	return &Log{budget: budget, next: 1, ring: make([]item, 64), arena: arena{size: int(ss)}}
}

// Add appends e, copying e.Data out of the caller's (reused) buffer, and
// returns its sequence number. A zero e.Micros is set to now.
func (l *Log) Add(e Entry) uint64 {
	if e.Micros == 0 {
		e.Micros = time.Now().UnixMicro()
	}
	l.mu.Lock()
	e.Seq = l.next
	l.next++
	cost := int64(len(e.Data)+len(e.Text)) + entryOverhead
	for l.n > 0 && l.used+cost > l.budget {
		l.dropOldest()
	}
	var s *slab
	if e.Data != nil {
		var dst []byte
		dst, s = l.arena.alloc(len(e.Data))
		copy(dst, e.Data)
		e.Data = dst
	}
	if l.n == len(l.ring) {
		l.grow()
	}
	l.ring[(l.head+l.n)&(len(l.ring)-1)] = item{e, s}
	l.n++
	l.used += cost
	l.mu.Unlock()
	l.version.Add(1)
	l.notify.signal()
	return e.Seq
}

func (l *Log) grow() {
	nr := make([]item, len(l.ring)*2)
	for i := 0; i < l.n; i++ {
		nr[i] = l.ring[(l.head+i)&(len(l.ring)-1)]
	}
	l.ring, l.head = nr, 0
}

// dropOldest removes the head entry; l.mu is held.
func (l *Log) dropOldest() {
	it := &l.ring[l.head]
	cost := int64(len(it.e.Data)+len(it.e.Text)) + entryOverhead
	l.used -= cost
	l.dropBytes += uint64(len(it.e.Data))
	l.dropEntries++
	l.dropMicros = it.e.Micros
	l.totalBytes += uint64(len(it.e.Data))
	l.totalEntries++
	l.arena.release(it.s)
	*it = item{}
	l.head = (l.head + 1) & (len(l.ring) - 1)
	l.n--
}

// Len is the number of rows in the view, counting the "dropped" marker.
func (l *Log) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dropEntries > 0 {
		return l.n + 1
	}
	return l.n
}

// At returns row i of the view (0 is the oldest; when entries were dropped it
// is the Info marker). Data is a copy the caller may keep.
func (l *Log) At(i int) (Entry, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dropEntries > 0 {
		if i == 0 {
			return l.markerLocked(), true
		}
		i--
	}
	if i < 0 || i >= l.n {
		return Entry{}, false
	}
	e := l.ring[(l.head+i)&(len(l.ring)-1)].e
	if e.Data != nil {
		e.Data = append([]byte(nil), e.Data...)
	}
	return e, true
}

func (l *Log) markerLocked() Entry {
	first := l.next - uint64(l.n)
	return Entry{Seq: first - 1, Micros: l.dropMicros, Kind: KindInfo, Note: NoteViewDropped,
		Count: l.dropEntries, Bytes: l.dropBytes, Text: DroppedText(l.dropBytes, l.dropEntries)}
}

// DroppedText is the marker's wording: what the view no longer keeps.
func DroppedText(bytes, entries uint64) string {
	return fmt.Sprintf("%d bytes in %d entries not kept in view (the log keeps the newest)", bytes, entries)
}

// Range calls fn for every kept entry with Seq >= from, oldest first, until fn
// returns false. It holds the log's lock: fn must be quick and must not keep
// e.Data (copy what it needs). It returns the seq to pass next time.
func (l *Log) Range(from uint64, fn func(e Entry) bool) uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	first := l.next - uint64(l.n)
	if from < first {
		from = first
	}
	for s := from; s < l.next; s++ {
		if !fn(l.ring[(l.head+int(s-first))&(len(l.ring)-1)].e) {
			return s + 1
		}
	}
	return l.next
}

// First is the seq of the oldest kept entry; Next the seq the next Add gets.
// A reader that remembered seq r and finds First() > r has missed entries.
func (l *Log) First() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.next - uint64(l.n)
}

// Next returns the seq the next entry will get.
func (l *Log) Next() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.next
}

// Version changes whenever the view changes; a pump compares it with the
// value it saw last instead of re-reading the view.
func (l *Log) Version() uint64 { return l.version.Load() }

// Dropped reports the data bytes and entries that left the view since the
// last Clear; DroppedTotal since the log was made.
func (l *Log) Dropped() (bytes, entries uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.dropBytes, l.dropEntries
}

// DroppedTotal reports what the budget pushed out since the log was created.
func (l *Log) DroppedTotal() (bytes, entries uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.totalBytes, l.totalEntries
}

// Used is the budget currently spent; Budget the limit.
func (l *Log) Used() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.used
}

// Budget returns the byte budget.
func (l *Log) Budget() int64 { return l.budget }

// Clear empties the view (the person pressed "clear"); sequence numbers go
// on and counters elsewhere are untouched. It is not counted as dropped.
func (l *Log) Clear() {
	l.mu.Lock()
	for l.n > 0 {
		it := &l.ring[l.head]
		l.arena.release(it.s)
		*it = item{}
		l.head = (l.head + 1) & (len(l.ring) - 1)
		l.n--
	}
	l.used, l.dropBytes, l.dropEntries, l.dropMicros = 0, 0, 0, 0
	l.mu.Unlock()
	l.version.Add(1)
	l.notify.signal()
}

// Subscribe returns a channel that receives (coalesced, capacity 1) after the
// view changes, and a func to stop. Readers wake on it instead of polling.
func (l *Log) Subscribe() (<-chan struct{}, func()) { return l.notify.subscribe() }
