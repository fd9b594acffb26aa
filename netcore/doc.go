// Package netcore holds all socket work of sockplay, with no GUI in it:
// endpoint URLs, socket options, listening and dialling, and (in
// subpackages) payloads, framing, the hex dump, ping, the socket table and
// pcap. Its APIs are context-first and synchronous; the sessions package
// owns the goroutines that call them. It must never import fyne.io.
package netcore
