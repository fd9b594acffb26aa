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
	var t *time.Timer
	var bytes int64
	for i := 0; r.Times == 0 || i < r.Times; i++ {
		if ctx.Err() != nil {
			return nil
		}
		if i > 0 && r.Gap > 0 {
			if t == nil {
				t = time.NewTimer(r.Gap)
				defer t.Stop()
			} else {
				t.Reset(r.Gap)
			}
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
			}
		}
		data, err := r.Payload.Render(c, time.Now())
		if err != nil {
			return err
		}
		if err := s.SendWith(r.To, data, r.Framing); err != nil {
			return err
		}
		bytes += int64(len(data))
		if progress != nil {
			progress(i+1, bytes)
		}
	}
	return nil
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
