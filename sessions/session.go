package sessions

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/payload"
)

// Session is one server or client (one tab): its sockets, peers, bounded log
// and counters. It owns every goroutine it starts; Close waits for them all.
type Session struct {
	cfg Config
	log *Log
	c   Counters

	state atomic.Int32 // State

	// peersNotify fires when a peer comes or goes or the state changes,
	// not on traffic: a command waiting for peers is not woken by every
	// read of a flood (PeersChanged).
	peersNotify notifier

	ctx    context.Context // lives from Start to Close
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	started bool
	closed  bool
	ln      net.Listener
	pc      net.PacketConn
	peers   map[PeerID]*peer
	byAddr  map[string]*peer // packet peers by remote address
	quiet   quietList        // packet peers, the quietest first
	current *peer            // a client's connection
	nextID  atomic.Uint64

	stopAfter func() bool // unregisters the ctx hook that closes sockets

	dialMu sync.Mutex    // one dial at a time (Start, Reconnect, auto)
	lost   chan struct{} // a client's connection ended on its own (cap 1)

	// emitMu orders entries: the log and every output see them in one
	// order. outs is replaced, never changed in place, under it.
	emitMu   sync.Mutex
	emitting Entry // emit's entry as the outputs' Wants see it (emitMu)
	outs     []*outQueue

	closeDone chan struct{} // closed when the first Close has finished

	replyCounter payload.Counter // {{counter}} in fixed replies and rule replies

	rules   atomic.Pointer[ruleState] // rules.go; nil without rules
	delayed atomic.Int64              // messages whose rule replies wait (rules.go)

	framing atomic.Pointer[framingState] // framing.go
	offline bool                         // made from a capture (capture.go): no sockets

	tls *netcore.TLSConfig // tls:// sessions, from Start (tls.go); its key log closes with the session

	// Relays (relay.go): the target's TLS config, the hold switches and
	// queues, and what was held and never forwarded.
	targetTLS    *netcore.TLSConfig
	hold         holdState
	droppedBytes atomic.Uint64
	droppedMsgs  atomic.Uint64
}

// New checks cfg and returns a session that does nothing until Start.
func New(cfg Config) (*Session, error) {
	switch cfg.Endpoint.Scheme {
	case netcore.SchemeTCP, netcore.SchemeTLS, netcore.SchemeUDP, netcore.SchemeUnix, netcore.SchemeUnixgram:
	default:
		return nil, fmt.Errorf("%w: unknown scheme %q", ErrBadConfig, cfg.Endpoint.Scheme)
	}
	if cfg.Role != Server && cfg.Role != Client && cfg.Role != Relay {
		return nil, fmt.Errorf("%w: unknown role %d", ErrBadConfig, cfg.Role)
	}
	if cfg.Role == Relay {
		if err := checkRelayConfig(cfg); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadConfig, err)
		}
	}
	if cfg.Unconnected && (cfg.Role != Client || cfg.Endpoint.Scheme != netcore.SchemeUDP) {
		return nil, fmt.Errorf("%w: only a udp client can be unconnected", ErrBadConfig)
	}
	if cfg.TLS != nil && !cfg.Endpoint.TLS() {
		return nil, fmt.Errorf("%w: TLS settings apply to tls:// endpoints only", ErrBadConfig)
	}
	if cfg.SaveDir != "" {
		if err := CheckSaveDir(cfg.SaveDir); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadConfig, err)
		}
	}
	if cfg.Name == "" {
		cfg.Name = cfg.Endpoint.String()
	}
	if cfg.ReadBuffer <= 0 {
		cfg.ReadBuffer = DefaultReadBuffer
	}
	if cfg.ReconnectMin <= 0 {
		cfg.ReconnectMin = 200 * time.Millisecond
	}
	if cfg.PeerIdle <= 0 {
		cfg.PeerIdle = DefaultPeerIdle
	}
	if cfg.MaxPeers <= 0 {
		cfg.MaxPeers = DefaultMaxPeers
	}
	if cfg.ReconnectMax < cfg.ReconnectMin {
		cfg.ReconnectMax = max(10*time.Second, cfg.ReconnectMin)
	}
	s := &Session{cfg: cfg, log: NewLog(cfg.LogBudget), peers: map[PeerID]*peer{}, byAddr: map[string]*peer{}, lost: make(chan struct{}, 1), closeDone: make(chan struct{})}
	s.log.SetSizesOnly(cfg.LogSizesOnly)
	s.framing.Store(&framingState{spec: cfg.Framing, opt: cfg.FramingOptions})
	if cfg.Rules != nil {
		if cfg.Reply != ReplyNone {
			return nil, fmt.Errorf("%w: %s", ErrBadConfig, errRulesAndReply)
		}
		if cfg.Role != Relay {
			if err := cfg.Rules.RelayOnly(); err != nil {
				return nil, fmt.Errorf("%w: %w", ErrBadConfig, err)
			}
		}
		s.rules.Store(newRuleState(cfg.Rules))
	}
	return s, nil
}

// Config returns the session's config (with defaults filled in).
func (s *Session) Config() Config { return s.cfg }

// Log is the session's bounded event log.
func (s *Session) Log() *Log { return s.log }

// Counters are the session's totals over all peers, past and present.
func (s *Session) Counters() CounterValues { return s.c.Snapshot() }

// State is the session's state now.
func (s *Session) State() State { return State(s.state.Load()) }

// Changed returns a coalescing signal that fires after the log, a peer or
// the state changed, and a func to unsubscribe.
func (s *Session) Changed() (<-chan struct{}, func()) { return s.log.Subscribe() }

// PeersChanged is Changed for peers and state only: it fires when a peer
// is added or removed, or the state changes, and never for traffic. A
// waiter on Changed wakes on every read, which cost a receiving `serve
// --quiet` a quarter more system time (futex and epoll per read).
func (s *Session) PeersChanged() (<-chan struct{}, func()) { return s.peersNotify.subscribe() }

func (s *Session) setState(st State) {
	s.state.Store(int32(st))
	s.log.version.Add(1)
	s.log.notify.signal()
	s.peersNotify.signal()
}

// Start listens or dials and returns once that worked or failed. ctx bounds
// the session's life: cancelling it closes every socket, like Close (which
// must still be called to wait for the goroutines).
func (s *Session) Start(ctx context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	if s.started {
		s.mu.Unlock()
		return ErrStarted
	}
	s.started = true
	s.ctx, s.cancel = context.WithCancel(ctx)
	// Cancelling ctx closes the sockets at once; the readers then end.
	s.stopAfter = context.AfterFunc(s.ctx, s.closeSockets)
	s.mu.Unlock()
	s.setState(StateStarting)
	err := s.setupTLS()
	switch {
	case err != nil:
	case s.cfg.Role == Server, s.cfg.Role == Relay:
		err = s.startServer()
	default:
		err = s.startClient()
	}
	if err != nil {
		s.setState(StateFailed)
		s.emit(Entry{Kind: KindError, Text: err.Error(), Err: err}) // Err: a recording shows a refused connect
		return err
	}
	return nil
}

// Close cancels the session, closes every socket, waits for every
// goroutine it started and then for every output to write what it was
// given. It is safe to call more than once.
func (s *Session) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		<-s.closeDone
		return nil
	}
	s.closed = true
	cancel, stop := s.cancel, s.stopAfter
	s.mu.Unlock()
	if stop != nil {
		stop() // Close closes the sockets itself, and waits
	}
	if cancel != nil {
		cancel()
	}
	s.closeSockets()
	s.wg.Wait()
	if s.State() != StateClosed {
		s.setState(StateClosed)
		s.relayClosing()
		s.logEvent(KindInfo, nil, "session closed")
	}
	s.closeOutputs()
	s.mu.Lock()
	tc, ttc := s.tls, s.targetTLS
	s.mu.Unlock()
	tc.Close()
	ttc.Close()
	close(s.closeDone)
	return nil
}

// closeSockets closes the listener and every peer; the goroutines reading
// them then log why and exit.
func (s *Session) closeSockets() {
	s.mu.Lock()
	ln, pc := s.ln, s.pc
	ps := make([]*peer, 0, len(s.peers))
	for _, p := range s.peers {
		ps = append(ps, p)
	}
	s.mu.Unlock()
	if ln != nil {
		ln.Close()
	}
	for _, p := range ps {
		p.markClosed()
		if p.conn != nil {
			p.conn.Close()
		}
		if p.relay != nil {
			p.relay.closeTarget()
		}
	}
	if pc != nil {
		pc.Close()
	}
}

// Peers lists the current peers by id.
func (s *Session) Peers() []PeerInfo {
	s.mu.Lock()
	out := make([]PeerInfo, 0, len(s.peers))
	for _, p := range s.peers {
		out = append(out, p.info())
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b PeerInfo) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

func (s *Session) peer(id PeerID) (*peer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	p, ok := s.peers[id]
	if !ok {
		return nil, fmt.Errorf("peer %d: %w", id, ErrNoPeer)
	}
	return p, nil
}

// Effective reports the options the kernel applied to the session's own
// socket (listener, datagram socket or the client's connection).
func (s *Session) Effective() ([]netcore.OptionValue, error) {
	s.mu.Lock()
	var c any
	switch {
	case s.ln != nil:
		c = s.ln
	case s.pc != nil:
		c = s.pc
	case s.current != nil:
		c = s.current.conn
	}
	s.mu.Unlock()
	return effective(c)
}

// PeerEffective reports the options in force on one accepted connection.
func (s *Session) PeerEffective(id PeerID) ([]netcore.OptionValue, error) {
	p, err := s.peer(id)
	if err != nil {
		return nil, err
	}
	if p.conn == nil {
		return effective(p.pc)
	}
	return effective(p.conn)
}

func effective(c any) ([]netcore.OptionValue, error) {
	if nc, ok := c.(net.Conn); ok && nc != nil {
		c = netcore.Underlying(nc) // the TCP socket under a TLS connection
	}
	sc, ok := c.(syscall.Conn)
	if !ok || c == nil {
		return nil, ErrNotStarted
	}
	return netcore.Effective(sc)
}

// logEvent adds a non-data entry for p (nil: session-wide).
func (s *Session) logEvent(k EntryKind, p *peer, text string) {
	e := Entry{Kind: k, Text: text}
	if p != nil {
		e.Peer, e.Addr = p.id, p.addr
	}
	s.emit(e)
}

// addPeer registers p under a fresh id; current makes it a client's connection.
func (s *Session) addPeer(p *peer, current bool) bool {
	p.id = PeerID(s.nextID.Add(1))
	p.since = time.Now()
	p.done = make(chan struct{})
	s.useFraming(p)
	s.mu.Lock()
	defer s.peersNotify.signal() // after the unlock: deferred calls run last first
	defer s.mu.Unlock()
	if s.closed || s.ctx.Err() != nil {
		return false
	}
	s.peers[p.id] = p
	if current {
		s.current = p
	}
	if p.conn == nil {
		s.byAddr[p.addr] = p
		if !current { // an unconnected client's own target is never forgotten
			p.lru = s.quiet.PushBack(p)
		}
	}
	return true
}

func (s *Session) removePeer(p *peer) {
	s.mu.Lock()
	delete(s.peers, p.id)
	if p.conn == nil && s.byAddr[p.addr] == p {
		delete(s.byAddr, p.addr)
	}
	if s.current == p {
		s.current = nil
	}
	if p.lru != nil {
		s.quiet.Remove(p.lru)
		p.lru = nil
	}
	s.mu.Unlock()
	s.peersNotify.signal()
	if p.relay != nil {
		s.relayForget(p)
	}
}

// sleepCtx waits d or until the session ends; false means it ended.
func (s *Session) sleepCtx(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.ctx.Done():
		return false
	}
}

func isClosedErr(err error) bool {
	return errors.Is(err, net.ErrClosed)
}

// PeersSeen is how many peers the session has had, present and gone.
func (s *Session) PeersSeen() uint64 { return s.nextID.Load() }

// Note adds a line of the front end's own to the session's log, in order
// with its traffic: a replay's step, say. An error note is shown as one.
func (s *Session) Note(text string, isError bool) {
	k := KindInfo
	if isError {
		k = KindError
	}
	s.emit(Entry{Kind: k, Note: NoteRemark, Text: text})
}
