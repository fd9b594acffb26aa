package socktable

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// LookupTCP returns the kernel's view of the TCP connection between local
// and peer, with tcp_info. It asks sock_diag for that one socket (no
// dump), so calling it once a second per connection costs little. A
// connection that is gone returns an error matching ErrNotFound.
func LookupTCP(ctx context.Context, local, peer netip.AddrPort) (TCPConn, error) {
	var c TCPConn
	if err := ctx.Err(); err != nil {
		return c, fmt.Errorf("look up tcp %s -> %s: %w", local, peer, err)
	}
	err := exactTCP(sockDiagByFamily, 0, local, peer, 1<<(inetDiagInfo-1), func(msg []byte) {
		var s Socket
		if !parseInetMsg(msg, TCP, &s) || !sameEnds(&s, local, peer) {
			return // a listener the lookup fell through to, not our connection
		}
		c.Socket = s
		eachAttr(msg[inetDiagMsgLen:], func(typ uint16, v []byte) {
			if typ == inetDiagInfo {
				c.setInfo(v)
			}
		})
	})
	if err == nil && c.Proto == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return TCPConn{}, fmt.Errorf("look up tcp %s -> %s: %w", local, peer, err)
	}
	return c, nil
}

// setInfo reads the fields we show from a struct tcp_info (linux/tcp.h).
func (c *TCPConn) setInfo(v []byte) {
	if len(v) < 104 {
		return
	}
	c.HasInfo = true
	c.Retransmits = v[2]
	c.Unacked = native.Uint32(v[24:])
	c.Lost = native.Uint32(v[32:])
	c.RTT = time.Duration(native.Uint32(v[68:])) * time.Microsecond
	c.RTTVar = time.Duration(native.Uint32(v[72:])) * time.Microsecond
	c.SendCwnd = native.Uint32(v[80:])
	c.TotalRetrans = native.Uint32(v[100:])
}

// DestroyTCP closes the TCP connection between local and peer from outside
// the process that holds it, as ss -K does: the holder's next call fails
// with ECONNABORTED and the peer gets a reset. It needs CAP_NET_ADMIN and a
// kernel built with CONFIG_INET_DIAG_DESTROY; each refusal says which.
func DestroyTCP(ctx context.Context, local, peer netip.AddrPort) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("close tcp %s -> %s: %w", local, peer, err)
	}
	err := exactTCP(sockDestroy, unix.NLM_F_ACK, local, peer, 0, func([]byte) {})
	switch {
	case err == nil:
		return nil
	case errors.Is(err, syscall.EPERM), errors.Is(err, syscall.EACCES):
		return fmt.Errorf("close tcp %s -> %s: closing a socket from outside needs CAP_NET_ADMIN (run as root or grant the capability): %w", local, peer, err)
	case errors.Is(err, syscall.EOPNOTSUPP):
		return fmt.Errorf("close tcp %s -> %s: this kernel cannot close sockets from outside (built without CONFIG_INET_DIAG_DESTROY): %w", local, peer, errors.Join(err, unsupportedError{"socket destroy not supported"}))
	}
	return fmt.Errorf("close tcp %s -> %s: %w", local, peer, err)
}

// exactTCP sends a non-dump sock_diag request for one TCP 4-tuple. An
// IPv4 pair is tried as AF_INET, then as IPv4-mapped AF_INET6 (a
// dual-stack socket), since net.Conn unmaps both alike.
func exactTCP(msgType uint16, flags int, local, peer netip.AddrPort, ext uint8, f func([]byte)) error {
	if !local.IsValid() || !peer.IsValid() {
		return fmt.Errorf("both ends must be set: %w", ErrNotFound)
	}
	l, p := local.Addr().Unmap(), peer.Addr().Unmap()
	fams := []uint8{unix.AF_INET6}
	if l.Is4() && p.Is4() {
		fams = []uint8{unix.AF_INET, unix.AF_INET6}
	}
	var err error
	for _, fam := range fams {
		req := &inetReq{family: fam, protocol: unix.IPPROTO_TCP, ext: ext, states: uint32(AllStates) | 1<<tcpNewSynRecv, exact: true,
			local: netip.AddrPortFrom(l, local.Port()), peer: netip.AddrPortFrom(p, peer.Port())}
		if fam == unix.AF_INET6 && l.Is4() {
			req.local = netip.AddrPortFrom(netip.AddrFrom16(l.As16()), local.Port())
			req.peer = netip.AddrPortFrom(netip.AddrFrom16(p.As16()), peer.Port())
		}
		err = diagExec(msgType, flags, req, func() {}, f)
		if !errors.Is(err, syscall.ENOENT) {
			break
		}
	}
	if errors.Is(err, syscall.ENOENT) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}
