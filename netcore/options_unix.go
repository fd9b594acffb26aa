//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package netcore

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// setOptions applies the options that must be in place before bind or
// connect. TCP_NODELAY, keepalive and multicast are applied after, because
// Go sets its own values once the connection exists.
func setOptions(fd uintptr, network string, a *asked) error {
	s := int(fd)
	o := a.o
	inet := !strings.HasPrefix(network, "unix")
	v6 := strings.HasSuffix(network, "6")
	setInt := func(name string, level, opt, v int) error {
		if err := unix.SetsockoptInt(s, level, opt, v); err != nil {
			return optionError(name, err)
		}
		return nil
	}
	if inet {
		if set, on := o.reuseAddr(a.ep, a.server); set {
			if err := setInt("SO_REUSEADDR", unix.SOL_SOCKET, unix.SO_REUSEADDR, boolInt(on)); err != nil {
				return err
			}
		}
		if o.ExclusiveAddr {
			return unsupported("SO_EXCLUSIVEADDRUSE (a Windows option)")
		}
		if o.ReusePort {
			if err := setInt("SO_REUSEPORT", unix.SOL_SOCKET, unix.SO_REUSEPORT, 1); err != nil {
				return err
			}
		}
		if o.TTL > 0 {
			if v6 {
				if err := setInt("IPV6_UNICAST_HOPS", unix.IPPROTO_IPV6, unix.IPV6_UNICAST_HOPS, o.TTL); err != nil {
					return err
				}
				// A dual-stack socket also sends IPv4; best effort, as not every kernel allows IP_TTL here.
				_ = unix.SetsockoptInt(s, unix.IPPROTO_IP, unix.IP_TTL, o.TTL)
			} else if err := setInt("IP_TTL", unix.IPPROTO_IP, unix.IP_TTL, o.TTL); err != nil {
				return err
			}
		}
		// Go turns SO_BROADCAST on for every IPv4 UDP socket; sending to a
		// broadcast address is a choice the person makes, so it is off
		// unless asked for, and the kernel then refuses such a send.
		if o.Broadcast || strings.HasPrefix(network, "udp") {
			if err := setInt("SO_BROADCAST", unix.SOL_SOCKET, unix.SO_BROADCAST, boolInt(o.Broadcast)); err != nil {
				return err
			}
		}
		if o.BindDevice != "" {
			if err := bindToDevice(s, o.BindDevice); err != nil {
				return err
			}
		}
	}
	if o.SendBuffer > 0 {
		if err := setInt("SO_SNDBUF", unix.SOL_SOCKET, unix.SO_SNDBUF, o.SendBuffer); err != nil {
			return err
		}
	}
	if o.RecvBuffer > 0 {
		if err := setInt("SO_RCVBUF", unix.SOL_SOCKET, unix.SO_RCVBUF, o.RecvBuffer); err != nil {
			return err
		}
	}
	if o.Linger != nil {
		if err := unix.SetsockoptLinger(s, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: int32(*o.Linger)}); err != nil {
			return optionError("SO_LINGER", err)
		}
	}
	return nil
}

// backlogUnsupported: Linux and the BSDs apply Options.Backlog.
var backlogUnsupported error

// unixgramUnsupported: Linux and the BSDs have datagram Unix sockets.
var unixgramUnsupported error

// relisten calls listen(2) again on a listening socket: Linux and the BSDs
// then take the new backlog, which Go's Listen does not let us pass.
func relisten(fd uintptr, backlog int) error {
	if err := unix.Listen(int(fd), backlog); err != nil {
		return optionError("listen backlog", err)
	}
	return nil
}

// abortFD sets SO_LINGER to 0 so close sends RST instead of FIN.
func abortFD(fd uintptr) error {
	return unix.SetsockoptLinger(int(fd), unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0})
}

// effective reads back the options that matter for this socket's kind.
func effective(fd uintptr, a *asked) ([]OptionValue, error) {
	s := int(fd)
	var vals []OptionValue
	// An option this socket kind cannot report is shown as such, not
	// turned into an error for the whole read-back.
	unreadable := func(name string, err error) {
		vals = append(vals, OptionValue{name, "unreadable: " + err.Error()})
	}
	getInt := func(name string, level, opt int) (int, bool) {
		v, err := unix.GetsockoptInt(s, level, opt)
		if err != nil {
			unreadable(name, err)
			return 0, false
		}
		return v, true
	}
	add := func(name, value string) { vals = append(vals, OptionValue{name, value}) }
	var o Options
	if a != nil {
		o = a.o
	}
	typ, err := unix.GetsockoptInt(s, unix.SOL_SOCKET, unix.SO_TYPE)
	if err != nil {
		return nil, optionError("SO_TYPE", err)
	}
	sa, err := unix.Getsockname(s)
	if err != nil {
		return nil, optionError("getsockname", err)
	}
	_, isUnix := sa.(*unix.SockaddrUnix)
	_, v6 := sa.(*unix.SockaddrInet6)
	tcp := !isUnix && typ == unix.SOCK_STREAM
	udp := !isUnix && typ == unix.SOCK_DGRAM
	acc, err := unix.GetsockoptInt(s, unix.SOL_SOCKET, unix.SO_ACCEPTCONN)
	listening := err == nil && acc != 0

	if !isUnix {
		if v, ok := getInt("SO_REUSEADDR", unix.SOL_SOCKET, unix.SO_REUSEADDR); ok {
			add("SO_REUSEADDR", onOff(v != 0))
		}
		if v, ok := getInt("SO_REUSEPORT", unix.SOL_SOCKET, unix.SO_REUSEPORT); ok {
			add("SO_REUSEPORT", onOff(v != 0))
		}
	}
	for _, b := range []struct {
		name  string
		opt   int
		asked int
	}{{"SO_SNDBUF", unix.SO_SNDBUF, o.SendBuffer}, {"SO_RCVBUF", unix.SO_RCVBUF, o.RecvBuffer}} {
		if v, ok := getInt(b.name, unix.SOL_SOCKET, b.opt); ok {
			add(b.name, bufferNote(b.name, v, b.asked))
		}
	}
	if tcp {
		if v, ok := getInt("TCP_NODELAY", unix.IPPROTO_TCP, unix.TCP_NODELAY); ok {
			add("TCP_NODELAY", onOff(v != 0))
		}
		if v, ok := getInt("SO_KEEPALIVE", unix.SOL_SOCKET, unix.SO_KEEPALIVE); ok {
			add("SO_KEEPALIVE", onOff(v != 0))
			if v != 0 {
				vals = append(vals, keepAliveDetails(s)...)
			}
		}
		if l, err := unix.GetsockoptLinger(s, unix.SOL_SOCKET, unix.SO_LINGER); err != nil {
			unreadable("SO_LINGER", err)
		} else if l.Onoff == 0 {
			add("SO_LINGER", "off (close sends FIN, the kernel finishes sending in the background)")
		} else if l.Linger == 0 {
			add("SO_LINGER", "on, 0s (close sends RST)")
		} else {
			add("SO_LINGER", fmt.Sprintf("on, %ds (close waits up to that long for unsent data)", l.Linger))
		}
	}
	if !isUnix {
		if v6 {
			if v, ok := getInt("IPV6_UNICAST_HOPS", unix.IPPROTO_IPV6, unix.IPV6_UNICAST_HOPS); ok {
				add("IPV6_UNICAST_HOPS", ttlNote(v, o.TTL))
			}
		} else if v, err := unix.GetsockoptInt(s, unix.IPPROTO_IP, unix.IP_TTL); err == nil {
			add("IP_TTL", ttlNote(v, o.TTL))
		} else if d, ok := defaultTTL(); ok && o.TTL == 0 {
			// Linux refuses to report the default TTL of a socket with no route yet (a listener).
			add("IP_TTL", fmt.Sprintf("%d (system default)", d))
		} else {
			unreadable("IP_TTL", err)
		}
		if dev, ok := boundDevice(s); ok {
			add("SO_BINDTODEVICE", dev)
		}
	}
	if udp {
		if v, ok := getInt("SO_BROADCAST", unix.SOL_SOCKET, unix.SO_BROADCAST); ok {
			add("SO_BROADCAST", onOff(v != 0))
		}
		if v6 {
			if v, ok := getInt("IPV6_MULTICAST_HOPS", unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_HOPS); ok {
				add("IPV6_MULTICAST_HOPS", strconv.Itoa(v))
			}
			if v, ok := getInt("IPV6_MULTICAST_LOOP", unix.IPPROTO_IPV6, unix.IPV6_MULTICAST_LOOP); ok {
				add("IPV6_MULTICAST_LOOP", onOff(v != 0))
			}
		} else {
			if v, ok := getByte(s, unix.IPPROTO_IP, unix.IP_MULTICAST_TTL); ok {
				add("IP_MULTICAST_TTL", strconv.Itoa(v))
			}
			if v, ok := getByte(s, unix.IPPROTO_IP, unix.IP_MULTICAST_LOOP); ok {
				add("IP_MULTICAST_LOOP", onOff(v != 0))
			}
		}
		if o.Multicast != nil {
			if text := o.Multicast.joinedText(a.server, "the kernel's choice"); text != "" {
				add("multicast group", text)
			}
		}
	}
	if listening {
		add("backlog", backlogNote(s, tcp, o.Backlog))
	}
	return vals, nil
}

// getByte reads an option the BSDs keep as one byte and Linux as an int.
func getByte(s, level, opt int) (int, bool) {
	if v, err := unix.GetsockoptInt(s, level, opt); err == nil {
		return v, true
	}
	v, err := unix.GetsockoptByte(s, level, opt)
	return int(v), err == nil
}

func ttlNote(v, asked int) string {
	if asked > 0 && asked != v {
		return fmt.Sprintf("%d (asked %d)", v, asked)
	}
	if asked == 0 {
		return fmt.Sprintf("%d (system default)", v)
	}
	return strconv.Itoa(v)
}

// bindDeniedHint: Unix reports a port in use as EADDRINUSE; EACCES there
// is a privileged port, which the error's own words say.
func bindDeniedHint(error) string { return "" }
