package sessions

import (
	"errors"
	"syscall"

	"golang.org/x/sys/windows"
)

// outOfResources reports whether an accept failed for want of sockets,
// buffers or memory: a condition that clears only when some peer goes, so
// the accept loop backs off instead of retrying every few milliseconds.
// Winsock reports these with its own codes (WSAEMFILE, WSAENOBUFS), which
// never match syscall.EMFILE and the other Unix numbers; those are kept
// for errors built from them.
func outOfResources(err error) bool {
	for _, target := range []error{windows.WSAEMFILE, windows.WSAENOBUFS, windows.ERROR_NOT_ENOUGH_MEMORY,
		windows.ERROR_OUTOFMEMORY, syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}
