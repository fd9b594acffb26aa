// Package pingtest builds a small network out of namespaces for the tests of
// package ping and of `sockplay ping`: a client namespace and a router/host
// namespace joined by a veth pair, with routes that answer, stay silent or
// send ICMP errors. Nothing is added to the namespace the tests run in.
package pingtest

import "net/netip"

// Lab is the network the tests ping across. Probes are sent from
// namespace A (see Do); everything named here sits in or behind B.
type Lab struct {
	A, B string // namespace names

	Host4, Host6       netip.Addr // B's own addresses: echo replies, TTL 64
	Silent4, Silent6   netip.Addr // blackholed in B: never answered
	Unreach4, Unreach6 netip.Addr // an unreachable route in B: ICMP destination unreachable from B
	Far4, Far6         netip.Addr // routed by B back towards A: with TTL 1, time exceeded from B
}
