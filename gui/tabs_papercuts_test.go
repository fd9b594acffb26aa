package gui

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sockplay/sockplay/sessions"
)

func TestTabTitleCutsAtWords(t *testing.T) {
	tests := []struct {
		role, url, want string
	}{
		{"client", "tcp://127.0.0.1:9000", "TCP client 127.0.0.1:9000"},
		{"client", "tcp://plc-17.factory-floor.example.com:502", "TCP client plc-17.factory…:502"},
		{"server", "unix:///run/user/1000/sockplay/gw.sock", "Unix server …/gw.sock"},
		{"server", "unix:///run/user/1000/sockplay/modbus-gateway.sock", "Unix server modbus-gateway.sock"},
		{"server", "unixgram:///tmp/a-very-long-socket-name-for-testing.dgram", "Unixgram server a-very-long…"},
		{"client", "udp://[fe80::1234:5678:9abc:def0%25eth0]:5353", "UDP client [fe80::1234…:5353"},
	}
	for _, tt := range tests {
		spec := sessions.Spec{Role: tt.role, URL: tt.url}
		got := tabTitle(spec)
		if got != tt.want {
			t.Errorf("tabTitle(%s) = %q, want %q", tt.url, got, tt.want)
		}
		if n := utf8.RuneCountInString(got); n > tabTitleMax {
			t.Errorf("tabTitle(%s) has %d characters, more than %d", tt.url, n, tabTitleMax)
		}
	}
	for _, tt := range []struct {
		s    string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"alpha beta gamma delta", 14, "alpha beta…"},
		{"abcdefghijklmnop", 8, "abcdefg…"}, // no boundary: cut hard
	} {
		if got := cutAtWord(tt.s, tt.n); got != tt.want {
			t.Errorf("cutAtWord(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}

// plainTabTitle is a tab's title without the state mark showState puts
// before a session's.
func plainTabTitle(s string) string {
	for _, st := range []sessions.State{sessions.StateNew, sessions.StateListening, sessions.StateStarting, sessions.StateFailed} {
		if rest, ok := strings.CutPrefix(s, stateMark(st)+" "); ok {
			return rest
		}
	}
	return s
}
