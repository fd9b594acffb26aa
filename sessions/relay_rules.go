package sessions

import (
	"fmt"
	"time"

	"github.com/sockplay/sockplay/netcore/rules"
)

// Rules on a relay (relay.go) do not answer: a matching rule's reply
// replaces the message in what is forwarded to the other side (framed
// with the session's framing when the message came through one), drop or
// an empty reply forwards nothing, delay holds the direction back, close
// ends the pair after it. A rule with from=client or from=target acts on
// that side's messages only. Each rewrite or drop is one remark in the
// log naming the rule.

func relaySide(d int) rules.Side {
	if d == toTarget {
		return rules.FromClient
	}
	return rules.FromTarget
}

// relayRules is the rule state when a rule may act on what direction d
// carries, else nil (its bytes then go through as read).
func (s *Session) relayRules(d int) *ruleState {
	rs := s.rules.Load()
	if rs == nil || !rs.set.For(relaySide(d)) {
		return nil
	}
	return rs
}

// relayUnit forwards one message (or chunk, or datagram) msg, whose bytes
// as read are wire, unless a rule acts on it.
func (s *Session) relayUnit(p *peer, d int, msg, wire []byte, rs *ruleState, framed bool) error {
	if rs != nil {
		fired := rs.set.ApplyFrom(relaySide(d), msg, &s.replyCounter, time.Now(), nil)
		if len(fired) > 0 {
			return s.relayFired(p, d, msg, fired, rs, framed)
		}
		rs.unanswered.Add(1)
	}
	return s.forward(p, d, wire)
}

// relayFired forwards what the rules that matched msg made of it: the
// replies in order (each framed, for a framed message), or nothing when
// one drops it; one remark per rule.
func (s *Session) relayFired(p *peer, d int, msg []byte, fired []rules.Fired, rs *ruleState, framed bool) error {
	var out []byte
	var delay time.Duration
	drop, closeAfter := false, false
	enc := s.framingNow().spec
	from, to := sideNames[d], sideNames[1-d]
	for _, f := range fired {
		which := "the default rule"
		if f.Rule == rules.DefaultRule {
			rs.def.Add(1)
		} else {
			rs.hits[f.Rule].Add(1)
			which = fmt.Sprintf("rule %d", f.Rule+1)
		}
		delay = max(delay, f.Delay)
		closeAfter = closeAfter || f.Close
		switch {
		case f.Drop || len(f.Reply) == 0:
			drop = drop || f.Drop
			s.emit(Entry{Kind: KindInfo, Note: NoteRemark, Peer: p.id, Addr: p.addr, Bytes: uint64(len(msg)),
				Text: fmt.Sprintf("%s dropped a message from the %s (%d bytes): nothing of it goes to the %s", which, from, len(msg), to)})
		default:
			b := f.Reply
			if framed {
				fb, err := enc.Encode(nil, f.Reply)
				if err != nil {
					s.emit(Entry{Kind: KindError, Peer: p.id, Addr: p.addr, Err: err,
						Text: fmt.Sprintf("%s: framing %s cannot carry its reply (%v); the message from the %s goes to the %s unchanged", which, enc, err, from, to)})
					return s.forward(p, d, msg)
				}
				b = fb
			}
			out = append(out, b...)
			s.emit(Entry{Kind: KindInfo, Note: NoteRemark, Peer: p.id, Addr: p.addr, Bytes: uint64(len(b)),
				Text: fmt.Sprintf("%s rewrote a message from the %s (%d bytes) into %d bytes for the %s: %s", which, from, len(msg), len(b), to, preview(f.Reply))})
		}
	}
	if delay > 0 && !s.sleepCtx(delay) {
		return errRelayEnded
	}
	if !drop && len(out) > 0 {
		if err := s.forward(p, d, out); err != nil {
			return err
		}
	}
	if closeAfter {
		s.logEvent(KindInfo, p, "a rule closes both connections after this message")
		r := p.relay
		r.setEnd(reasonClosedByYou, nil)
		if p.stream {
			// What was forwarded goes out before the FIN, as a close does.
			s.relayKill(p, -1)
		} else {
			s.ClosePeer(p.id)
		}
		return errRelayEnded
	}
	return nil
}

// preview shows the start of a rewritten message in the log.
func preview(b []byte) string {
	const n = 40
	cut := ""
	if len(b) > n {
		b, cut = b[:n], "…"
	}
	return fmt.Sprintf("%q%s", b, cut)
}
