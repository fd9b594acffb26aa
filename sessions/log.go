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

// item is one slot of a ring: the entry and the slab holding its data.
type item struct {
	e Entry
	s *slab
}

// ring is a circular list of items in increasing seq order.
type ring struct {
	items   []item // len is a power of two
	head, n int
	used    int64 // budget spent
}

func (r *ring) at(i int) *item { return &r.items[(r.head+i)&(len(r.items)-1)] }

func (r *ring) push(it item) {
	if r.n == len(r.items) {
		nr := make([]item, max(64, 2*len(r.items)))
		for i := 0; i < r.n; i++ {
			nr[i] = *r.at(i)
		}
		r.items, r.head = nr, 0
	}
	r.items[(r.head+r.n)&(len(r.items)-1)] = it
	r.n++
}

// search is the index of the first item with Seq >= seq (n if none).
func (r *ring) search(seq uint64) int {
	lo, hi := 0, r.n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if r.at(m).e.Seq < seq {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// first is the seq of the oldest item, or next when the ring is empty.
func (r *ring) first(next uint64) uint64 {
	if r.n == 0 {
		return next
	}
	return r.at(0).e.Seq
}

// Log is a session's bounded view of events: what a window shows. Entries
// live in two rings, one for traffic (data in and out, messages), one for
// the story of the session (listening, accepted, closed, errors), each with
// its own budget, so a flood of data never pushes out who connected and
// why it ended. Data lives in recycled slabs, so a steady stream costs no
// garbage and memory stays near the budget. Entries reach it through the
// session's emit, in seq order; one reader (the GUI pump) reads with
// Len/At/Range and polls Version or a Subscribe channel. When old entries
// were dropped, the view starts with one Info entry saying how many, with
// their bytes and the time of the newest of them.
type Log struct {
	mu          sync.Mutex
	budget      int64 // data ring
	eventBudget int64 // event ring
	data        ring
	events      ring
	next        uint64 // seq of the next entry
	arena       arena
	sizesOnly   atomic.Bool // traffic is kept as sizes, without its bytes (SetSizesOnly)

	dropBytes, dropEntries   uint64 // since the last Clear: shown in the view
	dropMicros               int64  // time of the newest dropped entry
	totalBytes, totalEntries uint64 // since creation: exact, never cleared

	version atomic.Uint64
	notify  notifier
}

// NewLog returns a log holding about budget bytes of traffic
// (DefaultLogBudget if <= 0) and, apart from it, an eighth of that (at
// least 1 MiB) of events.
//
// Its slabs are a quarter of the budget, at most 1 MiB, so that a chunk
// of the largest read (DefaultReadBuffer) shares a slab even in the
// smallest view the window offers (4 MiB): with an eighth, each such
// chunk there was an allocation of its own, garbage at the flood's rate
// (BenchmarkLogAdd/4MiB/256K: one 256 KiB allocation per chunk, 6.0-6.9
// GB/s against 25 GB/s for a 16 MiB view). Past the budget, the log
// holds at most the two slabs its oldest and newest entries share and the
// free slabs it keeps for reuse (maxFreeSlabs).
func NewLog(budget int64) *Log {
	if budget <= 0 {
		budget = DefaultLogBudget
	}
	ss := budget / 4
	ss = min(max(ss, 4096), 1<<20)
	return &Log{budget: budget, eventBudget: eventBudgetFor(budget), next: 1, arena: arena{size: int(ss)}}
}

func eventBudgetFor(budget int64) int64 { return max(budget/8, 1<<20) }

// isEvent says which ring an entry goes to.
func isEvent(e *Entry) bool { return !e.Kind.Data() }

func cost(e *Entry) int64 { return int64(len(e.Data)+len(e.Text)) + entryOverhead }

// Add appends e, copying e.Data out of the caller's (reused) buffer, and
// returns its sequence number. A zero e.Micros is set to now. An entry
// larger than its ring's whole budget is still kept, alone: the view always
// shows the newest chunk, so Used can pass Budget by that one entry.
func (l *Log) Add(e Entry) uint64 {
	if e.Micros == 0 {
		e.Micros = time.Now().UnixMicro()
	}
	l.mu.Lock()
	e.Seq = l.next
	l.next++
	r, budget := &l.data, l.budget
	if isEvent(&e) {
		r, budget = &l.events, l.eventBudget
	}
	if l.sizesOnly.Load() && e.Kind.Data() && len(e.Data) > 0 {
		// Kept as a size: nobody shows these bytes. Data stays non-nil
		// (empty), as an empty datagram's is.
		e.Bytes, e.Data = uint64(len(e.Data)), []byte{}
	}
	c := cost(&e)
	for r.n > 0 && r.used+c > budget {
		l.dropOldest(r)
	}
	var s *slab
	if e.Data != nil {
		var dst []byte
		dst, s = l.arena.alloc(len(e.Data))
		copy(dst, e.Data)
		e.Data = dst
	}
	r.push(item{e, s})
	r.used += c
	l.mu.Unlock()
	l.version.Add(1)
	l.notify.signal()
	return e.Seq
}

// dropOldest removes r's oldest entry; l.mu is held.
func (l *Log) dropOldest(r *ring) {
	it := r.at(0)
	r.used -= cost(&it.e)
	n := uint64(len(it.e.Data))
	if it.e.Kind.Data() {
		n += it.e.Bytes // kept as a size (SetSizesOnly)
	}
	l.dropBytes += n
	l.dropEntries++
	l.dropMicros = max(l.dropMicros, it.e.Micros)
	l.totalBytes += n
	l.totalEntries++
	l.arena.release(it.s)
	*it = item{}
	r.head = (r.head + 1) & (len(r.items) - 1)
	r.n--
}

// SetSizesOnly makes the log keep traffic entries from now on without
// their bytes, their size in Bytes instead: for a front end that shows no
// view (the command line), where copying every chunk into the log is a
// copy of the whole stream for nobody. Outputs still get every byte.
func (l *Log) SetSizesOnly(on bool) { l.sizesOnly.Store(on) }

// SetBudget changes what the view keeps of traffic (DefaultLogBudget if
// <= 0), dropping the oldest traffic at once when it shrinks; events get
// their share anew.
func (l *Log) SetBudget(budget int64) {
	if budget <= 0 {
		budget = DefaultLogBudget
	}
	l.mu.Lock()
	l.budget, l.eventBudget = budget, eventBudgetFor(budget)
	for l.data.n > 0 && l.data.used > l.budget {
		l.dropOldest(&l.data)
	}
	for l.events.n > 0 && l.events.used > l.eventBudget {
		l.dropOldest(&l.events)
	}
	l.mu.Unlock()
	l.version.Add(1)
	l.notify.signal()
}

// Len is the number of rows in the view, counting the "not kept" marker.
func (l *Log) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := l.data.n + l.events.n
	if l.dropEntries > 0 {
		n++
	}
	return n
}

// At returns row i of the view, oldest first (when entries were dropped,
// row 0 is the marker). Data is a copy the caller may keep. It walks the
// view: for reading many rows, Range is the way.
func (l *Log) At(i int) (Entry, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dropEntries > 0 {
		if i == 0 {
			return l.markerLocked(), true
		}
		i--
	}
	if i < 0 || i >= l.data.n+l.events.n {
		return Entry{}, false
	}
	var out Entry
	k := 0
	l.rangeLocked(0, func(e Entry) bool {
		if k == i {
			out = e
			out.Data = append([]byte(nil), e.Data...)
			return false
		}
		k++
		return true
	})
	return out, true
}

// Marker is the "not kept" row the view starts with, and whether there is
// one (entries were dropped since the last Clear).
func (l *Log) Marker() (Entry, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.dropEntries == 0 {
		return Entry{}, false
	}
	return l.markerLocked(), true
}

func (l *Log) markerLocked() Entry {
	return Entry{Seq: l.firstLocked() - 1, Micros: l.dropMicros, Kind: KindInfo, Note: NoteViewDropped,
		Count: l.dropEntries, Bytes: l.dropBytes, Text: DroppedText(l.dropBytes, l.dropEntries)}
}

// DroppedText is the marker's wording: what the view no longer keeps.
func DroppedText(bytes, entries uint64) string {
	return fmt.Sprintf("%s in %s rows not kept (the view keeps the newest)", byteCount(bytes), groupDigits(entries))
}

// Range calls fn for every kept entry with Seq >= from, in seq order,
// until fn returns false. It holds the log's lock: fn must be quick and
// must not keep e.Data (copy what it needs). It returns the seq to pass
// next time.
func (l *Log) Range(from uint64, fn func(e Entry) bool) uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rangeLocked(from, fn)
}

func (l *Log) rangeLocked(from uint64, fn func(e Entry) bool) uint64 {
	i, j := l.data.search(from), l.events.search(from)
	for i < l.data.n || j < l.events.n {
		var e *Entry
		if j >= l.events.n || (i < l.data.n && l.data.at(i).e.Seq < l.events.at(j).e.Seq) {
			e = &l.data.at(i).e
			i++
		} else {
			e = &l.events.at(j).e
			j++
		}
		if !fn(*e) {
			return e.Seq + 1
		}
	}
	return l.next
}

// First is the seq of the oldest kept entry; Next the seq the next Add gets.
func (l *Log) First() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.firstLocked()
}

func (l *Log) firstLocked() uint64 {
	return min(l.data.first(l.next), l.events.first(l.next))
}

// Firsts are the seqs of the oldest kept traffic entry and the oldest kept
// event (each Next when none): a reader holding seqs drops a traffic seq
// below the first and an event seq below the second.
func (l *Log) Firsts() (data, events uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.data.first(l.next), l.events.first(l.next)
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

// Used is the traffic budget currently spent; Budget the limit.
func (l *Log) Used() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.data.used
}

// Budget returns the traffic budget.
func (l *Log) Budget() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.budget
}

// Clear empties the view (the person pressed "clear"); sequence numbers go
// on and counters elsewhere are untouched. It is not counted as dropped.
func (l *Log) Clear() {
	l.mu.Lock()
	for _, r := range []*ring{&l.data, &l.events} {
		for r.n > 0 {
			it := r.at(0)
			l.arena.release(it.s)
			*it = item{}
			r.head = (r.head + 1) & (len(r.items) - 1)
			r.n--
		}
		r.used = 0
	}
	l.dropBytes, l.dropEntries, l.dropMicros = 0, 0, 0
	l.mu.Unlock()
	l.version.Add(1)
	l.notify.signal()
}

// Subscribe returns a channel that receives (coalesced, capacity 1) after the
// view changes, and a func to stop. Readers wake on it instead of polling.
func (l *Log) Subscribe() (<-chan struct{}, func()) { return l.notify.subscribe() }

// byteCount writes a size as people read it: "912 B", "64.0 MiB", "11.0 GiB".
func byteCount(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// groupDigits writes n with thousands separated: 129,433.
func groupDigits(n uint64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
