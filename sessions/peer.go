package sessions

import (
	"container/list"
	"net"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/framing"
	"sync"
	"sync/atomic"
	"time"
)

// peer is one connection (stream or connected datagram) or one remote
// address of a shared datagram socket.
type peer struct {
	id      PeerID
	addr    string
	local   string         // our end, so the kernel's view of the socket can be found
	conn    net.Conn       // nil for packet peers
	pc      net.PacketConn // packet peers: the session's socket
	raddr   net.Addr       // packet peers: where to send
	stream  bool
	since   time.Time
	c       Counters
	dec     framing.Decoder // nil without framing; its reader's alone
	decGen  uint64          // the framing generation dec was made for (reader only)
	stuck   bool            // dec stopped: later chunks are shown raw (reader only)
	lru     *list.Element   // packet peers: place in Session.quiet
	lastIn  time.Time       // packet peers: last datagram (Session.mu)
	flushed bool            // dec was flushed at the end of the stream (reader only)

	tls      atomic.Pointer[netcore.TLSInfo] // tls://: what the handshake agreed on
	state    atomic.Int32                    // PeerState
	byUs     atomic.Bool                     // we closed it: the reason is "closed by you"
	aborted  atomic.Bool                     // ... with a reset
	stalled  atomic.Bool                     // stopped reading what Broadcast sends: skipped since
	missed   atomic.Uint64                   // bytes Broadcast skipped it for
	probing  atomic.Bool                     // a Broadcast write with a stall deadline is under way
	doneOnce sync.Once
	done     chan struct{} // closed when we close the peer (ends a kept half-open wait)

	relay *relayPeer // a relay's pair: the target side and both directions (relay.go)
}

// PeerInfo is a copy of one peer's state for display.
type PeerInfo struct {
	ID       PeerID
	Addr     string
	Local    string // our end of the connection (or the shared datagram socket)
	State    PeerState
	Since    time.Time
	Counters CounterValues
	TLS      *netcore.TLSInfo // tls:// peers after the handshake: version, suite, ALPN, chain

	// A relay's pair: Addr and Local are its client's connection, Target
	// the target's address and TargetLocal our end toward it (empty while
	// connecting), TargetTLS that handshake (a tls:// target). Counters
	// In are what the client sent toward the target, Out what the target
	// sent back.
	Target, TargetLocal string
	TargetTLS           *netcore.TLSInfo
}

func (p *peer) info() PeerInfo {
	in := PeerInfo{ID: p.id, Addr: p.addr, Local: p.local, State: PeerState(p.state.Load()), Since: p.since, Counters: p.c.Snapshot(), TLS: p.tls.Load()}
	if r := p.relay; r != nil {
		r.mu.Lock()
		in.Target, in.TargetLocal = r.addr, r.local
		r.mu.Unlock()
		in.TargetTLS = r.tls.Load()
	}
	return in
}

// markClosed records that we are closing the peer and wakes a half-open wait.
func (p *peer) markClosed() {
	p.byUs.Store(true)
	p.doneOnce.Do(func() { close(p.done) })
}

func addrText(a net.Addr) string {
	if a == nil {
		return "(unnamed)"
	}
	s := a.String()
	if s == "" || s == "@" {
		return "(unnamed)"
	}
	return s
}
