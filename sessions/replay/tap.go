package replay

import (
	"fmt"
	"sync"
	"time"

	"github.com/sockplay/sockplay/sessions"
)

// event is one entry of the session that replay acts on, with its own
// copy of the bytes.
type event struct {
	kind sessions.EntryKind
	note sessions.Note
	peer sessions.PeerID
	addr string
	data []byte
	text string
	at   time.Time
}

// tapLimit is how many bytes may wait for replay's goroutine before the
// peer sending them is closed (a replay adds what its replies should hold). Replay's goroutine itself sends through the
// session, and a send waits for the session's outputs: if the tap made the
// session wait in turn, a peer that floods while we send would hold both
// forever. So the tap never waits; it drops the peer instead.
var tapLimit int64 = 64 << 20 // a var for tests

// tap is the session output that hands replay the entries it matches on
// (what peers send, who comes and goes), every one of them, in order.
type tap struct {
	sess   *sessions.Session
	framed bool
	limit  int64 // tapLimit, or more for a replay that expects more

	mu   sync.Mutex
	evs  []event
	size int64
	over map[sessions.PeerID]bool
	wake chan struct{} // cap 1: an event arrived
}

func attachTap(s *sessions.Session, framed bool, limit int64) (*tap, *sessions.OutputHandle) {
	t := &tap{sess: s, framed: framed, limit: limit, over: map[sessions.PeerID]bool{}, wake: make(chan struct{}, 1)}
	h := s.AddOutput(t, sessions.OutputOptions{Name: "replay", Wants: t.wants})
	return t, h
}

// wants picks what replay reads: with a framing the messages (and what a
// stuck decoder leaves raw), else the chunks.
func (t *tap) wants(e *sessions.Entry) bool {
	switch e.Kind {
	case sessions.KindAccepted, sessions.KindConnected, sessions.KindClosed, sessions.KindMessage:
		return true
	case sessions.KindError:
		// Not the front end's own lines (a replay tab logs each step,
		// red when it differed), nor an output that failed (a recording
		// on a full disk): neither is the sockets' doing.
		return e.Note != sessions.NoteRemark && e.Note != sessions.NoteOutputStopped
	case sessions.KindDataIn:
		return !t.framed || e.Note == sessions.NoteUndecoded
	case sessions.KindInfo:
		return e.Note == sessions.NotePeersForgotten
	}
	return false
}

// WriteEntry queues a copy of e and wakes replay's goroutine.
func (t *tap) WriteEntry(e sessions.Entry) error {
	ev := event{kind: e.Kind, note: e.Note, peer: e.Peer, addr: e.Addr, text: e.Text, at: e.Time()}
	if e.Data != nil {
		ev.data = append([]byte{}, e.Data...)
	}
	t.mu.Lock()
	if t.over[e.Peer] && e.Kind != sessions.KindClosed {
		t.mu.Unlock()
		return nil
	}
	if t.size+int64(len(ev.data)) > t.limit && e.Peer != sessions.NoPeer {
		t.over[e.Peer] = true
		ev = event{kind: sessions.KindError, peer: e.Peer, addr: e.Addr, at: ev.at,
			text: fmt.Sprintf("%s sent more than %s that was not yet matched; it is closed", e.Addr, sizeText(t.limit))}
	}
	t.evs = append(t.evs, ev)
	t.size += int64(len(ev.data))
	over := t.over[e.Peer] && ev.kind == sessions.KindError
	t.mu.Unlock()
	if over {
		t.sess.ClosePeer(e.Peer)
	}
	select {
	case t.wake <- struct{}{}:
	default:
	}
	return nil
}

// Flush has nothing to do: WriteEntry hands everything over at once.
func (t *tap) Flush() error { return nil }

// take returns what arrived since the last take.
func (t *tap) take() []event {
	t.mu.Lock()
	evs := t.evs
	t.evs, t.size = nil, 0
	for _, ev := range evs {
		if ev.kind == sessions.KindClosed {
			delete(t.over, ev.peer)
		}
	}
	t.mu.Unlock()
	return evs
}

// sizeText writes a limit in MiB, or KiB when it is smaller.
func sizeText(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}
