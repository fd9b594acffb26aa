//go:build !linux

package experiment

import (
	"context"
	"errors"
	"net/netip"
)

type silentHost struct{ Local, Addr netip.Addr }

func newSilentHost(context.Context) (*silentHost, error) {
	return nil, errors.New("network namespaces are a Linux feature")
}

func (h *silentHost) Close() error { return nil }
