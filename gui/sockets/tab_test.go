package sockets

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/gui/sockets/model"
	"github.com/sockplay/sockplay/netcore/socktable"
)

// fakeHost is a window for the tab alone: it records what the tab asks.
type fakeHost struct {
	win     fyne.Window
	app     fyne.App
	dialog  dialog.Dialog
	clients []string
	tabs    []SessionTab
	changes int
}

func (h *fakeHost) Window() fyne.Window       { return h.win }
func (h *fakeHost) Clipboard() fyne.Clipboard { return h.app.Clipboard() }
func (h *fakeHost) Show(d dialog.Dialog) {
	if h.dialog != nil {
		h.dialog.Hide()
	}
	h.dialog = d
	d.Show()
}
func (h *fakeHost) OpenClient(url string) error { h.clients = append(h.clients, url); return nil }
func (h *fakeHost) SessionTabs() []SessionTab   { return h.tabs }
func (h *fakeHost) Changed()                    { h.changes++ }

// newSocketsTest opens a Sockets tab without its pump: the test refreshes
// it by hand (the test driver runs fyne.Do inline).
func newSocketsTest(t *testing.T) (*fakeHost, *Tab) {
	t.Helper()
	a := test.NewTempApp(t)
	h := &fakeHost{app: a}
	tab := New(h)
	h.win = test.NewTempWindow(t, tab.Item.Content)
	h.win.Resize(fyne.NewSize(1200, 700))
	tab.UDP.SetChecked(false) // only TCP, to keep the rows few
	return h, tab
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
func rowOf(tab *Tab, local netip.AddrPort, peer string) int {
	for i, r := range tab.rows {
		if r.Sock.Proto == socktable.TCP && r.Sock.Local == local && (peer == "" || r.Cells[model.ColPeer] == peer) {
			return i
		}
	}
	return -1
}

func TestSocketsTabListsFiltersAndSorts(t *testing.T) {
	h, tab := newSocketsTest(t)
	_, addr := listenTCP(t)
	_, addr2 := listenTCP(t)
	tab.Refresh()

	i := rowOf(tab, addr, "")
	if i < 0 {
		t.Fatalf("no row for the listener %s among %d rows", addr, len(tab.rows))
	}
	r := tab.rows[i]
	wantProc := fmt.Sprintf("(pid %d)", os.Getpid())
	if r.Cells[model.ColNetid] != "tcp" || r.Cells[model.ColState] != "LISTEN" || r.Cells[model.ColLocal] != addr.String() || !strings.Contains(r.Cells[model.ColProcess], wantProc) {
		t.Errorf("row = %q, want tcp LISTEN %s owned by %s", r.Cells, addr, wantProc)
	}
	if !strings.HasPrefix(tab.Summary.Text, "TCP ") || !strings.Contains(tab.Summary.Text, "listen ") || !strings.Contains(tab.Summary.Text, "UDP ") {
		t.Errorf("summary = %q, want counts by state like ss -s", tab.Summary.Text)
	}

	t.Run("filter by port", func(t *testing.T) {
		tab.Addr.SetText(fmt.Sprintf(":%d", addr.Port()))
		defer tab.Addr.SetText("")
		// Other tests' sockets may share the port: a TIME-WAIT left by
		// a connection that used it (listeners bind with SO_REUSEADDR).
		// Every row shown has the port at one end; the listener is one.
		if rowOf(tab, addr, "") < 0 {
			t.Fatalf("rows for :%d (%d) leave out the listener", addr.Port(), len(tab.rows))
		}
		for _, r := range tab.rows {
			if r.Sock.Local.Port() != addr.Port() && r.Sock.Peer.Port() != addr.Port() {
				t.Errorf("row %q shown for :%d", r.Cells, addr.Port())
			}
		}
		if want := fmt.Sprintf("showing %d", len(tab.rows)); !strings.Contains(tab.Summary.Text, want) {
			t.Errorf("summary = %q, want %q", tab.Summary.Text, want)
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
		tab.State.SetSelected(model.AnyState)
		tab.Listening.SetChecked(true)
		for _, r := range tab.rows {
			if !r.Sock.IsListener() {
				t.Errorf("listening only shows %q", r.Cells)
			}
		}
		tab.Listening.SetChecked(false)
	})
	t.Run("sort by a header", func(t *testing.T) {
		saves := h.changes
		hdr := tab.Table.CreateHeader().(*widget.Button)
		tab.Table.UpdateHeader(widget.TableCellID{Row: -1, Col: int(model.ColLocal)}, hdr)
		test.Tap(hdr)
		if tab.sortCol != model.ColLocal || tab.sortDesc {
			t.Fatalf("after a tap on %q: sort column %d desc %v", hdr.Text, tab.sortCol, tab.sortDesc)
		}
		if h.changes == saves {
			t.Error("sorting did not ask the window to save")
		}
		checkSorted(t, tab, addr, addr2, false)
		tab.Table.UpdateHeader(widget.TableCellID{Row: -1, Col: int(model.ColLocal)}, hdr)
		if hdr.Icon == nil {
			t.Error("the sorted column's header shows no arrow")
		}
		test.Tap(hdr)
		checkSorted(t, tab, addr, addr2, true)
		tab.SortBy(model.ColRecvQ)
		for i := 1; i < len(tab.rows); i++ {
			if tab.rows[i-1].Sock.RecvQ > tab.rows[i].Sock.RecvQ {
				t.Fatalf("Recv-Q not ascending at row %d", i)
			}
		}
	})
}

// checkSorted checks the IP rows are ordered by local address then port.
func checkSorted(t *testing.T, tab *Tab, a, b netip.AddrPort, desc bool) {
	t.Helper()
	var prev *model.Row
	for i := range tab.rows {
		r := &tab.rows[i]
		if r.Sock.Proto.IsUnix() {
			continue
		}
		if prev != nil {
			c := model.Compare(model.ColLocal, prev, r)
			if (!desc && c > 0) || (desc && c < 0) {
				t.Fatalf("rows %s then %s out of order (desc %v)", prev.Sock.LocalString(), r.Sock.LocalString(), desc)
			}
		}
		prev = r
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
		if r.Mark != model.MarkNone {
			t.Fatalf("first listing marks %q", r.Cells)
		}
	}
	ln, addr := listenTCP(t)
	tab.Refresh()
	i := rowOf(tab, addr, "")
	if i < 0 || tab.rows[i].Mark != model.MarkNew {
		t.Fatalf("new listener row %d not marked new", i)
	}
	c := newCell(tab)
	c.Resize(fyne.NewSize(colWidths[model.ColLocal], 36))
	tab.updateCell(widget.TableCellID{Row: i, Col: int(model.ColLocal)}, c)
	if c.bg.FillColor == nil || c.strike.Visible() {
		t.Error("a new row is not tinted, or is struck through")
	}

	ln.Close()
	tab.Refresh()
	i = rowOf(tab, addr, "")
	if i < 0 || tab.rows[i].Mark != model.MarkGone {
		t.Fatalf("closed listener row %d not kept as gone", i)
	}
	tab.updateCell(widget.TableCellID{Row: i, Col: int(model.ColLocal)}, c)
	if !c.strike.Visible() || c.label.Importance != widget.LowImportance {
		t.Error("a vanished row is not struck through and greyed")
	}
	if c.strike.Position2.X <= c.strike.Position1.X {
		t.Errorf("strike line %v-%v has no length", c.strike.Position1, c.strike.Position2)
	}
	if !strings.Contains(tab.Summary.Text, "just closed") {
		t.Errorf("summary = %q, want the vanished count", tab.Summary.Text)
	}
	tab.Refresh()
	if i := rowOf(tab, addr, ""); i >= 0 {
		t.Fatalf("vanished row still shown after a second refresh (mark %d)", tab.rows[i].Mark)
	}
}

// The actions on a listener: Copy puts the row's line on the clipboard,
// Open client session asks the window for a client to it.
func TestSocketsTabCopyAndOpenClient(t *testing.T) {
	h, tab := newSocketsTest(t)
	_, addr := listenTCP(t)
	tab.Refresh()
	i := rowOf(tab, addr, "")
	if i < 0 {
		t.Fatal("no listener row")
	}
	tab.SelectRow(i)
	if tab.OpenClient.Disabled() || !tab.CloseSocket.Disabled() || !tab.GoToSession.Disabled() {
		t.Fatalf("on someone else's listener: Open client enabled = %v, Close enabled = %v, Go to session enabled = %v",
			!tab.OpenClient.Disabled(), !tab.CloseSocket.Disabled(), !tab.GoToSession.Disabled())
	}
	test.Tap(tab.Copy)
	if got := h.app.Clipboard().Content(); !strings.HasPrefix(got, "tcp   LISTEN") || !strings.Contains(got, addr.String()) {
		t.Errorf("clipboard = %q", got)
	}
	test.Tap(tab.OpenClient)
	if len(h.clients) != 1 || h.clients[0] != "tcp://"+addr.String() {
		t.Errorf("client sessions asked for: %q", h.clients)
	}
}

func TestSocketsTabCloseSocket(t *testing.T) {
	h, tab := newSocketsTest(t)
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
		confirmDialog(t, h)
		if !strings.Contains(tab.Status.Text, "CAP_NET_ADMIN") || !tab.Status.Visible() {
			t.Errorf("status = %q, want the CAP_NET_ADMIN sentence", tab.Status.Text)
		}
	})
	t.Run("closed", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("closing a socket from outside needs CAP_NET_ADMIN; not root")
		}
		test.Tap(tab.CloseSocket)
		confirmDialog(t, h)
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
func confirmDialog(t *testing.T, h *fakeHost) {
	t.Helper()
	if h.dialog == nil {
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
	walk(h.win.Canvas().Overlays().Top())
	if confirm == nil {
		t.Fatal("the confirmation has no 'Close socket' button")
	}
	test.Tap(confirm)
}

// Settings round-trip through Apply, and Apply neither lists nor saves.
func TestSocketsTabSettingsRoundTrip(t *testing.T) {
	h, tab := newSocketsTest(t)
	want := model.Settings{Protocols: []string{"tcp", "unix"}, Family: "ipv6", State: "time-wait", Listening: true,
		Address: ":8080", Process: "sshd", Text: "x", Refresh: "5s", Paused: true, Sort: "peer", SortDescending: true}
	saves := h.changes
	tab.Apply(want)
	got := tab.Settings()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("settings after Apply = %+v\nwant %+v", got, want)
	}
	if h.changes != saves || tab.listing.Listed() {
		t.Errorf("Apply saved (%d) or listed (%v)", h.changes-saves, tab.listing.Listed())
	}
	if !tab.Paused() || tab.Pause.Text != "Resume" || !strings.HasPrefix(tab.Summary.Text, "Paused") {
		t.Errorf("paused %v, button %q, summary %q", tab.Paused(), tab.Pause.Text, tab.Summary.Text)
	}
	if tab.RefreshEvery() != 5*time.Second || tab.Interval.Selected != "5 s" {
		t.Errorf("refresh every %v (%q)", tab.RefreshEvery(), tab.Interval.Selected)
	}
	v := tab.Filter()
	if v.Filter.Process != "sshd" || !v.ListeningOnly || v.Filter.Protos&socktable.ProtoUDP != 0 {
		t.Errorf("filter not applied: %+v", v)
	}
}

// The pump lists at once, then on the interval, and stops when told;
// paused, it lists only when asked.
func TestSocketsTabPumpLists(t *testing.T) {
	_, tab := newSocketsTest(t)
	calls := make(chan struct{}, 100)
	saved := listSockets
	listSockets = func(ctx context.Context, o socktable.Options) ([]socktable.Socket, error) {
		calls <- struct{}{}
		return nil, nil
	}
	t.Cleanup(func() { listSockets = saved })
	tab.setPaused(true)
	tab.Start()
	select {
	case <-calls:
		t.Fatal("a paused tab listed without being asked")
	case <-time.After(100 * time.Millisecond):
	}
	test.Tap(tab.RefreshNow)
	select {
	case <-calls:
	case <-time.After(5 * time.Second):
		t.Fatal("the refresh button did not list")
	}
	tab.Stop()
	tab.Stop() // twice is harmless (closing the tab, then quitting)
}
