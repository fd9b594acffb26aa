package socktable

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore"
)

// On every system with a socket table (Linux through /proc and netlink,
// Windows through GetExtendedTcpTable), a listen refused because the port
// is taken names the process holding it: here, this test itself.
func TestExplainAddrInUseNamesThisProcess(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	holder, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	addr := netip.MustParseAddrPort(holder.Addr().String())
	_, lerr := netcore.Listen(ctx, netcore.Endpoint{Scheme: netcore.SchemeTCP, Host: "127.0.0.1", Port: int(addr.Port())}, netcore.Options{})
	if !netcore.IsAddrInUse(lerr) {
		t.Fatalf("listen on a held port: %v, want address in use", lerr)
	}
	err = ExplainAddrInUse(ctx, "tcp", addr, lerr)
	var inUse *AddrInUseError
	if !errors.As(err, &inUse) {
		t.Fatalf("ExplainAddrInUse = %v (%T), want an *AddrInUseError", err, err)
	}
	if inUse.State != Listen {
		t.Fatalf("holder %+v in state %v, want this process (pid %d) listening", inUse.Holder, inUse.State, os.Getpid())
	}
	if inUse.Holder == nil {
		testkit.SkipOnWine(t, testkit.WineNoOwnerPID)
	}
	if inUse.Holder == nil || inUse.Holder.PID != os.Getpid() {
		t.Fatalf("holder %+v in state %v, want this process (pid %d) listening", inUse.Holder, inUse.State, os.Getpid())
	}
	if want := fmt.Sprintf("%s is already in use by %s (pid %d)", addr, inUse.Holder.Name, os.Getpid()); err.Error() != want || inUse.Holder.Name == "" {
		t.Errorf("got %q, want %q with a process name", err, want)
	}
	if !netcore.IsAddrInUse(err) || !errors.Is(err, lerr) {
		t.Errorf("%v no longer matches the bind's error", err)
	}
	if !strings.Contains(strings.ToLower(inUse.Holder.Name), "test") {
		t.Logf("holder named %q (a test binary's name was expected)", inUse.Holder.Name)
	}
}
