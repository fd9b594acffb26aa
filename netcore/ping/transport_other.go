//go:build !linux && !darwin && !windows

package ping

import (
	"fmt"
	"net/netip"
	"runtime"
)

func openTransport(netip.Addr, Config, uint16) (transport, error) {
	return nil, fmt.Errorf("%w: no icmp support for %s in sockplay yet", ErrUnsupported, runtime.GOOS)
}
