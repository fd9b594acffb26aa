package netcore

import (
	"errors"
	"syscall"
)

const msgTrunc = syscall.MSG_TRUNC

// nextDatagramSize waits for the next datagram on c and returns its full
// length without taking it (recv with MSG_PEEK|MSG_TRUNC, which Linux
// answers with the real size). It honours c's read deadline and close.
func nextDatagramSize(c syscall.Conn) (int, bool) {
	rc, err := c.SyscallConn()
	if err != nil {
		return 0, false
	}
	var n int
	var perr error
	var one [1]byte
	err = rc.Read(func(fd uintptr) bool {
		n, _, perr = syscall.Recvfrom(int(fd), one[:], syscall.MSG_PEEK|syscall.MSG_TRUNC|syscall.MSG_DONTWAIT)
		return !errors.Is(perr, syscall.EAGAIN)
	})
	if err != nil || perr != nil {
		return 0, false
	}
	return n, true
}

// cutByError: here a cut datagram is a flag (msgTrunc), not an error.
func cutByError(int, int, error) (int, bool) { return 0, false }
