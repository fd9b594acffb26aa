//go:build !windows

package netcore

import "syscall"

// The errno values behind each predicate of errclass.go, on Linux, the BSDs
// and macOS (and whatever else Go gives these syscall names).
var (
	refusedErrs     = []error{syscall.ECONNREFUSED}
	resetErrs       = []error{syscall.ECONNRESET}
	abortedErrs     = []error{syscall.ECONNABORTED}
	addrInUseErrs   = []error{syscall.EADDRINUSE}
	timedOutErrs    = []error{syscall.ETIMEDOUT}
	hostUnreachErrs = []error{syscall.EHOSTUNREACH}
	netUnreachErrs  = []error{syscall.ENETUNREACH}
	msgSizeErrs     = []error{syscall.EMSGSIZE}
	accessErrs      = []error{syscall.EACCES}

	// datagramRefusedErrs: what a datagram socket reports for an ICMP port
	// unreachable answering an earlier send.
	datagramRefusedErrs = refusedErrs
	// datagramTTLErrs: an ICMP time exceeded; Unix sockets do not report it.
	datagramTTLErrs []error
)
