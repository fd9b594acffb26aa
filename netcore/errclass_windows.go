package netcore

import (
	"syscall"

	"golang.org/x/sys/windows"
)

// The Winsock codes behind each predicate of errclass.go. syscall's Unix
// names exist on Windows too, as numbers Go made up that Winsock never
// returns; they are kept so that an error built from them (a default cause,
// a test) still matches.
var (
	refusedErrs     = []error{windows.WSAECONNREFUSED, syscall.ECONNREFUSED}
	resetErrs       = []error{windows.WSAECONNRESET, syscall.ECONNRESET}
	abortedErrs     = []error{windows.WSAECONNABORTED, syscall.ECONNABORTED}
	addrInUseErrs   = []error{windows.WSAEADDRINUSE, syscall.EADDRINUSE}
	timedOutErrs    = []error{windows.WSAETIMEDOUT, syscall.ETIMEDOUT}
	hostUnreachErrs = []error{windows.WSAEHOSTUNREACH, syscall.EHOSTUNREACH}
	netUnreachErrs  = []error{windows.WSAENETUNREACH, syscall.ENETUNREACH}
	msgSizeErrs     = []error{windows.WSAEMSGSIZE, syscall.EMSGSIZE}
	accessErrs      = []error{windows.WSAEACCES, syscall.EACCES}

	// datagramRefusedErrs: a UDP socket on Windows reports an ICMP port
	// unreachable as WSAECONNRESET (SIO_UDP_CONNRESET), not as "refused".
	// Go turns that report off on the UDP sockets it opens, so it is rare.
	datagramRefusedErrs = []error{windows.WSAECONNRESET, windows.WSAECONNREFUSED, syscall.ECONNREFUSED}
	// datagramTTLErrs: an ICMP time exceeded, WSAENETRESET on a UDP socket
	// (SIO_UDP_NETRESET; Go turns it off too).
	datagramTTLErrs = []error{windows.WSAENETRESET}
)
