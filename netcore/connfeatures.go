package netcore

import (
	"net"
	"syscall"
)

// What a connection can do is asked through small interfaces, never by
// its concrete type, so that a connection wrapped in another (a TLS
// connection over TCP) keeps the features of the one it carries.

// Underlying is the innermost connection of c: the TCP connection under a
// TLS one (anything with NetConn), or c itself.
func Underlying(c net.Conn) net.Conn {
	for i := 0; i < 8; i++ { // wrappers do not nest deeper than this
		w, ok := c.(interface{ NetConn() net.Conn })
		if !ok {
			break
		}
		c = w.NetConn()
	}
	return c
}

// resetter is a connection that can end with a reset (TCP's RST).
type resetter interface {
	SetLinger(sec int) error
	SyscallConn() (syscall.RawConn, error)
}

// CanReset reports whether Abort ends c with a reset rather than a
// normal close.
func CanReset(c net.Conn) bool {
	_, ok := Underlying(c).(resetter)
	return ok
}

// SetNoDelay sets TCP_NODELAY on c where it has it; false when it has not.
func SetNoDelay(c net.Conn, on bool) bool {
	nd, ok := Underlying(c).(interface{ SetNoDelay(bool) error })
	if ok {
		nd.SetNoDelay(on)
	}
	return ok
}

// SetLinger sets SO_LINGER on c where it has it; false when it has not.
func SetLinger(c net.Conn, sec int) bool {
	r, ok := Underlying(c).(resetter)
	if ok {
		r.SetLinger(sec)
	}
	return ok
}
