package socktable

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"time"

	"golang.org/x/sys/unix"
)

// sock_diag wire layout (linux/inet_diag.h, linux/unix_diag.h). The
// high-level calls of vishvananda/netlink v1.3.1 always ask the kernel for
// tcp_info (costly at 20k sockets), cannot ask for a Unix socket's uid or
// filter states, and return each Unix name with four stray bytes, so we
// send our own requests (netlink_linux.go) and parse in place.
const (
	inetDiagReqLen   = 56
	inetDiagMsgLen   = 72
	unixDiagReqLen   = 24
	unixDiagMsgLen   = 16
	inetDiagInfo     = 2  // INET_DIAG_INFO: struct tcp_info
	inetDiagV6Only   = 11 // INET_DIAG_SKV6ONLY
	unixDiagName     = 0
	unixDiagPeer     = 2
	unixDiagRQLen    = 4
	unixDiagUID      = 7
	udiagShowName    = 1 << unixDiagName
	udiagShowPeer    = 1 << unixDiagPeer
	udiagShowRQLen   = 1 << unixDiagRQLen
	udiagShowUID     = 0x40 // not 1<<unixDiagUID: UNIX_DIAG_SHUTDOWN has no show bit
	inetDiagNoCookie = ^uint32(0)
	tcpNewSynRecv    = 12 // request sockets; ss shows them as SYN-RECV
)

var native = binary.NativeEndian

// inetReq is an inet_diag_req_v2; with a zero ID it asks for a dump.
type inetReq struct {
	family, protocol, ext uint8
	states                uint32
	local, peer           netip.AddrPort
	exact                 bool // fill the ID with a no-cookie 4-tuple
}

func (r *inetReq) Serialize() []byte {
	b := make([]byte, inetDiagReqLen)
	b[0], b[1], b[2] = r.family, r.protocol, r.ext
	native.PutUint32(b[4:], r.states)
	if r.exact {
		binary.BigEndian.PutUint16(b[8:], r.local.Port())
		binary.BigEndian.PutUint16(b[10:], r.peer.Port())
		putIP(b[12:28], r.local.Addr(), r.family)
		putIP(b[28:44], r.peer.Addr(), r.family)
		native.PutUint32(b[48:], inetDiagNoCookie)
		native.PutUint32(b[52:], inetDiagNoCookie)
	}
	return b
}

func putIP(dst []byte, a netip.Addr, family uint8) {
	if family == unix.AF_INET {
		a4 := a.Unmap().As4()
		copy(dst, a4[:])
		return
	}
	a16 := a.As16()
	copy(dst, a16[:])
}

// unixReq is a unix_diag_req asking for a dump with the given attributes.
type unixReq struct {
	states, show uint32
}

func (r *unixReq) Serialize() []byte {
	b := make([]byte, unixDiagReqLen)
	b[0] = unix.AF_UNIX
	native.PutUint32(b[4:], r.states)
	native.PutUint32(b[12:], r.show)
	native.PutUint32(b[16:], inetDiagNoCookie)
	native.PutUint32(b[20:], inetDiagNoCookie)
	return b
}

// kernelStates turns a filter's state set into sock_diag's mask, asking
// for new-SYN-RECV request sockets along with SYN-RECV.
func kernelStates(s StateSet) uint32 {
	if s == 0 {
		s = AllStates
	}
	m := uint32(s)
	if s.Has(SynRecv) {
		m |= 1 << tcpNewSynRecv
	}
	return m
}

// parseInetMsg fills s from an inet_diag_msg and its attributes. It
// returns false for a message too short to hold one.
func parseInetMsg(msg []byte, proto Proto, s *Socket) bool {
	if len(msg) < inetDiagMsgLen {
		return false
	}
	st := State(msg[1])
	if st == tcpNewSynRecv {
		st = SynRecv
	}
	*s = Socket{Proto: proto, State: st}
	lport := binary.BigEndian.Uint16(msg[4:])
	pport := binary.BigEndian.Uint16(msg[6:])
	switch msg[0] {
	case unix.AF_INET:
		s.Family = IPv4
		s.Local = netip.AddrPortFrom(netip.AddrFrom4([4]byte(msg[8:12])), lport)
		s.Peer = netip.AddrPortFrom(netip.AddrFrom4([4]byte(msg[24:28])), pport)
	case unix.AF_INET6:
		s.Family = IPv6
		s.Local = netip.AddrPortFrom(netip.AddrFrom16([16]byte(msg[8:24])), lport)
		s.Peer = netip.AddrPortFrom(netip.AddrFrom16([16]byte(msg[24:40])), pport)
	default:
		return false
	}
	// inet_diag_msg: idiag_timer at byte 2, idiag_expires (ms) at 52.
	if s.Timer = Timer(msg[2]); s.Timer != TimerNone {
		s.Expires = time.Duration(native.Uint32(msg[52:])) * time.Millisecond
	}
	s.RecvQ = native.Uint32(msg[56:])
	s.SendQ = native.Uint32(msg[60:])
	s.UID = native.Uint32(msg[64:])
	s.Inode = native.Uint32(msg[68:])
	if s.Family == IPv6 && s.Local.Addr().IsUnspecified() {
		eachAttr(msg[inetDiagMsgLen:], func(typ uint16, v []byte) {
			if typ == inetDiagV6Only && len(v) > 0 {
				s.DualStack = v[0] == 0
			}
		})
	}
	return true
}

// parseUnixMsg fills s from a unix_diag_msg and its attributes.
func parseUnixMsg(msg []byte, s *Socket) bool {
	if len(msg) < unixDiagMsgLen || msg[0] != unix.AF_UNIX {
		return false
	}
	*s = Socket{Family: Unix, State: State(msg[2]), UID: NoUID, Inode: native.Uint32(msg[4:])}
	switch msg[1] {
	case unix.SOCK_STREAM:
		s.Proto = UnixStream
	case unix.SOCK_DGRAM:
		s.Proto = UnixDgram
	case unix.SOCK_SEQPACKET:
		s.Proto = UnixSeqpacket
	default:
		return false
	}
	eachAttr(msg[unixDiagMsgLen:], func(typ uint16, v []byte) {
		switch typ {
		case unixDiagName:
			s.Path = unixName(v)
		case unixDiagPeer:
			if len(v) >= 4 {
				s.PeerInode = native.Uint32(v)
			}
		case unixDiagRQLen:
			if len(v) >= 8 {
				s.RecvQ, s.SendQ = native.Uint32(v), native.Uint32(v[4:])
			}
		case unixDiagUID:
			if len(v) >= 4 {
				s.UID = native.Uint32(v)
			}
		}
	})
	return true
}

// unixName spells a sun_path as ss does: an abstract name's leading NUL
// (and any NUL inside it) becomes '@'.
func unixName(v []byte) string {
	if len(v) == 0 || v[0] != 0 {
		if i := bytes.IndexByte(v, 0); i >= 0 {
			v = v[:i] // a path's terminating NUL, when the binder passed one
		}
		return string(v)
	}
	b := []byte(string(v))
	for i, c := range b {
		if c == 0 {
			b[i] = '@'
		}
	}
	return string(b)
}

// eachAttr walks netlink attributes (struct rtattr, 4-byte aligned),
// stopping at the first malformed one.
func eachAttr(b []byte, f func(typ uint16, v []byte)) {
	for len(b) >= 4 {
		l := int(native.Uint16(b))
		if l < 4 || l > len(b) {
			return
		}
		f(native.Uint16(b[2:])&0x3fff, b[4:l])
		l = (l + 3) &^ 3
		if l > len(b) {
			return
		}
		b = b[l:]
	}
}
