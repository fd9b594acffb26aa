//go:build linux || darwin

package ping

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"runtime"
	"syscall"
	"time"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// sockTransport is a datagram or raw ICMP socket. It keeps the *net.UDPConn
// or *net.IPConn itself (not an icmp.PacketConn) because ReadMsg's control
// messages carry the kernel's receive time, which keeps the RTT free of
// the scheduler's wake-up latency.
type sockTransport struct {
	c    net.PacketConn
	udp  *net.UDPConn // datagram socket
	ip   *net.IPConn  // raw socket
	dst  net.Addr
	net  string           // dst's network, as WriteTo's errors name it
	sa   syscall.Sockaddr // dst for the system call
	rc   syscall.RawConn
	v6   bool
	kind Mode
	id   uint16
	rbuf []byte
	oob  []byte
	wbuf []byte
}

func openTransport(dst netip.Addr, cfg Config, id uint16) (transport, error) {
	switch cfg.Mode {
	case ModeDatagram, ModeRaw:
		t, err := openSocket(dst, cfg, cfg.Mode, id)
		if errors.Is(err, os.ErrPermission) {
			return nil, notPermitted(cfg.Mode, dst.Is6(), err)
		}
		return t, err
	case ModeAuto:
		t, derr := openSocket(dst, cfg, ModeDatagram, id)
		if derr == nil {
			return t, nil
		}
		t, rerr := openSocket(dst, cfg, ModeRaw, id)
		if rerr == nil {
			return t, nil
		}
		if errors.Is(rerr, os.ErrPermission) {
			return nil, notPermitted(ModeAuto, dst.Is6(), rerr)
		}
		return nil, rerr
	}
	return nil, fmt.Errorf("%w: mode %v (use auto, datagram or raw)", ErrUnsupported, cfg.Mode)
}

func openSocket(dst netip.Addr, cfg Config, kind Mode, id uint16) (*sockTransport, error) {
	v6 := dst.Is6()
	src := cfg.Source
	t := &sockTransport{v6: v6, kind: kind, id: id, rbuf: make([]byte, 1<<17), oob: make([]byte, 256)}
	var err error
	if kind == ModeDatagram {
		t.udp, err = listenDatagram(v6, src)
		t.c = t.udp
		t.dst, t.net = &net.UDPAddr{IP: dst.AsSlice(), Zone: dst.Zone()}, "udp"
	} else {
		network, any := "ip4:icmp", "0.0.0.0"
		if v6 {
			network, any = "ip6:ipv6-icmp", "::"
		}
		if src == "" {
			src = any
		}
		var c net.PacketConn
		c, err = net.ListenPacket(network, src)
		if err == nil {
			t.ip = c.(*net.IPConn)
			t.c = c
		}
		t.dst, t.net = &net.IPAddr{IP: dst.AsSlice(), Zone: dst.Zone()}, network[:3] // ip4, ip6
	}
	if err == nil {
		t.sa = sockaddr(dst, v6)
		t.rc, err = t.c.(syscall.Conn).SyscallConn()
	}
	if err != nil {
		return nil, fmt.Errorf("open %s icmp socket: %w", kind, err)
	}
	if err := t.setup(cfg.TTL); err != nil {
		t.c.Close()
		return nil, err
	}
	if kind == ModeDatagram {
		t.id = uint16(t.udp.LocalAddr().(*net.UDPAddr).Port) // what the kernel writes as echo ID
	}
	return t, nil
}

// listenDatagram opens the unprivileged ICMP socket as icmp.ListenPacket
// does, but hands back the *net.UDPConn so ReadMsgUDP can be used.
func listenDatagram(v6 bool, src string) (*net.UDPConn, error) {
	family, proto := syscall.AF_INET, 1
	var sa syscall.Sockaddr = &syscall.SockaddrInet4{}
	if v6 {
		family, proto = syscall.AF_INET6, 58
		sa = &syscall.SockaddrInet6{}
	}
	if src != "" {
		sa = sockaddr(netip.MustParseAddr(src), v6)
	}
	syscall.ForkLock.RLock()
	s, err := syscall.Socket(family, syscall.SOCK_DGRAM, proto)
	if err == nil {
		syscall.CloseOnExec(s)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return nil, os.NewSyscallError("socket", err)
	}
	if runtime.GOOS == "darwin" && !v6 {
		const ipStripHdr = 0x17 // darwin: deliver ICMP without the IPv4 header
		if err := syscall.SetsockoptInt(s, syscall.IPPROTO_IP, ipStripHdr, 1); err != nil {
			syscall.Close(s)
			return nil, os.NewSyscallError("setsockopt", err)
		}
	}
	if err := syscall.Bind(s, sa); err != nil {
		syscall.Close(s)
		return nil, os.NewSyscallError("bind", err)
	}
	f := os.NewFile(uintptr(s), "datagram icmp")
	c, err := net.FilePacketConn(f)
	f.Close()
	if err != nil {
		return nil, err
	}
	u, ok := c.(*net.UDPConn)
	if !ok {
		c.Close()
		return nil, fmt.Errorf("datagram icmp socket: unexpected %T", c)
	}
	return u, nil
}

// setup sets the TTL, asks for the reply's TTL and the kernel timestamp,
// and on raw sockets filters out ICMP types we never look at.
func (t *sockTransport) setup(ttl int) error {
	if t.v6 {
		p := ipv6.NewPacketConn(t.c)
		if ttl > 0 {
			if err := p.SetHopLimit(ttl); err != nil {
				return fmt.Errorf("set hop limit %d: %w", ttl, err)
			}
		}
		p.SetControlMessage(ipv6.FlagHopLimit, true)
		if t.kind == ModeRaw {
			var f ipv6.ICMPFilter
			f.SetAll(true)
			for _, typ := range []ipv6.ICMPType{ipv6.ICMPTypeEchoReply, ipv6.ICMPTypeDestinationUnreachable,
				ipv6.ICMPTypePacketTooBig, ipv6.ICMPTypeTimeExceeded, ipv6.ICMPTypeParameterProblem} {
				f.Accept(typ)
			}
			p.SetICMPFilter(&f) // an optimisation: without it the matcher still drops the rest
		}
	} else {
		p := ipv4.NewPacketConn(t.c)
		if ttl > 0 {
			if err := p.SetTTL(ttl); err != nil {
				return fmt.Errorf("set ttl %d: %w", ttl, err)
			}
		}
		if t.kind == ModeDatagram {
			p.SetControlMessage(ipv4.FlagTTL, true) // raw sockets read it from the IP header
		}
		if t.kind == ModeRaw {
			// Only what the matcher reads (echo reply, unreachable, time
			// exceeded, parameter problem), as iputils filters. Without it a
			// raw socket also gets our own echo request on loopback, and
			// waking our reader for it held the reply back: median RTT to
			// 127.0.0.1 36 µs against iputils' 4 µs on an idle machine.
			var f ipv4.ICMPFilter
			f.SetAll(true)
			for _, typ := range []ipv4.ICMPType{ipv4.ICMPTypeEchoReply, ipv4.ICMPTypeDestinationUnreachable,
				ipv4.ICMPTypeTimeExceeded, ipv4.ICMPTypeParameterProblem} {
				f.Accept(typ)
			}
			p.SetICMPFilter(&f) // Linux only; elsewhere the matcher drops the rest
		}
	}
	enableTimestamps(t.c)
	return nil
}

func (t *sockTransport) mode() Mode     { return t.kind }
func (t *sockTransport) raw() bool      { return t.kind == ModeRaw }
func (t *sockTransport) echoID() uint16 { return t.id }
func (t *sockTransport) close() error   { return t.c.Close() }

// send stamps the request just before the system call that sends it, as
// iputils does. Stamped before WriteTo, every RTT also held WriteTo's own
// steps (its locks, converting the address): to 127.0.0.1 on an idle
// machine the median of 300 probes was 21-26 µs, stamped here 18-21 µs
// (six alternating pairs).
func (t *sockTransport) send(seq uint16, payload []byte) (time.Time, error) {
	t.wbuf = echoRequest(t.wbuf, t.v6, t.id, seq, payload)
	var now time.Time
	var serr error
	err := t.rc.Write(func(fd uintptr) bool {
		now = time.Now()
		finishRequest(t.wbuf, t.v6, now)
		for {
			serr = syscall.Sendto(int(fd), t.wbuf, 0, t.sa)
			if serr != syscall.EINTR {
				break
			}
		}
		return serr != syscall.EAGAIN // full: wait until writable, then stamp again
	})
	if err == nil && serr != nil {
		err = &net.OpError{Op: "write", Net: t.net, Source: t.c.LocalAddr(), Addr: t.dst, Err: os.NewSyscallError("sendto", serr)}
	}
	return now, err
}

// sockaddr is address a as the system calls take it, for a socket of the
// family v6 says (an IPv6 zone as its interface index).
func sockaddr(a netip.Addr, v6 bool) syscall.Sockaddr {
	if !v6 {
		return &syscall.SockaddrInet4{Addr: a.Unmap().As4()}
	}
	s6 := &syscall.SockaddrInet6{Addr: a.As16()}
	if z := a.Zone(); z != "" {
		if ifi, err := net.InterfaceByName(z); err == nil {
			s6.ZoneId = uint32(ifi.Index)
		}
	}
	return s6
}

func (t *sockTransport) recv() (packet, error) {
	for {
		var n, oobn int
		var from netip.Addr
		var err error
		if t.udp != nil {
			var ap netip.AddrPort
			n, oobn, _, ap, err = t.udp.ReadMsgUDPAddrPort(t.rbuf, t.oob)
			from = ap.Addr().Unmap()
		} else {
			var a *net.IPAddr
			n, oobn, _, a, err = t.ip.ReadMsgIP(t.rbuf, t.oob)
			if a != nil {
				from, _ = netip.AddrFromSlice(a.IP)
				from = from.Unmap().WithZone(a.Zone)
			}
		}
		at := time.Now()
		if err != nil {
			return packet{}, err
		}
		if kt, ok := kernelTime(t.oob[:oobn]); ok {
			at = kt
		}
		b, ttl := t.rbuf[:n], -1
		switch {
		case t.ip != nil && !t.v6: // raw IPv4 reads include the IP header
			if n < 20 || int(b[0]&0x0f)*4 < 20 || int(b[0]&0x0f)*4 > n {
				continue
			}
			ttl = int(b[8])
			b = b[int(b[0]&0x0f)*4:]
		case t.v6:
			var cm ipv6.ControlMessage
			if cm.Parse(t.oob[:oobn]) == nil && cm.HopLimit > 0 {
				ttl = cm.HopLimit
			}
		default:
			var cm ipv4.ControlMessage
			if cm.Parse(t.oob[:oobn]) == nil && cm.TTL > 0 {
				ttl = cm.TTL
			}
		}
		return packet{b: append([]byte(nil), b...), from: from, ttl: ttl, at: at}, nil
	}
}
