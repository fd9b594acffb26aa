//go:build !linux

package netcore

import "syscall"

// msgTrunc is MSG_TRUNC where recvmsg reports it, else 0 (never seen).
const msgTrunc = msgTruncFlag

// nextDatagramSize cannot be known before reading on this system.
func nextDatagramSize(syscall.Conn) (int, bool) { return 0, false }
