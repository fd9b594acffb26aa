package gui

import (
	"net/netip"
	"testing"

	"github.com/sockplay/sockplay/netcore/socktable"
	"github.com/sockplay/sockplay/sessions"
)

// What the window's refreshes skip so that a quiet tab paints no frames:
// peers whose rows read the same, and a kernel's look that waits for the
// tab's own refresh.

func TestSamePeerRows(t *testing.T) {
	a := []sessions.PeerInfo{{ID: 1, Addr: "127.0.0.1:5000", State: sessions.PeerOpen}}
	same := []sessions.PeerInfo{a[0]}
	same[0].Counters.RateIn = 1000 // not shown in a row
	moreIn := []sessions.PeerInfo{a[0]}
	moreIn[0].Counters.BytesIn = 1
	closed := []sessions.PeerInfo{a[0]}
	closed[0].State = sessions.PeerClosed
	for _, tt := range []struct {
		name string
		b    []sessions.PeerInfo
		want bool
	}{
		{"same", same, true}, {"bytes in", moreIn, false}, {"closed", closed, false},
		{"one more", append(same, sessions.PeerInfo{ID: 2}), false}, {"none", nil, false},
	} {
		if got := samePeerRows(a, tt.b); got != tt.want {
			t.Errorf("%s: samePeerRows = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestKernelLookWaitsForFlush(t *testing.T) {
	sharedApp(t)
	saved := runPumps
	runPumps = false
	t.Cleanup(func() { runPumps = saved })
	k := newKernelView(func() *sessions.Session { return nil }, false)
	var none *kernelView
	if none.pending() {
		t.Error("a nil view (not TCP) has a look pending")
	}
	none.flush() // must not panic
	peer := netip.MustParseAddrPort("127.0.0.1:5000")
	k.next.Store(&kernelLook{rows: []socktable.WatchedConn{{ID: 1, Conn4: socktable.Conn4{Peer: peer}}}})
	if !k.pending() {
		t.Fatal("a stored look is not pending")
	}
	if len(k.rows) != 0 {
		t.Fatal("a look showed before flush")
	}
	k.flush()
	if k.pending() || len(k.rows) != 1 {
		t.Fatalf("after flush: pending %v, %d rows, want false and 1", k.pending(), len(k.rows))
	}
}
