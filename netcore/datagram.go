package netcore

import (
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
// truncated says so (a datagram socket drops what does not fit; Windows
// reports that as an error, WSAEMSGSIZE, read here as truncated too).
// from is nil for a connected socket that does not report it, and on
// Windows for a truncated datagram.
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
	if cut, ok := cutByError(n, len(*buf), err); ok {
		return cut, from, true, nil
	}
	return n, from, flags&msgTrunc != 0, err
}

// DatagramErrorText words an error a datagram socket reports for an
// earlier send (the ICMP answer to it), e.g. "the peer's port is closed
// (ICMP port unreachable)", the same on every system (Windows reports the
// port unreachable as WSAECONNRESET); other errors keep their own text.
func DatagramErrorText(err error) string {
	switch {
	case isAny(err, datagramRefusedErrs):
		return "the peer's port is closed (ICMP port unreachable): nothing listens there"
	case IsHostUnreachable(err):
		return "the peer's host is unreachable (ICMP host unreachable)"
	case IsNetUnreachable(err):
		return "the peer's network is unreachable (ICMP network unreachable)"
	case IsMsgSize(err):
		return "a datagram sent was larger than the path allows (ICMP fragmentation needed)"
	case isAny(err, datagramTTLErrs):
		return "a datagram sent ran out of hops on the way (ICMP time exceeded)"
	}
	return err.Error()
}

// IsDatagramICMPError reports whether err, from a datagram socket, is the
// ICMP answer to an earlier send (port, host or network unreachable, too
// big, time exceeded) rather than a failure of the socket, which stays
// usable: a session logs it and goes on reading.
func IsDatagramICMPError(err error) bool {
	return isAny(err, datagramRefusedErrs) || IsHostUnreachable(err) || IsNetUnreachable(err) ||
		IsMsgSize(err) || isAny(err, datagramTTLErrs)
}
