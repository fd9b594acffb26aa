package experiment

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"time"
)

// silentHost is a host that takes packets and answers none: a network
// namespace behind a veth pair, with a blackhole route back to us, so it
// answers ARP (the link is up) but its SYN-ACKs and RSTs go nowhere.
type silentHost struct {
	ns, link string
	Local    netip.Addr // our end of the veth pair
	Addr     netip.Addr // the silent host
}

// newSilentHost makes one, or says plainly why it cannot: it needs root
// (CAP_SYS_ADMIN and CAP_NET_ADMIN) and iproute2's ip.
func newSilentHost(ctx context.Context) (*silentHost, error) {
	if _, err := exec.LookPath("ip"); err != nil {
		return nil, errors.New("it needs iproute2's ip command, which is not installed")
	}
	if os.Geteuid() != 0 {
		return nil, errors.New("creating a network namespace needs root")
	}
	var id [4]byte
	rand.Read(id[:])
	tag := hex.EncodeToString(id[:])
	h := &silentHost{ns: "sockplay-exp-" + tag, link: "spx" + tag[:6]}
	// A /30 at random in 10.254.0.0/16, named by the tag.
	third, fourth := id[0], id[1]&0xfc
	h.Local = netip.AddrFrom4([4]byte{10, 254, third, fourth + 1})
	h.Addr = netip.AddrFrom4([4]byte{10, 254, third, fourth + 2})
	peer := h.link + "p"
	steps := [][]string{
		{"netns", "add", h.ns},
		{"link", "add", h.link, "type", "veth", "peer", "name", peer, "netns", h.ns},
		{"addr", "add", h.Local.String() + "/30", "dev", h.link},
		{"link", "set", h.link, "up"},
		{"-n", h.ns, "addr", "add", h.Addr.String() + "/30", "dev", peer},
		{"-n", h.ns, "link", "set", peer, "up"},
		{"-n", h.ns, "route", "add", "blackhole", h.Local.String() + "/32"},
	}
	for i, args := range steps {
		if err := ipCmd(ctx, args...); err != nil {
			if i > 0 {
				h.Close()
			}
			return nil, err
		}
	}
	return h, nil
}

// Close deletes the namespace and the veth pair, even after ctx ended.
func (h *silentHost) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ipCmd(ctx, "link", "del", h.link) // gone with the namespace, usually
	return ipCmd(ctx, "netns", "del", h.ns)
}

func ipCmd(ctx context.Context, args ...string) error {
	out, err := exec.CommandContext(ctx, "ip", args...).CombinedOutput()
	if err != nil {
		msg := strings.TrimSpace(string(out))
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("ip %s: %s", strings.Join(args, " "), msg)
	}
	return nil
}
