//go:build windows

package ping

import (
	"errors"
	"sync"
	"time"

	"golang.org/x/sys/windows"
)

// An asynchronous IcmpSendEcho2 request signals an event when it completes.
// Waiting for each event on a goroutine of its own would block one OS
// thread per probe in flight (a blocking Windows call holds its thread), so
// a fast ping to a silent host would start thousands of threads; the first
// version capped probes in flight at 256 instead, and a probe over the cap
// failed. A watcher waits for up to groupSize requests on one goroutine with
// WaitForMultipleObjects, and adds a goroutine per further groupSize: no cap,
// one thread per 62 probes in flight, none when nothing is in flight.

// groupSize is how many requests one goroutine watches: the 64 handles
// WaitForMultipleObjects takes (MAXIMUM_WAIT_OBJECTS), less the watcher's
// stop event and the group's wake event.
const groupSize = 64 - 2

// request is one echo request the system has not finished with. Windows
// writes the reply into buf when the request completes, which may be after
// the transport is closed: buf (and what else was passed) stays referenced
// here until ev is signaled, so the collector cannot free memory the
// system still writes.
type request struct {
	ev   windows.Handle // manual-reset event the system signals at completion
	seq  uint16
	data []byte // the payload sent, stamp included, to compare with the echo
	req  []byte // the request buffer given to the system
	buf  []byte // the reply buffer the system writes
	opts *ipOptionInformation
}

// watcher runs the goroutines that wait for requests' events and calls
// done, on one of them, for each request whose event was signaled.
type watcher struct {
	stop   windows.Handle // manual-reset; set by shutdown, wakes every group at once
	done   func(r *request, at time.Time)
	mu     sync.Mutex
	groups []*group // each with room or full; a group leaves when it is empty
	down   bool
	wg     sync.WaitGroup
}

// group is one goroutine's requests.
type group struct {
	wake windows.Handle // auto-reset; set when a request is added
	reqs []*request     // guarded by watcher.mu; only add appends, only the group's goroutine removes
}

func newWatcher(done func(*request, time.Time)) (*watcher, error) {
	stop, err := windows.CreateEvent(nil, 1, 0, nil)
	if err != nil {
		return nil, err
	}
	return &watcher{stop: stop, done: done}, nil
}

// add watches r: in a group with room, else in a new group with its own
// goroutine. It fails after shutdown, or when the system has no event
// left for a new group.
func (w *watcher) add(r *request) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.down {
		return errors.New("closed")
	}
	for _, g := range w.groups {
		if len(g.reqs) < groupSize {
			g.reqs = append(g.reqs, r)
			windows.SetEvent(g.wake)
			return nil
		}
	}
	wake, err := windows.CreateEvent(nil, 0, 0, nil)
	if err != nil {
		return err
	}
	g := &group{wake: wake, reqs: []*request{r}}
	w.groups = append(w.groups, g)
	w.wg.Add(1)
	go w.run(g)
	return nil
}

// inFlight is the number of requests watched, and groups the number of goroutines watching them.
func (w *watcher) inFlight() (reqs, groups int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, g := range w.groups {
		reqs += len(g.reqs)
	}
	return reqs, len(w.groups)
}

// run is one group's goroutine. It exits when shutdown sets the stop event
// (at once, whatever is pending) or when its last request completed.
func (w *watcher) run(g *group) {
	defer w.wg.Done()
	handles := make([]windows.Handle, 0, groupSize+2)
	for {
		w.mu.Lock()
		if len(g.reqs) == 0 && !w.down {
			w.leave(g)
			w.mu.Unlock()
			return
		}
		handles = append(handles[:0], w.stop, g.wake)
		for _, r := range g.reqs {
			handles = append(handles, r.ev)
		}
		w.mu.Unlock()
		// The lowest signaled index wins, so a stop is seen before anything else.
		ev, err := windows.WaitForMultipleObjects(handles, false, windows.INFINITE)
		at := time.Now()
		if err != nil {
			// Not expected (every handle here is open until it leaves the
			// list); wait a little so a lasting failure cannot spin.
			if e, _ := windows.WaitForSingleObject(w.stop, 10); e == windows.WAIT_OBJECT_0 {
				return
			}
			continue
		}
		i := int(ev - windows.WAIT_OBJECT_0)
		switch {
		case i == 0:
			return // shutdown: what is still pending stays in g.reqs for it
		case i == 1 || i >= len(handles):
			continue // a request was added
		}
		w.mu.Lock()
		r := g.reqs[i-2] // add only appends, so the index still names the same request
		g.reqs = append(g.reqs[:i-2], g.reqs[i-1:]...)
		w.mu.Unlock()
		w.done(r, at)
	}
}

// leave removes g, empty, from the watcher. Called with w.mu held.
func (w *watcher) leave(g *group) {
	for i, x := range w.groups {
		if x == g {
			w.groups = append(w.groups[:i], w.groups[i+1:]...)
			break
		}
	}
	windows.CloseHandle(g.wake)
}

// shutdown stops every group at once, waits for their goroutines and
// returns the requests still pending, which the caller now owns. The
// watcher takes no requests afterwards.
func (w *watcher) shutdown() []*request {
	w.mu.Lock()
	w.down = true
	w.mu.Unlock()
	windows.SetEvent(w.stop)
	w.wg.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	var left []*request
	for _, g := range w.groups {
		left = append(left, g.reqs...)
		windows.CloseHandle(g.wake)
	}
	w.groups = nil
	windows.CloseHandle(w.stop)
	return left
}

// reaper owns the requests of closed transports until the system is done
// with them: closing the ICMP handle cancels them on Windows, and they
// time out anyway, so each is released shortly after; its goroutines exit
// when nothing is left. One per process, never shut down.
var reaper struct {
	once sync.Once
	w    *watcher
	err  error
}

// release gives pending requests to the reaper, which closes each event
// once it is signaled and lets the buffers go. Without an event for the
// reaper (the system is out of handles) they are kept for good: memory the
// system may still write must not be reused.
func release(reqs []*request) {
	if len(reqs) == 0 {
		return
	}
	reaper.once.Do(func() {
		reaper.w, reaper.err = newWatcher(func(r *request, _ time.Time) { windows.CloseHandle(r.ev) })
	})
	for _, r := range reqs {
		if reaper.err != nil || reaper.w.add(r) != nil {
			kept.Lock()
			kept.reqs = append(kept.reqs, r)
			kept.Unlock()
		}
	}
}

// kept holds requests nothing could wait for; see release.
var kept struct {
	sync.Mutex
	reqs []*request
}
