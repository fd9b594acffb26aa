//go:build !unix

package experiment

// truncated: Windows reports a cut datagram as an error (WSAEMSGSIZE),
// which the caller checks first.
func truncated(int) bool { return false }
