//go:build !windows

package sessions

import (
	"errors"
	"syscall"
)

// outOfResources reports whether an accept failed for want of descriptors,
// buffers or memory: a condition that clears only when some peer goes, so
// the accept loop backs off instead of retrying every few milliseconds.
func outOfResources(err error) bool {
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) ||
		errors.Is(err, syscall.ENOBUFS) || errors.Is(err, syscall.ENOMEM)
}
