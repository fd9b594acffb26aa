package gui

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// A pump refreshes at most every pumpInterval (~30 Hz, smooth to the eye)
// and at least every pumpSlowest. In between it adapts: each refresh's cost
// (its wait in Fyne's queue, which includes the frame being painted, plus
// the refresh itself) is kept to about 1/pumpShare of the UI goroutine's
// time, so a flood slows the view's updates instead of the window.
const (
	pumpInterval = 33 * time.Millisecond
	pumpSlowest  = 250 * time.Millisecond
	pumpShare    = 6
)

// pump refreshes one view from a source that changes on other goroutines.
// It wakes on a ticker, asks changed() (off the UI goroutine, so it must be
// cheap and thread-safe, e.g. comparing a version counter) and, only then,
// posts one fyne.Do running refresh. At most one such call is pending at a
// time: a slow frame makes the pump skip ticks instead of queueing work,
// which keeps Fyne's unbounded call queue empty under any traffic.
type pump struct {
	cancel  context.CancelFunc
	done    chan struct{}
	pending atomic.Bool
	cost    atomic.Int64 // ns: queue wait + refresh time of the last refresh
	kick    chan struct{}
	once    sync.Once
}

// startPump starts the pump's goroutine; stop ends it and waits.
// every forces a refresh at least that often (for rates that decay with
// no traffic); zero means only on change.
func startPump(changed func() bool, refresh func(), every time.Duration) *pump {
	ctx, cancel := context.WithCancel(context.Background())
	p := &pump{cancel: cancel, done: make(chan struct{}), kick: make(chan struct{}, 1)}
	go p.run(ctx, changed, refresh, every)
	return p
}

func (p *pump) run(ctx context.Context, changed func() bool, refresh func(), every time.Duration) {
	defer close(p.done)
	interval := pumpInterval
	t := time.NewTicker(interval)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-p.kick:
		}
		if next := adaptInterval(time.Duration(p.cost.Load())); next != interval {
			interval = next
			t.Reset(interval)
		}
		force := every > 0 && time.Since(last) >= every
		if p.pending.Load() || !(force || changed()) {
			continue
		}
		last = time.Now()
		p.pending.Store(true)
		posted := time.Now()
		doFromGoroutine(func() {
			defer p.pending.Store(false)
			if ctx.Err() == nil {
				refresh()
			}
			p.cost.Store(int64(time.Since(posted)))
		})
	}
}

// adaptInterval is the refresh interval for a refresh that cost c.
func adaptInterval(c time.Duration) time.Duration {
	return min(max(pumpShare*c, pumpInterval), pumpSlowest)
}

// Kick asks for a refresh at the next chance, without waiting for the ticker
// (after a filter change, say). It never blocks.
func (p *pump) Kick() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// stop ends the pump and waits for its goroutine. A refresh already queued
// with fyne.Do sees the cancelled context and does nothing.
func (p *pump) stop() {
	p.once.Do(func() {
		p.cancel()
		<-p.done
	})
}
