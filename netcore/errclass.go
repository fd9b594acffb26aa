package netcore

import "errors"

// The socket errors sockplay explains, asked by meaning rather than by
// number: Windows reports Winsock's own codes (WSAECONNREFUSED 10061, ...),
// which errors.Is never matches against syscall.ECONNREFUSED and the other
// Unix numbers. Each predicate holds for the error itself or anything it
// wraps (a *net.OpError, an *os.SyscallError), on every system.

// IsRefused reports whether err is "connection refused": nothing listens
// at the peer (a stream's connect, or the ICMP port unreachable a datagram
// socket reports on Linux and the BSDs).
func IsRefused(err error) bool { return isAny(err, refusedErrs) }

// IsReset reports whether err is "connection reset by peer": the peer
// sent a TCP RST.
func IsReset(err error) bool { return isAny(err, resetErrs) }

// IsAborted reports whether err is "connection aborted": this host's
// network stack dropped the connection (Windows reports it, for example,
// when a send is answered with a reset or retransmissions give up).
func IsAborted(err error) bool { return isAny(err, abortedErrs) }

// IsAddrInUse reports whether err is "address already in use" from a bind.
func IsAddrInUse(err error) bool { return isAny(err, addrInUseErrs) }

// IsTimedOut reports whether the system gave up on the connection
// (ETIMEDOUT, WSAETIMEDOUT): unanswered SYNs, retransmissions or
// keepalives. A deadline of ours is os.ErrDeadlineExceeded instead.
func IsTimedOut(err error) bool { return isAny(err, timedOutErrs) }

// IsHostUnreachable reports whether err is "no route to host" (ICMP host
// unreachable).
func IsHostUnreachable(err error) bool { return isAny(err, hostUnreachErrs) }

// IsNetUnreachable reports whether err is "network is unreachable" (no
// route, or ICMP network unreachable).
func IsNetUnreachable(err error) bool { return isAny(err, netUnreachErrs) }

// IsMsgSize reports whether err is "message too long": a datagram larger
// than the socket or the path takes.
func IsMsgSize(err error) bool { return isAny(err, msgSizeErrs) }

// IsBroadcastRefused reports whether a UDP connect or send failed because
// the address is a broadcast one and the socket does not allow it
// (SO_BROADCAST off: EACCES, WSAEACCES).
func IsBroadcastRefused(err error) bool { return isAny(err, accessErrs) }

// BroadcastHint is what a person does about IsBroadcastRefused.
const BroadcastHint = "it is a broadcast address, and a socket sends there only with the Broadcast option (SO_BROADCAST; --broadcast on the command line)"

func isAny(err error, targets []error) bool {
	if err == nil {
		return false
	}
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}
