// Package testkit holds the few helpers every package's tests need: wait
// for a condition (bounded), find a free port, check that no goroutine
// outlives a test. It imports nothing of ours, so any package may use it.
package testkit

import (
	"net"
	"os/exec"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// Eventually polls cond every 10 ms for up to 10 s and fails the test,
// naming what it waited for, if cond never held. Loops in tests are
// bounded in count and time; this is the one place that bound lives.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 1000; i++ {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// NoLeaks fails the test if goroutines started during it outlive it (by
// count, after a grace of 5 s for ones still unwinding), printing every
// stack. Call it first in a test.
func NoLeaks(t testing.TB) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if n := runtime.NumGoroutine(); n > before {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Errorf("%d goroutines leaked (%d before, %d after):\n%s", n-before, before, n, buf)
		}
	})
}

// FreePort is a port of network ("tcp", "tcp6", "udp", "udp6") on
// loopback that nothing listens on: the kernel just gave it out, and it
// was closed at once.
func FreePort(t testing.TB, network string) int {
	t.Helper()
	host := "127.0.0.1"
	if network == "tcp6" || network == "udp6" {
		host = "::1"
	}
	addr := net.JoinHostPort(host, "0")
	switch network {
	case "udp", "udp4", "udp6":
		c, err := net.ListenPacket(network, addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.LocalAddr().(*net.UDPAddr).Port
	}
	l, err := net.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// FreeAddr is FreePort's 127.0.0.1 TCP address, "127.0.0.1:PORT".
func FreeAddr(t testing.TB) string {
	t.Helper()
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(FreePort(t, "tcp")))
}

// Need skips the test when a program it drives is not installed, saying
// that make test installs it; under Wine, that the program is a Linux one,
// which a Windows test binary cannot start.
func Need(t testing.TB, tool string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		SkipOnWine(t, tool+" is a Linux program here, and a test under Wine can start Windows programs only")
		t.Skipf("%s is not installed (make test installs it): %v", tool, err)
	}
}
