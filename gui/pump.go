package gui

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
)

// pumpInterval bounds how often a view refreshes: ~30 Hz is smooth to the
// eye and leaves the UI goroutine idle most of the time during a flood.
const pumpInterval = 33 * time.Millisecond

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
	t := time.NewTicker(pumpInterval)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-p.kick:
		}
		force := every > 0 && time.Since(last) >= every
		if p.pending.Load() || !(force || changed()) {
			continue
		}
		last = time.Now()
		p.pending.Store(true)
		fyne.Do(func() {
			defer p.pending.Store(false)
			if ctx.Err() == nil {
				refresh()
			}
		})
	}
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
