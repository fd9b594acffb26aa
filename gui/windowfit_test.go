package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/sessions"
)

// The window fits half of a 1920 px screen and a 1280x720 one: whatever
// the tabs hold (long addresses, a long error in the header, a big row
// selected, every kind of tab), its minimum size stays within 960x600.
// Long texts are cut with an ellipsis, never widen the window.
func TestWindowFitsIn960x600(t *testing.T) {
	m := newTestMain(t)
	long := "/tmp/" + strings.Repeat("a-very-long-socket-name-", 4) + ".sock"
	specs := []sessions.Spec{
		{Role: "server", URL: "tcp://127.0.0.1:0"},
		{Role: "client", URL: "tcp://127.0.0.1:9"},
		{Role: "server", URL: "udp://127.0.0.1:0"},
		{Role: "client", URL: "udp://127.0.0.1:9", Unconnected: true},
		{Role: "server", URL: "unix://" + long},
		{Role: "client", URL: "unixgram://" + long},
		{Role: "server", URL: "tls://127.0.0.1:0", TLS: &netcore.TLSOptions{SelfSigned: []string{"localhost", strings.Repeat("long-name.", 8) + "example"}}},
		{Role: "client", URL: "tls://127.0.0.1:9", TLS: &netcore.TLSOptions{Insecure: true}},
		{Role: "server", URL: "udp://:0", Options: netcore.Options{Broadcast: true, Multicast: &netcore.Multicast{TTL: 9, Interface: "lo",
			Joins: []string{"239.1.1.1@lo", "239.1.1.2@lo", "239.1.1.3@lo", "239.1.1.4@lo", "239.1.1.5@lo", "239.1.1.6@lo", "239.1.1.7@lo", "239.1.1.8@lo"}}}},
	}
	limit := fyne.NewSize(960, 600)
	check := func(what string) {
		t.Helper()
		if min := m.Window.Content().MinSize(); min.Width > limit.Width || min.Height > limit.Height {
			t.Errorf("%s: the window's minimum size is %v, more than %v", what, min, limit)
		}
	}
	check("the welcome tab")
	for _, sp := range specs {
		tab, err := m.OpenSession(SessionSpec{Spec: sp})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(tab.Close)
		tab.lastErr = "dial tcp 127.0.0.1:19598: connect: connection refused; " + strings.Repeat("and a long explanation ", 8)
		tab.refresh()
		check(sp.Role + " " + sp.URL + " with a long error")
		big := make([]byte, 128<<10)
		tab.Session().Log().Add(sessions.Entry{Kind: sessions.KindDataIn, Peer: 1, Addr: "[2001:db8:1234:5678:9abc:def0:1234:5678]:65535", Data: big})
		tab.refresh()
		tab.Traffic.List.Select(tab.Traffic.length() - 1)
		check(sp.Role + " " + sp.URL + " with a 128 KiB row selected")
	}
	m.ShowPing()
	check("a Ping tab")
	m.ShowSockets()
	check("the Sockets tab")
}

// At 1200x760 the log shows at least ten rows by default, beside the
// peers pane of a server.
func TestTenLogRowsAt1200x760(t *testing.T) {
	m := newTestMain(t)
	tab, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "server", URL: "tcp://127.0.0.1:0"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tab.Close)
	m.Window.Resize(fyne.NewSize(1200, 760))
	v := tab.Traffic
	pitch := v.createRow().MinSize().Height + theme.Padding()
	if rows := v.List.Size().Height / pitch; rows < 10 {
		t.Errorf("the log shows %.1f rows (%v high, %v a row), want 10 or more", rows, v.List.Size().Height, pitch)
	}
}
