package ping

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"time"
)

// Who answered is shown by name, as iputils does ("64 bytes from localhost
// (127.0.0.1)"), when the host was given as a name and Config.Numeric is
// off; a host given as an address prints addresses only, as iputils -n.

// reverseTimeout bounds one reverse lookup. Run waits for it, as iputils
// waits for getnameinfo, so a dead DNS server delays one line, not all.
const reverseTimeout = 2 * time.Second

// maxNames bounds the names a run remembers (routers that send errors add
// to the target); past it, new addresses are looked up each time.
const maxNames = 256

// nameOf is the first name of a (as getnameinfo gives iputils), without
// the root dot, or "" when it has none. Answers, empty ones included, are
// remembered for the run.
func (r *run) nameOf(ctx context.Context, a netip.Addr) string {
	if name, ok := r.names[a]; ok {
		return name
	}
	ctx, cancel := context.WithTimeout(ctx, reverseTimeout)
	defer cancel()
	var name string
	if names, err := net.DefaultResolver.LookupAddr(ctx, a.WithZone("").String()); err == nil && len(names) > 0 {
		name = strings.TrimSuffix(names[0], ".")
	}
	if name == a.String() {
		name = ""
	}
	if len(r.names) < maxNames {
		r.names[a] = name
	}
	return name
}
