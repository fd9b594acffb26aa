package ping

import (
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// enableTimestamps asks for SO_TIMESTAMPNS, the receive time iputils uses
// too; without it the RTT includes the wake-up of the reading goroutine.
func enableTimestamps(c net.PacketConn) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return
	}
	if rc, err := sc.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) {
			unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1)
		})
	}
}

// kernelTime finds the SCM_TIMESTAMPNS control message in oob.
func kernelTime(oob []byte) (time.Time, bool) {
	if len(oob) == 0 {
		return time.Time{}, false
	}
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return time.Time{}, false
	}
	for _, m := range msgs {
		if m.Header.Level == unix.SOL_SOCKET && m.Header.Type == unix.SCM_TIMESTAMPNS &&
			len(m.Data) >= int(unsafe.Sizeof(unix.Timespec{})) {
			ts := (*unix.Timespec)(unsafe.Pointer(&m.Data[0]))
			return time.Unix(int64(ts.Sec), int64(ts.Nsec)), true
		}
	}
	return time.Time{}, false
}

// notPermitted says why no ICMP socket could be opened and the two ways to
// allow one: widen ping_group_range for datagram sockets, or give the
// binary CAP_NET_RAW for raw sockets.
func notPermitted(tried Mode, v6 bool, err error) error {
	exe, xerr := os.Executable()
	if xerr != nil {
		exe = "BINARY"
	}
	rng := "unreadable"
	if b, rerr := os.ReadFile("/proc/sys/net/ipv4/ping_group_range"); rerr == nil {
		rng = strings.Join(strings.Fields(string(b)), " ")
	}
	what := "datagram icmp sockets are refused (net.ipv4.ping_group_range is \"" + rng + "\"" +
		fmt.Sprintf(", group %d is outside it) and raw ones need CAP_NET_RAW", os.Getgid())
	switch tried {
	case ModeDatagram:
		what = "the datagram icmp socket is refused (net.ipv4.ping_group_range is \"" + rng + "\"" +
			fmt.Sprintf(", group %d is outside it)", os.Getgid())
	case ModeRaw:
		what = "the raw icmp socket needs root or CAP_NET_RAW"
	}
	return fmt.Errorf("%w: %s; allow ping with `sysctl -w net.ipv4.ping_group_range=\"0 2147483647\"` or `setcap cap_net_raw=+ep %s` (%v)",
		ErrNotPermitted, what, exe, unwrapSyscall(err))
}

// unwrapSyscall keeps "socket: permission denied" of a longer chain.
func unwrapSyscall(err error) error {
	for e := err; e != nil; {
		if se, ok := e.(*os.SyscallError); ok {
			return se
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			break
		}
		e = u.Unwrap()
	}
	return err
}
