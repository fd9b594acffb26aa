package netcore

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"
)

// CloseReason puts why a read ended into the words the log shows: "peer
// closed" (EOF), "reset by peer" (ECONNRESET), "timed out" (a deadline or
// the kernel giving up), "closed by you" (we closed the socket), else the
// error's own text.
func CloseReason(err error) string {
	switch {
	case err == nil:
		return "closed"
	case errors.Is(err, io.EOF):
		return "peer closed"
	case errors.Is(err, syscall.ECONNRESET):
		return "reset by peer"
	case errors.Is(err, net.ErrClosed):
		return "closed by you"
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, syscall.ETIMEDOUT):
		return "timed out"
	case errors.Is(err, syscall.EPIPE):
		return "peer closed (broken pipe)"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused (nothing listening at the peer)"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timed out"
	}
	return err.Error()
}
