package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
)

// childEnv makes the test binary run the command line instead of the
// tests, so a test can start sockplay inside a network namespace with
// `ip netns exec NS` without building the (cgo) sockplay binary.
const childEnv = "SOCKPLAY_CLI_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(Run(context.Background(), os.Args[1:], Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}))
	}
	os.Exit(m.Run())
}

// mcNet is three namespaces (a sends, b and c receive) on a bridge in a
// fourth, with IPv4 and IPv6 addresses and multicast routes.
type mcNet struct{ a, b, c, br string }

// newMcNet builds the namespaces, named with the test's PID so parallel
// runs do not meet, and deletes them when the test ends, failed or not.
func newMcNet(t *testing.T) mcNet {
	t.Helper()
	p := fmt.Sprintf("spmc%d", os.Getpid())
	n := mcNet{a: p + "a", b: p + "b", c: p + "c", br: p + "br"}
	ip := func(args ...string) {
		t.Helper()
		out, err := exec.Command("ip", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	for _, ns := range []string{n.a, n.b, n.c, n.br} {
		testkit.NewNetns(t, ns)
	}
	// Snooping off: the bridge floods every group to every port, so what
	// keeps c from hearing a group is c's own kernel, as on a plain LAN.
	ip("-n", n.br, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0")
	ip("-n", n.br, "link", "set", "br0", "up")
	for i, ns := range []string{n.a, n.b, n.c} {
		dev, peer := "v"+ns[len(ns)-1:], "p"+ns[len(ns)-1:]
		ip("link", "add", dev, "netns", ns, "type", "veth", "peer", "name", peer, "netns", n.br)
		ip("-n", n.br, "link", "set", peer, "master", "br0", "up")
		ip("-n", ns, "addr", "add", fmt.Sprintf("10.77.0.%d/24", i+1), "dev", dev)
		ip("-n", ns, "addr", "add", fmt.Sprintf("fd77::%d/64", i+1), "dev", dev, "nodad")
		ip("-n", ns, "link", "set", dev, "up")
		ip("-n", ns, "route", "add", "224.0.0.0/4", "dev", dev)
		ip("-n", ns, "-6", "route", "replace", "ff00::/8", "dev", dev)
	}
	// A second address in a: the source an SSM join must refuse.
	ip("-n", n.a, "addr", "add", "10.77.0.11/24", "dev", "va")
	ip("-n", n.a, "addr", "add", "fd77::11/64", "dev", "va", "nodad")
	return n
}

// inNS runs sockplay with args in namespace ns; background ones (a server,
// or a client with -v) are waited for until they say they are up and
// killed (by their own PID) when the test ends.
func inNS(t *testing.T, ns string, background bool, args ...string) (*syncBuffer, *syncBuffer) {
	t.Helper()
	out, errOut := &syncBuffer{}, &syncBuffer{}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	cmd := exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", ns, os.Args[0]}, args...)...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.Stdout, cmd.Stderr = out, errOut
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("sockplay %s in %s: %v", strings.Join(args, " "), ns, err)
	}
	if !background {
		err := cmd.Wait()
		cancel()
		if err != nil {
			t.Fatalf("sockplay %s in %s: %v: %s", strings.Join(args, " "), ns, err, errOut)
		}
		return out, errOut
	}
	t.Cleanup(func() {
		cmd.Process.Kill() // ip netns exec execs sockplay: this PID is it
		cmd.Wait()
		cancel()
	})
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(errOut.String(), "listening on") && !strings.Contains(errOut.String(), "connected to") {
		if time.Now().After(deadline) {
			t.Fatalf("sockplay %s in %s did not start: %s", strings.Join(args, " "), ns, errOut)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return out, errOut
}

// sendUntil sends token from ns with the connect args until got holds it
// (at most 50 tries, 100ms apart).
func sendUntil(t *testing.T, ns, url, token string, got *syncBuffer, extra ...string) {
	t.Helper()
	for try := 0; try < 50; try++ {
		inNS(t, ns, false, append([]string{"connect", url, "--multicast-ttl", "2", "--send", token, "--wait", "0"}, extra...)...)
		time.Sleep(100 * time.Millisecond)
		if strings.Contains(got.String(), token) {
			return
		}
	}
	t.Fatalf("%s never arrived at the joined receiver; it has %q", token, got)
}

// TestMulticastNamespaces: a sender in one namespace, a receiver that joined
// the group in a second gets the datagrams, one that did not in a third gets
// none; IPv4 and IPv6, any-source and source-specific.
func TestMulticastNamespaces(t *testing.T) {
	n := newMcNet(t)
	for _, tt := range []struct {
		name, group, url, joinB, ifA string
	}{
		{"ipv4", "239.77.0.1", "udp://239.77.0.1:5000", "239.77.0.1@vb", "va"},
		{"ipv6", "ff05::77", "udp://[ff05::77]:5001", "ff05::77@vb", "va"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			joined, joinedErr := inNS(t, n.b, true, "serve", tt.url, "--join", tt.joinB)
			notJoined, _ := inNS(t, n.c, true, "serve", tt.url)
			sendUntil(t, n.a, tt.url, "to-the-group-"+tt.name, joined, "--multicast-if", tt.ifA)
			// One more, then c has had every chance to hear it.
			inNS(t, n.a, false, "connect", tt.url, "--multicast-if", tt.ifA, "--send", "last-"+tt.name, "--wait", "0")
			deadline := time.Now().Add(5 * time.Second)
			for !strings.Contains(joined.String(), "last-"+tt.name) && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
			if !strings.Contains(joined.String(), "last-"+tt.name) {
				t.Fatalf("the joined receiver missed the last datagram: %q, %s", joined, joinedErr)
			}
			if s := notJoined.String(); s != "" {
				t.Errorf("the receiver that did not join got %q", s)
			}
		})
	}
	t.Run("unconnected-client", func(t *testing.T) {
		client, _ := inNS(t, n.c, true, "connect", "udp://10.77.0.1:9", "--unconnected", "-v", "--bind", "0.0.0.0:5005", "--join", "239.77.0.5@vc", "--wait", "25s")
		sendUntil(t, n.a, "udp://239.77.0.5:5005", "to-a-client", client, "--multicast-if", "va")
	})
	t.Run("loopback", func(t *testing.T) {
		url := "udp://239.77.0.9:5004"
		own, _ := inNS(t, n.a, true, "serve", url, "--join", "239.77.0.9@va")
		for i := 0; i < 3; i++ {
			inNS(t, n.a, false, "connect", url, "--multicast-if", "va", "--multicast-loop=false", "--send", "unheard", "--wait", "0")
		}
		sendUntil(t, n.a, url, "heard-here", own, "--multicast-if", "va", "--multicast-loop")
		if strings.Contains(own.String(), "unheard") {
			t.Errorf("--multicast-loop=false still looped back: %q", own)
		}
	})
	for _, tt := range []struct {
		name, url, joinB, right, wrong string
	}{
		{"ssm-ipv4", "udp://232.77.0.1:5002", "10.77.0.1>232.77.0.1@vb", "10.77.0.1:0", "10.77.0.11:0"},
		{"ssm-ipv6", "udp://[ff35::77]:5003", "fd77::1>ff35::77@vb", "[fd77::1]:0", "[fd77::11]:0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			joined, _ := inNS(t, n.b, true, "serve", tt.url, "--join", tt.joinB)
			for i := 0; i < 3; i++ {
				inNS(t, n.a, false, "connect", tt.url, "--bind", tt.wrong, "--multicast-if", "va", "--send", "wrong-source", "--wait", "0")
			}
			sendUntil(t, n.a, tt.url, "right-source", joined, "--bind", tt.right, "--multicast-if", "va")
			if strings.Contains(joined.String(), "wrong-source") {
				t.Errorf("the source-specific join let another source through: %q", joined)
			}
		})
	}
}

// TestBroadcastNamespaces: with --broadcast a datagram to the subnet's
// broadcast address reaches every namespace on the bridge; without it the
// kernel refuses the send and sockplay says which flag allows it.
func TestBroadcastNamespaces(t *testing.T) {
	n := newMcNet(t)
	url := "udp://10.77.0.255:5006"
	b, _ := inNS(t, n.b, true, "serve", "udp://0.0.0.0:5006")
	c, _ := inNS(t, n.c, true, "serve", "udp://0.0.0.0:5006")
	sendUntil(t, n.a, url, "to-everyone", b, "--broadcast")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(c.String(), "to-everyone") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(c.String(), "to-everyone") {
		t.Fatalf("the second receiver missed the broadcast: %q", c)
	}

	for _, extra := range [][]string{nil, {"--unconnected"}} { // refused at connect, then at sendto
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		cmd := exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", n.a, os.Args[0], "connect", url, "--send", "refused", "--wait", "0"}, extra...)...)
		cmd.Env = append(os.Environ(), childEnv+"=1")
		out, err := cmd.CombinedOutput()
		cancel()
		if err == nil {
			t.Fatalf("a send to the broadcast address without --broadcast %v worked: %s", extra, out)
		}
		if got := string(out); strings.Count(got, "\n") != 1 || !strings.Contains(got, "it is a broadcast address") || !strings.Contains(got, "--broadcast") {
			t.Errorf("without --broadcast %v: want one line naming --broadcast, got %q", extra, got)
		}
	}
}
