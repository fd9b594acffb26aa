package testkit

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// Wine's own gaps (Wine 8, as Debian ships it), named once so that every
// skip gives the same reason and a test on real Windows never skips for
// them. Each is a gap of Wine, not a difference of Windows: Windows does
// these things, so the code under test stays as it is.
const (
	// Go (1.23+) turns off SIO_UDP_NETRESET on every UDP socket it opens;
	// Wine 8 refuses that WSAIoctl with WSAEOPNOTSUPP, so no UDP socket opens.
	WineNoUDP = "Wine 8 does not implement WSAIoctl(SIO_UDP_NETRESET), which Go calls on every UDP socket (winapi error #10045), so UDP sockets cannot be opened"
	// Windows 10 1803 and later have AF_UNIX stream sockets; Wine 8 has none.
	WineNoUnixSockets = "Wine 8 has no AF_UNIX sockets (socket: winapi error #10047, WSAEAFNOSUPPORT), which Windows 10 1803 and later have"
	// os.RemoveAll deletes through NtSetInformationFile's
	// FileDispositionInformationEx, which Wine 8 does not implement.
	WineRemoveAll = "Wine 8: os.RemoveAll fails with 'Invalid function' (no FileDispositionInformationEx)"
	// os.Symlink returns nil under Wine 8 and creates nothing.
	WineNoSymlink = "Wine 8: os.Symlink reports success but creates no link"
	// GetExtendedTcpTable gives each socket's owner PID on Windows; Wine 8
	// gives 0 (no process) for the sockets of the programs it runs.
	WineNoOwnerPID = "Wine 8: GetExtendedTcpTable reports owner PID 0 for a Wine program's sockets, so their process cannot be named"
	// Windows resets a TCP connection closed with SO_LINGER 0 (an abortive
	// close); under Wine 8 the peer mostly reads a plain end (FIN) instead.
	WineAbortiveClose = "Wine 8: closing a TCP socket with SO_LINGER 0 mostly sends FIN, not the RST Windows sends"
)

// OnWine reports whether the test binary runs under Wine rather than on
// Windows or another system: Wine's ntdll.dll exports wine_get_version,
// Windows' does not. Use it only to skip what is Wine's own gap.
func OnWine() bool { return wineVersion() != "" }

// WineVersion is Wine's version ("8.0"), or "" when not under Wine.
func WineVersion() string { return wineVersion() }

// SkipOnWine skips the test under Wine, and only there, naming Wine's gap
// (why, one of the Wine* reasons or a sentence like them).
func SkipOnWine(t testing.TB, why string) {
	t.Helper()
	if v := wineVersion(); v != "" {
		t.Skipf("skipped under Wine %s: %s", v, why)
	}
}

// udpErr and unixErr are whether this process can open a UDP or an
// AF_UNIX socket, tried once (only under Wine).
var (
	udpErr = sync.OnceValue(func() error {
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err == nil {
			c.Close()
		}
		return err
	})
	unixErr = sync.OnceValue(func() error {
		d, err := os.MkdirTemp("", "sp")
		if err != nil {
			return err
		}
		defer RemoveAll(d)
		l, err := net.Listen("unix", filepath.Join(d, "probe.sock"))
		if err == nil {
			l.Close()
		}
		return err
	})
)

// NeedUDP skips the test under Wine when Wine cannot open UDP sockets
// (WineNoUDP). Elsewhere it does nothing: a UDP socket that fails to open
// on Windows or Linux is a failure of the test.
func NeedUDP(t testing.TB) {
	t.Helper()
	if OnWine() {
		if err := udpErr(); err != nil {
			SkipOnWine(t, WineNoUDP+": "+err.Error())
		}
	}
}

// NeedUnixSockets skips the test under Wine when Wine has no AF_UNIX
// sockets (WineNoUnixSockets). Elsewhere it does nothing.
func NeedUnixSockets(t testing.TB) {
	t.Helper()
	if OnWine() {
		if err := unixErr(); err != nil {
			SkipOnWine(t, WineNoUnixSockets+": "+err.Error())
		}
	}
}

// TempDir is t.TempDir, except under Wine, where t.TempDir's own cleanup
// (os.RemoveAll) fails and fails the test (WineRemoveAll): there it makes
// the folder itself and removes it with RemoveAll below, which gets by with
// os.Remove, logging rather than failing if something is left. Tests that
// need a temporary folder use this one, so a Wine gap does not fail them
// while a real Windows keeps t.TempDir's strict check.
func TempDir(t testing.TB) string {
	t.Helper()
	if !OnWine() {
		return t.TempDir()
	}
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, t.Name())
	if len(name) > 32 {
		name = name[:32]
	}
	d, err := os.MkdirTemp("", name)
	if err != nil {
		t.Fatalf("TempDir: %v", err)
	}
	t.Cleanup(func() {
		if err := RemoveAll(d); err != nil {
			t.Logf("TempDir: left %s behind: %v", d, err)
		}
	})
	return d
}

// RemoveAll is os.RemoveAll, falling back, when that fails (under Wine:
// WineRemoveAll), to removing the tree file by file with os.Remove, which
// Wine does. The first error of the fallback is returned.
func RemoveAll(dir string) error {
	err := os.RemoveAll(dir)
	if err == nil {
		return nil
	}
	var paths []string
	werr := filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err == nil {
			paths = append(paths, p)
		}
		return nil
	})
	if werr != nil {
		return errors.Join(err, werr)
	}
	var first error
	for i := len(paths) - 1; i >= 0; i-- { // children before their folder
		if rerr := os.Remove(paths[i]); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) && first == nil {
			first = rerr
		}
	}
	return first
}

// Symlink makes link point at target, or skips the test where the system
// will not: Windows creates symlinks only in Developer Mode or for an
// administrator, and Wine 8 reports success without creating one
// (WineNoSymlink). Elsewhere a failure fails the test.
func Symlink(t testing.TB, target, link string) {
	t.Helper()
	err := os.Symlink(target, link)
	if err != nil && runtime.GOOS == "windows" {
		t.Skipf("cannot create a symlink here (Windows allows it in Developer Mode or as administrator): %v", err)
	}
	if err != nil {
		t.Fatalf("symlink: %v", err)
	}
	if _, err := os.Lstat(link); err != nil {
		SkipOnWine(t, WineNoSymlink)
		t.Fatalf("symlink %s: reported made, but: %v", link, err)
	}
}
