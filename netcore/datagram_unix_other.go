//go:build !linux && !windows

package netcore

import "syscall"

const msgTruncFlag = syscall.MSG_TRUNC

// cutByError: here a cut datagram is a flag (msgTrunc), not an error.
func cutByError(int, int, error) (int, bool) { return 0, false }
