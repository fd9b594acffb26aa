package socktable

import (
	"cmp"
	"context"
	"errors"
	"net/netip"
	"slices"
	"time"
)

// watchLookupTimeout bounds one connection's lookup, so one slow answer
// delays a view's refresh by a second at most.
const watchLookupTimeout = time.Second

// LiveConn is a TCP connection its owner (a session) has open, with the
// owner's name for it (a peer ID).
type LiveConn struct {
	ID uint64
	Conn4
}

// WatchedConn is one followed connection as the kernel sees it now.
type WatchedConn struct {
	ID uint64 // the owner's name for it
	Conn4
	TCP   TCPConn // the kernel's view; meaningful when Found
	Found bool    // the kernel still has the socket
	Err   error   // why the kernel could not say (ErrNotFound: it has no such socket)
}

// ConnWatch follows a set of TCP connections in the kernel's table for a
// view that shows each as the kernel sees it: FIN-WAIT-2 after our
// half-close, CLOSE-WAIT when the peer half-closed, TIME-WAIT after an
// active close, with TCP_INFO and the queues. A connection stays followed
// after its owner has forgotten it, until the kernel forgets it too, so
// the states after a close stay visible. At most max connections are
// followed; the others are counted, not looked up, so a server with
// thousands of peers costs max lookups per refresh.
//
// A ConnWatch belongs to one goroutine (a view's pump); it is not safe for
// concurrent use.
type ConnWatch struct {
	max     int
	tracked map[Conn4]uint64
	lookup  func(ctx context.Context, local, peer netip.AddrPort) (TCPConn, error)
}

// NewConnWatch returns a watch that follows at most max connections.
func NewConnWatch(max int) *ConnWatch {
	return &ConnWatch{max: max, tracked: map[Conn4]uint64{}, lookup: LookupTCP}
}

// Look starts following the live connections it has room for and asks the
// kernel about every followed one: one LookupTCP each (no table dump), so
// calling it about once a second costs little. It returns them ordered by
// ID, then by peer port, and how many live connections are not followed.
// A followed connection that is no longer live and that the kernel no
// longer has is dropped. When ctx ends, Look returns nothing.
func (w *ConnWatch) Look(ctx context.Context, live []LiveConn) (conns []WatchedConn, more int) {
	isLive := make(map[Conn4]bool, len(live))
	for _, c := range live {
		if isLive[c.Conn4] {
			continue
		}
		isLive[c.Conn4] = true
		if _, ok := w.tracked[c.Conn4]; !ok {
			if len(w.tracked) < w.max {
				w.tracked[c.Conn4] = c.ID
			} else {
				more++ // live, not followed: counted, not looked up
			}
		}
	}
	conns = make([]WatchedConn, 0, len(w.tracked))
	for ends, id := range w.tracked {
		lctx, cancel := context.WithTimeout(ctx, watchLookupTimeout)
		c, err := w.lookup(lctx, ends.Local, ends.Peer)
		cancel()
		if ctx.Err() != nil {
			return nil, 0
		}
		if errors.Is(err, ErrNotFound) && !isLive[ends] {
			delete(w.tracked, ends) // closed, and forgotten by the kernel too
			continue
		}
		conns = append(conns, WatchedConn{ID: id, Conn4: ends, TCP: c, Found: err == nil, Err: err})
	}
	slices.SortFunc(conns, func(a, b WatchedConn) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(a.Peer.Port(), b.Peer.Port()))
	})
	return conns, more
}
