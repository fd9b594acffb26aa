package ping

import (
	"net/netip"
	"time"
)

// transport is one platform's way of sending echo requests and receiving
// what comes back. Implementations: socket_unix.go (datagram and raw
// sockets), transport_windows.go (IcmpSendEcho2).
type transport interface {
	// send emits one echo request with this sequence number and payload,
	// stamping the send time into it (stampPayload) just before the system
	// call, and returns that time.
	send(seq uint16, payload []byte) (time.Time, error)
	// recv blocks until the next packet; once close is called it returns an error.
	recv() (packet, error)
	close() error
	mode() Mode
	// raw reports whether replies carry the echo ID we chose (the kernel
	// rewrites it on datagram sockets), and echoID what that ID is.
	raw() bool
	echoID() uint16
}

// packet is one received ICMP message with what the system said about it.
type packet struct {
	b    []byte // the ICMP message, IP header removed
	from netip.Addr
	ttl  int       // -1 when unknown
	at   time.Time // the kernel's receive time where it gives one, else when read returned
	pre  *reply    // already matched by the transport (Windows); b is then unused
}
