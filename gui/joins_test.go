package gui

import (
	"encoding/json"
	"net"
	"os/exec"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/sessions"
)

func TestParseJoins(t *testing.T) {
	tests := []struct {
		text    string
		want    []string
		wantErr string
	}{
		{"", nil, ""},
		{" 239.1.2.3 ", []string{"239.1.2.3"}, ""},
		{"239.1.2.3@lo, ff02::1:3\n\n10.0.0.5>232.1.2.3@lo", []string{"239.1.2.3@lo", "ff02::1:3", "10.0.0.5>232.1.2.3@lo"}, ""},
		{"[2001:db8::1]>[ff3e::1]", []string{"2001:db8::1>ff3e::1"}, ""},
		{"239.1.2.3, 239.1.2.3", []string{"239.1.2.3"}, ""}, // once is enough
		{"239.1.2.3, 10.0.0.1", nil, `"10.0.0.1" is not a multicast address`},
		{"239.1.2.3@", nil, `nothing after '@'`},
		{"10.0.0.5>239.1.2.3", nil, `"10.0.0.5>239.1.2.3": source-specific needs an SSM group`},
		{"239.1.2.3@nosuch9", nil, `multicast join "239.1.2.3@nosuch9": this machine has no network interface "nosuch9"`},
	}
	for _, tt := range tests {
		got, err := parseJoins(tt.text)
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("parseJoins(%q) error %v, want %q", tt.text, err, tt.wantErr)
		case tt.wantErr == "" && (err != nil || !reflect.DeepEqual(got, tt.want)):
			t.Errorf("parseJoins(%q) = %q, %v; want %q", tt.text, got, err, tt.want)
		}
	}
}

// The dialog's joins field: errors name the bad entry; a connected client
// is told to be unconnected; an old workspace's single group shows as a
// join.
func TestJoinsInDialog(t *testing.T) {
	m, d := openNewSession(t)
	d.SelectKind(true, netcore.SchemeUDP)
	test.Type(d.Options.Joins, "239.1.2.3@lo, 239.1.2.")
	wantProblem(t, d, `"239.1.2." is not a multicast address`)
	if !d.Options.Status.Visible() {
		t.Error("no red line under the advanced options")
	}
	retype(d.Options.Joins, d.Options.Joins, "239.1.2.3@lo")
	if s := mustSpec(t, d); !reflect.DeepEqual(s.Options.Multicast, &netcore.Multicast{Joins: []string{"239.1.2.3@lo"}}) {
		t.Errorf("multicast %+v", s.Options.Multicast)
	}
	// A server bound to a unicast address would not hear its groups: said.
	retype(&d.Address.Entry, &d.Address.Entry, "udp://127.0.0.1:5000")
	if !strings.Contains(d.AddressStatus.Text, "will not hear the groups") || d.AddressStatus.Importance != widget.WarningImportance {
		t.Errorf("address status %q (importance %v)", d.AddressStatus.Text, d.AddressStatus.Importance)
	}
	retype(&d.Address.Entry, &d.Address.Entry, "udp://:5000")
	if !strings.Contains(d.AddressStatus.Text, "binds the group itself on port 5000") {
		t.Errorf("address status %q", d.AddressStatus.Text)
	}
	d.SelectKind(false, netcore.SchemeUDP)
	d.Unconnected.SetChecked(false)
	wantProblem(t, d, "tick Unconnected to join groups")
	d.Unconnected.SetChecked(true)
	mustSpec(t, d)

	// An old workspace's Group (and Interface) come back as a join.
	m.ShowNewSession()
	d2 := m.Dialog.(*NewSessionDialog)
	d2.SetSpec(SessionSpec{Spec: sessions.Spec{Role: "server", URL: "udp://:5000", Options: netcore.Options{Multicast: &netcore.Multicast{Group: "239.9.9.9", Interface: "lo"}}}})
	if d2.Options.Joins.Text != "239.9.9.9@lo" || d2.Options.MulticastInterface.Text != "lo" {
		t.Errorf("old group shown as joins %q, interface %q", d2.Options.Joins.Text, d2.Options.MulticastInterface.Text)
	}
	if s := mustSpec(t, d2); !reflect.DeepEqual(s.Options.Multicast, &netcore.Multicast{Joins: []string{"239.9.9.9@lo"}, Interface: "lo"}) {
		t.Errorf("old group saved again as %+v", s.Options.Multicast)
	}
}

// pySendMulticast sends one datagram to group:port out of the loopback
// interface, as a multicast sender on this machine would.
func pySendMulticast(t *testing.T, group string, port int, text string) {
	t.Helper()
	testkit.Need(t, "python3")
	out, err := exec.Command("python3", "-c", `
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
s.sendto(sys.argv[3].encode(), (sys.argv[1], int(sys.argv[2])))
`, group, strconv.Itoa(port), text).CombinedOutput()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}
}

// Join and Leave on a live UDP server tab: the header lists the groups,
// a joined group's datagrams arrive, a left one's stop; mistakes are one
// red sentence; what was joined stays with the tab.
func TestJoinLeaveOnLiveTab(t *testing.T) {
	m := newTestMain(t)
	srv, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "server", URL: "udp://:0",
		Options: netcore.Options{Broadcast: true, Multicast: &netcore.Multicast{Joins: []string{"239.77.1.1@lo"}}}}, StartOnOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	waitFor(t, "the server to listen", func() bool { return srv.Session().State() == sessions.StateListening }, srv)
	port := srv.Session().Addr().(*net.UDPAddr).Port
	b := srv.Joins
	if b == nil || b.Leave["239.77.1.1@lo"] == nil || !b.Join.Visible() {
		t.Fatalf("joins bar %+v", b)
	}
	if !strings.Contains(b.Notes.Text, "broadcast on (SO_BROADCAST)") {
		t.Errorf("notes %q do not show broadcast", b.Notes.Text)
	}
	pySendMulticast(t, "239.77.1.1", int(port), "one")
	waitFor(t, "the first group's datagram", func() bool { return srv.Session().Counters().BytesIn == 3 }, srv)

	// Mistakes: red, nothing joined.
	for _, bad := range []struct{ text, want string }{
		{"10.1.1.1", `"10.1.1.1" is not a multicast address`},
		{"239.77.1.2@nosuch9", `no network interface "nosuch9"`},
		{"239.77.1.1@lo", "already joined"},
	} {
		b.Entry.SetText(bad.text)
		test.Tap(b.Join)
		if !strings.Contains(b.Status.Text, bad.want) || b.Status.Importance != widget.DangerImportance {
			t.Errorf("join %q: status %q (importance %v), want %q in red", bad.text, b.Status.Text, b.Status.Importance, bad.want)
		}
	}

	b.Entry.SetText("239.77.1.2@lo")
	test.Tap(b.Join)
	if b.Status.Text != "joined 239.77.1.2 on lo" || b.Leave["239.77.1.2@lo"] == nil || b.Entry.Text != "" {
		t.Fatalf("after Join: status %q, groups %v", b.Status.Text, b.shown)
	}
	pySendMulticast(t, "239.77.1.2", int(port), "two")
	waitFor(t, "the joined group's datagram", func() bool { return srv.Session().Counters().BytesIn == 6 }, srv)
	if got := srv.Spec().Options.Multicast.Joins; !reflect.DeepEqual(got, []string{"239.77.1.1@lo", "239.77.1.2@lo"}) {
		t.Errorf("tab's joins %q", got)
	}

	test.Tap(b.Leave["239.77.1.1@lo"])
	if b.Status.Text != "left 239.77.1.1 on lo" || b.Leave["239.77.1.1@lo"] != nil {
		t.Fatalf("after Leave: status %q, groups %v", b.Status.Text, b.shown)
	}
	pySendMulticast(t, "239.77.1.1", int(port), "gone")
	pySendMulticast(t, "239.77.1.2", int(port), "two")
	waitFor(t, "the still-joined group's datagram", func() bool { return srv.Session().Counters().BytesIn >= 9 }, srv)
	if n := srv.Session().Counters().BytesIn; n != 9 {
		t.Errorf("%d bytes in: the left group's datagram arrived", n)
	}
	rows := strings.Join(rowTexts(srv.Traffic), "\n")
	for _, want := range []string{"joined multicast group 239.77.1.2 on lo", "left multicast group 239.77.1.1 on lo"} {
		if !strings.Contains(rows, want) {
			t.Errorf("log lacks %q:\n%s", want, rows)
		}
	}

	// Saved with the tab.
	if err := m.SaveWorkspace(); err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(m.Workspace.Tabs)
	if !strings.Contains(string(data), `"joins":["239.77.1.2@lo"]`) {
		t.Errorf("workspace tabs %s", data)
	}
}

// A UDP tab from a workspace with the old single group lists it, and
// leaving it clears it.
func TestOldGroupWorkspaceLoads(t *testing.T) {
	ws := Workspace{Version: workspaceVersion, Tabs: []SessionSpec{
		{Spec: sessions.Spec{Role: "server", URL: "udp://:0", Options: netcore.Options{Multicast: &netcore.Multicast{Group: "239.5.5.5", Interface: "lo"}}}},
	}}
	data, err := json.Marshal(&ws)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := newStoredApp(t, data)
	m := NewMainWindow(a, newTempWindow(t, nil))
	t.Cleanup(m.closeAllSessions)
	tabs := m.SessionTabs()
	if len(tabs) != 1 {
		t.Fatalf("%d tabs", len(tabs))
	}
	tab := tabs[0]
	if tab.Joins == nil || tab.Joins.Leave["239.5.5.5@lo"] == nil {
		t.Fatalf("old group not listed: %v", tab.Joins)
	}
	tab.Start()
	waitFor(t, "the server to listen", func() bool { return tab.Session().State() == sessions.StateListening }, tab)
	test.Tap(tab.Joins.Leave["239.5.5.5@lo"])
	// The interface stays: it is also where multicast is sent from.
	if tab.Joins.Status.Text != "left 239.5.5.5 on lo" || !reflect.DeepEqual(tab.Spec().Options.Multicast, &netcore.Multicast{Interface: "lo"}) {
		t.Errorf("status %q, multicast %+v", tab.Joins.Status.Text, tab.Spec().Options.Multicast)
	}
}
