package cli

import (
	"runtime"
	"testing"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore"
)

// wineNoICMPv6 is why IPv6 pings are skipped under Wine.
const wineNoICMPv6 = "Wine 8 does not implement Icmp6CreateFile (Call not implemented), which Windows has had since Vista, so IPv6 cannot be pinged"

// loopbackTTL is the TTL of the echo reply a system sends to a ping of its
// own loopback address: its default TTL, 64 on Linux and macOS, 128 on
// Windows. Under Wine the Linux kernel beneath answers.
func loopbackTTL() int {
	if runtime.GOOS == "windows" && !testkit.OnWine() {
		return 128
	}
	return 64
}

// unixURL is the endpoint URL of a Unix socket path, written as this system
// writes it (unix:///tmp/s.sock; unix:///C:/Users/me/s.sock on Windows).
func unixURL(scheme netcore.Scheme, path string) string {
	return netcore.Endpoint{Scheme: scheme, Path: path}.String()
}

// kindMissing is the error this system gives for a kind it does not have
// (unixgram on Windows, whose AF_UNIX has stream sockets only), else nil.
// Under Wine it skips the test for the kinds Wine lacks and Windows has
// (UDP, AF_UNIX stream sockets).
func kindMissing(t *testing.T, scheme netcore.Scheme) error {
	t.Helper()
	switch {
	case scheme == netcore.SchemeUnixgram && runtime.GOOS == "windows":
		return netcore.ErrUnsupported
	case scheme == netcore.SchemeUDP:
		testkit.NeedUDP(t)
	case scheme == netcore.SchemeUnix || scheme == netcore.SchemeUnixgram:
		testkit.NeedUnixSockets(t)
	}
	return nil
}
