package netcore

import (
	"fmt"
	"strings"
	"syscall"
)

// maxUnixPath is sun_path (108 bytes in afunix.h) minus the NUL.
const maxUnixPath = 107

// abstractSupported: Windows AF_UNIX has no abstract names sockplay can rely on.
const abstractSupported = false

// setOptions applies what Winsock supports before bind or connect. The
// default SO_REUSEADDR of TCP servers is skipped: on Windows it lets another
// process take over a bound port, and TIME_WAIT does not block bind there.
func setOptions(fd uintptr, network string, a *asked) error {
	s := syscall.Handle(fd)
	o := a.o
	inet := !strings.HasPrefix(network, "unix")
	v6 := strings.HasSuffix(network, "6")
	setInt := func(name string, level, opt, v int) error {
		if err := syscall.SetsockoptInt(s, level, opt, v); err != nil {
			return optionError(name, err)
		}
		return nil
	}
	if inet {
		if o.ReuseAddr != nil {
			if err := setInt("SO_REUSEADDR", syscall.SOL_SOCKET, syscall.SO_REUSEADDR, boolInt(*o.ReuseAddr)); err != nil {
				return err
			}
		}
		if o.ReusePort {
			return unsupported("SO_REUSEPORT")
		}
		if o.TTL > 0 {
			if v6 {
				if err := setInt("IPV6_UNICAST_HOPS", syscall.IPPROTO_IPV6, syscall.IPV6_UNICAST_HOPS, o.TTL); err != nil {
					return err
				}
			} else if err := setInt("IP_TTL", syscall.IPPROTO_IP, syscall.IP_TTL, o.TTL); err != nil {
				return err
			}
		}
		if o.Broadcast {
			if err := setInt("SO_BROADCAST", syscall.SOL_SOCKET, syscall.SO_BROADCAST, 1); err != nil {
				return err
			}
		}
		if o.BindDevice != "" {
			return unsupported("SO_BINDTODEVICE")
		}
	}
	if o.SendBuffer > 0 {
		if err := setInt("SO_SNDBUF", syscall.SOL_SOCKET, syscall.SO_SNDBUF, o.SendBuffer); err != nil {
			return err
		}
	}
	if o.RecvBuffer > 0 {
		if err := setInt("SO_RCVBUF", syscall.SOL_SOCKET, syscall.SO_RCVBUF, o.RecvBuffer); err != nil {
			return err
		}
	}
	if o.Linger != nil {
		if err := syscall.SetsockoptLinger(s, syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 1, Linger: int32(*o.Linger)}); err != nil {
			return optionError("SO_LINGER", err)
		}
	}
	return nil
}

// relisten: a second listen() on Windows succeeds without changing the
// backlog, so asking for one is reported as unsupported.
func relisten(uintptr, int) error { return unsupported("listen backlog") }

func abortFD(fd uintptr) error {
	return syscall.SetsockoptLinger(syscall.Handle(fd), syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 1, Linger: 0})
}

// effective reads back the buffer sizes and flags Winsock reports.
func effective(fd uintptr, a *asked) ([]OptionValue, error) {
	s := syscall.Handle(fd)
	var o Options
	if a != nil {
		o = a.o
	}
	var vals []OptionValue
	for _, g := range []struct {
		name       string
		level, opt int
		asked      int
		flag       bool
	}{
		{"SO_REUSEADDR", syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 0, true},
		{"SO_SNDBUF", syscall.SOL_SOCKET, syscall.SO_SNDBUF, o.SendBuffer, false},
		{"SO_RCVBUF", syscall.SOL_SOCKET, syscall.SO_RCVBUF, o.RecvBuffer, false},
		{"TCP_NODELAY", syscall.IPPROTO_TCP, syscall.TCP_NODELAY, 0, true},
		{"SO_KEEPALIVE", syscall.SOL_SOCKET, syscall.SO_KEEPALIVE, 0, true},
		{"SO_BROADCAST", syscall.SOL_SOCKET, syscall.SO_BROADCAST, 0, true},
		{"IP_TTL", syscall.IPPROTO_IP, syscall.IP_TTL, o.TTL, false},
	} {
		v, err := syscall.GetsockoptInt(s, g.level, g.opt)
		if err != nil {
			continue // not meaningful for this socket's kind
		}
		val := fmt.Sprint(v)
		if g.flag {
			val = onOff(v != 0)
		} else if g.asked > 0 && g.asked != v {
			val = fmt.Sprintf("%d (asked %d)", v, g.asked)
		}
		vals = append(vals, OptionValue{g.name, val})
	}
	return vals, nil
}
