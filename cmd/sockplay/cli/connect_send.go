package cli

// What connect sends instead of stdin: the --send payloads, each --repeat
// times, then the --send-file.

import (
	"context"
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
}

func (s sendPlan) active() bool { return len(s.payloads) > 0 || s.file != nil }

// run sends the plan. Each payload is rendered per send (macros change) and
// written as its own write: with --gap 0 the writes follow each other with
// nothing in between, so a raw receiver sees them merge ("sticky packets")
// while a framing gives them back whole.
func (s sendPlan) run(ctx context.Context, sess *sessions.Session) error {
	var counter payload.Counter
	first := true
	for _, pl := range s.payloads {
		for range s.repeat {
			if !first && s.gap > 0 {
				t := time.NewTimer(s.gap)
				select {
				case <-t.C:
				case <-ctx.Done():
					t.Stop()
					return nil
				}
			}
			first = false
			b, err := pl.Render(&counter, time.Now())
			if err == nil {
				err = sess.Send(sessions.PeerAll, b)
			}
			if err != nil {
				return err
			}
		}
	}
	if s.file != nil {
		return s.file.Send(ctx, sess, sessions.PeerAll, nil)
	}
	return nil
}
