//go:build !linux

package ping

import "testing"

func datagramForbidden(t *testing.T) bool {
	t.Skip("skipped: ping_group_range is Linux only")
	return false
}
