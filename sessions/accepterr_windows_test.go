package sessions

import (
	"fmt"
	"net"
	"os"
	"testing"

	"golang.org/x/sys/windows"
)

// Winsock's own codes for running out of sockets or buffers make the
// accept loop back off, as EMFILE and ENOBUFS do elsewhere.
func TestOutOfResourcesWinsock(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{windows.WSAEMFILE, true},
		{windows.WSAENOBUFS, true},
		{windows.WSAECONNRESET, false},
		{windows.WSAECONNABORTED, false},
	}
	for _, tt := range tests {
		err := &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("acceptex", tt.err)}
		if got := outOfResources(err); got != tt.want {
			t.Errorf("outOfResources(%v) = %v, want %v", err, got, tt.want)
		}
		if got := outOfResources(fmt.Errorf("wrapped: %w", err)); got != tt.want {
			t.Errorf("outOfResources(wrapped %v) = %v, want %v", err, got, tt.want)
		}
	}
}
