//go:build unix

package experiment

import "golang.org/x/sys/unix"

// truncated reports whether recvmsg's flags say the datagram was cut.
func truncated(flags int) bool { return flags&unix.MSG_TRUNC != 0 }
