package socktable

import (
	"net/netip"
	"strconv"
	"time"
)

// Proto is the kind of socket, named in ss's Netid column.
type Proto uint8

// The socket kinds the table lists.
const (
	TCP Proto = iota + 1
	UDP
	UnixStream
	UnixDgram
	UnixSeqpacket
)

var protoNames = [...]string{TCP: "tcp", UDP: "udp", UnixStream: "u_str", UnixDgram: "u_dgr", UnixSeqpacket: "u_seq"}

// String returns ss's Netid: tcp, udp, u_str, u_dgr, u_seq.
func (p Proto) String() string {
	if int(p) < len(protoNames) && protoNames[p] != "" {
		return protoNames[p]
	}
	return "proto" + strconv.Itoa(int(p))
}

// IsUnix reports whether p is a Unix-domain kind.
func (p Proto) IsUnix() bool { return p >= UnixStream && p <= UnixSeqpacket }

// ProtoSet is a set of Protos; the zero set means every kind.
type ProtoSet uint8

// Set kinds, for filters.
const (
	ProtoTCP  ProtoSet = 1 << TCP
	ProtoUDP  ProtoSet = 1 << UDP
	ProtoUnix ProtoSet = 1<<UnixStream | 1<<UnixDgram | 1<<UnixSeqpacket
)

// Has reports whether p is in the set; the empty set holds every kind.
func (s ProtoSet) Has(p Proto) bool { return s == 0 || s&(1<<p) != 0 }

// Family is the address family of a socket.
type Family uint8

// The families the table lists.
const (
	IPv4 Family = iota + 1
	IPv6
	Unix
)

// String returns "inet", "inet6" or "unix", as ss -f spells them.
func (f Family) String() string {
	switch f {
	case IPv4:
		return "inet"
	case IPv6:
		return "inet6"
	case Unix:
		return "unix"
	}
	return "family" + strconv.Itoa(int(f))
}

// FamilySet is a set of Families; the zero set means every family.
type FamilySet uint8

// Has reports whether f is in the set; the empty set holds every family.
func (s FamilySet) Has(f Family) bool { return s == 0 || s&(1<<f) != 0 }

// FamilySetOf returns the set holding fs.
func FamilySetOf(fs ...Family) FamilySet {
	var s FamilySet
	for _, f := range fs {
		s |= 1 << f
	}
	return s
}

// NoUID marks a socket whose owner uid the system did not report.
const NoUID = ^uint32(0)

// Owner is one process holding a socket through one file descriptor; a
// socket shared across fork has one Owner per (pid, fd), as ss prints them.
type Owner struct {
	PID     int
	FD      int
	Name    string   // the command name (/proc/PID/comm)
	Cmdline []string // only when Options.Cmdline asked for it
}

// Socket is one row of the table.
type Socket struct {
	Proto  Proto
	Family Family
	State  State
	// Local and Peer are the IP endpoints; for a listener or an unconnected
	// UDP socket Peer is the unspecified address with port 0.
	Local, Peer netip.AddrPort
	// Path is a Unix socket's bound name: a file path, "@name" for an
	// abstract name, "" when unnamed. PeerInode is the inode of the other
	// end of a connected Unix socket, 0 when unknown (as in /proc).
	Path      string
	PeerInode uint32
	// DualStack is set for an IPv6 socket on the unspecified address that
	// also takes IPv4 (IPV6_V6ONLY off); ss prints its address as "*".
	DualStack bool
	// RecvQ and SendQ are ss's Recv-Q and Send-Q: bytes queued, or for a
	// listener the accept queue and its limit.
	RecvQ, SendQ uint32
	UID          uint32 // NoUID when unknown
	Inode        uint32
	Owners       []Owner // filled only when Options.Processes is set
	// Timer is the kernel's timer running on a TCP socket (ss -o), and
	// Expires the time left until it fires: TIME_WAIT's remaining time,
	// a retransmission's. Read from sock_diag only; /proc and Windows
	// leave them zero.
	Timer   Timer
	Expires time.Duration
}

// Timer is which of a TCP socket's kernel timers runs (inet_diag's
// idiag_timer).
type Timer uint8

// Timers, by the kernel's numbers.
const (
	TimerNone       Timer = 0
	TimerRetransmit Timer = 1 // also the SYN's and the zero-window probe's on new kernels
	TimerKeepalive  Timer = 2
	TimerTimeWait   Timer = 3
	TimerProbe      Timer = 4 // zero-window probe
)

// String is ss -o's name of the timer.
func (t Timer) String() string {
	switch t {
	case TimerNone:
		return ""
	case TimerRetransmit:
		return "on"
	case TimerKeepalive:
		return "keepalive"
	case TimerTimeWait:
		return "timewait"
	case TimerProbe:
		return "persist"
	}
	return "unknown"
}

// IsListener reports whether s waits for connections or datagrams: a TCP or
// Unix listener, or an unconnected UDP or Unix datagram socket (ss -l).
func (s *Socket) IsListener() bool { return ListeningStates.Has(s.State) }

// LocalString returns the local column of ss: "127.0.0.1:9000",
// "[::1]:22", "*:53", or for Unix "PATH INODE".
func (s *Socket) LocalString() string {
	if s.Family == Unix {
		return unixEnd(s.Path, s.Inode)
	}
	return ipEnd(s.Local, s.DualStack)
}

// PeerString returns the peer column of ss: "127.0.0.1:50312", "0.0.0.0:*",
// or for Unix "* PEERINODE".
func (s *Socket) PeerString() string {
	if s.Family == Unix {
		return unixEnd("", s.PeerInode)
	}
	return ipEnd(s.Peer, s.DualStack)
}

func unixEnd(path string, inode uint32) string {
	if path == "" {
		path = "*"
	}
	return path + " " + strconv.FormatUint(uint64(inode), 10)
}

func ipEnd(ap netip.AddrPort, dual bool) string {
	host, port := SplitEnd(ap, dual)
	return host + ":" + port
}

// SplitEnd returns an IP endpoint as ss prints it in two halves: the host
// ("127.0.0.1", "[::1]", "0.0.0.0", or "*" for a dual-stack unspecified
// address) and the port ("*" for port 0).
func SplitEnd(ap netip.AddrPort, dualStack bool) (host, port string) {
	host = string(AppendHost(nil, ap.Addr(), dualStack))
	if ap.Port() == 0 {
		port = "*"
	} else {
		port = strconv.Itoa(int(ap.Port()))
	}
	return host, port
}

// AppendHost appends the host half of SplitEnd to b, without allocating.
func AppendHost(b []byte, a netip.Addr, dualStack bool) []byte {
	switch {
	case !a.IsValid(), dualStack && a.IsUnspecified():
		return append(b, '*')
	case a.Is4():
		return a.AppendTo(b)
	}
	b = append(b, '[')
	b = a.AppendTo(b)
	return append(b, ']')
}
