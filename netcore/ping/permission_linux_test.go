package ping

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// datagramForbidden reports whether ping_group_range leaves out our group.
func datagramForbidden(t *testing.T) bool {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ping_group_range")
	if err != nil {
		t.Skipf("skipped: %v", err)
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		t.Skipf("skipped: ping_group_range %q", b)
	}
	lo, _ := strconv.Atoi(f[0])
	hi, _ := strconv.Atoi(f[1])
	gid := os.Getgid()
	return gid < lo || gid > hi
}
