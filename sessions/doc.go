// Package sessions is the session model behind every tab: one Session per
// server or client, its state, peers, bounded log of events and counters.
// It owns the goroutines that read and write sockets through netcore, and is
// shared by the GUI and the headless CLI. It must never import fyne.io.
package sessions
