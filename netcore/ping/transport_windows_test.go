//go:build windows

package ping

import (
	"context"
	"net/netip"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/windows"

	"github.com/sockplay/sockplay/internal/testkit"
)

// fakeRequests are n requests that no system call stands behind: their
// events are signaled only when the test says so.
func fakeRequests(t *testing.T, n int) []*request {
	t.Helper()
	reqs := make([]*request, n)
	for i := range reqs {
		ev, err := windows.CreateEvent(nil, 1, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		reqs[i] = &request{ev: ev, seq: uint16(i)}
	}
	return reqs
}

// The watcher takes any number of requests, one goroutine per groupSize,
// hands each over once when its event is signaled, and its goroutines end
// when nothing is left to wait for.
func TestWatcherHasNoCap(t *testing.T) {
	tests := []struct {
		name       string
		n          int
		wantGroups int
	}{
		{"one", 1, 1},
		{"one group full", groupSize, 1},
		{"one more than a group", groupSize + 1, 2},
		{"past the old cap of 256", 1000, (1000 + groupSize - 1) / groupSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			goroutines := runtime.NumGoroutine()
			var done atomic.Int64
			seen := make([]atomic.Int32, tt.n)
			w, err := newWatcher(func(r *request, _ time.Time) {
				seen[r.seq].Add(1)
				done.Add(1)
				windows.CloseHandle(r.ev)
			})
			if err != nil {
				t.Fatal(err)
			}
			defer w.shutdown()
			reqs := fakeRequests(t, tt.n)
			for _, r := range reqs {
				if err := w.add(r); err != nil {
					t.Fatal(err)
				}
			}
			if n, g := w.inFlight(); n != tt.n || g != tt.wantGroups {
				t.Fatalf("in flight %d in %d groups, want %d in %d", n, g, tt.n, tt.wantGroups)
			}
			for i := len(reqs) - 1; i >= 0; i -= 2 { // every other one, from the end
				windows.SetEvent(reqs[i].ev)
			}
			testkit.Eventually(t, "every other request handed over", func() bool { return done.Load() == int64((tt.n+1)/2) })
			for i := len(reqs) - 2; i >= 0; i -= 2 {
				windows.SetEvent(reqs[i].ev)
			}
			testkit.Eventually(t, "every request handed over", func() bool { return done.Load() == int64(tt.n) })
			for i := range seen {
				if c := seen[i].Load(); c != 1 {
					t.Errorf("request %d handed over %d times", i, c)
				}
			}
			testkit.Eventually(t, "the watcher's goroutines to end", func() bool {
				_, g := w.inFlight()
				return g == 0 && runtime.NumGoroutine() <= goroutines
			})
		})
	}
}

// Closing a transport with requests in flight returns at once: the first
// version waited for each request's own timeout (up to Timeout + 2 s,
// measured 9.7 s under Wine with the default 10 s). What is pending goes
// to the reaper, which keeps it until the system signals it.
func TestCloseIsPromptWithRequestsInFlight(t *testing.T) {
	tr, err := openTransport(netip.MustParseAddr("127.0.0.1"), Config{Timeout: DefaultTimeout}, 1)
	if err != nil {
		t.Fatal(err)
	}
	wt := tr.(*winTransport)
	reqs := fakeRequests(t, 300)
	for _, r := range reqs {
		if err := wt.w.add(r); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	tr.close()
	if took := time.Since(start); took > time.Second {
		t.Errorf("close took %v with %d requests in flight", took, len(reqs))
	}
	if _, err := tr.send(1, nil); err == nil {
		t.Error("send after close succeeded")
	}
	reaper.w.mu.Lock()
	held := 0
	for _, g := range reaper.w.groups {
		held += len(g.reqs)
	}
	reaper.w.mu.Unlock()
	if held < len(reqs) {
		t.Fatalf("the reaper holds %d requests, want the %d left in flight", held, len(reqs))
	}
	for _, r := range reqs {
		windows.SetEvent(r.ev)
	}
	testkit.Eventually(t, "the reaper to let go", func() bool { n, g := reaper.w.inFlight(); return n == 0 && g == 0 })
}

// Probes sent faster than loopback answers them are all answered: no send
// is refused for having too many in flight.
func TestManyProbesInFlight(t *testing.T) {
	const n = 600
	p, err := New(context.Background(), Config{Host: "127.0.0.1", Size: DefaultSize, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	payload := make([]byte, DefaultSize)
	fillPayload(payload, p.m.tok)
	for seq := 1; seq <= n; seq++ {
		if _, err := p.tr.send(uint16(seq), payload); err != nil {
			t.Fatalf("send %d: %v", seq, err)
		}
	}
	stop := time.AfterFunc(20*time.Second, func() { p.Close() }) // recv then fails
	defer stop.Stop()
	got := map[int]bool{}
	for len(got) < n {
		k, err := p.tr.recv()
		if err != nil {
			t.Fatalf("%d of %d probes answered in 20s: %v", len(got), n, err)
		}
		if k.pre != nil {
			t.Fatalf("probe %d: %s", k.pre.seq, k.pre.text)
		}
		rp := p.m.parse(k.b)
		if rp.kind != echoReply {
			t.Fatalf("packet %+v parsed as %+v", k, rp)
		}
		got[int(rp.seq)] = true
	}
}
