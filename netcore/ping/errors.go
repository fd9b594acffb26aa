package ping

import "errors"

// Named errors, for errors.Is: the GUI shows each as its own sentence.
var (
	// ErrNotPermitted: the system allows neither the datagram nor the raw ICMP
	// socket to this process. The wrapping error says how to allow one.
	ErrNotPermitted = errors.New("icmp sockets not permitted")
	// ErrUnknownHost: the name did not resolve to an address of the family asked for.
	ErrUnknownHost = errors.New("name or service not known")
	// ErrInvalidConfig: an option is out of range; the wrapping error names it.
	ErrInvalidConfig = errors.New("invalid ping option")
	// ErrUnsupported: this platform (or this mode on it) cannot ping.
	ErrUnsupported = errors.New("ping is not supported here")
)
