package gui

import (
	"path/filepath"

	"github.com/sockplay/sockplay/sessions"
)

// SessionSpec is one session tab as the window keeps it: the session
// itself in the form every front end shares (sessions.Spec: what `sockplay
// serve` and `connect` build from their flags, what the New-session dialog
// edits), plus what only the window has. Its JSON is the workspace's.
type SessionSpec struct {
	sessions.Spec
	// StartOnOpen starts the session when its tab opens (and, from the
	// workspace, on the next start: off unless the person chose it).
	StartOnOpen bool `json:"start_on_open,omitempty"`
	// Composer is the last payload typed in the tab, restored with it.
	Composer ComposerState `json:"composer"`
	// View is how the person arranged the tab, restored with it.
	View ViewState `json:"view,omitzero"`

	// Capture makes the tab a read-only view of one conversation of a
	// capture file (capture_view.go); Replay makes it replay a
	// conversation's client, or stand in for its server (replay_tab.go).
	// URL, Role and Framing are then the replay's; a capture view has
	// only a framing.
	// Sequence is the Sequence panel's script, in the file format.
	Sequence string `json:"sequence,omitempty"`

	Capture *CaptureRef   `json:"capture,omitempty"`
	Replay  *ReplayConfig `json:"replay,omitempty"`
}

// CaptureRef names a conversation of a capture file.
type CaptureRef struct {
	File   string `json:"file"`
	Stream string `json:"stream"` // "tcp:3", "udp:0": pcap.ParseStream reads it
}

// Name is how the tab and the log name it: "dev.pcapng tcp:3".
func (c CaptureRef) Name() string { return filepath.Base(c.File) + " " + c.Stream }

// ReplayConfig is what a replay or stand-in tab plays and how; the
// fields are those of `sockplay replay`.
type ReplayConfig struct {
	CaptureRef
	StandIn bool   `json:"stand_in,omitempty"` // stand in for the server (URL: where to listen), else replay the client (URL: the server)
	Pace    string `json:"pace,omitempty"`     // replay: reply, captured, fast
	Timeout string `json:"timeout,omitempty"`  // replay: how long a reply may take, as Go writes durations ("5s")
	Match   string `json:"match,omitempty"`    // stand-in: order, content
	// Unknown is the stand-in's answer to a request the capture has none
	// for, in the composer's syntax (UnknownMode: text, hex, base64); ""
	// answers nothing.
	Unknown     string `json:"unknown,omitempty"`
	UnknownMode string `json:"unknown_mode,omitempty"`
}

// Title is the tab's title in full: the session's kind and address, or
// what a capture or replay tab shows.
func (s SessionSpec) Title() string {
	switch {
	case s.Capture != nil:
		return s.Capture.Name()
	case s.Replay != nil && s.Replay.StandIn:
		return "Stand-in " + s.Replay.Stream + " on " + shortURL(s.URL)
	case s.Replay != nil:
		return "Replay " + s.Replay.Stream + " to " + shortURL(s.URL)
	}
	return s.Spec.Title()
}

// ViewState is a session tab's arrangement: what the log shows and where
// the person dragged its dividers.
type ViewState struct {
	Messages bool   `json:"messages,omitempty"` // Messages instead of Chunks
	Preview  string `json:"preview,omitempty"`  // previewText, previewHex, previewHexText ("" is the default)
	// LogSplit is the share of the log above the detail pane, PeersSplit
	// the share of the peers pane beside them (0: the defaults).
	LogSplit   float64 `json:"log_split,omitempty"`
	PeersSplit float64 `json:"peers_split,omitempty"`
	// Layout is the detail pane's struct layout (its Fields view), and
	// Decode the protocol it decodes as instead (netcore/decode's names:
	// dns, modbus, ...; "" for the layout, or by port when never chosen).
	Layout string `json:"layout,omitempty"`
	Decode string `json:"decode,omitempty"`
}

// ComposerState is the composer's settings kept with a tab.
type ComposerState struct {
	Mode       string `json:"mode,omitempty"` // text, hex, base64, file
	Text       string `json:"text,omitempty"`
	LineEnding string `json:"line_ending,omitempty"` // none, lf, crlf
	Checksum   string `json:"checksum,omitempty"`
	Framing    string `json:"framing,omitempty"` // "" = the session's own
}
