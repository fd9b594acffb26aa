package replay

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/netcore/pcap"
	"github.com/sockplay/sockplay/sessions"
)

// Pace is when the replay sends the client's next request.
type Pace string

// Paces.
const (
	// PaceReply sends each request once the reply to the one before has
	// come (as many bytes or messages as the capture had) or timed out:
	// what a request/response device expects.
	PaceReply Pace = "reply"
	// PaceCaptured keeps the capture's gaps between requests, whatever
	// comes back.
	PaceCaptured Pace = "captured"
	// PaceFast sends every request back to back.
	PaceFast Pace = "fast"
)

// Defaults of ClientConfig.
const (
	DefaultTimeout = 5 * time.Second
	DefaultSettle  = 100 * time.Millisecond
)

// ClientConfig says how to replay a conversation's client side.
type ClientConfig struct {
	// Spec is the session: URL (where the live server is), Options and
	// Framing (requests are framed with it, replies decoded with it).
	// Role is set to client; a reply mode is refused.
	Spec sessions.Spec
	Pace Pace // PaceReply if ""
	// Timeout is how long each reply may take (after its request went
	// out, or after the previous reply with paced sends); DefaultTimeout
	// if 0.
	Timeout time.Duration
	// Settle is how long the last reply is watched for bytes the capture
	// did not have; DefaultSettle if 0.
	Settle time.Duration
}

// ErrBadReplay matches every ConfigError: what NewClient and NewStandIn
// were asked does not work (a conversation with nothing to replay matches
// ErrNotReplayable instead).
var ErrBadReplay = errors.New("bad replay")

// ConfigError names what of a replay's or stand-in's config is wrong, so
// a front end can point at its own field or flag. Field is the Spec's
// JSON name ("url", "framing", "options", ...) or one of "pace",
// "timeout", "match", "unknown_reply"; the conversation's own problems
// (nothing to replay) are not ConfigErrors.
type ConfigError struct {
	Field string
	Err   error
}

func (e *ConfigError) Error() string        { return e.Field + ": " + e.Err.Error() }
func (e *ConfigError) Unwrap() error        { return e.Err }
func (e *ConfigError) Is(target error) bool { return target == ErrBadReplay }

func configErrf(field, format string, a ...any) error {
	return &ConfigError{Field: field, Err: fmt.Errorf(format, a...)}
}

// specError turns the session's refusal into a ConfigError for its field.
func specError(err error) error {
	var se *sessions.SpecError
	if errors.As(err, &se) {
		return &ConfigError{Field: se.Field, Err: se.Err}
	}
	return &ConfigError{Field: "spec", Err: err}
}

// Client replays the client side of a conversation against a live server.
type Client struct {
	plan *Plan
	cfg  ClientConfig
	sess *sessions.Session
	tap  *tap
	out  *sessions.OutputHandle
	// limit is the most the server's bytes may hold in memory: what the
	// capture's replies hold, and tapLimit more.
	limit int64
}

// NewClient plans the replay of c and makes its session (not started: the
// window can show it before Run).
func NewClient(c pcap.Conversation, cfg ClientConfig) (*Client, error) {
	switch cfg.Pace {
	case "":
		cfg.Pace = PaceReply
	case PaceReply, PaceCaptured, PaceFast:
	default:
		return nil, configErrf("pace", "%q is not one of reply, captured, fast", cfg.Pace)
	}
	if cfg.Timeout < 0 {
		return nil, configErrf("timeout", "%v is negative", cfg.Timeout)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Settle <= 0 {
		cfg.Settle = DefaultSettle
	}
	cfg.Spec.Role = "client"
	scfg, plan, err := prepare(c, cfg.Spec)
	if err != nil {
		return nil, err
	}
	sess, err := sessions.New(scfg)
	if err != nil {
		return nil, specError(err)
	}
	// A server may send what the capture had and tapLimit more before
	// the replay stops reading it.
	limit := tapLimit
	for _, t := range plan.Turns {
		limit += int64(len(t.ReplyBytes())) + t.ReplyGap
	}
	t, out := attachTap(sess, plan.Framing.Kind != framing.KindRaw, limit)
	return &Client{plan: plan, cfg: cfg, sess: sess, tap: t, out: out, limit: limit}, nil
}

// prepare checks the spec against the conversation and plans it.
func prepare(c pcap.Conversation, spec sessions.Spec) (sessions.Config, *Plan, error) {
	if spec.Reply != "" {
		return sessions.Config{}, nil, configErrf("reply", "a replay answers from the capture, not with reply %q", spec.Reply)
	}
	scfg, err := spec.Config()
	if err != nil {
		return scfg, nil, specError(err)
	}
	ep := scfg.Endpoint
	if c.Proto == "tcp" && !ep.Stream() {
		return scfg, nil, configErrf("url", "a tcp conversation needs a stream URL (tcp:// or unix://), not %s", ep.Scheme)
	}
	if c.Proto == "udp" && ep.Stream() {
		return scfg, nil, configErrf("url", "a udp conversation needs a datagram URL (udp:// or unixgram://), not %s", ep.Scheme)
	}
	plan, err := NewPlan(c, scfg.Framing)
	if err != nil {
		return scfg, nil, err
	}
	return scfg, plan, nil
}

// Plan is what the replay will do.
func (c *Client) Plan() *Plan { return c.plan }

// Config is the replay's config, with the defaults filled in.
func (c *Client) Config() ClientConfig { return c.cfg }

// Session is the replay's session, for a tab to show its traffic.
func (c *Client) Session() *sessions.Session { return c.sess }

// Close ends the replay's session (Run does when it ends).
func (c *Client) Close() error {
	c.sess.Close()
	return c.out.Close()
}

// inbox is what the server sent that no step has taken yet.
type inbox struct {
	buf   []byte   // raw TCP
	msgs  [][]byte // messages
	held  int      // bytes in msgs
	ended string   // why the connection ended ("" while open)
	fault string   // a receive error (nobody listening on udp) or framing trouble
}

func (in *inbox) size(messages bool) int {
	if messages {
		return len(in.msgs)
	}
	return len(in.buf)
}

// Run connects, plays every turn and reports each step as it ends, then
// closes the session (its log stays readable). The summary's OK says
// whether every reply matched; the error is for a replay that could not
// start (the server refused the connection).
func (c *Client) Run(ctx context.Context, report func(Step)) (Summary, error) {
	sum := Summary{Kind: KindSummary, Turns: len(c.plan.Turns)}
	defer c.Close()
	if report == nil {
		report = func(Step) {}
	}
	if err := c.sess.Start(ctx); err != nil {
		return sum, err
	}
	peers := c.sess.Peers()
	var peer sessions.PeerID
	if len(peers) > 0 {
		peer = peers[0].ID
	}
	start := time.Now()
	var in inbox
	messages := c.plan.Messages

	// Paced sends go out on their own goroutine, on time whatever comes
	// back; replies still go to the steps in order.
	type sent struct {
		at  time.Time
		err error
	}
	var paced chan sent
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	senderDone := make(chan struct{})
	if c.cfg.Pace != PaceReply {
		paced = make(chan sent, len(c.plan.Turns))
		go func() {
			defer close(senderDone)
			for _, turn := range c.plan.Turns {
				if turn.Request == nil {
					continue
				}
				// Each send is timed from the start, so one that went
				// late does not delay the rest.
				if d := time.Until(start.Add(turn.Offset)); c.cfg.Pace == PaceCaptured && d > 0 {
					select {
					case <-time.After(d):
					case <-sctx.Done():
						return
					}
				}
				if sctx.Err() != nil {
					return
				}
				at := time.Now()
				err := c.sess.Send(peer, turn.Request)
				paced <- sent{at, err}
				if err != nil {
					return
				}
			}
		}()
	} else {
		close(senderDone)
	}
	defer func() { stop(); <-senderDone }()

	prevDone := start
	for i, turn := range c.plan.Turns {
		last := i == len(c.plan.Turns)-1
		st := Step{Kind: KindSend, Step: i + 1, Turn: turn.N, Sent: Data{}, Got: Data{}}
		if turn.Request == nil {
			st.Kind = KindGreeting
		}
		sentAt := start
		if turn.Request != nil {
			var err error
			if paced == nil {
				sentAt = time.Now()
				err = c.sess.Send(peer, turn.Request)
			} else {
				select {
				case s := <-paced:
					sentAt, err = s.at, s.err
				case <-ctx.Done():
					err = ctx.Err()
				}
			}
			st.Sent = Data{turn.Request}
			if err != nil {
				st.Status, st.Note = StatusError, "not sent: "+err.Error()
				st.At = Millis(time.Since(start))
				report(st)
				sum.Steps++
				sum.Differed = append(sum.Differed, st.Step)
				sum.Stopped = fmt.Sprintf("step %d could not be sent: %v", st.Step, err)
				return sum, nil
			}
			if turn.RequestGap > 0 {
				st.Note = fmt.Sprintf("%d bytes the client sent before this were never captured and are not sent", turn.RequestGap)
			}
		}
		st.At = Millis(sentAt.Sub(start))
		from := sentAt
		if paced != nil && prevDone.After(from) {
			from = prevDone
		}
		want := turn.Replies
		need := len(want)
		if !messages {
			want = [][]byte{turn.ReplyBytes()}
			need = len(want[0]) + int(turn.ReplyGap)
		}
		st.Expected = want
		timedOut := c.wait(ctx, &in, from.Add(c.cfg.Timeout), func() bool { return in.size(messages) >= need })
		if last && !timedOut && in.ended == "" {
			// Anything past what the capture had is part of the last
			// reply: it differs.
			c.wait(ctx, &in, time.Now().Add(c.cfg.Settle), func() bool { return false })
		}
		// A paced replay's next replies may be in already: take this
		// step's share; otherwise all that came before the next send.
		take := in.size(messages)
		if paced != nil && !last {
			take = min(take, need)
		}
		if messages {
			st.Got = Data(in.msgs[:take:take])
			in.msgs = in.msgs[take:]
			in.held -= st.Got.Len()
		} else {
			st.Got = Data{in.buf[:take:take]}
			in.buf = in.buf[take:]
		}
		prevDone = time.Now()
		c.judge(&st, turn, messages, need, in)
		in.fault = "" // said by this step; the next one waits afresh
		if ctx.Err() != nil && st.Status != StatusMatch {
			st.Note = join(st.Note, "stopped: "+ctx.Err().Error())
		}
		report(st)
		sum.Steps++
		switch st.Status {
		case StatusMatch:
			sum.Matched++
		case StatusUnchecked:
			sum.Unchecked++
		default:
			sum.Differed = append(sum.Differed, st.Step)
		}
		if ctx.Err() != nil {
			sum.Stopped = "stopped: " + ctx.Err().Error()
			return sum, nil
		}
		if in.ended != "" && in.size(messages) == 0 && !last {
			sum.Stopped = fmt.Sprintf("the connection ended after step %d (%s); %d turns were not played", st.Step, in.ended, len(c.plan.Turns)-i-1)
			return sum, nil
		}
	}
	sum.OK = len(sum.Differed) == 0
	return sum, nil
}

// judge sets the step's status from what came.
func (c *Client) judge(st *Step, turn Turn, messages bool, need int, in inbox) {
	got := 0
	if messages {
		got = len(st.Got)
	} else {
		got = len(st.Got[0])
	}
	short := got < need
	switch {
	case turn.ReplyGap > 0 && !short:
		st.Status, st.Match = StatusUnchecked, true
		st.Note = join(st.Note, fmt.Sprintf("the capture lost %d bytes of this reply, so it is not compared", turn.ReplyGap))
		return
	case messages:
		st.Diff = DiffMessages(st.Expected, st.Got)
	default:
		st.Diff = Diff(st.Expected[0], st.Got[0])
	}
	st.Match = st.Diff == ""
	switch {
	case st.Match:
		st.Status = StatusMatch
	case short && in.ended != "":
		st.Status = StatusClosed
		st.Note = join(st.Note, "the connection ended: "+in.ended)
	case short && in.fault != "":
		st.Status = StatusError
		st.Note = join(st.Note, in.fault)
	case short:
		st.Status = StatusTimeout
		st.Note = join(st.Note, fmt.Sprintf("no whole reply within %v", c.cfg.Timeout))
	default:
		st.Status = StatusDiffer
	}
	if in.fault != "" && st.Status != StatusError && !st.Match {
		st.Note = join(st.Note, in.fault)
	}
}

// wait takes what the tap has into in until done holds, the connection
// ended, a receive error came, ctx ended or the deadline passed (true).
func (c *Client) wait(ctx context.Context, in *inbox, deadline time.Time, done func() bool) (timedOut bool) {
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	for {
		for _, ev := range c.tap.take() {
			c.receive(in, ev)
		}
		if done() || in.ended != "" || (in.fault != "" && in.size(c.plan.Messages) == 0) {
			return false
		}
		select {
		case <-c.tap.wake:
		case <-t.C:
			return true
		case <-ctx.Done():
			return false
		}
	}
}

// receive adds one event of the session to the inbox. A server that
// sends far more than the steps take is cut off, so it cannot fill memory.
func (c *Client) receive(in *inbox, ev event) {
	switch ev.kind {
	case sessions.KindDataIn, sessions.KindMessage:
		if in.ended != "" {
			return
		}
		if int64(len(in.buf)+in.held+len(ev.data)) > c.limit {
			in.ended = fmt.Sprintf("the server sent %s more than the capture's replies hold; the replay closed the connection", sizeText(tapLimit))
			c.sess.ClosePeer(ev.peer)
			return
		}
		if c.plan.Messages {
			// A message, a datagram (raw udp), or raw bytes past a stuck decoder.
			in.msgs = append(in.msgs, ev.data)
			in.held += len(ev.data)
		} else {
			in.buf = append(in.buf, ev.data...)
		}
	case sessions.KindClosed:
		if in.ended == "" {
			in.ended = ev.text
		}
		if in.ended == "" {
			in.ended = "closed"
		}
	case sessions.KindError:
		in.fault = ev.text
	}
}

func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}
