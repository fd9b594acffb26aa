// Package ping sends ICMP echo requests and reports the replies the way
// iputils ping does, for the Ping tab and `sockplay ping`.
//
// On Linux and macOS it tries the unprivileged datagram ICMP socket first and
// the raw socket second, because the first needs no privilege where it is
// allowed and the second works for root everywhere. On Windows it uses
// IcmpSendEcho2 from iphlpapi, which needs no administrator rights. Replies
// are matched by sequence number and a random per-pinger payload token,
// because the kernel rewrites the echo ID of datagram sockets and raw sockets
// see every ICMP packet on the host, our own requests on loopback included.
//
// New resolves and opens the socket (so naming and permission errors come
// before any output); Pinger.Run sends, reports each reply, duplicate,
// timeout and ICMP error as a self-contained Event, and returns the Summary.
package ping
