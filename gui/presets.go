package gui

import (
	"github.com/sockplay/sockplay/sessions"
	"os"
	"path/filepath"

	"github.com/sockplay/sockplay/netcore"
)

// Preset is a one-click starting point in the New-session dialog. It only
// fills the form: the person sees every setting and can change it first.
type Preset struct {
	Name string
	Spec SessionSpec
}

// httpGetRequest is a minimal HTTP/1.1 request in the composer's text
// syntax: the \r\n escapes are what the server needs to see, and
// "Connection: close" makes the reply end with the connection.
const httpGetRequest = `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`

// Presets are the classics people reach for first.
func Presets() []Preset {
	return []Preset{
		{"TCP echo server", SessionSpec{Spec: sessions.Spec{Role: "server", URL: "tcp://127.0.0.1:9000", Reply: "echo"}, StartOnOpen: true}},
		{"UDP echo server", SessionSpec{Spec: sessions.Spec{Role: "server", URL: "udp://127.0.0.1:9000", Reply: "echo"}, StartOnOpen: true}},
		{"Unix echo server", SessionSpec{Spec: sessions.Spec{Role: "server", URL: unixEchoURL(), Reply: "echo"}, StartOnOpen: true}},
		{"HTTP GET client", SessionSpec{Spec: sessions.Spec{Role: "client", URL: "tcp://127.0.0.1:8080", Framing: "http"}, StartOnOpen: true, Composer: ComposerState{Mode: "text", Text: httpGetRequest, LineEnding: "none"}}},
	}
}

// unixEchoURL puts the echo socket in the user's runtime folder, which
// only they can enter, falling back to the temp folder.
func unixEchoURL() string {
	return netcore.Endpoint{Scheme: netcore.SchemeUnix, Path: filepath.Join(socketDir(), "sockplay-echo.sock")}.String()
}

// socketDir is where sockplay suggests socket files: $XDG_RUNTIME_DIR when
// it is a folder, else the system's temp folder.
func socketDir() string {
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			return d
		}
	}
	return os.TempDir()
}
