package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/cmd/sockplay/cli"
)

// Bad flags are one line and exit 2, before any window opens.
func TestGUIFlagErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--listen", "tpc://:9000"}, `sockplay gui: --listen tpc://:9000: unknown scheme "tpc" (tcp, tls, udp, unix, unixgram)`},
		{[]string{"--listen", "tcp://:9000", "--framing", "jsonhdr", "--save-dir", dir + "/missing"}, "sockplay gui: --listen tcp://:9000: --save-dir: save folder " + dir + "/missing does not exist"},
		{[]string{"--listen", "tcp://:9000", "--save-dir", dir}, "sockplay gui: --listen tcp://:9000: --save-dir: a save folder needs jsonhdr framing, not raw"},
		{[]string{"--listen", "tcp://:9000", "--framing", "line", "--reply", `OK\n`}, `sockplay gui: --listen tcp://:9000: --reply "OK\\n": payload contains the delimiter 0a at offset 2, which would split it into two messages (framing line)`},
		{[]string{"--connect", "udp://127.0.0.1:9", "--keep-open"}, "sockplay gui: --connect udp://127.0.0.1:9: --keep-open: keeping a connection open after the peer's FIN applies to tcp and unix, not udp"},
		{[]string{"--relay", "tcp://127.0.0.1:7000"}, "sockplay gui: --relay tcp://127.0.0.1:7000: give the address to listen on and the target, as LISTEN_URL=TARGET_URL"},
		{[]string{"--relay", "tcp://127.0.0.1:7000=udp://127.0.0.1:7001"}, "sockplay gui: --relay tcp://127.0.0.1:7000=udp://127.0.0.1:7001: target: tcp:// carries a byte stream and udp:// carries datagrams: a relay joins two stream sockets (tcp, tls, unix) or two datagram sockets (udp, unixgram), since a stream has no datagram boundaries to keep"},
		{[]string{"extra"}, `sockplay gui: "extra": no such capture file (no such file or directory)`},
		{[]string{dir}, `sockplay gui: "` + dir + `" is a folder, not a capture file`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := runGUI(context.Background(), cli.Stdio{In: strings.NewReader(""), Out: &out, Err: &errOut}, tt.args)
			if code != cli.ExitUsage || strings.TrimSpace(errOut.String()) != tt.want {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut.String(), tt.want)
			}
		})
	}
}

// Only the window takes the main thread: no arguments, flags, "gui" and a
// capture file open it; every other command runs off it.
func TestRunsWindow(t *testing.T) {
	capture := filepath.Join(t.TempDir(), "x.pcapng")
	if err := os.WriteFile(capture, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want bool
	}{
		{nil, true},
		{[]string{"--listen", "tcp://:9000"}, true},
		{[]string{"gui"}, true},
		{[]string{capture}, true},
		{[]string{"ping", "127.0.0.1"}, false},
		{[]string{"serve", "tcp://:9000"}, false},
		{[]string{"--help"}, false},
		{[]string{"nosuchcommand"}, false},
	}
	for _, tt := range tests {
		if got := cli.RunsWindow(tt.args); got != tt.want {
			t.Errorf("RunsWindow(%q) = %v, want %v", tt.args, got, tt.want)
		}
	}
}
