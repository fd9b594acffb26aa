package socktable

import (
	"context"
	"fmt"
)

// Source chooses how Linux reads the table; other systems ignore it.
type Source uint8

// Sources: Auto tries netlink sock_diag and falls back to /proc/net when
// netlink is refused (some containers); the others force one, for tests.
const (
	SourceAuto Source = iota
	SourceNetlink
	SourceProc
)

// Options says what to list and how much to read about each socket.
type Options struct {
	Filter Filter
	// Processes fills Socket.Owners. It costs a walk of every process's
	// file descriptors, so it is off unless the process column is shown
	// (Filter.Process and Filter.Text turn it on by themselves).
	Processes bool
	// Cmdline also reads each owner's command line (implies Processes).
	Cmdline bool
	Source  Source
}

// List returns the sockets of this machine (of this network namespace on
// Linux) that pass opt.Filter, in the kernel's order: TCP, UDP, then Unix.
func List(ctx context.Context, opt Options) ([]Socket, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list sockets: %w", err)
	}
	socks, err := listKernel(ctx, &opt)
	if err != nil {
		return nil, err
	}
	if opt.wantOwners() {
		if err := attachOwners(ctx, socks, opt.Cmdline); err != nil {
			return nil, err
		}
	}
	if opt.Filter.Addr.IsZero() && !opt.Filter.needsOwners() {
		return socks, nil // the kernel-side filter already did everything
	}
	kept := socks[:0]
	for i := range socks {
		if opt.Filter.Match(&socks[i]) {
			kept = append(kept, socks[i])
		}
	}
	clear(socks[len(kept):])
	return kept, nil
}

// wantOwners reports whether the rows need their owning processes.
func (o *Options) wantOwners() bool { return o.Processes || o.Cmdline || o.Filter.needsOwners() }
