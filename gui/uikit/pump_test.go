package uikit

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// fakeUI stands in for the UI goroutine: Fyne's test driver runs fyne.Do
// inline on the caller, which Do drops as a shutdown. Calls queue on ui
// and run when the test says (hold) or at once on a goroutine of their own.
type fakeUI struct {
	calls chan func()
	hold  atomic.Bool
}

func newFakeUI(t *testing.T) *fakeUI {
	t.Helper()
	u := &fakeUI{calls: make(chan func(), 100)}
	saved, savedAgain, savedSettle := uiDo, uiAgain, uiSettle
	uiDo = func(fn func()) { u.calls <- fn }
	uiAgain = func(fn func()) { u.calls <- fn }
	uiSettle = func() {}
	t.Cleanup(func() { uiDo, uiAgain, uiSettle = saved, savedAgain, savedSettle })
	done := make(chan struct{})
	stop := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			case fn := <-u.calls:
				for u.hold.Load() {
					time.Sleep(time.Millisecond)
				}
				fn()
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-done })
	return u
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func TestAdaptInterval(t *testing.T) {
	for _, tt := range []struct {
		cost, want time.Duration
	}{
		{0, pumpInterval},
		{time.Millisecond, pumpInterval},
		{10 * time.Millisecond, 60 * time.Millisecond},
		{time.Second, pumpSlowest},
	} {
		if got := adaptInterval(tt.cost); got != tt.want {
			t.Errorf("adaptInterval(%v) = %v, want %v", tt.cost, got, tt.want)
		}
	}
}

func TestWatchRefreshesOnChangeOnly(t *testing.T) {
	newFakeUI(t)
	var version, seen, refreshes atomic.Int64
	p := Watch(func() bool { return version.Load() != seen.Load() }, func() {
		seen.Store(version.Load())
		refreshes.Add(1)
	}, 0)
	defer p.Stop()
	time.Sleep(5 * pumpInterval)
	if n := refreshes.Load(); n != 0 {
		t.Fatalf("%d refreshes with nothing changed", n)
	}
	version.Add(1)
	eventually(t, "the refresh after a change", func() bool { return refreshes.Load() == 1 })
	time.Sleep(5 * pumpInterval)
	if n := refreshes.Load(); n != 1 {
		t.Errorf("%d refreshes for one change", n)
	}
}

func TestWatchForcesEvery(t *testing.T) {
	newFakeUI(t)
	var refreshes atomic.Int64
	p := Watch(func() bool { return false }, func() { refreshes.Add(1) }, 50*time.Millisecond)
	defer p.Stop()
	eventually(t, "two forced refreshes", func() bool { return refreshes.Load() >= 2 })
}

// A hand-over that has not run yet makes the pump skip turns: never two
// calls queued for one view.
func TestPumpKeepsOneCallPending(t *testing.T) {
	u := newFakeUI(t)
	u.hold.Store(true)
	var posts, refreshes atomic.Int64
	saved := uiDo
	uiDo = func(fn func()) { posts.Add(1); saved(fn) }
	p := Watch(func() bool { return true }, func() { refreshes.Add(1) }, 0)
	defer p.Stop()
	time.Sleep(10 * pumpInterval)
	if n := posts.Load(); n != 1 {
		t.Fatalf("%d calls posted while the first was pending, want 1", n)
	}
	u.hold.Store(false)
	eventually(t, "refreshes to resume", func() bool { return refreshes.Load() >= 2 })
}

func TestPollFetchesAtOnceOnKickAndSkips(t *testing.T) {
	newFakeUI(t)
	var fetches, kicks, shown atomic.Int64
	p := Poll(func() time.Duration { return time.Hour }, func(ctx context.Context, kicked bool) (int64, bool) {
		if kicked {
			kicks.Add(1)
		}
		return fetches.Add(1), true
	}, func(n int64) { shown.Store(n) })
	defer p.Stop()
	eventually(t, "the first fetch, at once", func() bool { return shown.Load() == 1 })
	p.Kick()
	eventually(t, "the fetch a kick asked for", func() bool { return shown.Load() == 2 && kicks.Load() == 1 })
}

func TestPollPaceAndSkip(t *testing.T) {
	newFakeUI(t)
	var turns, shown atomic.Int64
	p := Poll(func() time.Duration { return 10 * time.Millisecond }, func(ctx context.Context, kicked bool) (int, bool) {
		n := turns.Add(1)
		return int(n), n%2 == 0 // every other turn skipped
	}, func(int) { shown.Add(1) })
	defer p.Stop()
	eventually(t, "several turns", func() bool { return turns.Load() >= 6 })
	p.Stop()
	if s, n := shown.Load(), turns.Load(); s > n/2+1 || s == 0 {
		t.Errorf("%d shown for %d turns, half of them skipped", s, n)
	}
}

// Stop cancels a fetch in flight, waits for the goroutine, and a call
// queued before Stop does nothing.
func TestPumpStopWaitsAndCancels(t *testing.T) {
	u := newFakeUI(t)
	started := make(chan struct{})
	var cancelled atomic.Bool
	p := Poll(func() time.Duration { return time.Hour }, func(ctx context.Context, _ bool) (int, bool) {
		close(started)
		<-ctx.Done()
		cancelled.Store(true)
		return 0, true
	}, func(int) { t.Error("shown after Stop") })
	<-started
	p.Stop()
	if !cancelled.Load() {
		t.Fatal("Stop returned before the fetch saw its context end")
	}
	p.Stop() // a second Stop is harmless

	u.hold.Store(true)
	var refreshed atomic.Bool
	w := Watch(func() bool { return true }, func() { refreshed.Store(true) }, 0)
	eventually(t, "a call to be queued", func() bool { return w.pending.Load() })
	w.Stop()
	u.hold.Store(false)
	time.Sleep(10 * time.Millisecond)
	if refreshed.Load() {
		t.Error("a refresh queued before Stop ran after it")
	}
}
