package sessions

import (
	"sync"
	"sync/atomic"
)

// notifier fans a "something changed" signal out to subscribers. Each has a
// channel of capacity 1, so a burst of changes costs one wake-up and a slow
// reader never blocks a socket goroutine.
type notifier struct {
	mu   sync.Mutex
	subs atomic.Pointer[[]chan struct{}] // copy-on-write, read without a lock
}

func (n *notifier) signal() {
	p := n.subs.Load()
	if p == nil {
		return
	}
	for _, c := range *p {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

func (n *notifier) subscribe() (<-chan struct{}, func()) {
	c := make(chan struct{}, 1)
	n.mu.Lock()
	var cur []chan struct{}
	if p := n.subs.Load(); p != nil {
		cur = *p
	}
	next := append(append([]chan struct{}(nil), cur...), c)
	n.subs.Store(&next)
	n.mu.Unlock()
	var once sync.Once
	return c, func() {
		once.Do(func() {
			n.mu.Lock()
			defer n.mu.Unlock()
			old := *n.subs.Load()
			next := make([]chan struct{}, 0, len(old))
			for _, x := range old {
				if x != c {
					next = append(next, x)
				}
			}
			n.subs.Store(&next)
		})
	}
}
