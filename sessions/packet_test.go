package sessions

import (
	"net"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
)

// sendFromNewSockets sends one datagram from each of n fresh sockets (n
// source ports), as many one-shot senders do, 20 at a time, waiting until
// the server counted each batch: a burst could overflow its socket buffer,
// and UDP would drop the rest.
func sendFromNewSockets(t *testing.T, srv *Session, n int) {
	t.Helper()
	to := srv.Addr().String()
	base := srv.Counters().ChunksIn
	for i := 1; i <= n; i++ {
		c, err := net.Dial("udp", to)
		if err != nil {
			t.Fatal(err)
		}
		c.Write([]byte("hello"))
		c.Close()
		if i%20 == 0 || i == n {
			want := base + uint64(i)
			testkit.Eventually(t, "the batch counted", func() bool { return srv.Counters().ChunksIn >= want })
		}
	}
}

// A UDP server keeps at most MaxPeers source addresses, forgets the
// quietest first and the quiet ones after PeerIdle (with no traffic at
// all too), says how many in one entry each time, and counts every
// datagram exactly.
func TestDatagramPeersAreForgotten(t *testing.T) {
	testkit.NeedUDP(t)
	testkit.NoLeaks(t)
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "udp://127.0.0.1:0"), MaxPeers: 50, PeerIdle: 400 * time.Millisecond, LogBudget: 1 << 20})
	sendFromNewSockets(t, srv, 300)
	if n := len(srv.Peers()); n > 50 {
		t.Fatalf("%d peers kept, want at most 50", n)
	}
	forgotten := func() uint64 {
		var sum uint64
		for _, e := range entries(srv.Log()) {
			if e.Note == NotePeersForgotten {
				sum += e.Count
			}
		}
		return sum
	}
	// The kernel may give a closed socket's port to a later one: count
	// the addresses the session saw, not the sockets. A peer leaves the
	// peer list just before the entry that counts it is logged, so the
	// sum is waited for, not read once.
	seen := srv.PeersSeen()
	if seen < 250 {
		t.Fatalf("%d peers seen from 300 sockets", seen)
	}
	testkit.Eventually(t, "every peer seen either kept or counted as forgotten", func() bool {
		return forgotten()+uint64(len(srv.Peers())) == seen
	})
	// Quiet now: the rest go after PeerIdle without any datagram.
	testkit.Eventually(t, "the quiet peers forgotten and counted", func() bool {
		return len(srv.Peers()) == 0 && forgotten() == seen
	})
	if c := srv.Counters(); c.BytesIn != 300*5 {
		t.Fatalf("counters %+v", c)
	}
	// A forgotten address that sends again is a peer again.
	sendFromNewSockets(t, srv, 1)
	testkit.Eventually(t, "a new peer", func() bool { return len(srv.Peers()) == 1 })
}
