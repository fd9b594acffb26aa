package sessions

import (
	"sync/atomic"
	"time"
)

// Counters are the exact totals of one peer or a whole session. Socket
// goroutines add with atomics; anyone may read a Snapshot at any time.
type Counters struct {
	bytesIn, bytesOut   atomic.Uint64
	chunksIn, chunksOut atomic.Uint64
	msgsIn, msgsOut     atomic.Uint64
	rateIn, rateOut     rate
}

// CounterValues is a consistent-enough copy of Counters for display.
type CounterValues struct {
	BytesIn, BytesOut       uint64
	ChunksIn, ChunksOut     uint64
	MessagesIn, MessagesOut uint64
	RateIn, RateOut         float64 // bytes per second over the last ~second
}

func (c *Counters) addIn(n int, now int64) {
	c.bytesIn.Add(uint64(n))
	c.chunksIn.Add(1)
	c.rateIn.add(n, now)
}

func (c *Counters) addOut(n int, now int64) {
	c.bytesOut.Add(uint64(n))
	c.chunksOut.Add(1)
	c.rateOut.add(n, now)
}

// Snapshot reads the counters now.
func (c *Counters) Snapshot() CounterValues {
	now := time.Now().UnixNano()
	return CounterValues{
		BytesIn: c.bytesIn.Load(), BytesOut: c.bytesOut.Load(),
		ChunksIn: c.chunksIn.Load(), ChunksOut: c.chunksOut.Load(),
		MessagesIn: c.msgsIn.Load(), MessagesOut: c.msgsOut.Load(),
		RateIn: c.rateIn.perSecond(now), RateOut: c.rateOut.perSecond(now),
	}
}

// rate keeps bytes per time slot in a few buckets so the current rate costs
// two atomics per chunk and no lock. Concurrent resets of a new slot may lose
// a few bytes of rate (never of the exact counters): it is a display value.
type rate struct {
	slot  [rateBuckets]atomic.Int64
	bytes [rateBuckets]atomic.Uint64
}

const (
	rateBuckets = 8
	rateSlot    = int64(250 * time.Millisecond)
	rateWindow  = 4 // slots summed, the current partial one included
)

func (r *rate) add(n int, now int64) {
	s := now / rateSlot
	i := s % rateBuckets
	if old := r.slot[i].Load(); old != s {
		if r.slot[i].CompareAndSwap(old, s) {
			r.bytes[i].Store(0)
		}
	}
	r.bytes[i].Add(uint64(n))
}

func (r *rate) perSecond(now int64) float64 {
	s := now / rateSlot
	var sum uint64
	for k := int64(0); k < rateWindow; k++ {
		i := (s - k) % rateBuckets
		if r.slot[i].Load() == s-k {
			sum += r.bytes[i].Load()
		}
	}
	span := float64((rateWindow-1)*rateSlot+now%rateSlot) / float64(time.Second)
	return float64(sum) / span
}
