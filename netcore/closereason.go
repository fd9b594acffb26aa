package netcore

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"
)

// CloseReason puts why a read ended into the words the log shows, the
// same on every system: "peer closed" (EOF), "reset by peer" (ECONNRESET,
// WSAECONNRESET), "timed out" (a deadline or the system giving up),
// "closed by you" (we closed the socket), else the error's own text.
func CloseReason(err error) string {
	switch {
	case err == nil:
		return "closed"
	case errors.Is(err, io.EOF):
		return "peer closed"
	case IsReset(err):
		return "reset by peer"
	case errors.Is(err, net.ErrClosed):
		return "closed by you"
	case errors.Is(err, os.ErrDeadlineExceeded), IsTimedOut(err):
		return "timed out"
	case errors.Is(err, syscall.EPIPE):
		return "peer closed (broken pipe)"
	case IsRefused(err):
		return "refused (nothing listening at the peer)"
	case IsAborted(err):
		return "aborted by this host (its network stack dropped the connection)"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timed out"
	}
	return err.Error()
}
