package netcore

import (
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"
)

// The predicates match this system's own error numbers (nativeErrno, per
// platform: Winsock's on Windows) however they are wrapped, each matches
// only its own, and CloseReason and DatagramErrorText say the same words
// on every system.
func TestErrorClasses(t *testing.T) {
	preds := map[string]func(error) bool{
		"refused": IsRefused, "reset": IsReset, "aborted": IsAborted, "addrinuse": IsAddrInUse,
		"timedout": IsTimedOut, "hostunreach": IsHostUnreachable, "netunreach": IsNetUnreachable, "msgsize": IsMsgSize,
	}
	closeReasons := map[string]string{
		"refused":  "refused (nothing listening at the peer)",
		"reset":    "reset by peer",
		"aborted":  "aborted by this host (its network stack dropped the connection)",
		"timedout": "timed out",
	}
	datagramTexts := map[string]string{
		"refused":     "the peer's port is closed (ICMP port unreachable): nothing listens there",
		"hostunreach": "the peer's host is unreachable (ICMP host unreachable)",
		"netunreach":  "the peer's network is unreachable (ICMP network unreachable)",
		"msgsize":     "a datagram sent was larger than the path allows (ICMP fragmentation needed)",
	}
	for kind, errno := range nativeErrno {
		wrapped := []error{
			errno,
			os.NewSyscallError("connect", errno),
			&net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("wsarecv", errno)},
			fmt.Errorf("dial tcp://127.0.0.1:1: %w", &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connectex", errno)}),
		}
		for i, err := range wrapped {
			t.Run(fmt.Sprintf("%s/%d", kind, i), func(t *testing.T) {
				for name, is := range preds {
					if got := is(err); got != (name == kind) {
						t.Errorf("Is%s(%v) = %v", name, err, got)
					}
				}
				if want, ok := closeReasons[kind]; ok && CloseReason(err) != want {
					t.Errorf("CloseReason(%v) = %q, want %q", err, CloseReason(err), want)
				}
				dkind := kind
				if k, ok := datagramReadsAs[kind]; ok {
					dkind = k
				}
				if want, ok := datagramTexts[dkind]; ok && DatagramErrorText(err) != want {
					t.Errorf("DatagramErrorText(%v) = %q, want %q", err, DatagramErrorText(err), want)
				}
				if _, ok := datagramTexts[dkind]; ok != IsDatagramICMPError(err) {
					t.Errorf("IsDatagramICMPError(%v) = %v", err, !ok)
				}
			})
		}
	}
	for name, is := range preds {
		if is(nil) || is(errors.New("connection refused")) || is(syscall.Errno(0)) {
			t.Errorf("Is%s holds for nil, a bare sentence or errno 0", name)
		}
	}
}
