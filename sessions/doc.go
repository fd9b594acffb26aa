// Package sessions is the session model behind every tab: one Session per
// server or client, its state, peers, bounded log of events and counters.
// It owns the goroutines that read and write sockets through netcore, and is
// shared by the GUI and the headless CLI. It must never import fyne.io.
//
// Where bytes go: every entry (data or event) is emitted once, in one
// order, to the Log and to every Output. The Log is the view: bounded, it
// drops its oldest entries and says how many. An Output (the command
// line's stdout, a recording) gets every entry; when one falls behind, the
// readers stop reading until it catches up, so a slow output slows the
// peer instead of losing data.
//
// A relay (Role Relay, relay.go) listens like a server and forwards each
// client to Config.Target, both ways, as one peer whose log reads as the
// client's view (what the client sent is data_in, what the target sent
// back data_out); FIN and reset travel, rules rewrite or drop per
// direction, and Hold/Release step through what it forwards.
//
// What a person chose for a session is a Spec, the same for the command
// line, the window and the workspace file; Spec.Config checks it once.
//
// Sequences (sequence.go: the file format and its semantics) are scripted
// exchanges run on a session by RunSequence: sends go through Repeat, the
// composer's repeat, and an expect takes the very next message after
// framing and fails on a different one, so the window and connect --script
// judge a device the same way.
package sessions
