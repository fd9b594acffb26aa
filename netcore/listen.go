package netcore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// Listen opens a stream server (tcp, unix). Options are applied through
// net.ListenConfig.Control before bind; a Backlog is applied by calling
// listen(2) again, which Linux and the BSDs honour (Go always passes
// net.core.somaxconn) and Windows ignores (see BacklogUnsupported). A unix path is taken over only when it is a stale
// socket, and removed again on Close.
func Listen(ctx context.Context, ep Endpoint, o Options) (net.Listener, error) {
	if !ep.Stream() {
		return nil, fmt.Errorf("listen %s: a datagram endpoint has no listener; use ListenPacket", ep.Network())
	}
	if err := o.Validate(ep, true); err != nil {
		return nil, fmt.Errorf("listen %s: %w", ep, err)
	}
	a := &asked{ep: ep, server: true, o: o}
	lc := net.ListenConfig{Control: control(a), KeepAlive: keepAliveFor(o.KeepAlive), KeepAliveConfig: keepAliveConfig(o.KeepAlive)}
	if ep.Scheme == SchemeUnix {
		if err := claimUnixPath(ep.Path, "unix"); err != nil {
			return nil, fmt.Errorf("listen unix: %w", err)
		}
		ln, err := lc.Listen(ctx, "unix", ep.Path)
		if err != nil {
			return nil, err
		}
		ul := ln.(*net.UnixListener)
		ul.SetUnlinkOnClose(false) // we remove it ourselves, only if it is still ours
		l := &unixListener{UnixListener: ul, a: a, path: newOwnedPath(ep.Path)}
		if err := applyBacklog(ul, o.Backlog); err != nil {
			l.Close()
			return nil, fmt.Errorf("listen unix %s: %w", ep.Path, err)
		}
		return l, nil
	}
	addrs, err := resolve(ctx, ep, o, true)
	if err != nil {
		return nil, fmt.Errorf("listen tcp %s: %w", ep.Addr(), err)
	}
	ln, err := lc.Listen(ctx, "tcp", netip.AddrPortFrom(addrs[0], uint16(ep.Port)).String())
	if err != nil {
		return nil, bindErr(err, a)
	}
	tl := ln.(*net.TCPListener)
	if err := applyBacklog(tl, o.Backlog); err != nil {
		tl.Close()
		return nil, fmt.Errorf("listen tcp %s: %w", tl.Addr(), err)
	}
	register(tl, a)
	return &tcpListener{TCPListener: tl, a: a}, nil
}

// BacklogUnsupported is nil where Listen applies Options.Backlog (Linux,
// the BSDs, macOS) and elsewhere the reason it cannot, matching
// ErrUnsupported: on Windows a socket takes its backlog only in its first
// listen(), which Go makes. The window shows this sentence by a disabled
// backlog field and the command line warns with it. Listen never fails
// for it: the system's default backlog applies, and Effective says so.
func BacklogUnsupported() error { return backlogUnsupported }

// applyBacklog calls listen again with the asked backlog, where that
// changes it; elsewhere the asked backlog is only remembered for Effective.
func applyBacklog(l interface {
	SyscallConn() (syscall.RawConn, error)
}, backlog int) error {
	if backlog <= 0 || backlogUnsupported != nil {
		return nil
	}
	rc, err := l.SyscallConn()
	if err != nil {
		return err
	}
	var lerr error
	if err := rc.Control(func(fd uintptr) { lerr = relisten(fd, backlog) }); err != nil {
		return err
	}
	return lerr
}

// tcpListener applies what Go would otherwise override on each accepted
// connection (TCP_NODELAY) and remembers the options for Effective.
type tcpListener struct {
	*net.TCPListener
	a *asked
}

func (l *tcpListener) Accept() (net.Conn, error) {
	c, err := l.TCPListener.AcceptTCP()
	if err != nil {
		return nil, err
	}
	if err := afterConnect(c, l.a); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func (l *tcpListener) askedOptions() *asked { return l.a }

// unixListener removes its socket file on Close, also after it replaced a
// stale one, and only while the file is still the one it created.
type unixListener struct {
	*net.UnixListener
	a    *asked
	path *ownedPath
}

func (l *unixListener) Accept() (net.Conn, error) {
	c, err := l.UnixListener.AcceptUnix()
	if err != nil {
		return nil, err
	}
	register(c, l.a)
	return c, nil
}

func (l *unixListener) Close() error {
	err := l.UnixListener.Close()
	l.path.remove()
	return err
}

func (l *unixListener) askedOptions() *asked { return l.a }

// afterConnect applies what must wait until the connection exists, because
// Go sets its own value then (TCP_NODELAY), and registers the asked options.
func afterConnect(c *net.TCPConn, a *asked) error {
	if a.o.NoDelay != nil {
		if err := c.SetNoDelay(*a.o.NoDelay); err != nil {
			return optionError("TCP_NODELAY", err)
		}
	}
	register(c, a)
	return nil
}

// ListenPacket opens a datagram server (udp, unixgram). A UDP server with a
// Multicast option joins its groups; with no host written it binds as
// multicastBind says. A unixgram server's path
// is removed on Close (Go does not do that for datagram sockets).
func ListenPacket(ctx context.Context, ep Endpoint, o Options) (net.PacketConn, error) {
	if ep.Stream() {
		return nil, fmt.Errorf("listen %s: a stream endpoint needs Listen, not ListenPacket", ep.Network())
	}
	if err := o.Validate(ep, true); err != nil {
		return nil, fmt.Errorf("listen %s: %w", ep, err)
	}
	a := &asked{ep: ep, server: true, o: o}
	lc := net.ListenConfig{Control: control(a)}
	if ep.Scheme == SchemeUnixgram {
		if err := claimUnixPath(ep.Path, "unixgram"); err != nil {
			return nil, fmt.Errorf("listen unixgram: %w", err)
		}
		pc, err := lc.ListenPacket(ctx, "unixgram", ep.Path)
		if err != nil {
			return nil, err
		}
		return &unixConn{UnixConn: pc.(*net.UnixConn), a: a, path: newOwnedPath(ep.Path)}, nil
	}
	joins, err := o.Multicast.joins()
	if err != nil {
		return nil, fmt.Errorf("listen udp %s: %w", ep.Addr(), err)
	}
	var addr netip.Addr
	if ep.Host == "" && len(joins) > 0 {
		addr = multicastBind(joins)
	} else {
		addrs, err := resolve(ctx, ep, o, true)
		if err != nil {
			return nil, fmt.Errorf("listen udp %s: %w", ep.Addr(), err)
		}
		addr = addrs[0]
	}
	pc, err := lc.ListenPacket(ctx, "udp", netip.AddrPortFrom(addr, uint16(ep.Port)).String())
	if err != nil {
		return nil, bindErr(err, a)
	}
	uc := pc.(*net.UDPConn)
	if o.Multicast != nil {
		if err := joinMulticast(uc, o.Multicast, joins); err != nil {
			uc.Close()
			return nil, fmt.Errorf("listen udp %s: %w", uc.LocalAddr(), err)
		}
	}
	register(uc, a)
	return uc, nil
}

// multicastBind is the address a multicast server with no host written
// binds: the group itself when there is one, so it gets that group's
// datagrams only; with several groups the wildcard of their family ([::]
// when they mix, which takes IPv4 too).
func multicastBind(joins []Join) netip.Addr {
	if len(joins) == 1 {
		return joins[0].Group
	}
	v4, v6 := false, false
	for _, j := range joins {
		v4 = v4 || j.Group.Is4()
		v6 = v6 || j.Group.Is6()
	}
	if v4 && !v6 {
		return netip.IPv4Unspecified()
	}
	return netip.IPv6Unspecified()
}

// resolve turns the endpoint's host into addresses, IPv4 first (servers
// take the first). No host means 127.0.0.1: servers bind loopback unless
// the person writes 0.0.0.0 or [::]. Names are looked up with
// ResolveTimeout so a dead DNS server cannot hang a tab.
func resolve(ctx context.Context, ep Endpoint, o Options, server bool) ([]netip.Addr, error) {
	if ep.Host == "" {
		return []netip.Addr{netip.AddrFrom4([4]byte{127, 0, 0, 1})}, nil
	}
	if ip, err := netip.ParseAddr(ep.Host); err == nil {
		if err := checkZone(ip); err != nil {
			return nil, err
		}
		return []netip.Addr{ip}, nil
	}
	rctx, cancel := context.WithTimeout(ctx, o.resolveTimeout())
	defer cancel()
	ips, err := net.DefaultResolver.LookupNetIP(rctx, "ip", ep.Host)
	if err != nil {
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) && dnsErr.IsTimeout {
			return nil, fmt.Errorf("%w (no answer within %s)", err, o.resolveTimeout())
		}
		if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
			return nil, &noSuchHostError{dnsErr}
		}
		return nil, err
	}
	if len(ips) == 0 {
		return nil, fmt.Errorf("lookup %s: no addresses", ep.Host)
	}
	for i := range ips {
		ips[i] = ips[i].Unmap()
	}
	slices.SortStableFunc(ips, func(x, y netip.Addr) int {
		return boolInt(!x.Is4()) - boolInt(!y.Is4())
	})
	return ips, nil
}

// noSuchHostError is a host name with no address, in words a person reads
// where Go's name the lookup; it unwraps to the resolver's *net.DNSError.
type noSuchHostError struct{ dns *net.DNSError }

func (e *noSuchHostError) Error() string {
	server := "DNS"
	if e.dns.Server != "" {
		server = "the DNS server " + e.dns.Server
	}
	return fmt.Sprintf("no such host (neither the hosts file nor %s knows %s)", server, e.dns.Name)
}

func (e *noSuchHostError) Unwrap() error { return e.dns }

// ErrNoSuchInterface is matched by the error for an IPv6 zone (the %eth0 in
// [fe80::1%eth0]) that names no network interface of this machine, which
// the kernel reports only as "invalid argument".
var ErrNoSuchInterface = errors.New("no such network interface")

type zoneError struct {
	ip    netip.Addr
	names []string // the interfaces there are
}

func (e *zoneError) Error() string {
	zone := e.ip.Zone()
	what := fmt.Sprintf("named %q", zone)
	if _, err := strconv.Atoi(zone); err == nil {
		what = "with index " + zone
	}
	msg := fmt.Sprintf("no network interface %s (the zone of %s)", what, e.ip)
	if len(e.names) > 0 {
		msg += "; interfaces here: " + strings.Join(e.names, ", ")
	}
	return msg
}

func (e *zoneError) Is(target error) bool { return target == ErrNoSuchInterface }

// checkZone makes sure an IPv6 literal's zone names an interface, by name
// or, as Go and the kernel also read it, by index. It is checked when
// dialling or listening, not when parsing: an endpoint URL may be saved and
// used on the machine that has that interface. When the interfaces cannot
// be listed, the kernel has the last word.
func checkZone(ip netip.Addr) error {
	zone := ip.Zone()
	if zone == "" {
		return nil
	}
	ifs, err := net.Interfaces()
	if err != nil {
		return nil
	}
	index, numErr := strconv.Atoi(zone)
	names := make([]string, 0, len(ifs))
	for _, ifi := range ifs {
		if ifi.Name == zone || numErr == nil && ifi.Index == index {
			return nil
		}
		names = append(names, ifi.Name)
	}
	return &zoneError{ip: ip, names: names}
}

// bindError is a TCP or UDP bind refused with EADDRINUSE, in Go's words
// and unwrapping to Go's *net.OpError, that remembers whether SO_REUSEADDR
// was on: what to advise about a port held by a TIME_WAIT connection
// depends on it.
type bindError struct {
	err       error
	reuseAddr bool
}

func (e *bindError) Error() string { return e.err.Error() }
func (e *bindError) Unwrap() error { return e.err }

// ErrBindDenied is matched by a bind that Windows refuses with "access
// denied" (WSAEACCES): the port is held by a socket that does not share
// it, or lies in a range the system reserves. The error says which to check.
var ErrBindDenied = errors.New("bind denied by the system")

type bindDeniedError struct {
	err  error
	hint string
}

func (e *bindDeniedError) Error() string        { return e.err.Error() + "; " + e.hint }
func (e *bindDeniedError) Unwrap() error        { return e.err }
func (e *bindDeniedError) Is(target error) bool { return target == ErrBindDenied }

func bindErr(err error, a *asked) error {
	if hint := bindDeniedHint(err); hint != "" {
		return &bindDeniedError{err: err, hint: hint}
	}
	if !IsAddrInUse(err) {
		return err
	}
	set, on := a.o.reuseAddr(a.ep, a.server)
	if runtime.GOOS == "windows" && a.o.ReuseAddr == nil {
		on = false // Go sets no default there, and neither do we
	}
	return &bindError{err: err, reuseAddr: set && on}
}

// BindReuseAddr reports whether SO_REUSEADDR was on for the bind that
// failed with err, an error of Listen or ListenPacket for tcp or udp
// refused with "address already in use"; known is false for any other error.
func BindReuseAddr(err error) (on, known bool) {
	var be *bindError
	if errors.As(err, &be) {
		return be.reuseAddr, true
	}
	return false, false
}
