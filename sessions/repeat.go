package sessions

import (
	"context"
	"time"

	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/netcore/payload"
)

// Repeat is one payload sent again and again through the session's one
// send path: the window's Repeat button and `connect --send --repeat`
// both run it, so pacing, macros and framing behave the same in each.
type Repeat struct {
	Payload *payload.Payload
	// Counter numbers {{counter}} across sends (and across repeats that
	// share it); nil gives this repeat its own, from 0.
	Counter *payload.Counter
	Times   int           // sends; 0 sends until ctx ends
	Gap     time.Duration // pause between two sends; 0 sends back to back
	To      PeerID        // one peer, or PeerAll
	// Framing frames these sends another way than the session does; nil
	// uses the session's framing.
	Framing *framing.Spec
	// Captures fill the payload's {{N}}/{{name}} (a sequence's send uses
	// what its expects captured); nil for a payload without them.
	Captures [][]byte
	// Sent, when set, is given each send's bytes after they went out (a
	// sequence shows them); it must not keep them.
	Sent func(data []byte)
}

// Run sends, rendering the payload per send (macros change), and calls
// progress (if not nil) after each send with the sends and bytes so far.
// It returns nil when all were sent or ctx ended, else the first error.
// With Gap 0 the writes follow each other with nothing in between, so a
// raw receiver sees them merge ("sticky packets") while a framing gives
// them back whole.
func (r Repeat) Run(ctx context.Context, s Sender, progress func(sends int, bytes int64)) error {
	c := r.Counter
	if c == nil {
		c = new(payload.Counter)
	}
	var p pause
	defer p.stop()
	var bytes int64
	for i := 0; r.Times == 0 || i < r.Times; i++ {
		if ctx.Err() != nil {
			return nil
		}
		if i > 0 && r.Gap > 0 && !p.wait(ctx, r.Gap) {
			return nil
		}
		data, err := r.Payload.RenderCaptures(c, time.Now(), r.Captures)
		if err != nil {
			return err
		}
		if err := s.SendWith(r.To, data, r.Framing); err != nil {
			return err
		}
		if r.Sent != nil {
			r.Sent(data)
		}
		bytes += int64(len(data))
		if progress != nil {
			progress(i+1, bytes)
		}
	}
	return nil
}

// pause is the one timer of a loop that waits between its steps: the
// gaps of a Repeat and the waits of a sequence.
type pause struct{ t *time.Timer }

// wait sleeps d; false when ctx ended first.
func (p *pause) wait(ctx context.Context, d time.Duration) bool {
	if p.t == nil {
		p.t = time.NewTimer(d)
	} else {
		p.t.Reset(d)
	}
	select {
	case <-ctx.Done():
		return false
	case <-p.t.C:
		return true
	}
}

func (p *pause) stop() {
	if p.t != nil {
		p.t.Stop()
	}
}

// Sender is where a Repeat sends; *Session is one.
type Sender interface {
	SendWith(id PeerID, data []byte, f *framing.Spec) error
}

// SendWith is Send with the framing f for this send, or the session's
// framing when f is nil.
func (s *Session) SendWith(id PeerID, data []byte, f *framing.Spec) error {
	if f == nil {
		return s.Send(id, data)
	}
	return s.SendFramed(id, data, *f)
}
