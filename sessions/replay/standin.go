package replay

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/netcore/pcap"
	"github.com/sockplay/sockplay/sessions"
)

// Match is how the stand-in finds the capture's turn for a request.
type Match string

// Matches.
const (
	// MatchOrder answers a client's n-th request with the answer to the
	// capture's n-th, whatever it asks: a device that plays its part.
	MatchOrder Match = "order"
	// MatchContent answers a request with the answer to the same request
	// in the capture (exact bytes, after framing), so a client that asks
	// in another order still gets the right answers. A request the
	// capture holds several times gets their answers in turn, then the
	// last one again.
	MatchContent Match = "content"
)

// StandInConfig says how to stand in for a conversation's server.
type StandInConfig struct {
	// Spec is the session: URL to listen on, Options and Framing
	// (requests are decoded with it, answers framed with it). Role is
	// set to server; a reply mode is refused (answers come from the
	// capture).
	Spec  sessions.Spec
	Match Match // MatchOrder if ""
	// Unknown answers a request the capture has no answer for, in the
	// payload syntax (rendered per answer: {{counter}} counts them); nil
	// answers nothing. Either way the request is reported.
	Unknown *payload.Spec
}

// StandIn answers clients as the conversation's server did: a device mock
// made from a capture. Each client (each connection, or each source
// address over UDP) starts from the conversation's beginning.
type StandIn struct {
	plan    *Plan
	cfg     StandInConfig
	match   Match
	sess    *sessions.Session
	tap     *tap
	out     *sessions.OutputHandle
	unknown *payload.Payload
	counter payload.Counter

	requests  []int            // indexes of plan.Turns that have a request, in order
	byContent map[string][]int // a request's bytes: the turns that have it

	// The worker's alone.
	report  func(Step)
	start   time.Time
	clients map[sessions.PeerID]*standClient

	started    bool
	stop, done chan struct{}
	closeOnce  sync.Once

	mu  sync.Mutex
	sum Summary
}

// standClient is where one client is in the conversation.
type standClient struct {
	peer     sessions.PeerID
	addr     string
	steps    int
	next     int          // MatchOrder: the next of requests
	used     map[int]bool // MatchContent: turns answered
	buf      []byte       // raw TCP: bytes not yet matched to a request
	finished bool         // KindDone was reported
}

// NewStandIn plans the stand-in for c's server and makes its session (not
// started).
func NewStandIn(c pcap.Conversation, cfg StandInConfig) (*StandIn, error) {
	switch cfg.Match {
	case "":
		cfg.Match = MatchOrder
	case MatchOrder, MatchContent:
	default:
		return nil, configErrf("match", "%q is not one of order, content", cfg.Match)
	}
	cfg.Spec.Role = "server"
	scfg, plan, err := prepare(c, cfg.Spec)
	if err != nil {
		return nil, err
	}
	s := &StandIn{plan: plan, cfg: cfg, match: cfg.Match, byContent: map[string][]int{}, clients: map[sessions.PeerID]*standClient{},
		stop: make(chan struct{}), done: make(chan struct{}), sum: Summary{Kind: KindSummary, Turns: len(plan.Turns), OK: true}}
	if cfg.Unknown != nil {
		if cfg.Unknown.Mode == payload.File {
			return nil, configErrf("unknown_reply", "a file cannot be the answer; give text, hex or base64")
		}
		pl, err := payload.Compile(*cfg.Unknown)
		if err == nil && plan.Framing.Kind != framing.KindRaw {
			var b []byte
			if b, err = pl.Render(nil, time.Now()); err == nil {
				_, err = plan.Framing.Encode(nil, b)
			}
		}
		if err != nil {
			return nil, &ConfigError{Field: "unknown_reply", Err: err}
		}
		s.unknown = pl
	}
	for i, t := range plan.Turns {
		if t.Request == nil {
			continue
		}
		s.requests = append(s.requests, i)
		s.byContent[string(t.Request)] = append(s.byContent[string(t.Request)], i)
	}
	if s.sess, err = sessions.New(scfg); err != nil {
		return nil, specError(err)
	}
	s.tap, s.out = attachTap(s.sess, plan.Framing.Kind != framing.KindRaw, tapLimit)
	return s, nil
}

// Plan is what the stand-in answers from.
func (s *StandIn) Plan() *Plan { return s.plan }

// Config is the stand-in's config, with the defaults filled in.
func (s *StandIn) Config() StandInConfig { return s.cfg }

// Session is the stand-in's session, for a tab to show its traffic.
func (s *StandIn) Session() *sessions.Session { return s.sess }

// Addr is where it listens (with the port the kernel chose for port 0).
func (s *StandIn) Addr() net.Addr { return s.sess.Addr() }

// Start listens and answers clients until Close, reporting every client,
// request and answer to report (called on one goroutine, in order).
func (s *StandIn) Start(ctx context.Context, report func(Step)) error {
	if report == nil {
		report = func(Step) {}
	}
	s.report, s.start, s.started = report, time.Now(), true
	if err := s.sess.Start(ctx); err != nil {
		close(s.done)
		return err
	}
	go s.run()
	return nil
}

// Close stops listening, closes every client, reports what is left
// (each client's end) and returns the totals.
func (s *StandIn) Close() Summary {
	s.closeOnce.Do(func() {
		s.sess.Close() // the tap has every entry once this returns
		s.out.Close()
		close(s.stop)
		if !s.started {
			close(s.done)
		}
		<-s.done
	})
	return s.Summary()
}

// Summary is the totals so far.
func (s *StandIn) Summary() Summary {
	s.mu.Lock()
	defer s.mu.Unlock()
	sum := s.sum
	sum.Differed = append([]int(nil), s.sum.Differed...)
	return sum
}

// run is the worker: it takes what the session's peers sent, in order,
// and answers it. It ends at Close, after the last entry.
func (s *StandIn) run() {
	defer close(s.done)
	for {
		select {
		case <-s.tap.wake:
		case <-s.stop:
			for _, ev := range s.tap.take() {
				s.handle(ev)
			}
			return
		}
		for _, ev := range s.tap.take() {
			s.handle(ev)
		}
	}
}

func (s *StandIn) since(at time.Time) Millis {
	if at.Before(s.start) {
		return 0
	}
	return Millis(at.Sub(s.start))
}

func (s *StandIn) client(ev event) *standClient {
	c := s.clients[ev.peer]
	if c == nil {
		c = &standClient{peer: ev.peer, addr: ev.addr, used: map[int]bool{}}
		s.clients[ev.peer] = c
		s.count(func(sum *Summary) { sum.Clients++ })
	}
	return c
}

func (s *StandIn) count(f func(sum *Summary)) {
	s.mu.Lock()
	f(&s.sum)
	s.mu.Unlock()
}

// handle acts on one entry of the session.
func (s *StandIn) handle(ev event) {
	switch ev.kind {
	case sessions.KindAccepted:
		c := s.client(ev)
		st := Step{Kind: KindClient, Peer: uint64(c.peer), Client: c.addr, At: s.since(ev.at), Sent: Data{}, Expected: Data{}, Got: Data{}}
		if g, ok := s.plan.Greeting(); ok && s.plan.Proto == "tcp" {
			st.Sent = Data(g.Replies)
			st.Status = StatusAnswered
			st.Note = "greeted as the capture's server did"
			if err := s.send(c, g.Replies); err != nil {
				st.Status, st.Note = StatusError, "greeting not sent: "+err.Error()
			}
		}
		s.report(st)
	case sessions.KindDataIn, sessions.KindMessage:
		c := s.client(ev)
		if s.plan.Messages {
			s.request(c, ev.data, ev.at)
			return
		}
		c.buf = append(c.buf, ev.data...)
		s.matchStream(c, ev.at)
	case sessions.KindClosed:
		c := s.clients[ev.peer]
		if c == nil {
			return
		}
		if len(c.buf) > 0 {
			// A start of a request that never became whole.
			s.answer(c, -1, c.buf, ev.at, "the client left before the request was whole")
			c.buf = nil
		}
		delete(s.clients, ev.peer)
		s.finish(c, ev.at, ev.text)
	case sessions.KindError:
		st := Step{Kind: KindError, Peer: uint64(ev.peer), Client: ev.addr, At: s.since(ev.at), Status: StatusError,
			Note: ev.text, Sent: Data{}, Expected: Data{}, Got: Data{}}
		if c := s.clients[ev.peer]; c != nil {
			st.Step = c.steps
		}
		s.report(st)
	case sessions.KindInfo: // datagram peers forgotten: their clients are done
		live := map[sessions.PeerID]bool{}
		for _, p := range s.sess.Peers() {
			live[p.ID] = true
		}
		for id, c := range s.clients {
			if !live[id] {
				delete(s.clients, id)
				s.finish(c, ev.at, "forgotten after a quiet while ("+ev.text+")")
			}
		}
	}
}

// finish reports that a client is done, once.
func (s *StandIn) finish(c *standClient, at time.Time, why string) {
	if c.finished {
		return
	}
	c.finished = true
	s.report(Step{Kind: KindDone, Step: c.steps, Peer: uint64(c.peer), Client: c.addr, At: s.since(at),
		Note: why, Sent: Data{}, Expected: Data{}, Got: Data{}})
}

// request answers one whole request (a message or a datagram).
func (s *StandIn) request(c *standClient, msg []byte, at time.Time) {
	idx := -1
	if s.match == MatchOrder {
		if c.next < len(s.requests) {
			idx = s.requests[c.next]
			c.next++
		}
	} else {
		idx = s.pick(c, msg)
	}
	s.answer(c, idx, msg, at, "")
	if s.plan.Proto != "udp" {
		return
	}
	// A datagram client never leaves: it is done when it has asked
	// everything the capture holds.
	if s.match == MatchOrder && c.next == len(s.requests) || s.match == MatchContent && len(c.used) == len(s.requests) {
		s.finish(c, at, "asked every request of the capture")
	}
}

// pick is the turn that answers msg by content, or -1.
func (s *StandIn) pick(c *standClient, msg []byte) int {
	turns := s.byContent[string(msg)]
	if len(turns) == 0 {
		return -1
	}
	for _, i := range turns {
		if !c.used[i] {
			c.used[i] = true
			return i
		}
	}
	return turns[len(turns)-1]
}

// matchStream cuts raw TCP bytes into the capture's requests: by their
// lengths in order, or by the longest request the bytes begin with. Bytes
// that can no longer become a known request are one unknown request.
func (s *StandIn) matchStream(c *standClient, at time.Time) {
	for len(c.buf) > 0 {
		if s.match == MatchOrder {
			if c.next >= len(s.requests) {
				s.answer(c, -1, c.take(len(c.buf)), at, "past the capture's last request")
				return
			}
			t := s.plan.Turns[s.requests[c.next]]
			n := len(t.Request) + int(t.RequestGap)
			if len(c.buf) < n {
				return
			}
			c.next++
			s.answer(c, s.requests[c.next-1], c.take(n), at, "")
			continue
		}
		best := ""
		waiting := false
		for req := range s.byContent {
			switch {
			case req == "": // an empty request is no prefix of anything
			case len(req) > len(best) && bytes.HasPrefix(c.buf, []byte(req)):
				best = req
			case len(req) > len(c.buf) && bytes.HasPrefix([]byte(req), c.buf):
				waiting = true
			}
		}
		switch {
		case best != "":
			idx := s.pick(c, []byte(best))
			s.answer(c, idx, c.take(len(best)), at, "")
		case waiting:
			return
		default:
			s.answer(c, -1, c.take(len(c.buf)), at, "")
		}
	}
}

func (c *standClient) take(n int) []byte {
	b := c.buf[:n:n]
	c.buf = c.buf[n:]
	if len(c.buf) == 0 {
		c.buf = nil
	}
	return b
}

// answer sends the answer of turn idx (-1: unknown) to a request and
// reports it.
func (s *StandIn) answer(c *standClient, idx int, got []byte, at time.Time, note string) {
	c.steps++
	st := Step{Kind: KindRequest, Step: c.steps, Peer: uint64(c.peer), Client: c.addr, At: s.since(at),
		Got: Data{got}, Sent: Data{}, Expected: Data{}, Note: note}
	if idx < 0 {
		st.Kind, st.Status = KindUnknown, StatusNoReply
		if s.unknown != nil {
			b, err := s.unknown.Render(&s.counter, time.Now())
			if err == nil {
				err = s.send(c, [][]byte{b})
			}
			st.Sent, st.Status = Data{b}, StatusAnswered
			if err != nil {
				st.Status, st.Note = StatusError, join(st.Note, "not answered: "+err.Error())
			}
		}
		s.count(func(sum *Summary) { sum.Steps++; sum.Unknown++ })
		s.report(st)
		return
	}
	t := s.plan.Turns[idx]
	st.Turn, st.Expected = t.N, Data{t.Request}
	st.Diff = Diff(t.Request, got)
	st.Match = st.Diff == ""
	if !st.Match {
		st.Note = join(st.Note, fmt.Sprintf("answered as the capture's request %d, which differs", t.N))
	}
	st.Sent, st.Status = Data(t.Replies), StatusAnswered
	if len(t.Replies) == 0 {
		st.Status = StatusNoReply
	}
	if t.ReplyGap > 0 {
		st.Note = join(st.Note, fmt.Sprintf("the capture lost %d bytes of this answer; the rest was sent", t.ReplyGap))
	}
	if err := s.send(c, t.Replies); err != nil {
		st.Status, st.Note = StatusError, join(st.Note, "not answered: "+err.Error())
	}
	s.count(func(sum *Summary) {
		sum.Steps++
		if st.Status != StatusError {
			sum.Answered++
		}
		if st.Match {
			sum.Matched++
		} else {
			sum.Differed = append(sum.Differed, t.N)
		}
	})
	s.report(st)
}

// send writes the replies, each as the capture had it (a message with
// the session's framing, a chunk, a datagram).
func (s *StandIn) send(c *standClient, replies [][]byte) error {
	for _, r := range replies {
		if err := s.sess.Send(c.peer, r); err != nil {
			return err
		}
	}
	return nil
}
