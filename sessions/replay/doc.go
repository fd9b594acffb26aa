// Package replay acts out a conversation of a capture again, against live
// sockets: as its client (send what the client sent, compare what the
// server answers with what the capture had) or as its server (a stand-in
// for a device: answer each request with what the device answered then).
//
// Both run on a sessions.Session, so a replay is an ordinary session the
// window shows as a tab (its log, hex pane and counters) and the command
// line prints; what each step did is reported as Step values with JSON
// tags, one stream for `sockplay replay --json` and the window alike.
//
// What belongs here: cutting a conversation into turns (Plan), pacing the
// sends, matching replies and requests, the small hex diff of two byte
// strings. What does not: reading capture files (netcore/pcap), sockets
// (sessions, netcore), anything on screen (gui). It never imports Fyne.
package replay
