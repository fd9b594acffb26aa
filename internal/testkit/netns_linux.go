package testkit

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// NewNetns adds the network namespace name (`ip netns add`), with its
// loopback up, and deletes it when the test ends, failed or not. It skips
// the test, saying why, without root or iproute2 or when the namespace
// cannot be made. Callers put their PID in name, so parallel runs do not
// meet.
func NewNetns(t testing.TB, name string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("skipped: creating network namespaces needs root")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("skipped: the ip command (iproute2) is not installed")
	}
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Skipf("skipped: ip netns add %s: %v: %s", name, err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "del", name).Run() })
	if out, err := exec.Command("ip", "-n", name, "link", "set", "lo", "up").CombinedOutput(); err != nil {
		t.Fatalf("ip -n %s link set lo up: %v: %s", name, err, out)
	}
}

// InNetns runs fn on a thread inside the named network namespace (one that
// `ip netns add` made) and waits for it. Sockets fn opens belong to that
// namespace for their whole life, whichever thread later uses them. The
// thread is never handed back to the runtime: it ends with its goroutine,
// so no other goroutine ever runs there by accident. fn must report with
// t.Error, not t.Fatal.
func InNetns(t testing.TB, ns string, fn func()) {
	t.Helper()
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: see above
		f, err := os.Open("/var/run/netns/" + ns)
		if err != nil {
			errc <- err
			return
		}
		err = unix.Setns(int(f.Fd()), unix.CLONE_NEWNET)
		f.Close()
		if err != nil {
			errc <- fmt.Errorf("setns %s: %w", ns, err)
			return
		}
		defer close(errc)
		fn()
	}()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}
