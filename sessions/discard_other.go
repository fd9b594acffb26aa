//go:build !linux

package sessions

import (
	"errors"
	"net"
)

// Elsewhere, bytes are always read (discard_linux.go drops them in the
// kernel).
const discardSupported = false

func discardRead(net.Conn, int, func() bool) (int, bool, error) {
	return 0, false, errors.New("discardRead: not supported on this system")
}
