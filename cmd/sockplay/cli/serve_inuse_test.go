package cli

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testpeer"
)

// TestServeNamesWhoHoldsThePort: serve on a port python3 holds says who.
func TestServeNamesWhoHoldsThePort(t *testing.T) {
	port, cmd := testpeer.HoldTCPPort(t)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var so, se syncBuffer
	code := Run(ctx, []string{"serve", "tcp://127.0.0.1:" + port}, Stdio{In: strings.NewReader(""), Out: &so, Err: &se})
	t.Logf("exit %d, stderr: %s", code, se.String())
	want := regexp.MustCompile(fmt.Sprintf(`(?m)^sockplay serve: 127\.0\.0\.1:%s is already in use by python3[.0-9]* \(pid %d\)$`, port, cmd.Process.Pid))
	if code != ExitFail || !want.MatchString(se.String()) {
		t.Fatalf("exit %d, stderr %q; want %d and a line matching %s", code, se.String(), ExitFail, want)
	}
}
