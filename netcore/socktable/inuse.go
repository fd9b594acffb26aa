package socktable

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"syscall"

	"github.com/sockplay/sockplay/netcore"
)

// AddrInUseError says who holds an address a listen or bind failed on, so
// the person reads "127.0.0.1:9000 is already in use by python3 (pid
// 4242)" instead of "address already in use". It unwraps to the original
// error, so errors.Is(err, syscall.EADDRINUSE) still holds.
type AddrInUseError struct {
	Network string         // "tcp" or "udp"
	Addr    netip.AddrPort // the address asked for
	Holder  *Owner         // a process holding a conflicting socket; nil if none is visible
	State   State          // that socket's state; 0 when no socket was found
	UID     uint32         // that socket's uid, NoUID when unknown
	// ReuseAddr says whether the refused bind had SO_REUSEADDR on (nil when
	// unknown). It decides the advice when a TIME_WAIT connection holds the
	// port: with it off, turning it on helps; with it on, the connection's
	// own socket lacked it (a client's port, or a server that did not set
	// it) and only waiting or another port helps.
	ReuseAddr *bool
	Err       error
}

func (e *AddrInUseError) Error() string {
	where := ipEnd(e.Addr, false)
	switch {
	case e.Holder != nil:
		return fmt.Sprintf("%s is already in use by %s (pid %d)", where, e.Holder.Name, e.Holder.PID)
	case e.State == TimeWait && runtime.GOOS == "windows":
		// TIME_WAIT does not block a bind on Windows unless a socket on the
		// port has SO_EXCLUSIVEADDRUSE; SO_REUSEADDR is no help there.
		return where + " is held by a connection in TIME_WAIT; wait for it to expire or choose another port"
	case e.State == TimeWait && e.ReuseAddr == nil:
		return where + " is in use by a socket in TIME_WAIT; wait for it to expire (about 60 s), choose another port, or enable SO_REUSEADDR if it is off"
	case e.State == TimeWait && *e.ReuseAddr:
		return where + " is held by a connection in TIME_WAIT even with SO_REUSEADDR on; wait for it to expire (about 60 s) or choose another port"
	case e.State == TimeWait:
		return where + " is in use by a socket in TIME_WAIT; enable SO_REUSEADDR"
	case e.State != 0 && e.UID != NoUID && int(e.UID) != os.Getuid():
		return fmt.Sprintf("%s is already in use by a process of another user (uid %d)", where, e.UID)
	case e.State != 0:
		return fmt.Sprintf("%s is already in use by a socket in %s whose process cannot be seen", where, e.State.Name())
	}
	return where + " is already in use"
}

func (e *AddrInUseError) Unwrap() error { return e.Err }

// ExplainAddrInUse looks for the sockets that conflict with binding addr
// on network ("tcp" or "udp") and returns an *AddrInUseError naming the
// best culprit: a process holding a listener or bound socket first, then
// one holding a connection on that port, then a TIME_WAIT leftover. cause
// is the error the bind returned (EADDRINUSE when nil); when it comes from
// netcore.Listen or ListenPacket it tells whether SO_REUSEADDR was on. When
// the table cannot be read, cause comes back unchanged.
func ExplainAddrInUse(ctx context.Context, network string, addr netip.AddrPort, cause error) error {
	if cause == nil {
		cause = syscall.EADDRINUSE
	}
	proto := TCP
	switch network {
	case "tcp", "tcp4", "tcp6":
	case "udp", "udp4", "udp6":
		proto = UDP
	default:
		return cause
	}
	socks, err := List(ctx, Options{Processes: true,
		Filter: Filter{Protos: 1 << proto, Addr: AddrMatch{Port: addr.Port()}}})
	if err != nil {
		return cause
	}
	e := &AddrInUseError{Network: proto.String(), Addr: addr, UID: NoUID, Err: cause}
	if on, known := netcore.BindReuseAddr(cause); known {
		e.ReuseAddr = &on
	}
	best := 99
	for i := range socks {
		s := &socks[i]
		if s.Local.Port() != addr.Port() || !overlaps(s.Local.Addr(), addr.Addr()) {
			continue
		}
		rank := 2 // a connection holding the port
		switch {
		case proto == UDP || s.State == Listen:
			rank = 0
		case s.State == TimeWait:
			rank = 4
		}
		if len(s.Owners) == 0 {
			rank++ // prefer a socket whose process we can name
		}
		if rank < best {
			best = rank
			e.State, e.UID, e.Holder = s.State, s.UID, nil
			if len(s.Owners) > 0 {
				e.Holder = &s.Owners[0]
			}
		}
	}
	return e
}

// overlaps reports whether binding want conflicts with a socket bound to
// have: the same address, or either one the unspecified address.
func overlaps(have, want netip.Addr) bool {
	have, want = have.Unmap(), want.Unmap()
	return have == want || have.IsUnspecified() || want.IsUnspecified() || !want.IsValid()
}
