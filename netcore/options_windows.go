package netcore

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// maxUnixPath is sun_path (108 bytes in afunix.h) minus the NUL.
const maxUnixPath = 107

// abstractSupported: Windows AF_UNIX has no abstract names sockplay can rely on.
const abstractSupported = false

// unixgramUnsupported: Windows (10 1803 and later) has AF_UNIX stream
// sockets only; socket(AF_UNIX, SOCK_DGRAM) fails there.
var unixgramUnsupported error = &unsupportedError{"unixgram: datagram Unix sockets do not exist on Windows, which has stream ones only (unix://)"}

// setOptions applies what Winsock supports before bind or connect. The
// default SO_REUSEADDR of TCP servers is skipped: on Windows it means that
// another socket with SO_REUSEADDR may share the port, and TIME_WAIT does
// not block a bind there anyway, so a server without it restarts at once
// and keeps its port to itself. SO_EXCLUSIVEADDRUSE is set only when
// asked: it also keeps out binds of a more specific address, but Microsoft
// warns that it can keep a restarted server off its own port while the
// old one's accepted connections are still open.
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
		if o.ExclusiveAddr {
			if err := setInt("SO_EXCLUSIVEADDRUSE", syscall.SOL_SOCKET, soExclusiveAddrUse, 1); err != nil {
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
		// Go turns SO_BROADCAST on for every IPv4 UDP socket; sending to a
		// broadcast address is a choice the person makes, so it is off
		// unless asked for, and the kernel then refuses such a send.
		if o.Broadcast || strings.HasPrefix(network, "udp") {
			if err := setInt("SO_BROADCAST", syscall.SOL_SOCKET, syscall.SO_BROADCAST, boolInt(o.Broadcast)); err != nil {
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

// backlogUnsupported: Windows takes a backlog only in the first listen()
// of a socket; a second one succeeds and changes nothing. Go makes that
// first call itself, with SOMAXCONN, so Listen cannot apply Options.Backlog.
var backlogUnsupported = fmt.Errorf("listen backlog: %w: Windows takes the backlog only in a socket's first listen(), which Go makes with SOMAXCONN (the system's maximum)", ErrUnsupported)

func relisten(uintptr, int) error { return backlogUnsupported }

func abortFD(fd uintptr) error {
	return syscall.SetsockoptLinger(syscall.Handle(fd), syscall.SOL_SOCKET, syscall.SO_LINGER, &syscall.Linger{Onoff: 1, Linger: 0})
}

// bindDeniedHint explains a bind refused with WSAEACCES, which Windows
// (Vista and later) returns when the port's socket does not share it: a
// second socket may bind a port only when both set SO_REUSEADDR and the
// first has no SO_EXCLUSIVEADDRUSE. Ports Windows reserves (Hyper-V, WSL
// and others take ranges) give the same error.
func bindDeniedHint(err error) string {
	if !errors.Is(err, windows.WSAEACCES) {
		return ""
	}
	return "Windows does not let this socket share the port: its socket must allow it (SO_REUSEADDR on both, SO_EXCLUSIVEADDRUSE on neither), or the port is in a range Windows reserves (netsh interface ipv4 show excludedportrange protocol=tcp)"
}

// Winsock option numbers syscall does not name. SO_EXCLUSIVEADDRUSE is
// ~SO_REUSEADDR in winsock2.h.
const (
	soAcceptConn       = 0x0002
	soType             = 0x1008
	soExclusiveAddrUse = ^syscall.SO_REUSEADDR
)

// effective reads back what Winsock reports, with what the options mean on
// Windows where that differs from Unix: SO_REUSEADDR lets two sockets that
// both have it share a port (TIME_WAIT never blocks a bind there),
// SO_EXCLUSIVEADDRUSE keeps every other socket off the port, and the
// backlog is always Go's SOMAXCONN.
func effective(fd uintptr, a *asked) ([]OptionValue, error) {
	s := syscall.Handle(fd)
	var o Options
	if a != nil {
		o = a.o
	}
	var vals []OptionValue
	add := func(name, value string) { vals = append(vals, OptionValue{name, value}) }
	unreadable := func(name string, err error) { add(name, "unreadable: "+err.Error()) }
	getInt := func(name string, level, opt int) (int, bool) {
		v, err := syscall.GetsockoptInt(s, level, opt)
		if err != nil {
			unreadable(name, err)
			return 0, false
		}
		return v, true
	}
	typ, err := syscall.GetsockoptInt(s, syscall.SOL_SOCKET, soType)
	if err != nil {
		return nil, optionError("SO_TYPE", err)
	}
	sa, err := syscall.Getsockname(s)
	if err != nil {
		return nil, optionError("getsockname", err)
	}
	_, v6 := sa.(*syscall.SockaddrInet6)
	_, v4 := sa.(*syscall.SockaddrInet4)
	inet := v4 || v6
	tcp := inet && typ == syscall.SOCK_STREAM
	udp := inet && typ == syscall.SOCK_DGRAM
	acc, err := syscall.GetsockoptInt(s, syscall.SOL_SOCKET, soAcceptConn)
	listening := err == nil && acc != 0

	if inet {
		if v, ok := getInt("SO_REUSEADDR", syscall.SOL_SOCKET, syscall.SO_REUSEADDR); ok {
			if v != 0 {
				add("SO_REUSEADDR", "on (Windows: another socket with SO_REUSEADDR can share this port, and which one gets a connection is undefined)")
			} else {
				add("SO_REUSEADDR", "off")
			}
		}
		if v, ok := getInt("SO_EXCLUSIVEADDRUSE", syscall.SOL_SOCKET, soExclusiveAddrUse); ok {
			if v != 0 {
				add("SO_EXCLUSIVEADDRUSE", "on (no other socket can bind this port, not even one with SO_REUSEADDR or a more specific address)")
			} else {
				add("SO_EXCLUSIVEADDRUSE", "off (Windows' default)")
			}
		}
	}
	for _, b := range []struct {
		name  string
		opt   int
		asked int
	}{{"SO_SNDBUF", syscall.SO_SNDBUF, o.SendBuffer}, {"SO_RCVBUF", syscall.SO_RCVBUF, o.RecvBuffer}} {
		if v, ok := getInt(b.name, syscall.SOL_SOCKET, b.opt); ok {
			switch {
			case b.asked <= 0:
				add(b.name, fmt.Sprintf("%d (system default)", v))
			case v != b.asked:
				add(b.name, fmt.Sprintf("%d (asked %d)", v, b.asked))
			default:
				add(b.name, fmt.Sprint(v))
			}
		}
	}
	if tcp {
		if v, ok := getInt("TCP_NODELAY", syscall.IPPROTO_TCP, syscall.TCP_NODELAY); ok {
			add("TCP_NODELAY", onOff(v != 0))
		}
		if v, ok := getInt("SO_KEEPALIVE", syscall.SOL_SOCKET, syscall.SO_KEEPALIVE); ok {
			add("SO_KEEPALIVE", onOff(v != 0))
		}
		if l, err := getLinger(s); err != nil {
			unreadable("SO_LINGER", err)
		} else if l.onoff == 0 {
			add("SO_LINGER", "off (close sends FIN, the system finishes sending in the background)")
		} else if l.linger == 0 {
			add("SO_LINGER", "on, 0s (close sends RST)")
		} else {
			add("SO_LINGER", fmt.Sprintf("on, %ds (close waits up to that long for unsent data)", l.linger))
		}
	}
	if inet {
		name, level, opt := "IP_TTL", syscall.IPPROTO_IP, syscall.IP_TTL
		if v6 {
			name, level, opt = "IPV6_UNICAST_HOPS", syscall.IPPROTO_IPV6, syscall.IPV6_UNICAST_HOPS
		}
		if v, ok := getInt(name, level, opt); ok {
			switch {
			case o.TTL == 0:
				add(name, fmt.Sprintf("%d (system default)", v))
			case o.TTL != v:
				add(name, fmt.Sprintf("%d (asked %d)", v, o.TTL))
			default:
				add(name, fmt.Sprint(v))
			}
		}
	}
	if udp {
		if v, ok := getInt("SO_BROADCAST", syscall.SOL_SOCKET, syscall.SO_BROADCAST); ok {
			add("SO_BROADCAST", onOff(v != 0))
		}
		if o.Multicast != nil {
			if text := o.Multicast.joinedText(a.server, "the system's choice"); text != "" {
				add("multicast group", text)
			}
		}
	}
	if listening {
		if o.Backlog > 0 {
			add("backlog", fmt.Sprintf("SOMAXCONN, the system's maximum (asked %d, which Windows cannot apply: it takes the backlog only in the first listen(), which Go makes)", o.Backlog))
		} else {
			add("backlog", "SOMAXCONN, the system's maximum (Go's default)")
		}
	}
	return vals, nil
}

// winLinger is Winsock's struct linger: two u_shorts, where Unix has ints.
type winLinger struct{ onoff, linger uint16 }

func getLinger(s syscall.Handle) (winLinger, error) {
	var l winLinger
	n := int32(unsafe.Sizeof(l))
	err := syscall.Getsockopt(s, syscall.SOL_SOCKET, syscall.SO_LINGER, (*byte)(unsafe.Pointer(&l)), &n)
	return l, err
}
