// Package netcore holds all socket work of sockplay, with no GUI in it:
// endpoint URLs, socket options, listening and dialling, and (in
// subpackages) payloads, framing, the hex dump, ping, the socket table and
// pcap. Its APIs are context-first and synchronous; the sessions package
// owns the goroutines that call them. It must never import fyne.io.
//
// Adding a kind of endpoint touches, in order (tls:// was added this way:
// endpoint.go, kinds.go, tls.go for its settings and handshake facts,
// tlserrors.go for its failures in words, and sessions/tls.go):
//   - endpoint.go: the scheme, its parser and String (the one URL form the
//     command line, the window and saved workspaces share);
//   - kinds.go: its answers to Stream, Datagram, IP, IsUnix, HasReset,
//     KindName and MaxDatagram, which everything above asks instead of
//     comparing schemes;
//   - listen.go and dial.go: its sockets; options.go: which options apply;
//   - connfeatures.go, if its connections wrap others (NetConn), so that
//     half-close, abort and TCP options still reach the socket underneath;
//   - above netcore: sessions/spec.go for any setting of its own, and the
//     window's one table of kinds (gui/kinds.go).
package netcore
