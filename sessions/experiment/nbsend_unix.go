//go:build unix

package experiment

import (
	"errors"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// nonBlockingSend makes one send(2) of p on c's socket without waiting
// (Go keeps its sockets non-blocking and waits in its poller; this asks
// the kernel once): it returns how many bytes the kernel took, and
// EAGAIN ("resource temporarily unavailable") when it took none.
func nonBlockingSend(c net.Conn) func(p []byte) (int, error) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return func(p []byte) (int, error) {
		var n int
		var serr error
		err := rc.Write(func(fd uintptr) bool {
			n, serr = unix.SendmsgN(int(fd), p, nil, nil, unix.MSG_DONTWAIT)
			return true // one attempt, whatever it gave
		})
		if err == nil {
			err = serr
		}
		if n < 0 {
			n = 0
		}
		return n, err
	}
}

// wouldBlock reports whether err says a non-blocking call would have waited.
func wouldBlock(err error) bool { return errors.Is(err, unix.EAGAIN) }

// nonBlockingUnsupported is why nonBlockingSend is nil: never on Unix.
const nonBlockingUnsupported = ""
