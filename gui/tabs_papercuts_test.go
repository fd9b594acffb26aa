package gui

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

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

// A tab shows its state as a mark before its short title (the overflow
// list shows titles only); the toolbar's line has the whole one, the
// window's title stays the app's name.
func TestTabTitleStateMarkAndWindowTitle(t *testing.T) {
	m := newTestMain(t)
	dir, err := os.MkdirTemp("/tmp", "sp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	url := "unix://" + dir + "/a-rather-long-socket-name-for-the-tab.sock"
	tab, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "server", URL: url}})
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Close()
	if want := "○ Unix server a-rather-long…"; tab.Item.Text != want {
		t.Errorf("new tab title %q, want %q", tab.Item.Text, want)
	}
	// The whole address is in the header; the window keeps the app's name
	// (scripts find the window by it).
	if !strings.Contains(tab.Local.Text, "a-rather-long-socket-name-for-the-tab.sock") || m.Window.Title() != "sockplay" {
		t.Errorf("header %q, window title %q", tab.Local.Text, m.Window.Title())
	}
	tab.Start()
	waitFor(t, "listening", func() bool { return tab.Session().State() == sessions.StateListening }, tab)
	if !strings.HasPrefix(tab.Item.Text, "● ") {
		t.Errorf("listening tab title %q, want the live mark", tab.Item.Text)
	}
}

func TestPrevTabShortcut(t *testing.T) {
	m := newTestMain(t)
	m.ShowPing()
	m.ShowPing()
	defer m.closeAllSessions()
	c := m.Window.Canvas()
	for _, want := range []int{1, 0, 2, 1} {
		typeShortcut(t, c, prevTabShortcut)
		if got := m.Tabs.SelectedIndex(); got != want {
			t.Fatalf("Ctrl+Shift+Tab selected %d, want %d", got, want)
		}
	}
	typeShortcut(t, c, nextTabShortcut)
	if got := m.Tabs.SelectedIndex(); got != 2 {
		t.Errorf("Ctrl+Tab selected %d, want 2", got)
	}
}

// Quit (menu, Ctrl+Q) asks, naming the connections, when a session is
// connected or has peers; it quits at once otherwise. Quit itself, what
// SIGTERM calls, never asks.
func TestQuitAsksWhenConnected(t *testing.T) {
	m := newTestMain(t)
	idle, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "server", URL: "tcp://127.0.0.1:0"}, StartOnOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	waitFor(t, "listening", func() bool { return idle.Session().State() == sessions.StateListening }, idle)
	if lines, n := m.openConnections(); len(lines) != 0 || n != 0 {
		t.Fatalf("a listening server without peers counts as open: %v", lines)
	}

	server, client := openPair(t, m)
	lines, n := m.openConnections()
	if n != 2 || len(lines) != 2 || !strings.HasSuffix(lines[0], ": 1 peer") || !strings.HasSuffix(lines[1], ": connected") {
		t.Fatalf("open connections %d: %q", n, lines)
	}
	typeShortcut(t, m.Window.Canvas(), quitShortcut)
	if m.Dialog == nil || m.shutDown {
		t.Fatalf("Ctrl+Q with connections: dialog %T, shut down %v", m.Dialog, m.shutDown)
	}
	top := m.Window.Canvas().Overlays().Top()
	if texts := strings.Join(shownTexts(top), "\n"); !strings.Contains(texts, "2 open connections in 2 sessions") {
		t.Errorf("the question says:\n%s", texts)
	}
	test.Tap(buttonLabelled(top, "Cancel"))
	if m.shutDown || client.Session().State() != sessions.StateConnected {
		t.Fatal("Cancel quit")
	}
	menuItem(t, m, "File", "Quit").Action()
	test.Tap(buttonLabelled(m.Window.Canvas().Overlays().Top(), "Quit"))
	if !m.shutDown {
		t.Fatal("answering Quit did not quit")
	}
	waitFor(t, "the sessions to close", func() bool {
		return server.Session().State() == sessions.StateClosed && client.Session().State() == sessions.StateClosed
	})
}

func TestQuitWithoutConnectionsAndSIGTERMDoNotAsk(t *testing.T) {
	m := newTestMain(t)
	tab, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "client", URL: "tcp://127.0.0.1:9"}})
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Close()
	m.RequestQuit()
	if m.Dialog != nil || !m.shutDown {
		t.Errorf("no connections: dialog %T, shut down %v; want quit at once", m.Dialog, m.shutDown)
	}

	m2 := newTestMain(t)
	_, client := openPair(t, m2)
	m2.Quit() // the signal path
	if m2.Dialog != nil || !m2.shutDown || client.Session().State() != sessions.StateClosed {
		t.Errorf("Quit with connections: dialog %T, shut down %v, client %v", m2.Dialog, m2.shutDown, client.Session().State())
	}
}

func menuItem(t *testing.T, m *MainWindow, menu, label string) *fyne.MenuItem {
	t.Helper()
	for _, mm := range m.Window.MainMenu().Items {
		if mm.Label != menu {
			continue
		}
		for _, it := range mm.Items {
			if it.Label == label {
				return it
			}
		}
	}
	t.Fatalf("no %s → %s menu item", menu, label)
	return nil
}

// The peers list says how many came and went once they have all gone.
func TestPeersCountAfterPeersLeft(t *testing.T) {
	for _, tt := range []struct {
		open int
		seen uint64
		want string
	}{
		{0, 0, "No peers yet"},
		{0, 3, "No peers now (3 so far)"},
		{2, 2, "Peers: 2 open"},
		{2, 5, "Peers: 2 open (5 so far)"},
	} {
		if got := peerCountWords(tt.open, tt.seen); got != tt.want {
			t.Errorf("peerCountWords(%d, %d) = %q, want %q", tt.open, tt.seen, got, tt.want)
		}
	}

	m := newTestMain(t)
	server, client := openPair(t, m)
	server.Refresh()
	if got := server.Peers.Count.Text; got != "Peers: 1 open" {
		t.Errorf("with the client: %q", got)
	}
	client.Stop()
	waitFor(t, "the peer to go", func() bool { return server.Peers.Count.Text == "No peers now (1 so far)" }, server, client)
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
