package netcore

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sockplay/sockplay/internal/testkit"
)

var namespaces atomic.Int32

// inOwnNetns runs fn on a thread inside a network namespace that the test
// creates and removes, and waits for it. Its one route, the default, goes
// to a veth pair inside it, so the kernel's own choice of interface (a
// multicast join without one) is an interface that nothing outside the
// namespace hears, where on the machine it would be the real network.
// It skips the test without root or iproute2 (testkit.NewNetns); fn must
// not call t.Fatal (testkit.InNetns).
func inOwnNetns(t *testing.T, fn func()) {
	t.Helper()
	ns := fmt.Sprintf("sp-netcore-%d-%d", os.Getpid(), namespaces.Add(1))
	testkit.NewNetns(t, ns)
	for _, step := range [][]string{
		{"link", "add", "v0", "type", "veth", "peer", "name", "v1"},
		{"link", "set", "v0", "up"},
		{"link", "set", "v1", "up"},
		{"addr", "add", "10.211.0.1/24", "dev", "v0"},
		{"route", "add", "default", "dev", "v0"},
	} {
		if out, err := exec.Command("ip", append([]string{"-n", ns}, step...)...).CombinedOutput(); err != nil {
			t.Fatalf("ip -n %s %s: %v: %s", ns, strings.Join(step, " "), err, out)
		}
	}
	testkit.InNetns(t, ns, fn)
}
