package gui

import (
	"context"
	"errors"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sockplay/sockplay/netcore/ping"
)

// A run's hand-over to its Ping tab: the engine's goroutine appends to a
// pingFeed, the tab's pump drains it into pingRows.

// maxPingRows bounds the reply list of an endless ping (half an hour at
// 10 ms, two days at 1 s, ~16 MB); older rows are dropped from view and the
// summary stays exact.
const maxPingRows = 200_000

// pingState is where a run is; the tab's dot and status follow it.
type pingState int

const (
	pingIdle      pingState = iota // nothing started yet
	pingResolving                  // naming the host and opening the socket
	pingRunning
	pingDone   // count reached, or stopped
	pingFailed // could not start, or the run broke: err says why
)

// pingFeed is what one run's goroutine hands to the tab: the events since
// the last refresh and how the run stands. The run appends under mu, the
// refresh drains under mu, so the engine's goroutine never touches a
// widget and the UI goroutine never waits on the network.
type pingFeed struct {
	mu      sync.Mutex
	events  []ping.Event // since the last drain, Stats cleared
	dropped int          // events dropped before a drain (bounded backlog)
	state   pingState
	header  string
	mode    ping.Mode
	stats   ping.Summary // the latest statistics (live, then final)
	err     error
	version atomic.Uint64 // bumped on every change, for the pump's changed()
	done    chan struct{} // closed when the run's goroutine is about to return
}

func newPingFeed() *pingFeed {
	f := &pingFeed{state: pingResolving, done: make(chan struct{})}
	f.version.Store(1)
	return f
}

func (f *pingFeed) started(header string, mode ping.Mode) {
	f.mu.Lock()
	f.state, f.header, f.mode = pingRunning, header, mode
	f.version.Add(1)
	f.mu.Unlock()
}

// add is the engine's callback, on Run's goroutine.
func (f *pingFeed) add(e ping.Event) {
	f.mu.Lock()
	f.stats = e.Stats
	e.Stats = ping.Summary{}
	if len(f.events) >= maxPingRows {
		n := len(f.events) / 2
		f.dropped += n
		f.events = append(f.events[:0], f.events[n:]...)
	}
	f.events = append(f.events, e)
	f.version.Add(1)
	f.mu.Unlock()
}

// finish records how the run ended; sum is nil when it never started.
func (f *pingFeed) finish(sum *ping.Summary, err error) {
	f.mu.Lock()
	if sum != nil {
		f.stats = *sum
	}
	f.state, f.err = pingDone, nil
	if err != nil && !errors.Is(err, context.Canceled) {
		f.state, f.err = pingFailed, err
	}
	f.version.Add(1)
	f.mu.Unlock()
	close(f.done)
}

// pingRow is a reply list line, kept small (80 bytes) because an endless
// ping keeps many; event rebuilds what Event.String formats. name is who
// answered by name ("localhost"), as iputils shows it for a named target;
// the engine hands the same string for every reply from one address, so
// rows share its bytes.
type pingRow struct {
	from  netip.Addr
	rtt   time.Duration
	text  string
	name  string
	seq   int
	bytes int32
	ttl   int16
	kind  ping.Kind
}

func newPingRow(e ping.Event) pingRow {
	return pingRow{from: e.From, rtt: e.RTT, text: e.Text, name: e.FromName, seq: e.Seq, bytes: int32(e.Bytes), ttl: int16(e.TTL), kind: e.Kind}
}

func (r pingRow) event() ping.Event {
	return ping.Event{Kind: r.kind, Seq: r.seq, Bytes: int(r.bytes), From: r.from, FromName: r.name, TTL: int(r.ttl), RTT: r.rtt, Text: r.text}
}
