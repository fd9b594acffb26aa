package sessions

import (
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/sockplay/sockplay/netcore/rules"
)

// Reply rules (netcore/rules has the grammar and the matcher): they answer
// whole messages (after framing; raw chunks without one) through sendTo,
// the one send path, for servers and clients alike. The session owns the
// hit counts and the goroutines that hold delayed replies back.

// ruleState is a compiled set with its hit counts; SetRules replaces it
// whole, so counts always belong to the rules they count.
type ruleState struct {
	set        *rules.Set
	hits       []atomic.Uint64
	def        atomic.Uint64
	unanswered atomic.Uint64
}

func newRuleState(set *rules.Set) *ruleState {
	if set == nil {
		return nil
	}
	return &ruleState{set: set, hits: make([]atomic.Uint64, set.Len())}
}

// RuleHits are a session's rule counts, for the window's Rules panel.
type RuleHits struct {
	Rules      []uint64 // per rule, in list order
	Default    uint64   // messages the default reply answered
	Unanswered uint64   // messages no rule matched and no default answered
}

// RuleHits reads the hit counts of the rules now in force (zero without).
func (s *Session) RuleHits() RuleHits {
	rs := s.rules.Load()
	if rs == nil {
		return RuleHits{}
	}
	h := RuleHits{Rules: make([]uint64, len(rs.hits)), Default: rs.def.Load(), Unanswered: rs.unanswered.Load()}
	for i := range rs.hits {
		h.Rules[i] = rs.hits[i].Load()
	}
	return h
}

// Rules is the rule set now in force (nil without rules).
func (s *Session) Rules() *rules.Set {
	if rs := s.rules.Load(); rs != nil {
		return rs.set
	}
	return nil
}

// SetRules replaces the rules on a live session (nil removes them), with
// fresh hit counts: the next message is answered by the new set. Rules
// replace a session's echo, upper or fixed reply, so a session with one
// refuses them.
func (s *Session) SetRules(set *rules.Set) error {
	if set != nil && s.cfg.Reply != ReplyNone {
		return fmt.Errorf("%w: %s", ErrBadConfig, errRulesAndReply)
	}
	s.rules.Store(newRuleState(set))
	if set == nil {
		s.logEvent(KindInfo, nil, "reply rules removed")
	} else {
		s.logEvent(KindInfo, nil, fmt.Sprintf("reply rules changed: %d rules, mode %s", set.Len(), set.Mode()))
	}
	return nil
}

const errRulesAndReply = "rules and a reply mode (echo, upper, fixed) cannot be combined; the rules' default reply answers what no rule matched ({{0}} sends the message back)"

// maxDelayed bounds the messages whose replies wait at once: a peer that
// floods a rule with a delay gets the replies it is owed up to here, then
// one error line per dropped message, and the reader never waits.
const maxDelayed = 4096

// applyRules answers one message by the rules: replies without a delay at
// once, on the reader, in rule order; delayed ones from one goroutine per
// message that the session owns (it exits after the last reply, or when
// the session ends; Close waits for it).
func (s *Session) applyRules(p *peer, rs *ruleState, msg []byte) {
	now := time.Now()
	fired := rs.set.Apply(msg, &s.replyCounter, now, nil)
	if len(fired) == 0 {
		rs.unanswered.Add(1)
		return
	}
	var later []rules.Fired
	for _, f := range fired {
		if f.Rule == rules.DefaultRule {
			rs.def.Add(1)
		} else {
			rs.hits[f.Rule].Add(1)
		}
		if f.Delay > 0 {
			later = append(later, f)
			continue
		}
		if !s.sendFired(p, f) {
			return
		}
	}
	if len(later) == 0 {
		return
	}
	if s.delayed.Add(1) > maxDelayed {
		s.delayed.Add(-1)
		s.emit(Entry{Kind: KindError, Peer: p.id, Addr: p.addr,
			Text: fmt.Sprintf("rule reply dropped: %d delayed replies are waiting already", maxDelayed)})
		return
	}
	slices.SortStableFunc(later, func(a, b rules.Fired) int { return int(a.Delay - b.Delay) })
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer s.delayed.Add(-1)
		for _, f := range later {
			if !s.sleepCtx(time.Until(now.Add(f.Delay))) {
				return
			}
			if !s.sendFired(p, f) {
				return
			}
		}
	}()
}

// sendFired sends one rule's reply and closes p after it when the rule
// says so; false when p is gone (later replies then have nowhere to go).
func (s *Session) sendFired(p *peer, f rules.Fired) bool {
	if p.byUs.Load() || PeerState(p.state.Load()) == PeerClosed {
		return false
	}
	if f.Reply != nil {
		_ = s.sendTo(p, f.Reply) // logged by sendTo; a failed reply does not stop reading
	}
	if !f.Close {
		return true
	}
	which := "the default reply"
	if f.Rule != rules.DefaultRule {
		which = fmt.Sprintf("rule %d", f.Rule+1)
	}
	s.logEvent(KindInfo, p, which+" closes the connection after its reply")
	_ = s.ClosePeer(p.id)
	return false
}
