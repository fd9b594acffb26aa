package netcore

import (
	"errors"

	"golang.org/x/sys/windows"
)

// Windows reports a datagram longer than the buffer as WSAEMSGSIZE, an
// error rather than a flag.
const msgTruncFlag = 0

// cutByError reads Windows' report of a datagram longer than the buffer: the
// read fails with WSAEMSGSIZE after filling the buffer with the datagram's
// start. It gives the bytes that arrived and ok, as a Unix read with
// MSG_TRUNC would.
func cutByError(n, bufLen int, err error) (int, bool) {
	if !errors.Is(err, windows.WSAEMSGSIZE) {
		return 0, false
	}
	if n <= 0 || n > bufLen {
		n = bufLen
	}
	return n, true
}
