package cli

// What connect sends instead of stdin: the --send payloads, each --repeat
// times, then the --send-file.

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/sessions"
)

// sendPlan is everything connect sends on its own.
type sendPlan struct {
	payloads []*payload.Payload
	repeat   int                    // sends of each payload
	gap      time.Duration          // between two writes; 0 writes them back to back
	file     *sessions.OutgoingFile // sent the way its framing needs (see its doc)

	fileSent atomic.Int64 // bytes of the file sent so far
}

func (s *sendPlan) active() bool { return len(s.payloads) > 0 || s.file != nil }

// run sends the plan: each payload --repeat times through sessions.Repeat
// (rendered per send, one write each, --gap apart, and --gap between two
// payloads too), then the file.
func (s *sendPlan) run(ctx context.Context, sess *sessions.Session) error {
	var counter payload.Counter
	for i, pl := range s.payloads {
		if i > 0 && s.gap > 0 {
			t := time.NewTimer(s.gap)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return nil
			}
		}
		r := sessions.Repeat{Payload: pl, Counter: &counter, Times: s.repeat, Gap: s.gap, To: sessions.PeerAll}
		if err := r.Run(ctx, sess, nil); err != nil {
			return err
		}
	}
	if s.file != nil && ctx.Err() == nil {
		return s.file.Send(ctx, sess, sessions.PeerAll, s.fileSent.Store)
	}
	return nil
}

// progress says how far the file got, for "interrupted after ...".
func (s *sendPlan) progress() string {
	if s.file == nil {
		return ""
	}
	return fmt.Sprintf(" after %d of %d bytes of %s", s.fileSent.Load(), s.file.Size, s.file.Path)
}
