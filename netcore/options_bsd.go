//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package netcore

import (
	"fmt"
)

// maxUnixPath is sun_path (104 bytes on macOS and the BSDs) minus the NUL.
const maxUnixPath = 103

// abstractSupported: abstract unix socket names are Linux only.
const abstractSupported = false

// bindToDevice: SO_BINDTODEVICE is Linux only (macOS has IP_BOUND_IF,
// which sockplay does not drive yet).
func bindToDevice(int, string) error { return unsupported("SO_BINDTODEVICE") }

func boundDevice(int) (string, bool) { return "", false }

// keepAliveDetails: the idle/interval/count option names differ per BSD;
// only SO_KEEPALIVE itself is reported here.
func keepAliveDetails(int) []OptionValue { return nil }

func bufferNote(_ string, v, asked int) string {
	if asked <= 0 {
		return fmt.Sprintf("%d (kernel default)", v)
	}
	if v != asked {
		return fmt.Sprintf("%d (asked %d)", v, asked)
	}
	return fmt.Sprint(v)
}

func backlogNote(_ int, _ bool, asked int) string {
	if asked <= 0 {
		return "Go's default (kern.ipc.somaxconn)"
	}
	return fmt.Sprintf("%d (as asked; not readable back here)", asked)
}

func defaultTTL() (int, bool) { return 0, false }
