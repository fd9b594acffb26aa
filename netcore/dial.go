package netcore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"strings"
	"syscall"
	"time"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// Dial opens a client: tcp, udp (connected, so reads see only that peer and
// ICMP errors come back), unix, or unixgram (the client binds its own path,
// Options.LocalAddr or a fresh temp path, so replies reach it; the path is
// removed on Close). A host name is resolved within ResolveTimeout and its
// addresses are tried in turn, IPv4 first, within ConnectTimeout. A refused
// connection is Go's *net.OpError ("dial tcp 127.0.0.1:9: connect:
// connection refused"), matched by IsRefused on every system (on Windows
// it wraps WSAECONNREFUSED, not syscall.ECONNREFUSED).
// A unix path that is a regular file or a directory is said to be one
// (ErrNotSocket), and an IPv6 zone naming no interface is named
// (ErrNoSuchInterface), where the kernel gives only "connection refused"
// and "invalid argument".
func Dial(ctx context.Context, ep Endpoint, o Options) (net.Conn, error) {
	if err := o.Validate(ep, false); err != nil {
		return nil, fmt.Errorf("dial %s: %w", ep, err)
	}
	a := &asked{ep: ep, server: false, o: o}
	if ep.IsUnix() {
		return dialUnix(ctx, ep, a)
	}
	network := ep.Network()
	laddr, err := localInetAddr(network, o.LocalAddr)
	if err != nil {
		return nil, fmt.Errorf("dial %s %s: %w", network, ep.Addr(), err)
	}
	addrs, err := resolve(ctx, ep, o, false)
	if err != nil {
		return nil, explainResolve(err, network, ep.Addr())
	}
	addrs = zoneForMulticast(addrs, o.Multicast)
	if laddr.IsValid() && !laddr.Addr().IsUnspecified() {
		addrs = filterAddrs(addrs, func(ip netip.Addr) bool { return ip.Is4() == laddr.Addr().Is4() })
		if len(addrs) == 0 {
			return nil, fmt.Errorf("dial %s %s: local address %s is of another IP family than the server", network, ep.Addr(), laddr)
		}
	}
	deadline := time.Now().Add(o.connectTimeout())
	var firstErr error
	for i, ip := range addrs {
		remaining := time.Until(deadline)
		if remaining <= 0 {
			break
		}
		// Give each address its share, but at least 2s, as Go's dialer does.
		per := remaining / time.Duration(len(addrs)-i)
		if per < 2*time.Second {
			per = min(remaining, 2*time.Second)
		}
		d := net.Dialer{
			Timeout:         per,
			Control:         control(a),
			KeepAlive:       keepAliveFor(o.KeepAlive),
			KeepAliveConfig: keepAliveConfig(o.KeepAlive),
		}
		if laddr.IsValid() {
			if network == "tcp" {
				d.LocalAddr = net.TCPAddrFromAddrPort(laddr)
			} else {
				d.LocalAddr = net.UDPAddrFromAddrPort(laddr)
			}
		}
		c, err := d.DialContext(ctx, network, netip.AddrPortFrom(ip, uint16(ep.Port)).String())
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			if ctx.Err() != nil {
				break
			}
			continue
		}
		switch c := c.(type) {
		case *net.TCPConn:
			if err := afterConnect(c, a); err != nil {
				c.Close()
				return nil, fmt.Errorf("dial tcp %s: %w", c.RemoteAddr(), err)
			}
		case *net.UDPConn:
			if o.Multicast != nil && len(o.Multicast.Joins) > 0 {
				c.Close()
				return nil, fmt.Errorf("dial udp %s: %w", c.RemoteAddr(), ErrJoinConnected)
			}
			if o.Multicast != nil {
				if err := multicastSender(c, o.Multicast); err != nil {
					c.Close()
					return nil, fmt.Errorf("dial udp %s: %w", c.RemoteAddr(), err)
				}
			}
			register(c, a)
		}
		return c, nil
	}
	if firstErr == nil {
		firstErr = &net.OpError{Op: "dial", Net: network, Err: fmt.Errorf("no time left within the %s connect timeout", o.connectTimeout())}
	}
	return nil, explainDial(firstErr, network, ep.Addr(), o.connectTimeout())
}

// DialError is a failed connect in words a person reads ("connect to tcp
// 127.0.0.1:9: nothing listens there (connection refused)"); it unwraps to
// Go's error, so IsRefused and errors.Is/As still see the cause.
type DialError struct {
	Words string
	Err   error
}

func (e *DialError) Error() string { return e.Words }
func (e *DialError) Unwrap() error { return e.Err }

// explainDial words the common reasons a connect fails; others keep Go's.
func explainDial(err error, network, addr string, timeout time.Duration) error {
	var why string
	switch {
	case IsRefused(err):
		why = "nothing listens there (connection refused)"
	case IsTimedOut(err) || isTimeout(err):
		why = fmt.Sprintf("no answer within %v (is the host up? a firewall may drop the packets)", timeout)
	case IsHostUnreachable(err):
		why = "the host is unreachable (no route to it, or it does not answer ARP)"
	case IsNetUnreachable(err):
		why = "the network is unreachable (no route to it)"
	case strings.HasPrefix(network, "udp") && IsBroadcastRefused(err):
		why = BroadcastHint
	default:
		return err
	}
	return &DialError{Words: fmt.Sprintf("connect to %s %s: %s", network, addr, why), Err: err}
}

// explainResolve says a connect to a name with no address (resolve's
// noSuchHostError) as explainDial says a refused one; other lookup
// failures keep Go's words, which name the server that did not answer.
func explainResolve(err error, network, addr string) error {
	var nsh *noSuchHostError
	if errors.As(err, &nsh) {
		return &DialError{Words: fmt.Sprintf("connect to %s %s: %v", network, addr, nsh), Err: err}
	}
	return fmt.Errorf("dial %s %s: %w", network, addr, err)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// zoneForMulticast gives a scoped IPv6 multicast group (ff01::, ff02::)
// the multicast interface as its zone, which the kernel needs to route it.
func zoneForMulticast(addrs []netip.Addr, m *Multicast) []netip.Addr {
	if m == nil || m.Interface == "" {
		return addrs
	}
	for i, ip := range addrs {
		if ip.Is6() && ip.Zone() == "" && (ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast()) {
			addrs[i] = ip.WithZone(m.Interface)
		}
	}
	return addrs
}

func filterAddrs(in []netip.Addr, keep func(netip.Addr) bool) []netip.Addr {
	var out []netip.Addr
	for _, ip := range in {
		if keep(ip) {
			out = append(out, ip)
		}
	}
	return out
}

// localInetAddr parses a client's LocalAddr; the host must be an IP
// literal (or empty for any), as binding happens before any lookup.
func localInetAddr(network, s string) (netip.AddrPort, error) {
	if s == "" {
		return netip.AddrPort{}, nil
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("local address %q: %w", s, err)
	}
	p, err := net.LookupPort(network, port)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("local address %q: bad port", s)
	}
	ip := netip.IPv4Unspecified()
	if host != "" {
		if ip, err = netip.ParseAddr(host); err != nil {
			return netip.AddrPort{}, fmt.Errorf("local address %q: the host must be an IP address", s)
		}
	}
	return netip.AddrPortFrom(ip, uint16(p)), nil
}

func dialUnix(ctx context.Context, ep Endpoint, a *asked) (net.Conn, error) {
	network := ep.Network()
	local := a.o.LocalAddr
	if local == "" && ep.Scheme == SchemeUnixgram {
		local = tempSocketPath()
	}
	d := net.Dialer{Timeout: a.o.connectTimeout(), Control: control(a)}
	if local != "" {
		if err := claimUnixPath(local, network); err != nil {
			return nil, fmt.Errorf("dial %s %s: local path: %w", network, ep.Path, err)
		}
		d.LocalAddr = &net.UnixAddr{Name: local, Net: network}
	}
	c, err := d.DialContext(ctx, network, ep.Path)
	if err != nil {
		if local != "" && a.o.LocalAddr == "" {
			// Go binds before connecting; a failed connect leaves the temp file.
			removeIfSocket(local)
		}
		if IsRefused(err) {
			// Linux refuses a connect to a regular file or a directory
			// just as to a socket nobody listens on; say which it is.
			if nerr := checkIsSocket(ep.Path); nerr != nil {
				return nil, fmt.Errorf("dial %s %s: %w", network, ep.Path, nerr)
			}
		}
		return nil, err
	}
	uc := c.(*net.UnixConn)
	if local == "" {
		register(uc, a)
		return uc, nil
	}
	return &unixConn{UnixConn: uc, a: a, path: newOwnedPath(local)}, nil
}

func removeIfSocket(path string) {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSocket != 0 {
		os.Remove(path)
	}
}

// DialPacket opens an unconnected client: a locally bound socket (LocalAddr,
// else any port; unixgram: a temp path) and the resolved server address to
// pass to WriteTo. Unlike Dial it can hear from any peer, as a UDP
// tutorial client does.
func DialPacket(ctx context.Context, ep Endpoint, o Options) (net.PacketConn, net.Addr, error) {
	if ep.Stream() {
		return nil, nil, fmt.Errorf("dial %s: a stream endpoint needs Dial, not DialPacket", ep.Network())
	}
	if err := o.Validate(ep, false); err != nil {
		return nil, nil, fmt.Errorf("dial %s: %w", ep, err)
	}
	a := &asked{ep: ep, server: false, o: o}
	lc := net.ListenConfig{Control: control(a)}
	if ep.Scheme == SchemeUnixgram {
		// Nothing connects, so a path that is no socket would only show at
		// the first send, as "connection refused"; one that does not exist
		// yet is fine (the server may start later).
		if err := checkIsSocket(ep.Path); err != nil {
			return nil, nil, fmt.Errorf("dial unixgram %s: %w", ep.Path, err)
		}
		local := o.LocalAddr
		if local == "" {
			local = tempSocketPath()
		}
		if err := claimUnixPath(local, "unixgram"); err != nil {
			return nil, nil, fmt.Errorf("dial unixgram %s: local path: %w", ep.Path, err)
		}
		pc, err := lc.ListenPacket(ctx, "unixgram", local)
		if err != nil {
			return nil, nil, err
		}
		return &unixConn{UnixConn: pc.(*net.UnixConn), a: a, path: newOwnedPath(local)}, &net.UnixAddr{Name: ep.Path, Net: "unixgram"}, nil
	}
	addrs, err := resolve(ctx, ep, o, false)
	if err != nil {
		return nil, nil, explainResolve(err, "udp", ep.Addr())
	}
	remote := zoneForMulticast(addrs, o.Multicast)[0]
	laddr, err := localInetAddr("udp", o.LocalAddr)
	if err != nil {
		return nil, nil, fmt.Errorf("dial udp %s: %w", ep.Addr(), err)
	}
	if !laddr.IsValid() {
		laddr = netip.AddrPortFrom(netip.IPv4Unspecified(), 0)
		if remote.Is6() {
			laddr = netip.AddrPortFrom(netip.IPv6Unspecified(), 0)
		}
	}
	network := "udp4"
	if laddr.Addr().Is6() {
		network = "udp6"
	}
	pc, err := lc.ListenPacket(ctx, network, laddr.String())
	if err != nil {
		return nil, nil, err
	}
	uc := pc.(*net.UDPConn)
	if o.Multicast != nil {
		// A client joins Joins only: its older Group field named the group
		// it sends to, never one to join.
		joins, err := (&Multicast{Joins: o.Multicast.Joins}).joins()
		if err == nil {
			err = joinMulticast(uc, o.Multicast, joins)
		}
		if err != nil {
			uc.Close()
			return nil, nil, fmt.Errorf("dial udp %s: %w", ep.Addr(), err)
		}
	}
	register(uc, a)
	return uc, net.UDPAddrFromAddrPort(netip.AddrPortFrom(remote, uint16(ep.Port))), nil
}

func multicastIface(name string) (*net.Interface, error) {
	if name == "" {
		return nil, nil
	}
	ifi, err := net.InterfaceByName(name)
	if err != nil {
		return nil, fmt.Errorf("multicast interface %q: %w", name, err)
	}
	return ifi, nil
}

// ErrJoinConnected: a connected UDP socket takes datagrams from its one
// peer only, so joining a group there would receive nothing.
var ErrJoinConnected = errors.New("joining multicast groups needs a UDP server or an unconnected UDP client")

// joinMulticast joins each group (IPv4 or IPv6) and applies the sending
// settings, through x/net so it works on every platform.
func joinMulticast(c *net.UDPConn, m *Multicast, joins []Join) error {
	for _, j := range joins {
		if err := JoinGroup(c, j); err != nil {
			return err
		}
	}
	return multicastSender(c, m)
}

// multicastSender sets what outgoing multicast uses: interface, TTL (hop
// limit) and whether our own host hears it, for the socket's family, and
// for IPv4 too on an IPv6 socket that joins IPv4 groups (dual stack).
func multicastSender(c *net.UDPConn, m *Multicast) error {
	ifi, err := multicastIface(m.Interface)
	if err != nil {
		return err
	}
	joins, _ := m.joins()
	local, _ := c.LocalAddr().(*net.UDPAddr)
	v4 := local != nil && local.IP.To4() != nil
	v6 := !v4
	if g, err := netip.ParseAddr(m.Group); err == nil && g.Is4() {
		v4 = true // older workspaces: the group a client sends to
	}
	for _, j := range joins {
		v4 = v4 || j.Group.Is4()
	}
	if v4 {
		p := ipv4.NewPacketConn(c)
		if ifi != nil {
			if err := p.SetMulticastInterface(ifi); err != nil {
				return optionError("IP_MULTICAST_IF", err)
			}
		}
		if m.TTL > 0 {
			if err := p.SetMulticastTTL(m.TTL); err != nil {
				return optionError("IP_MULTICAST_TTL", err)
			}
		}
		if m.Loopback != nil {
			if err := p.SetMulticastLoopback(*m.Loopback); err != nil {
				return optionError("IP_MULTICAST_LOOP", err)
			}
		}
	}
	if !v6 {
		return nil
	}
	p := ipv6.NewPacketConn(c)
	if ifi != nil {
		if err := p.SetMulticastInterface(ifi); err != nil {
			return optionError("IPV6_MULTICAST_IF", err)
		}
	}
	if m.TTL > 0 {
		if err := p.SetMulticastHopLimit(m.TTL); err != nil {
			return optionError("IPV6_MULTICAST_HOPS", err)
		}
	}
	if m.Loopback != nil {
		if err := p.SetMulticastLoopback(*m.Loopback); err != nil {
			return optionError("IPV6_MULTICAST_LOOP", err)
		}
	}
	return nil
}

// CloseWrite half-closes a stream connection: the peer reads EOF (TCP
// sends FIN) while we can still read. Datagram sockets have no such thing.
func CloseWrite(c net.Conn) error {
	if isDatagram(c) {
		return fmt.Errorf("half-close %s: %w", c.LocalAddr().Network(), ErrUnsupported)
	}
	cw, ok := c.(interface{ CloseWrite() error })
	if !ok {
		return fmt.Errorf("half-close %T: %w", c, ErrUnsupported)
	}
	if err := cw.CloseWrite(); err != nil {
		return err
	}
	// crypto/tls's CloseWrite sends close_notify only; the TCP FIN under it
	// is what the peer's kernel, ss and a plain reader see.
	// A peer may answer the close_notify by closing at once, and our
	// reader then closes the connection: its close sent the FIN, so the
	// half-close is done.
	if u := Underlying(c); u != c {
		if uw, ok := u.(interface{ CloseWrite() error }); ok {
			if err := uw.CloseWrite(); err != nil && !errors.Is(err, net.ErrClosed) {
				return err
			}
		}
	}
	return nil
}

// Abort closes a TCP connection with RST instead of FIN (SO_LINGER 0), so
// the peer's next read or write fails with "connection reset by peer".
// Other kinds have no RST: they are closed normally and the error says so.
func Abort(c net.Conn) error {
	r, ok := Underlying(c).(resetter)
	if !ok {
		err := c.Close()
		if err != nil {
			return fmt.Errorf("abort: %w", err)
		}
		return fmt.Errorf("abort %s: closed normally, there is no reset for this kind: %w", c.LocalAddr().Network(), ErrUnsupported)
	}
	rc, err := r.SyscallConn()
	if err != nil {
		c.Close()
		return fmt.Errorf("abort: %w", err)
	}
	var lerr error
	if err := rc.Control(func(fd uintptr) { lerr = abortFD(fd) }); err == nil && lerr != nil {
		err = lerr
		c.Close()
		return fmt.Errorf("abort: SO_LINGER: %w", err)
	}
	return c.Close()
}

func isDatagram(c net.Conn) bool {
	switch c.(type) {
	case *net.UDPConn:
		return true
	}
	if a := c.LocalAddr(); a != nil && a.Network() == "unixgram" {
		return true
	}
	return false
}

var _ syscall.Conn = (*unixConn)(nil)
