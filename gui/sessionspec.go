package gui

import (
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
}

// ComposerState is the composer's settings kept with a tab.
type ComposerState struct {
	Mode       string `json:"mode,omitempty"` // text, hex, base64, file
	Text       string `json:"text,omitempty"`
	LineEnding string `json:"line_ending,omitempty"` // none, lf, crlf
	Checksum   string `json:"checksum,omitempty"`
	Framing    string `json:"framing,omitempty"` // "" = the session's own
}
