package gui

import "sync"

// inbox carries results from a tab's goroutines (a capture read, a
// replay's progress, a recording closed) to the UI goroutine. post queues
// fn and asks Fyne to run the queue; the tab's Refresh also runs it, so
// headless tests, whose driver runs nothing queued from a goroutine, see
// the same results when they refresh.
type inbox struct {
	mu  sync.Mutex
	fns []func()
}

// post queues fn for the UI goroutine; any goroutine may call it.
func (b *inbox) post(fn func()) {
	b.mu.Lock()
	b.fns = append(b.fns, fn)
	b.mu.Unlock()
	doFromGoroutine(b.drain)
}

// drain runs what is queued, in order, on the UI goroutine.
func (b *inbox) drain() {
	for {
		b.mu.Lock()
		fns := b.fns
		b.fns = nil
		b.mu.Unlock()
		if len(fns) == 0 {
			return
		}
		for _, fn := range fns {
			fn()
		}
	}
}
