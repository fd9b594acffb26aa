package pingtest

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sockplay/sockplay/internal/testkit"
)

var labs atomic.Int32

// NewLab creates the namespaces and removes them when the test ends. It
// skips the test, saying why, when not root or when `ip netns` cannot work.
func NewLab(t testing.TB) *Lab {
	t.Helper()
	n := labs.Add(1)
	l := &Lab{
		A: fmt.Sprintf("sp-ping-%d-%d-a", os.Getpid(), n),
		B: fmt.Sprintf("sp-ping-%d-%d-b", os.Getpid(), n),
	}
	testkit.NewNetns(t, l.A)
	testkit.NewNetns(t, l.B)
	for _, ns := range []string{l.A, l.B} {
		// No duplicate address detection on the link-local addresses either:
		// neighbour discovery waits for it, and the first second of IPv6 is lost.
		l.Sysctl(t, ns, "net.ipv6.conf.default.accept_dad", "0")
		l.Sysctl(t, ns, "net.ipv6.conf.all.accept_dad", "0")
	}

	// Addresses exist only inside the two namespaces, so they cannot clash
	// with anything outside; nodad makes the IPv6 ones usable at once.
	l.Host4, l.Host6 = netip.MustParseAddr("10.200.7.2"), netip.MustParseAddr("fd00:200:7::2")
	l.Silent4, l.Silent6 = netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("2001:db8:1::1")
	l.Unreach4, l.Unreach6 = netip.MustParseAddr("203.0.113.1"), netip.MustParseAddr("2001:db8:2::1")
	l.Far4, l.Far6 = netip.MustParseAddr("198.51.100.1"), netip.MustParseAddr("2001:db8:3::1")
	const macA, macB = "02:00:0a:c8:07:01", "02:00:0a:c8:07:02"
	steps := [][]string{
		{"link", "add", "a0", "address", macA, "netns", l.A, "type", "veth", "peer", "name", "b0", "address", macB, "netns", l.B},
		// Static neighbours: no neighbour discovery to wait for on the first probes.
		{"-n", l.A, "neigh", "add", "10.200.7.2", "lladdr", macB, "dev", "a0", "nud", "permanent"},
		{"-n", l.A, "neigh", "add", "fd00:200:7::2", "lladdr", macB, "dev", "a0", "nud", "permanent"},
		{"-n", l.B, "neigh", "add", "10.200.7.1", "lladdr", macA, "dev", "b0", "nud", "permanent"},
		{"-n", l.B, "neigh", "add", "fd00:200:7::1", "lladdr", macA, "dev", "b0", "nud", "permanent"},
		{"-n", l.A, "addr", "add", "10.200.7.1/30", "dev", "a0"},
		{"-n", l.B, "addr", "add", "10.200.7.2/30", "dev", "b0"},
		{"-n", l.A, "addr", "add", "fd00:200:7::1/64", "dev", "a0", "nodad"},
		{"-n", l.B, "addr", "add", "fd00:200:7::2/64", "dev", "b0", "nodad"},
		{"-n", l.A, "link", "set", "a0", "up"},
		{"-n", l.B, "link", "set", "b0", "up"},
		{"-n", l.A, "route", "add", "192.0.2.0/24", "via", "10.200.7.2"},
		{"-n", l.A, "route", "add", "203.0.113.0/24", "via", "10.200.7.2"},
		{"-n", l.A, "route", "add", "198.51.100.0/24", "via", "10.200.7.2"},
		{"-n", l.A, "-6", "route", "add", "2001:db8::/32", "via", "fd00:200:7::2"},
		{"-n", l.B, "route", "add", "blackhole", "192.0.2.0/24"},
		{"-n", l.B, "route", "add", "unreachable", "203.0.113.0/24"},
		{"-n", l.B, "route", "add", "198.51.100.0/24", "via", "10.200.7.1"},
		{"-n", l.B, "-6", "route", "add", "blackhole", "2001:db8:1::/64"},
		{"-n", l.B, "-6", "route", "add", "unreachable", "2001:db8:2::/64"},
		{"-n", l.B, "-6", "route", "add", "2001:db8:3::/64", "via", "fd00:200:7::1"},
	}
	for _, s := range steps {
		l.ip(t, s...)
	}
	l.Sysctl(t, l.B, "net.ipv4.ip_forward", "1")
	l.Sysctl(t, l.B, "net.ipv6.conf.all.forwarding", "1")
	l.Sysctl(t, l.B, "net.ipv4.conf.all.send_redirects", "0")
	l.Sysctl(t, l.B, "net.ipv4.icmp_ratelimit", "0") // every probe gets its error, not one a second
	l.Sysctl(t, l.B, "net.ipv6.icmp.ratelimit", "0")
	l.Sysctl(t, l.A, "net.ipv4.ip_forward", "0")
	return l
}

func (l *Lab) ip(t testing.TB, args ...string) {
	t.Helper()
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
	}
}

// Sysctl sets a sysctl inside namespace ns (they are per namespace).
func (l *Lab) Sysctl(t testing.TB, ns, key, value string) {
	t.Helper()
	if out, err := exec.Command("ip", "netns", "exec", ns, "sysctl", "-qw", key+"="+value).CombinedOutput(); err != nil {
		t.Fatalf("sysctl %s=%s in %s: %v: %s", key, value, ns, err, out)
	}
}

// Do runs fn in namespace A and waits for it (testkit.InNetns: sockets fn
// opens stay in A; fn must report with t.Error, not t.Fatal).
func (l *Lab) Do(t testing.TB, fn func()) {
	t.Helper()
	testkit.InNetns(t, l.A, fn)
}
