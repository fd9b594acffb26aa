//go:build !linux && !windows

package socktable

import (
	"context"
	"fmt"
	"net/netip"
)

// There is no backend for this system yet (macOS would need libproc or
// the net.inet.tcp.pcblist_n sysctl); every call says so by name.

func listKernel(context.Context, *Options) ([]Socket, error) { return nil, ErrListUnsupported }

func attachOwners(context.Context, []Socket, bool) error { return nil }

// LookupTCP is not available on this system: it returns ErrListUnsupported.
func LookupTCP(_ context.Context, local, peer netip.AddrPort) (TCPConn, error) {
	return TCPConn{}, fmt.Errorf("look up tcp %s -> %s: %w", local, peer, ErrListUnsupported)
}

// DestroyTCP is not available on this system: it returns an error matching
// netcore.ErrUnsupported.
func DestroyTCP(_ context.Context, local, peer netip.AddrPort) error {
	return fmt.Errorf("close tcp %s -> %s: %w", local, peer, unsupportedError{"closing sockets from outside is not supported on this system"})
}
