package testkit

import (
	"fmt"
	"os"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

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
