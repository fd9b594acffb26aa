package ping

import (
	"fmt"
	"net"
	"time"
)

// macOS allows datagram ICMP sockets to everyone, so no receive timestamps
// are asked for here; RTTs are measured when the read returns.
func enableTimestamps(net.PacketConn) {}

func kernelTime([]byte) (time.Time, bool) { return time.Time{}, false }

// notPermitted: on macOS only raw sockets need privilege.
func notPermitted(tried Mode, v6 bool, err error) error {
	return fmt.Errorf("%w: the %s icmp socket was refused; datagram sockets need no privilege on macOS, raw ones need root (sudo) (%v)",
		ErrNotPermitted, tried, err)
}
