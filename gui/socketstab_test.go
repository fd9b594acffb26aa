package gui

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore/socktable"
	"github.com/sockplay/sockplay/sessions"
)

// newSocketsTest opens a Sockets tab without its goroutine: the test
// refreshes it by hand (the test driver runs fyne.Do inline).
func newSocketsTest(t *testing.T) (*MainWindow, *SocketsTab) {
	t.Helper()
	saved := runPumps
	runPumps = false
	t.Cleanup(func() { runPumps = saved })
	m := newTestMain(t)
	t.Cleanup(m.closeAllSessions)
	test.Tap(m.SocketsButton)
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
	for i, r := range tab.rows {
		if r.sock.Proto == socktable.TCP && r.sock.Local == local && (peer == "" || r.cells[colPeer] == peer) {
			return i
		}
	}
	return -1
}

func TestSocketsTabListsFiltersAndSorts(t *testing.T) {
	_, tab := newSocketsTest(t)
	_, addr := listenTCP(t)
	_, addr2 := listenTCP(t)
	tab.Refresh()

	i := rowOf(tab, addr, "")
	if i < 0 {
		t.Fatalf("no row for the listener %s among %d rows", addr, len(tab.rows))
	}
	r := tab.rows[i]
	wantProc := fmt.Sprintf("(pid %d)", os.Getpid())
	if r.cells[colNetid] != "tcp" || r.cells[colState] != "LISTEN" || r.cells[colLocal] != addr.String() || !strings.Contains(r.cells[colProcess], wantProc) {
		t.Errorf("row = %q, want tcp LISTEN %s owned by %s", r.cells, addr, wantProc)
	}
	if !strings.HasPrefix(tab.Summary.Text, "TCP ") || !strings.Contains(tab.Summary.Text, "listen ") || !strings.Contains(tab.Summary.Text, "UDP ") {
		t.Errorf("summary = %q, want counts by state like ss -s", tab.Summary.Text)
	}

	t.Run("filter by port", func(t *testing.T) {
		tab.Addr.SetText(fmt.Sprintf(":%d", addr.Port()))
		defer tab.Addr.SetText("")
		if len(tab.rows) != 1 || tab.rows[0].sock.Local != addr {
			t.Fatalf("rows for :%d = %d, want just the listener", addr.Port(), len(tab.rows))
		}
		if !strings.Contains(tab.Summary.Text, "showing 1") {
			t.Errorf("summary = %q, want 'showing 1'", tab.Summary.Text)
		}
	})
	t.Run("bad filter says why", func(t *testing.T) {
		tab.Addr.SetText("1.2.3.4.5:x")
		if !tab.FilterError.Visible() || tab.FilterError.Text == "" {
			t.Fatal("a bad address shows no sentence")
		}
		t.Logf("bad address: %s", tab.FilterError.Text)
		tab.Addr.SetText("")
		if tab.FilterError.Visible() {
			t.Errorf("error still shown after clearing: %q", tab.FilterError.Text)
		}
	})
	t.Run("state and listening only", func(t *testing.T) {
		tab.State.SetSelected("established")
		if rowOf(tab, addr, "") >= 0 {
			t.Error("a listener passes the 'established' filter")
		}
		tab.State.SetSelected(anyState)
		tab.Listening.SetChecked(true)
		for _, r := range tab.rows {
			if !r.sock.IsListener() {
				t.Errorf("listening only shows %q", r.cells)
			}
		}
		tab.Listening.SetChecked(false)
	})
	t.Run("sort by a header", func(t *testing.T) {
		hdr := tab.Table.CreateHeader().(*widget.Button)
		tab.Table.UpdateHeader(widget.TableCellID{Row: -1, Col: colLocal}, hdr)
		test.Tap(hdr)
		if tab.sortCol != colLocal || tab.sortDesc {
			t.Fatalf("after a tap on %q: sort column %d desc %v", hdr.Text, tab.sortCol, tab.sortDesc)
		}
		checkSorted(t, tab, addr, addr2, false)
		tab.Table.UpdateHeader(widget.TableCellID{Row: -1, Col: colLocal}, hdr)
		if hdr.Icon == nil {
			t.Error("the sorted column's header shows no arrow")
		}
		test.Tap(hdr)
		checkSorted(t, tab, addr, addr2, true)
		tab.SortBy(colRecvQ)
		for i := 1; i < len(tab.rows); i++ {
			if tab.rows[i-1].sock.RecvQ > tab.rows[i].sock.RecvQ {
				t.Fatalf("Recv-Q not ascending at row %d", i)
			}
		}
	})
}

// checkSorted checks the IP rows are ordered by local address then port.
func checkSorted(t *testing.T, tab *SocketsTab, a, b netip.AddrPort, desc bool) {
	t.Helper()
	var prev *socktable.Socket
	for i := range tab.rows {
		s := &tab.rows[i].sock
		if s.Proto.IsUnix() {
			continue
		}
		if prev != nil {
			c := compareEnd(prev, prev.Local, "", s, s.Local, "")
			if (!desc && c > 0) || (desc && c < 0) {
				t.Fatalf("rows %s then %s out of order (desc %v)", prev.LocalString(), s.LocalString(), desc)
			}
		}
		prev = s
	}
	ia, ib := rowOf(tab, a, ""), rowOf(tab, b, "")
	if (a.Port() < b.Port()) != (ia < ib) != desc {
		t.Errorf("%s at %d, %s at %d (desc %v)", a, ia, b, ib, desc)
	}
}

func TestSocketsTabMarksNewAndGoneRows(t *testing.T) {
	_, tab := newSocketsTest(t)
	tab.Refresh()
	for _, r := range tab.rows {
		if r.mark != markNone {
			t.Fatalf("first listing marks %q", r.cells)
		}
	}
	ln, addr := listenTCP(t)
	tab.Refresh()
	i := rowOf(tab, addr, "")
	if i < 0 || tab.rows[i].mark != markNew {
		t.Fatalf("new listener row %d not marked new", i)
	}
	cell := newSockCell(tab)
	cell.Resize(fyne.NewSize(sockColumns[colLocal].width, 36))
	tab.updateCell(widget.TableCellID{Row: i, Col: colLocal}, cell)
	if cell.bg.FillColor == nil || cell.strike.Visible() {
		t.Error("a new row is not tinted, or is struck through")
	}

	ln.Close()
	tab.Refresh()
	i = rowOf(tab, addr, "")
	if i < 0 || tab.rows[i].mark != markGone {
		t.Fatalf("closed listener row %d not kept as gone", i)
	}
	tab.updateCell(widget.TableCellID{Row: i, Col: colLocal}, cell)
	if !cell.strike.Visible() || cell.label.Importance != widget.LowImportance {
		t.Error("a vanished row is not struck through and greyed")
	}
	if cell.strike.Position2.X <= cell.strike.Position1.X {
		t.Errorf("strike line %v-%v has no length", cell.strike.Position1, cell.strike.Position2)
	}
	if !strings.Contains(tab.Summary.Text, "just closed") {
		t.Errorf("summary = %q, want the vanished count", tab.Summary.Text)
	}
	tab.Refresh()
	if i := rowOf(tab, addr, ""); i >= 0 {
		t.Fatalf("vanished row still shown after a second refresh (mark %d)", tab.rows[i].mark)
	}
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

	t.Run("wildcard listeners are reached on loopback", func(t *testing.T) {
		for _, tt := range []struct{ sock, want string }{
			{"0.0.0.0:80", "tcp://127.0.0.1:80"}, {"[::]:53", "udp://[::1]:53"},
		} {
			s := socktable.Socket{Proto: socktable.TCP, State: socktable.Listen, Family: socktable.IPv4, Local: netip.MustParseAddrPort(tt.sock)}
			if strings.HasPrefix(tt.want, "udp") {
				s.Proto, s.State, s.Family = socktable.UDP, socktable.Close, socktable.IPv6
			}
			if got := clientURL(&s); got != tt.want {
				t.Errorf("clientURL(%s) = %q, want %q", tt.sock, got, tt.want)
			}
		}
		unix := socktable.Socket{Proto: socktable.UnixStream, State: socktable.Listen, Family: socktable.Unix, Path: "/tmp/x.sock"}
		if got := clientURL(&unix); got != "unix:///tmp/x.sock" {
			t.Errorf("clientURL(unix listener) = %q", got)
		}
	})
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
			for j, r := range tab.rows {
				if r.sock.Local == second && r.sock.State == socktable.Listen {
					i = j
				}
			}
		}
		if i < 0 {
			t.Fatalf("no row for %s peer %q", second, peer)
		}
		tab.SelectRow(i)
		if tab.GoToSession.Disabled() {
			t.Fatalf("Go to session tab disabled on %q", tab.rows[i].cells)
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

func TestSocketsTabCloseSocket(t *testing.T) {
	m, tab := newSocketsTest(t)
	ln, addr := listenTCP(t)
	c, err := net.Dial("tcp4", addr.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	acc, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer acc.Close()
	tab.Refresh()
	i := rowOf(tab, addr, c.LocalAddr().String())
	if i < 0 {
		t.Fatal("no row for the accepted connection")
	}
	tab.SelectRow(i)
	if tab.CloseSocket.Disabled() {
		t.Fatal("Close socket disabled on an established TCP connection")
	}

	t.Run("refused", func(t *testing.T) {
		saved := destroyTCP
		defer func() { destroyTCP = saved }()
		destroyTCP = func(_ context.Context, l, p netip.AddrPort) error {
			return fmt.Errorf("close tcp %s -> %s: closing a socket from outside needs CAP_NET_ADMIN (run as root or grant the capability): %w", l, p, syscall.EPERM)
		}
		test.Tap(tab.CloseSocket)
		confirmDialog(t, m)
		if !strings.Contains(tab.Status.Text, "CAP_NET_ADMIN") || !tab.Status.Visible() {
			t.Errorf("status = %q, want the CAP_NET_ADMIN sentence", tab.Status.Text)
		}
	})
	t.Run("closed", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("closing a socket from outside needs CAP_NET_ADMIN; not root")
		}
		test.Tap(tab.CloseSocket)
		confirmDialog(t, m)
		if !strings.HasPrefix(tab.Status.Text, "Closed tcp") {
			t.Fatalf("status = %q", tab.Status.Text)
		}
		acc.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := acc.Read(make([]byte, 1)); !errors.Is(err, syscall.ECONNABORTED) {
			t.Errorf("holder's read after destroy: %v, want ECONNABORTED", err)
		}
	})
}

// confirmDialog presses the confirm button of the dialog on screen.
func confirmDialog(t *testing.T, m *MainWindow) {
	t.Helper()
	if m.Dialog == nil {
		t.Fatal("no dialog asked first")
	}
	var confirm *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Button:
			if x.Text == "Close socket" {
				confirm = x
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	walk(m.Window.Canvas().Overlays().Top())
	if confirm == nil {
		t.Fatal("the confirmation has no 'Close socket' button")
	}
	test.Tap(confirm)
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
	test.Tap(m.SocketsButton)
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
