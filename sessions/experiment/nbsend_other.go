//go:build !unix

package experiment

import "net"

// nonBlockingSend is not available here: Go's Windows sockets send
// through overlapped I/O and there is no one-shot send to show.
func nonBlockingSend(net.Conn) func(p []byte) (int, error) { return nil }

func wouldBlock(error) bool { return false }

// nonBlockingUnsupported says why the non-blocking send is skipped.
const nonBlockingUnsupported = "a one-shot non-blocking send is shown on Linux and the BSDs only; Go sends through overlapped I/O on Windows"
