package model

import (
	"net/netip"
	"os"

	"github.com/sockplay/sockplay/netcore/socktable"
	"github.com/sockplay/sockplay/sessions"
)

// ClientURL is the endpoint a client session would dial to reach listener
// s ("" when s is not one): a wildcard address becomes loopback.
func ClientURL(s *socktable.Socket) string {
	if !s.IsListener() {
		return ""
	}
	switch s.Proto {
	case socktable.TCP, socktable.UDP:
		a := s.Local.Addr().Unmap()
		if a.IsUnspecified() {
			if s.Family == socktable.IPv6 && !s.DualStack {
				a = netip.IPv6Loopback()
			} else {
				a = netip.AddrFrom4([4]byte{127, 0, 0, 1})
			}
		}
		if s.Local.Port() == 0 {
			return ""
		}
		return s.Proto.String() + "://" + netip.AddrPortFrom(a, s.Local.Port()).String()
	case socktable.UnixStream:
		if s.Path != "" {
			return "unix://" + s.Path
		}
	case socktable.UnixDgram:
		if s.Path != "" {
			return "unixgram://" + s.Path
		}
	}
	return ""
}

// CanDestroy reports whether sock_destroy can reset s: a TCP connection;
// a listener, a closed socket or a TIME-WAIT leftover has no one to reset.
func CanDestroy(s *socktable.Socket) bool {
	if s.Proto != socktable.TCP {
		return false
	}
	switch s.State {
	case socktable.Listen, socktable.Close, socktable.TimeWait:
		return false
	}
	return true
}

// SessionEnds is what a session says about its sockets, enough to tell
// whether a row of the kernel's table is one of them.
type SessionEnds struct {
	Network string // the endpoint's network: "tcp", "udp", "unix", "unixgram"
	Path    string // a Unix endpoint's path
	Addr    string // the bound or listening address, "" when none
	Peers   []sessions.PeerInfo
}

// EndsOf reads sess's ends (nil: none).
func EndsOf(sess *sessions.Session) SessionEnds {
	if sess == nil {
		return SessionEnds{}
	}
	ep := sess.Config().Endpoint
	e := SessionEnds{Network: ep.Network(), Path: ep.Path, Peers: sess.Peers()}
	if a := sess.Addr(); a != nil {
		e.Addr = a.String()
	}
	return e
}

// Ours reports whether this process holds s.
func Ours(s *socktable.Socket) bool {
	for _, o := range s.Owners {
		if o.PID == os.Getpid() {
			return true
		}
	}
	return false
}

// Owns reports whether s is the session's socket: its listener or bound
// socket, or one of its connections (matched by both ends). A Unix socket
// is matched by path, and only when this process holds it (ours), since
// another program may have bound the same path before.
func (e *SessionEnds) Owns(s *socktable.Socket, ours bool) bool {
	if s.Proto.IsUnix() {
		return ours && e.Path != "" && e.Path == s.Path
	}
	if s.IsListener() {
		return e.Addr != "" && SameEnd(s.Local, e.Addr) && e.Network == s.Proto.String()
	}
	for _, p := range e.Peers {
		if SameEnd(s.Local, p.Local) && SameEnd(s.Peer, p.Addr) {
			return true
		}
	}
	return false
}

// SameEnd compares a kernel endpoint with one net.Addr printed; an IPv4
// address matches its IPv4-mapped form.
func SameEnd(a netip.AddrPort, s string) bool {
	b, err := netip.ParseAddrPort(s)
	return err == nil && a.Port() == b.Port() && a.Addr().Unmap() == b.Addr().Unmap()
}
