package gui

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/sessions"
)

// SessionSpec is everything needed to open one session tab, in a form that
// the New-session dialog fills, `sockplay gui --listen/--connect` builds and
// the workspace file stores. The endpoint and framing use the same strings
// as the CLI (`tcp://127.0.0.1:9000`, `len:4:le`).
type SessionSpec struct {
	Role    string          `json:"role"` // "server" or "client"
	URL     string          `json:"url"`
	Options netcore.Options `json:"options"`
	Framing string          `json:"framing,omitempty"` // "" = raw
	// SaveDir is where a jsonhdr session saves the files it receives; ""
	// keeps them in the log only.
	SaveDir       string `json:"save_dir,omitempty"`
	Reply         string `json:"reply,omitempty"` // servers: "", "echo", "upper", "fixed"
	ReplyText     string `json:"reply_text,omitempty"`
	Unconnected   bool   `json:"unconnected,omitempty"`    // UDP clients
	AutoReconnect bool   `json:"auto_reconnect,omitempty"` // clients
	// StartOnOpen starts the session when its tab opens (and, from the
	// workspace, on the next start: off unless the person chose it).
	StartOnOpen bool `json:"start_on_open,omitempty"`
	// Composer is the last payload typed in the tab, restored with it.
	Composer ComposerState `json:"composer"`
}

// ComposerState is the composer's settings kept with a tab.
type ComposerState struct {
	Mode       string `json:"mode,omitempty"` // text, hex, base64, file
	Text       string `json:"text,omitempty"`
	LineEnding string `json:"line_ending,omitempty"` // none, lf, crlf
	Checksum   string `json:"checksum,omitempty"`
	Framing    string `json:"framing,omitempty"` // "" = the session's own
}

// replyModes maps the spec's reply names to the engine's modes.
var replyModes = map[string]sessions.ReplyMode{
	"": sessions.ReplyNone, "none": sessions.ReplyNone, "echo": sessions.ReplyEcho,
	"upper": sessions.ReplyUpper, "fixed": sessions.ReplyFixed,
}

// Config checks the spec and turns it into an engine config. Errors are the
// parsers' own sentences, naming the bad part.
func (s SessionSpec) Config() (sessions.Config, error) {
	var cfg sessions.Config
	switch s.Role {
	case "server":
		cfg.Role = sessions.Server
	case "client":
		cfg.Role = sessions.Client
	default:
		return cfg, fmt.Errorf("role %q is neither server nor client", s.Role)
	}
	ep, err := netcore.ParseEndpoint(strings.TrimSpace(s.URL))
	if err != nil {
		return cfg, err
	}
	cfg.Endpoint = ep
	cfg.Options = s.Options
	if err := s.Options.Validate(ep, cfg.Role == sessions.Server); err != nil {
		return cfg, err
	}
	if f := strings.TrimSpace(s.Framing); f != "" && f != "raw" {
		spec, err := framing.Parse(f)
		if err != nil {
			return cfg, err
		}
		cfg.Framing = sessions.FramingOf(spec, framing.Options{})
		if s.SaveDir != "" && spec.Kind != framing.KindJSONHdr {
			return cfg, fmt.Errorf("a save folder needs jsonhdr framing, not %s", spec.Kind)
		}
	} else if s.SaveDir != "" {
		return cfg, errors.New("a save folder needs jsonhdr framing, not raw")
	}
	// A folder that vanished since is the session's error when it starts,
	// in the tab, rather than a saved tab that cannot be reopened.
	cfg.SaveDir = s.SaveDir
	mode, ok := replyModes[s.Reply]
	if !ok {
		return cfg, fmt.Errorf("reply %q is not one of none, echo, upper, fixed", s.Reply)
	}
	if mode != sessions.ReplyNone && cfg.Role != sessions.Server {
		return cfg, errors.New("only a server replies on its own; a client sends from the composer")
	}
	cfg.Reply = mode
	cfg.ReplyData = []byte(s.ReplyText)
	cfg.Unconnected = s.Unconnected
	cfg.AutoReconnect = s.AutoReconnect
	return cfg, nil
}

// Title is the tab's title: kind and address, e.g. "TCP server 127.0.0.1:9000".
func (s SessionSpec) Title() string {
	ep, err := netcore.ParseEndpoint(strings.TrimSpace(s.URL))
	if err != nil {
		return s.URL
	}
	return kindName(ep.Scheme, s.Role == "server") + " " + shortAddr(ep)
}

// kindName names a session kind as the welcome tab does.
func kindName(sc netcore.Scheme, server bool) string {
	role := "client"
	if server {
		role = "server"
	}
	switch sc {
	case netcore.SchemeTCP:
		return "TCP " + role
	case netcore.SchemeUDP:
		return "UDP " + role
	case netcore.SchemeUnix:
		return "Unix " + role
	case netcore.SchemeUnixgram:
		return "Unixgram " + role
	}
	return string(sc) + " " + role
}

// shortAddr is the endpoint without its scheme, for titles.
func shortAddr(ep netcore.Endpoint) string {
	return strings.TrimPrefix(ep.String(), string(ep.Scheme)+"://")
}
