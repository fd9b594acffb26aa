package gui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/sessions"
)

// Tests drive the pumps by hand: the test driver runs fyne.Do inline, so a
// pump goroutine would touch widgets beside the test's own goroutine.
func init() { runPumps = false }

// waitFor polls cond, refreshing the tabs, for up to 5 s. Once cond
// holds it refreshes them again: a session's state can change between a
// refresh and cond, and the test then reads the widgets.
func waitFor(t *testing.T, what string, cond func() bool, tabs ...*SessionTab) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, tab := range tabs {
			tab.Refresh()
		}
		if cond() {
			for _, tab := range tabs {
				tab.Refresh()
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// openPair opens an echo-less TCP server tab on a free port and a client tab to it.
func openPair(t *testing.T, m *MainWindow) (server, client *SessionTab) {
	t.Helper()
	return openFramedPair(t, m, "")
}

// openFramedPair is openPair with the client on a framing and the server
// raw, so the server's log shows exactly the bytes on the wire.
func openFramedPair(t *testing.T, m *MainWindow, clientFraming string) (server, client *SessionTab) {
	t.Helper()
	server, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "server", URL: "tcp://127.0.0.1:0"}, StartOnOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(server.Close)
	waitFor(t, "the server to listen", func() bool { return server.Session().State() == sessions.StateListening }, server)
	client, err = m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "client", URL: "tcp://" + server.Session().Addr().String(), Framing: clientFraming}, StartOnOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.Close)
	waitFor(t, "the client to connect", func() bool {
		return client.Session().State() == sessions.StateConnected && len(server.Session().Peers()) == 1
	}, server, client)
	return server, client
}

// rowTexts renders the visible text of a traffic view's rows.
func rowTexts(v *trafficView) []string {
	var out []string
	for i := 0; i < v.length(); i++ {
		o := v.createRow()
		v.updateRow(i, o)
		o.(*fyne.Container).Layout.Layout(o.(*fyne.Container).Objects, fyne.NewSize(1200, 20))
		out = append(out, strings.Join(cellTexts(o), " "))
	}
	return out
}

func TestServerClientSendTextAndHex(t *testing.T) {
	m := newTestMain(t)
	server, client := openPair(t, m)
	if len(m.Tabs.Items) != 3 || m.Tabs.Selected() != client.Item {
		t.Fatalf("tabs = %d, selected %v: want welcome, server, client with the client selected", len(m.Tabs.Items), m.Tabs.Selected())
	}
	// The state can change just after a refresh: wait for the one that shows it.
	waitFor(t, "the client's title to show it connected", func() bool {
		return strings.HasPrefix(client.Item.Text, "● TCP client 127.0.0.1:")
	}, client)

	client.Composer.Input.SetText(`hello\r\n`)
	client.Composer.SendOnce()
	// Wait for it: two quick sends may arrive as one chunk (sticky packets).
	waitFor(t, "the text at the server", func() bool { return server.Session().Counters().BytesIn == 7 }, server, client)
	client.Composer.Mode.SetSelected("Hex")
	client.Composer.Input.SetText("01 03 00 00 00 0a")
	client.Composer.SendOnce()
	if got := client.Composer.Status.Text; got != "" {
		t.Fatalf("composer error: %s", got)
	}
	waitFor(t, "8 + 6 bytes at the server", func() bool { return server.Session().Counters().BytesIn == 13 }, server, client)

	server.ViewMode.SetSelected("Chunks")
	server.Direction.SetSelected(dirIn)
	rows := rowTexts(server.Traffic)
	joined := strings.Join(rows, "\n")
	for _, want := range []string{`hello\r\n`, `\x01\x03\0\0\0\n`, "7 B", "6 B", "←"} {
		if !strings.Contains(joined, want) {
			t.Errorf("server rows lack %q:\n%s", want, joined)
		}
	}

	// Selecting a row fills the hex pane with the canonical dump.
	server.Traffic.List.Select(0)
	if got := server.Detail.Hex.Text(); !strings.Contains(got, "00000000  68 65 6c 6c 6f 0d 0a") {
		t.Errorf("hex pane = %q", got)
	}
	if got := copyGoSlice(server.Detail.data); got != "[]byte{ 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x0d, 0x0a }" {
		t.Errorf("Go slice copy = %q", got)
	}
	// The client's view shows what it sent, as arrows out.
	if rows := rowTexts(client.Traffic); !strings.Contains(strings.Join(rows, "\n"), "→") {
		t.Errorf("client rows show no sent data: %q", rows)
	}
}

func TestClosePeerFromServerTab(t *testing.T) {
	m := newTestMain(t)
	server, client := openPair(t, m)
	server.Refresh() // the peer may have come just after openPair's last refresh
	server.Peers.List.Select(0)
	if server.Peers.Close.Disabled() {
		t.Fatal("Close is disabled with a peer selected")
	}
	test.Tap(server.Peers.Close)
	waitFor(t, "the client to see the close", func() bool {
		return client.Session().State() == sessions.StateDisconnected
	}, server, client)
	found := false
	for _, r := range rowTexts(client.Traffic) {
		found = found || strings.Contains(r, "closed: peer closed")
	}
	if !found {
		t.Errorf("client log does not say the peer closed: %q", rowTexts(client.Traffic))
	}
	if n := len(server.Session().Peers()); n != 0 && server.Session().Peers()[0].State != sessions.PeerClosed {
		t.Errorf("server still has an open peer")
	}
}

func TestFilterAndClearView(t *testing.T) {
	m := newTestMain(t)
	server, client := openPair(t, m)
	for _, s := range []string{"alpha", "beta", "alphabet"} {
		client.Composer.Input.SetText(s)
		client.Composer.SendOnce()
		waitFor(t, "the send to arrive", func() bool { return strings.Contains(strings.Join(rowTexts(server.Traffic), "\n"), s) }, server, client)
	}
	tests := []struct {
		text  string
		regex bool
		rows  int
		err   string
	}{
		{"alpha", false, 2, ""},
		{"^beta$", true, 1, ""},
		{"al(pha", true, 2, "missing closing )"}, // bad regex: the error is shown, the last good filter stays
		{"", false, 0, ""},
	}
	for _, tt := range tests {
		server.FilterRegex.SetChecked(tt.regex)
		server.Direction.SetSelected(dirIn)
		server.FilterText.SetText(tt.text)
		server.Refresh()
		if tt.err != "" {
			if !server.FilterError.Visible() || !strings.Contains(server.FilterError.Text, tt.err) {
				t.Errorf("filter %q: error %q, want it to name %q", tt.text, server.FilterError.Text, tt.err)
			}
			continue
		}
		if tt.text == "" {
			continue
		}
		if got := server.Traffic.length(); got != tt.rows {
			t.Errorf("filter %q (regex %v): %d rows, want %d: %q", tt.text, tt.regex, got, tt.rows, rowTexts(server.Traffic))
		}
	}

	// Ctrl+L clears the view, not the counters.
	server.FilterText.SetText("")
	m.Tabs.Select(server.Item)
	before := server.Session().Counters().BytesIn
	typeShortcut(t, m.Window.Canvas(), clearViewShortcut)
	server.Refresh()
	if n := server.Traffic.length(); n != 0 {
		t.Errorf("after Ctrl+L the view has %d rows", n)
	}
	if got := server.Session().Counters().BytesIn; got != before {
		t.Errorf("Ctrl+L changed the counters: %d → %d", before, got)
	}
}

func TestFilterByPeer(t *testing.T) {
	m := newTestMain(t)
	server, first := openPair(t, m)
	second, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "client", URL: "tcp://" + server.Session().Addr().String()}, StartOnOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(second.Close)
	waitFor(t, "two peers", func() bool { return len(server.Session().Peers()) == 2 }, server, second)
	first.Composer.Input.SetText("from-first")
	first.Composer.SendOnce()
	second.Composer.Input.SetText("from-second")
	second.Composer.SendOnce()
	waitFor(t, "both sends", func() bool { return server.Session().Counters().BytesIn == 21 }, server)
	if n := len(server.PeerFilter.Options); n != 3 {
		t.Fatalf("peer filter offers %q, want all peers and the two", server.PeerFilter.Options)
	}
	server.Direction.SetSelected(dirIn)
	server.PeerFilter.SetSelected(server.PeerFilter.Options[2]) // the second peer
	server.Refresh()
	rows := strings.Join(rowTexts(server.Traffic), "\n")
	if !strings.Contains(rows, "from-second") || strings.Contains(rows, "from-first") {
		t.Fatalf("filtered on the second peer, rows:\n%s", rows)
	}
}

func TestCloseTabAsksWhenConnected(t *testing.T) {
	m := newTestMain(t)
	_, client := openPair(t, m)
	m.Tabs.Select(client.Item)
	typeShortcut(t, m.Window.Canvas(), closeTabShortcut)
	if m.Dialog == nil {
		t.Fatal("Ctrl+W on a connected tab closed it without asking")
	}
	if len(m.SessionTabs()) != 2 {
		t.Fatalf("tab closed before the answer")
	}
	typeShortcut(t, m.Window.Canvas(), nextTabShortcut)
	if m.Tabs.SelectedIndex() != 0 {
		t.Errorf("Ctrl+Tab from the last tab selected %d, want 0", m.Tabs.SelectedIndex())
	}
}

func TestSessionTabMarkup(t *testing.T) {
	m := newTestMain(t)
	tab, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "client", URL: "tcp://127.0.0.1:9", Framing: "line"}})
	if err != nil {
		t.Fatal(err)
	}
	defer tab.Close()
	m.Window.Resize(fyne.NewSize(1200, 760))
	test.AssertObjectRendersToMarkup(t, "sessiontab_client_new.xml", tab.Item.Content)
}

// labelText is a row cell's text.
func labelText(o fyne.CanvasObject) string {
	if l, ok := o.(*widget.Label); ok {
		return l.Text
	}
	return ""
}

func TestPeerControlsFitTheTransport(t *testing.T) {
	tests := []struct {
		role, url        string
		halfClose, abort bool
	}{
		{"client", "tcp://127.0.0.1:9", true, true},
		{"client", "udp://127.0.0.1:9", false, false},
		{"client", "unix:///tmp/sp-none.sock", true, false},
		{"client", "unixgram:///tmp/sp-none.dgram", false, false},
		{"server", "tcp://127.0.0.1:0", true, true},
		{"server", "udp://127.0.0.1:0", false, false},
	}
	m := newTestMain(t)
	for _, tt := range tests {
		tab, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: tt.role, URL: tt.url}})
		if err != nil {
			t.Fatal(err)
		}
		half, abort := tab.HalfClose, tab.Abort
		if tt.role == "server" {
			half, abort = tab.Peers.HalfClose, tab.Peers.Abort
			// The panel leaves out what it does not offer.
			in := map[fyne.CanvasObject]bool{}
			for _, o := range tab.Peers.root.(*fyne.Container).Objects {
				if sc, ok := o.(*container.Scroll); ok { // the buttons scroll in a narrow pane
					o = sc.Content
				}
				if c, ok := o.(*fyne.Container); ok {
					for _, b := range c.Objects {
						in[b] = true
					}
				}
			}
			if in[half] != tt.halfClose || in[abort] != tt.abort {
				t.Errorf("%s %s: panel offers half-close %v, abort %v; want %v, %v", tt.role, tt.url, in[half], in[abort], tt.halfClose, tt.abort)
			}
			tab.Close()
			continue
		}
		if half.Visible() != tt.halfClose || abort.Visible() != tt.abort {
			t.Errorf("%s %s: header shows half-close %v, abort %v; want %v, %v", tt.role, tt.url, half.Visible(), abort.Visible(), tt.halfClose, tt.abort)
		}
		tab.Close()
	}
}
