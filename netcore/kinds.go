package netcore

import (
	"net/netip"
	"strings"
)

// The kinds of endpoint, asked of an Endpoint instead of comparing schemes
// all over the code. A new kind (tls://, say) is added here first: its
// scheme in endpoint.go's parser, its answers below, its sockets in
// listen.go and dial.go; the sessions package and the window ask these
// predicates and need no new comparisons.

// Datagram reports whether the endpoint keeps message boundaries (udp,
// unixgram): one read is one datagram.
func (e Endpoint) Datagram() bool { return e.Scheme == SchemeUDP || e.Scheme == SchemeUnixgram }

// IP reports whether the endpoint has a host and port (tcp, tls, udp), as
// opposed to a Unix socket path.
func (e Endpoint) IP() bool {
	return e.Scheme == SchemeTCP || e.Scheme == SchemeTLS || e.Scheme == SchemeUDP
}

// TLS reports whether the endpoint's stream is TLS over TCP: the session
// handshakes after connecting, and its bytes are the decrypted ones.
func (e Endpoint) TLS() bool { return e.Scheme == SchemeTLS }

// HasReset reports whether a connection of this kind can be aborted with
// a reset (TCP's RST, also under TLS); other streams only close.
func (e Endpoint) HasReset() bool { return e.Scheme == SchemeTCP || e.Scheme == SchemeTLS }

// KindName names the kind and role for people: "TCP server", "Unixgram
// client".
func (e Endpoint) KindName(server bool) string {
	role := " client"
	if server {
		role = " server"
	}
	switch e.Scheme {
	case SchemeTCP:
		return "TCP" + role
	case SchemeTLS:
		return "TLS" + role
	case SchemeUDP:
		return "UDP" + role
	case SchemeUnix:
		return "Unix" + role
	case SchemeUnixgram:
		return "Unixgram" + role
	}
	return string(e.Scheme) + role
}

// ShortAddr is the endpoint without its scheme, for titles:
// "127.0.0.1:9000", "/tmp/s.sock".
func (e Endpoint) ShortAddr() string {
	return strings.TrimPrefix(e.String(), string(e.Scheme)+"://")
}

// MaxDatagram is the largest payload one datagram of this endpoint can
// carry where the protocol fixes it: 65,507 bytes over UDP/IPv4 (65,535
// less the IP and UDP headers), 65,527 over UDP/IPv6; 0 for streams and
// for unixgram, whose limit is the socket's send buffer (a send over it
// fails with "message too long").
func (e Endpoint) MaxDatagram() int {
	if e.Scheme != SchemeUDP {
		return 0
	}
	if a, err := netip.ParseAddr(e.Host); err == nil && a.Is6() && !a.Is4In6() {
		return 65527
	}
	return 65507
}
