package uikit

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
)

// A watching pump refreshes at most every pumpInterval (~30 Hz, smooth to
// the eye) and at least every pumpSlowest. In between it adapts: each
// refresh's cost (its wait in Fyne's queue, which includes the frame being
// painted, plus the refresh itself) is kept to about 1/pumpShare of the UI
// goroutine's time, so a flood slows the view's updates instead of the
// window.
const (
	pumpInterval = 33 * time.Millisecond
	pumpSlowest  = 250 * time.Millisecond
	pumpShare    = 6
)

// Pump is the one way a tab's goroutine reaches its widgets. It wakes on a
// timer (or a Kick), decides off the UI goroutine whether there is
// anything to show, and only then posts one fyne.Do. At most one such call
// is pending at a time: a slow frame makes the pump skip turns instead of
// queueing work, which keeps Fyne's unbounded call queue empty under any
// traffic. Two kinds share this loop:
//
//   - Watch: the data lives elsewhere (a session's log, a ping's feed) and
//     changes on other goroutines; the pump asks a cheap changed() and the
//     refresh reads the data on the UI goroutine.
//   - Poll: the data must be fetched, slowly (the kernel's socket table, a
//     netlink lookup per connection); the pump fetches on its goroutine at
//     the view's own pace and hands the result over.
//
// Stop ends the goroutine and waits for it; a call already queued with
// fyne.Do sees the cancelled context and does nothing.
type Pump struct {
	cancel  context.CancelFunc
	done    chan struct{}
	pending atomic.Bool
	cost    atomic.Int64 // ns: queue wait + refresh time of the last hand-over
	kick    chan struct{}
	once    sync.Once
}

// Watch starts a pump that runs refresh on the UI goroutine whenever
// changed() reports a change (asked off the UI goroutine, so it must be
// cheap and thread-safe, e.g. comparing a version counter). every forces a
// refresh at least that often (for rates that decay with no traffic); zero
// means only on change.
func Watch(changed func() bool, refresh func(), every time.Duration) *Pump {
	p, ctx := newPump()
	last := time.Now()
	step := func(context.Context, bool) (func(), bool) {
		force := every > 0 && time.Since(last) >= every
		if !force && !changed() {
			return nil, false
		}
		last = time.Now()
		return refresh, true
	}
	next := func() time.Duration { return adaptInterval(time.Duration(p.cost.Load())) }
	go p.run(ctx, pumpInterval, next, step)
	return p
}

// Poll starts a pump that calls fetch on its goroutine at once, then every
// every() (read at each turn, so the view may change its pace) and at each
// Kick, and runs show with the result on the UI goroutine. fetch gets a
// context that ends with Stop, and whether a Kick woke it; it returns false
// to skip the turn (a paused view that was not asked). A turn whose
// hand-over is still pending is skipped before fetching.
func Poll[T any](every func() time.Duration, fetch func(ctx context.Context, kicked bool) (T, bool), show func(T)) *Pump {
	p, ctx := newPump()
	step := func(ctx context.Context, kicked bool) (func(), bool) {
		v, ok := fetch(ctx, kicked)
		if !ok {
			return nil, false
		}
		return func() { show(v) }, true
	}
	go p.run(ctx, 0, every, step)
	return p
}

// newPump makes a pump and the context its goroutine runs under.
func newPump() (*Pump, context.Context) {
	ctx, cancel := context.WithCancel(context.Background())
	return &Pump{cancel: cancel, done: make(chan struct{}), kick: make(chan struct{}, 1)}, ctx
}

// run is the loop both kinds share: wait first, then at every wake for
// next(); step says what to run on the UI goroutine, if anything.
func (p *Pump) run(ctx context.Context, first time.Duration, next func() time.Duration, step func(ctx context.Context, kicked bool) (func(), bool)) {
	defer close(p.done)
	timer := time.NewTimer(first)
	defer timer.Stop()
	for {
		kicked := false
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-p.kick:
			kicked = true
		}
		timer.Reset(next())
		if p.pending.Load() {
			continue
		}
		fn, ok := step(ctx, kicked)
		if ctx.Err() != nil {
			return
		}
		if ok {
			p.post(ctx, fn)
		}
	}
}

// post hands fn to the UI goroutine, the only pending call of this pump.
//
// What a refresh costs the UI goroutine is mostly not fn but the frame
// Fyne paints after it (new rows are new text textures, then the buffer
// swap): on a flood under Xvfb ~50 ms against a few ms of fn. So the
// pump stays pending until the loop has come round again after fn
// (paintHops calls queued one after the other; Fyne picks at random
// between its queue and a due frame, so each hop is even odds that the
// frame was painted first), and the cost that sets its interval runs
// from posting to the last hop. The interval then keeps refresh and
// paint together to about 1/pumpShare of the UI goroutine, and a pump
// never posts again while the frame its last refresh caused is pending.
func (p *Pump) post(ctx context.Context, fn func()) {
	p.pending.Store(true)
	posted := time.Now()
	uiDo(func() {
		if ctx.Err() == nil {
			fn()
			uiSettle()
		}
		var hop func(n int)
		hop = func(n int) {
			if n > 0 && ctx.Err() == nil {
				uiAgain(func() { hop(n - 1) })
				return
			}
			c := time.Since(posted)
			// Half of the last cost is kept: a hop that came back before
			// the frame (odds 1 in 2^paintHops) does not halve the interval.
			p.cost.Store(max(int64(c), p.cost.Load()/2))
			p.pending.Store(false)
		}
		hop(paintHops)
	})
}

// paintHops is how many times a refresh's hand-over goes round Fyne's
// queue before its cost is taken (see post).
const paintHops = 2

// uiDo is how a pump reaches the UI goroutine: Do, but a test's stand-in
// for the UI goroutine where Fyne's test driver would run fn inline.
var uiDo = Do

// uiSettle runs after each refresh: settleLayout, or nothing in a test
// whose stand-in UI goroutine has no app.
var uiSettle = settleLayout

// uiAgain queues fn from the UI goroutine behind what is already due
// there (a frame to paint): fyne.Do, which queues when called on the UI
// goroutine of a running app and runs fn inline in Fyne's test driver
// and during shutdown. Do would drop such a call.
var uiAgain = fyne.Do

// adaptInterval is a watching pump's interval after a refresh that cost c.
func adaptInterval(c time.Duration) time.Duration {
	return min(max(pumpShare*c, pumpInterval), pumpSlowest)
}

// Kick asks for a turn at the next chance, without waiting for the timer
// (a filter changed, the person asked for a refresh). It never blocks.
func (p *Pump) Kick() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// Stop ends the pump and waits for its goroutine; later calls do nothing.
func (p *Pump) Stop() {
	p.once.Do(func() {
		p.cancel()
		<-p.done
	})
}
