package cli

import (
	"context"
	"fmt"
	"net"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/internal/testpeer"
)

// TestServeNamesWhoHoldsThePort: serve on a port python3 holds says who
// (python3.exe or python.exe on Windows).
func TestServeNamesWhoHoldsThePort(t *testing.T) {
	testkit.Need(t, "python3")
	port, cmd := testpeer.HoldTCPPort(t)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var so, se syncBuffer
	code := Run(ctx, []string{"serve", "tcp://127.0.0.1:" + port}, Stdio{In: strings.NewReader(""), Out: &so, Err: &se})
	t.Logf("exit %d, stderr: %s", code, se.String())
	want := regexp.MustCompile(fmt.Sprintf(`(?m)^sockplay serve: 127\.0\.0\.1:%s is already in use by python3?[.0-9]*(\.exe)? \(pid %d\)$`, port, cmd.Process.Pid))
	if code != ExitFail || !want.MatchString(se.String()) {
		t.Fatalf("exit %d, stderr %q; want %d and a line matching %s", code, se.String(), ExitFail, want)
	}
}

// Serve on a port a listener of this very process holds: the one line names
// the address and the test binary, as the system's socket table gives it.
func TestServeNamesOurOwnListener(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var so, se syncBuffer
	code := Run(ctx, []string{"serve", "tcp://" + ln.Addr().String()}, Stdio{In: strings.NewReader(""), Out: &so, Err: &se})
	prefix := "sockplay serve: " + ln.Addr().String() + " is already in use"
	if code != ExitFail || !strings.Contains(se.String(), "\n"+prefix) || !strings.HasSuffix(se.String(), "\n") {
		t.Fatalf("exit %d, stderr %q; want %d and a last line starting %q", code, se.String(), ExitFail, prefix)
	}
	testkit.SkipOnWine(t, testkit.WineNoOwnerPID)
	want := regexp.MustCompile(fmt.Sprintf(`(?m)^%s by \S+ \(pid %d\)$`, regexp.QuoteMeta(prefix), os.Getpid()))
	if !want.MatchString(se.String()) {
		t.Fatalf("stderr %q; want a line matching %s", se.String(), want)
	}
}
