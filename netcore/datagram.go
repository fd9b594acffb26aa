package netcore

import (
	"errors"
	"net"
	"syscall"
)

// MaxDatagramBuffer bounds how far ReadDatagram grows a buffer for one
// datagram (a unixgram datagram can be as large as its sender's SO_SNDBUF).
const MaxDatagramBuffer = 16 << 20

// ReadDatagram reads one datagram from c (a UDP or unixgram socket,
// connected or not) into *buf. Where the system can tell the size of the
// next datagram first (Linux, unixgram), *buf grows to hold it whole, up
// to MaxDatagramBuffer; otherwise a datagram longer than *buf is cut, and
// truncated says so (a datagram socket drops what does not fit).
// from is nil for a connected socket that does not report it.
func ReadDatagram(c any, buf *[]byte) (n int, from net.Addr, truncated bool, err error) {
	type unixMsg interface {
		ReadMsgUnix(b, oob []byte) (n, oobn, flags int, addr *net.UnixAddr, err error)
	}
	type udpMsg interface {
		ReadMsgUDP(b, oob []byte) (n, oobn, flags int, addr *net.UDPAddr, err error)
	}
	var flags int
	switch x := c.(type) {
	case udpMsg:
		var a *net.UDPAddr
		n, _, flags, a, err = x.ReadMsgUDP(*buf, nil)
		if a != nil {
			from = a
		}
	case unixMsg:
		if sc, ok := c.(syscall.Conn); ok {
			if size, ok := nextDatagramSize(sc); ok && size > len(*buf) && len(*buf) < MaxDatagramBuffer {
				*buf = make([]byte, min(size, MaxDatagramBuffer))
			}
		}
		var a *net.UnixAddr
		n, _, flags, a, err = x.ReadMsgUnix(*buf, nil)
		if a != nil {
			from = a
		}
	case net.PacketConn:
		n, from, err = x.ReadFrom(*buf)
	case net.Conn:
		n, err = x.Read(*buf)
	default:
		return 0, nil, false, net.ErrClosed
	}
	return n, from, flags&msgTrunc != 0, err
}

// DatagramErrorText words an error a datagram socket reports for an
// earlier send (the ICMP answer to it), e.g. "the peer's port is closed
// (ICMP port unreachable)"; other errors keep their own text.
func DatagramErrorText(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "the peer's port is closed (ICMP port unreachable): nothing listens there"
	case errors.Is(err, syscall.EHOSTUNREACH):
		return "the peer's host is unreachable (ICMP host unreachable)"
	case errors.Is(err, syscall.ENETUNREACH):
		return "the peer's network is unreachable (ICMP network unreachable)"
	case errors.Is(err, syscall.EMSGSIZE):
		return "a datagram sent was larger than the path allows (ICMP fragmentation needed)"
	}
	return err.Error()
}

// IsRefused reports whether err means the peer refused: a stream's
// connection refused, or the ICMP port unreachable a datagram socket reports.
func IsRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }
