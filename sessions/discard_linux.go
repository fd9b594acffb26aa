package sessions

import (
	"errors"
	"io"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

const discardSupported = true

// discardRead drops up to max bytes waiting on c's socket without copying
// them (recv with MSG_TRUNC and no buffer: TCP then discards, see tcp(7)),
// waiting for bytes as Read does, with its deadline. may is asked each
// time the socket has bytes, just before they would be dropped: when it
// says no (an output that wants them was added while waiting), nothing is
// taken and dropped is false, for the caller to read them instead. It
// returns what it dropped, or io.EOF at the end of the stream, or the
// read's error wrapped as net's Read wraps it.
func discardRead(c net.Conn, max int, may func() bool) (n int, dropped bool, err error) {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return 0, false, errors.New("discardRead: not a TCP connection")
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return 0, false, err
	}
	var serr error
	dropped = true
	err = rc.Read(func(fd uintptr) bool {
		if !may() {
			dropped = false
			return true
		}
		for {
			r, _, e := unix.Syscall6(unix.SYS_RECVFROM, fd, 0, uintptr(max), unix.MSG_TRUNC|unix.MSG_DONTWAIT, 0, 0)
			switch e {
			case 0:
				n, serr = int(r), nil
				return true
			case unix.EINTR:
				continue
			case unix.EAGAIN:
				return false // wait until the socket is readable
			}
			n, serr = 0, e
			return true
		}
	})
	switch {
	case err != nil:
		return 0, dropped, err // closed, or the deadline: as net reports them
	case !dropped:
		return 0, false, nil
	case serr != nil:
		return 0, true, &net.OpError{Op: "read", Net: "tcp", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: os.NewSyscallError("recvfrom", serr)}
	case n == 0:
		return 0, true, io.EOF
	}
	return n, true, nil
}
