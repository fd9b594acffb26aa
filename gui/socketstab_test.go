package gui

import (
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/sockplay/sockplay/gui/sockets/model"
	"github.com/sockplay/sockplay/netcore/socktable"
	"github.com/sockplay/sockplay/sessions"
)

// The Sockets tab's own tests are in package sockets (and its model's in
// sockets/model); these are the window's side: the toolbar button, and the
// actions that reach the window's session tabs.

// newSocketsTest opens a Sockets tab without its pump: the test refreshes
// it by hand (the test driver runs fyne.Do inline).
func newSocketsTest(t *testing.T) (*MainWindow, *SocketsTab) {
	t.Helper()
	saved := runPumps
	runPumps = false
	t.Cleanup(func() { runPumps = saved })
	m := newTestMain(t)
	t.Cleanup(m.closeAllSessions)
	m.ShowSockets()
	tab := socketsTabOf(t, m)
	tab.UDP.SetChecked(false) // only TCP, to keep the rows few
	return m, tab
}

func socketsTabOf(t *testing.T, m *MainWindow) *SocketsTab {
	t.Helper()
	if m.Tabs.Selected() == nil || m.Tabs.Selected().Text != socketsTitle {
		t.Fatalf("selected tab = %v, want Sockets", m.Tabs.Selected())
	}
	if _, ok := m.otherTabs[m.Tabs.Selected()]; !ok {
		t.Fatal("the Sockets tab is not a tool tab")
	}
	return m.sockets
}

func listenTCP(t *testing.T) (net.Listener, netip.AddrPort) {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln, netip.MustParseAddrPort(ln.Addr().String())
}

// rowOf finds the row whose local end is local and peer end is peer
// (zero: any), or -1.
func rowOf(tab *SocketsTab, local netip.AddrPort, peer string) int {
	for i, r := range tab.Rows() {
		if r.Sock.Proto == socktable.TCP && r.Sock.Local == local && (peer == "" || r.Cells[model.ColPeer] == peer) {
			return i
		}
	}
	return -1
}

func TestSocketsTabOpenClientSession(t *testing.T) {
	m, tab := newSocketsTest(t)
	ln, addr := listenTCP(t)
	accepted := make(chan net.Conn, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			accepted <- c
		}
	}()
	tab.Refresh()
	i := rowOf(tab, addr, "")
	if i < 0 {
		t.Fatal("no listener row")
	}
	tab.SelectRow(i)
	if tab.OpenClient.Disabled() || tab.CloseSocket.Disabled() == false {
		t.Fatalf("on a listener: Open client enabled = %v, Close enabled = %v", !tab.OpenClient.Disabled(), !tab.CloseSocket.Disabled())
	}
	test.Tap(tab.OpenClient)
	tabs := m.SessionTabs()
	if len(tabs) != 1 || tabs[0].Spec().URL != "tcp://"+addr.String() || tabs[0].Spec().Role != "client" {
		t.Fatalf("session tabs = %d, want one client to tcp://%s", len(tabs), addr)
	}
	if m.Tabs.Selected() != tabs[0].Item {
		t.Error("the new client tab is not selected")
	}
	select {
	case c := <-accepted:
		c.Close()
	case <-time.After(5 * time.Second):
		t.Fatal("the client session did not connect")
	}
}

func TestSocketsTabGoToSessionTab(t *testing.T) {
	m, tab := newSocketsTest(t)
	var servers []*SessionTab
	for range 2 {
		s, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "server", URL: "tcp://127.0.0.1:0"}, StartOnOpen: true})
		if err != nil {
			t.Fatal(err)
		}
		servers = append(servers, s)
	}
	for _, s := range servers {
		waitUntil(t, "the server to listen", func() bool { return s.Session().State() == sessions.StateListening })
	}
	second := netip.MustParseAddrPort(servers[1].Session().Addr().String())
	c, err := net.Dial("tcp4", second.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	waitUntil(t, "the peer", func() bool { return len(servers[1].Session().Peers()) == 1 })
	m.Tabs.Select(m.Welcome)
	tab.Refresh()

	// The listener, then the accepted connection (our end, peer = the dialer).
	for _, peer := range []string{"", c.LocalAddr().String()} {
		i := rowOf(tab, second, peer)
		if peer == "" {
			i = -1
			for j, r := range tab.Rows() {
				if r.Sock.Local == second && r.Sock.State == socktable.Listen {
					i = j
				}
			}
		}
		if i < 0 {
			t.Fatalf("no row for %s peer %q", second, peer)
		}
		tab.SelectRow(i)
		if tab.GoToSession.Disabled() {
			t.Fatalf("Go to session tab disabled on %q", tab.Rows()[i].Cells)
		}
		if !strings.Contains(tab.Selection.Text, "sockplay's own") {
			t.Errorf("selection line = %q", tab.Selection.Text)
		}
		test.Tap(tab.GoToSession)
		if m.Tabs.Selected() != servers[1].Item {
			t.Fatalf("selected %v, want the second server's tab", m.Tabs.Selected().Text)
		}
		m.Tabs.Select(m.Welcome)
	}
	// The dialer's end belongs to no tab.
	if i := rowOf(tab, netip.MustParseAddrPort(c.LocalAddr().String()), ""); i >= 0 {
		tab.SelectRow(i)
		if !tab.GoToSession.Disabled() {
			t.Error("Go to session tab offered for a socket no tab owns")
		}
	}
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func TestSocketsButtonOpensOneTab(t *testing.T) {
	m, _ := newSocketsTest(t)
	m.Tabs.Select(m.Welcome)
	m.ShowSockets()
	n := 0
	for _, it := range m.Tabs.Items {
		if it.Text == socketsTitle {
			n++
		}
	}
	if n != 1 || m.Tabs.Selected().Text != socketsTitle {
		t.Fatalf("Sockets tabs = %d (selected %q), want the one tab selected again", n, m.Tabs.Selected().Text)
	}
}
