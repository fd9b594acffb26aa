package netcore

import (
	"net"
	"os"
	"syscall"
	"testing"
)

// nativeErrno: what Winsock returns for each class, by number as
// winerror.h has them (not through x/sys, so a wrong constant there
// would show).
var nativeErrno = map[string]syscall.Errno{
	"refused": 10061, "reset": 10054, "aborted": 10053, "addrinuse": 10048,
	"timedout": 10060, "hostunreach": 10065, "netunreach": 10051, "msgsize": 10040,
}

// datagramReadsAs: on a UDP socket, Windows reports an ICMP port
// unreachable as WSAECONNRESET.
var datagramReadsAs = map[string]string{"reset": "refused"}

// A UDP socket on Windows reports the ICMP answers to its sends as
// WSAECONNRESET (port unreachable) and WSAENETRESET (time exceeded), where
// Unix says "connection refused"; Go turns both reports off on the UDP
// sockets it opens, but a socket that has them on reads the same.
func TestDatagramErrorTextWinsock(t *testing.T) {
	for _, tt := range []struct {
		errno syscall.Errno
		want  string
	}{
		{10054, "the peer's port is closed (ICMP port unreachable): nothing listens there"},
		{10052, "a datagram sent ran out of hops on the way (ICMP time exceeded)"},
	} {
		err := &net.OpError{Op: "read", Net: "udp", Err: os.NewSyscallError("wsarecvfrom", tt.errno)}
		if got := DatagramErrorText(err); got != tt.want {
			t.Errorf("DatagramErrorText(%v) = %q, want %q", err, got, tt.want)
		}
		if !IsDatagramICMPError(err) {
			t.Errorf("IsDatagramICMPError(%v) = false", err)
		}
	}
}

// A datagram longer than the buffer fails the read with WSAEMSGSIZE on
// Windows, the buffer holding its start: ReadDatagram reads that as cut,
// as Unix's MSG_TRUNC says it.
func TestCutByError(t *testing.T) {
	msgSize := &net.OpError{Op: "read", Net: "udp", Err: os.NewSyscallError("wsarecvmsg", syscall.Errno(10040))}
	for _, tt := range []struct {
		n, bufLen int
		err       error
		want      int
		ok        bool
	}{
		{100, 100, msgSize, 100, true},
		{0, 100, msgSize, 100, true},
		{5, 100, nil, 0, false},
		{0, 100, os.ErrDeadlineExceeded, 0, false},
	} {
		n, ok := cutByError(tt.n, tt.bufLen, tt.err)
		if n != tt.want || ok != tt.ok {
			t.Errorf("cutByError(%d, %d, %v) = %d, %v; want %d, %v", tt.n, tt.bufLen, tt.err, n, ok, tt.want, tt.ok)
		}
	}
}
