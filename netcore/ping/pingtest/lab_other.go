//go:build !linux

package pingtest

import "testing"

// NewLab skips: network namespaces are Linux only.
func NewLab(t testing.TB) *Lab {
	t.Skip("skipped: network namespaces exist on Linux only")
	return nil
}

// Sysctl is never reached off Linux.
func (l *Lab) Sysctl(t testing.TB, ns, key, value string) {}

// Do is never reached off Linux.
func (l *Lab) Do(t testing.TB, fn func()) {}
