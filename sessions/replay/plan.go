package replay

import (
	"errors"
	"fmt"
	"time"

	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/netcore/pcap"
)

// Plan is a conversation cut into turns: each request of the client with
// what the server sent after it, until the client's next request. It is
// what both the replay and the stand-in act out, so they read a capture
// the same way.
type Plan struct {
	ID             int    // the conversation's number in its capture
	Proto          string // "tcp" or "udp"
	Client, Server string // the captured endpoints, as text
	Framing        framing.Spec
	// Messages says what a request and a reply are: whole messages
	// (a framing, or UDP datagrams), compared one by one; otherwise
	// (raw TCP) chunks as captured, whose bytes are compared as one
	// stream, since a live peer cuts the same bytes differently.
	Messages bool
	Turns    []Turn
	// Notes say what of the capture cannot be acted out exactly (bytes
	// never captured, a frame the capture cut short).
	Notes []string
}

// Turn is one request of the client and the server's answer to it.
type Turn struct {
	// N numbers the client's requests from 1; a greeting (the server
	// spoke before the client sent anything) is turn 0, with no Request.
	N       int
	Request []byte
	// Replies are the server's messages (or chunks, raw TCP) after the
	// request, before the client's next one; none when it did not answer.
	Replies [][]byte
	// Offset is when the request was sent (the greeting: its first reply),
	// counted from the conversation's first payload: what `captured`
	// pacing keeps.
	Offset time.Duration
	// RequestGap and ReplyGap count bytes the capture lost just before
	// the request, and inside the replies: the request goes out without
	// them, and a reply with a gap cannot be compared.
	RequestGap, ReplyGap int64
}

// ReplyBytes is every byte of the replies, as a stream peer reads them.
func (t Turn) ReplyBytes() []byte {
	var n int
	for _, r := range t.Replies {
		n += len(r)
	}
	b := make([]byte, 0, n)
	for _, r := range t.Replies {
		b = append(b, r...)
	}
	return b
}

// Requests counts the turns that have a request.
func (p *Plan) Requests() int {
	n := 0
	for _, t := range p.Turns {
		if t.Request != nil {
			n++
		}
	}
	return n
}

// Greeting is the turn the server opened with, if it spoke first.
func (p *Plan) Greeting() (Turn, bool) {
	if len(p.Turns) > 0 && p.Turns[0].Request == nil {
		return p.Turns[0], true
	}
	return Turn{}, false
}

// Errors of NewPlan, matchable with errors.Is.
var (
	ErrNotReplayable = errors.New("conversation cannot be replayed")
)

// piece is one message or chunk of one side, in capture order.
type piece struct {
	client bool
	data   []byte
	at     time.Time
	gap    int64
}

// NewPlan cuts c into turns. With a framing each side's bytes are decoded
// into messages by their own decoder (as a live session decodes each
// peer), and a message belongs to the turn in which its last byte was
// captured; without one, TCP chunks and UDP datagrams are taken as
// captured.
func NewPlan(c pcap.Conversation, f framing.Spec) (*Plan, error) {
	if c.Proto != "tcp" && c.Proto != "udp" {
		return nil, fmt.Errorf("%w: its protocol %q is neither tcp nor udp", ErrNotReplayable, c.Proto)
	}
	if err := f.Validate(); err != nil {
		return nil, &ConfigError{Field: "framing", Err: err}
	}
	p := &Plan{ID: c.ID, Proto: c.Proto, Client: c.Client.String(), Server: c.Server.String(),
		Framing: f, Messages: c.Proto == "udp" || f.Kind != framing.KindRaw}
	pieces := p.cut(c)
	if len(pieces) == 0 {
		return nil, fmt.Errorf("%w: %s conversation %d carries no data", ErrNotReplayable, c.Proto, c.ID)
	}
	var first time.Time
	for _, pc := range pieces {
		if !pc.at.IsZero() {
			first = pc.at
			break
		}
	}
	offset := func(at time.Time) time.Duration {
		if at.IsZero() || first.IsZero() || at.Before(first) {
			return 0
		}
		return at.Sub(first)
	}
	for _, pc := range pieces {
		switch {
		case pc.client:
			p.Turns = append(p.Turns, Turn{N: p.Requests() + 1, Request: nonNil(pc.data), Offset: offset(pc.at), RequestGap: pc.gap})
		case len(p.Turns) == 0:
			p.Turns = append(p.Turns, Turn{N: 0, Offset: offset(pc.at)})
			fallthrough
		default:
			t := &p.Turns[len(p.Turns)-1]
			t.Replies = append(t.Replies, nonNil(pc.data))
			t.ReplyGap += pc.gap
		}
	}
	if d := c.Dropped; d[0] > 0 || d[1] > 0 {
		p.Notes = append(p.Notes, fmt.Sprintf("the capture reader kept only the start of this conversation (a limit of its memory): the last %d bytes of the client and %d of the server are not played", d[0], d[1]))
	}
	if p.Requests() == 0 {
		return nil, fmt.Errorf("%w: the client of %s conversation %d sent nothing", ErrNotReplayable, c.Proto, c.ID)
	}
	return p, nil
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// cut turns the chunks into pieces: chunks as they are without a framing,
// else each side's decoded messages. A gap flushes that side's decoder
// (a frame cannot be finished across bytes never captured) and is carried
// by the side's next piece.
func (p *Plan) cut(c pcap.Conversation) []piece {
	var out []piece
	if p.Framing.Kind == framing.KindRaw {
		for _, ch := range c.Chunks {
			if len(ch.Data) == 0 && c.Proto == "tcp" {
				if ch.Gap > 0 {
					out = append(out, piece{client: ch.FromClient, data: []byte{}, at: ch.Time, gap: ch.Gap})
				}
				continue
			}
			out = append(out, piece{client: ch.FromClient, data: ch.Data, at: ch.Time, gap: ch.Gap})
		}
		p.noteGaps(out)
		return out
	}
	var dec [2]framing.Decoder
	var gap [2]int64
	var last [2]time.Time
	var stuck [2]bool
	for i := range dec {
		dec[i] = p.Framing.NewDecoder(framing.Options{})
	}
	name := [2]string{"client", "server"}
	emit := func(side int, msgs []framing.Message, at time.Time) {
		for _, m := range msgs {
			out = append(out, piece{client: side == 0, data: m.Data, at: at, gap: gap[side]})
			gap[side] = 0
		}
	}
	flush := func(side int, why string) {
		msgs, err := dec[side].Flush()
		emit(side, msgs, last[side])
		if err != nil && !stuck[side] {
			p.Notes = append(p.Notes, fmt.Sprintf("the %s's last frame %s: %v", name[side], why, err))
		}
	}
	for _, ch := range c.Chunks {
		side := 1
		if ch.FromClient {
			side = 0
		}
		if stuck[side] {
			continue
		}
		// idle framing ends a message at a pause, which the decoder cannot
		// see in bytes: the capture's timestamps show it.
		if p.Framing.Kind == framing.KindIdle && !last[side].IsZero() && ch.Time.Sub(last[side]) >= p.Framing.Gap {
			flush(side, "before a pause")
		}
		if ch.Gap > 0 {
			flush(side, fmt.Sprintf("was cut by %d bytes never captured", ch.Gap))
			gap[side] += ch.Gap
		}
		msgs, err := dec[side].Feed(ch.Data)
		last[side] = ch.Time
		emit(side, msgs, ch.Time)
		if err != nil {
			if errors.Is(err, framing.ErrStuck) {
				stuck[side] = true
				p.Notes = append(p.Notes, fmt.Sprintf("the %s's bytes stop being %s messages at %s: %v; the rest of that side is left out", name[side], p.Framing, ch.Time.Format("15:04:05.000000"), err))
				continue
			}
			p.Notes = append(p.Notes, fmt.Sprintf("the %s sent a bad frame: %v", name[side], err))
		}
	}
	for side := range dec {
		if !stuck[side] {
			flush(side, "is incomplete at the end of the capture")
		}
	}
	p.noteGaps(out)
	return out
}

// noteGaps says once how many bytes each side lost in the capture.
func (p *Plan) noteGaps(pieces []piece) {
	var lost [2]int64
	for _, pc := range pieces {
		if pc.client {
			lost[0] += pc.gap
		} else {
			lost[1] += pc.gap
		}
	}
	if lost[0] > 0 {
		p.Notes = append(p.Notes, fmt.Sprintf("%d bytes the client sent were never captured; they are not sent", lost[0]))
	}
	if lost[1] > 0 {
		p.Notes = append(p.Notes, fmt.Sprintf("%d bytes the server sent were never captured; the replies that lost them are not compared", lost[1]))
	}
}
