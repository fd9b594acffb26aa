package gui

import (
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/netcore/rules"
	"github.com/sockplay/sockplay/sessions"
)

// pyTarget answers each line with "got LINE"; it prints its port first.
const pyTarget = `
import socket
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
print(srv.getsockname()[1])
c, _ = srv.accept()
for line in c.makefile("rb"):
    c.sendall(b"got " + line)
`

// pyClient connects, then sends each line typed on its stdin and prints
// the line that comes back.
const pyClient = `
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
f = s.makefile("rb")
print("connected")
while True:
    line = sys.stdin.readline()
    if not line:
        break
    s.sendall(line.encode())
    print(f.readline().decode().rstrip("\n"))
`

// A relay tab between a python3 client and a python3 target: both
// directions in the log in words, the pair in the peers panel, and the
// hold switch queueing a message until Step lets it go to the target.
func TestRelayTabHoldAndStep(t *testing.T) {
	target := testkit.StartPython(t, "", pyTarget)
	port := target.Next(t, "the target's port")

	m := newTestMain(t)
	tab, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "relay", URL: "tcp://127.0.0.1:0", Target: "tcp://127.0.0.1:" + port, Framing: "line"}, StartOnOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tab.Close)
	waitFor(t, "the relay to listen", func() bool { return tab.Session().State() == sessions.StateListening }, tab)
	if tab.Hold == nil || tab.Peers == nil {
		t.Fatalf("relay tab without hold bar (%v) or peers panel (%v)", tab.Hold != nil, tab.Peers != nil)
	}
	for _, o := range visibleObjects(tab.Item.Content) {
		if o == tab.Composer.SendButton {
			t.Error("a relay tab shows a composer: what it sent would read as the target's")
		}
	}
	if tab.Remote.Text != "forwards to 127.0.0.1:"+port {
		t.Errorf("header: %q", tab.Remote.Text)
	}

	_, lport, _ := strings.Cut(tab.Session().Addr().String(), ":")
	client := testkit.StartPython(t, "", pyClient, "127.0.0.1", lport)
	client.Next(t, "the client to connect")
	io.WriteString(client.In, "hello\n")
	if got := client.Next(t, "the first answer"); got != "got hello" {
		t.Fatalf("the client got %q through the relay", got)
	}
	waitFor(t, "both directions in the log", func() bool { c := tab.Session().Counters(); return c.BytesIn == 6 && c.BytesOut == 10 }, tab)

	// The pair is one peer, its target beside its client, counters per direction.
	waitFor(t, "the pair in the peers panel", func() bool {
		return len(tab.Peers.peers) == 1 && tab.Peers.peers[0].Target == "127.0.0.1:"+port
	}, tab)
	row := tab.Peers.List.CreateItem()
	tab.Peers.List.UpdateItem(0, row)
	if got := strings.Join(shownTexts(row), " | "); got != "#1 "+tab.Peers.peers[0].Addr+" | ⇄ target 127.0.0.1:"+port+" | open · to target 6 B · to client 10 B" {
		t.Errorf("the pair's row: %q", got)
	}

	tests := []struct {
		dir      string
		want     []string // in every data row
		notWant  string
		rowsWant int
	}{
		{dirToTarget, []string{"#1 client → target", "→", `hello\n`}, "target → client", 1},
		{dirToClient, []string{"#1 target → client", "←", `got hello\n`}, "client → target", 1},
	}
	for _, tt := range tests {
		tab.Direction.SetSelected(tt.dir)
		rows := rowTexts(tab.Traffic)
		if len(rows) != tt.rowsWant {
			t.Errorf("%s: %d rows, want %d: %q", tt.dir, len(rows), tt.rowsWant, rows)
		}
		for _, r := range rows {
			for _, w := range tt.want {
				if !strings.Contains(r, w) {
					t.Errorf("%s: row %q lacks %q", tt.dir, r, w)
				}
			}
			if strings.Contains(r, tt.notWant) {
				t.Errorf("%s: row %q has %q", tt.dir, r, tt.notWant)
			}
		}
	}
	if got := tab.Direction.Options; strings.Join(got, "|") != "All|Client to target|Target to client|Events" {
		t.Errorf("direction choices %q", got)
	}
	tab.Direction.SetSelected(dirToTarget)
	tab.Traffic.List.Select(0)
	if got := tab.Detail.Title.Text; !strings.Contains(got, "client to target") {
		t.Errorf("detail title %q", got)
	}
	if got := tab.Totals.Text; !strings.HasPrefix(got, "to target 6 B") || !strings.Contains(got, "to client 10 B") {
		t.Errorf("totals %q", got)
	}
	tab.Direction.SetSelected(dirAll)

	// Hold → target: the next message waits, counted, until Step.
	lane := tab.Hold.Lanes[laneToTarget]
	if !lane.Step.Disabled() || !lane.Release.Disabled() || lane.Held.Text != "0 held" {
		t.Errorf("nothing held: step disabled %v, release disabled %v, %q", lane.Step.Disabled(), lane.Release.Disabled(), lane.Held.Text)
	}
	test.Tap(lane.Hold)
	if on, _ := tab.Session().Holding(); !on {
		t.Fatal("Hold → target did not hold")
	}
	io.WriteString(client.In, "held one\n")
	waitFor(t, "the held count", func() bool { return lane.Held.Text == "1 held" }, tab)
	if lane.Step.Disabled() || lane.Release.Disabled() {
		t.Error("Step and Release all are off with a message held")
	}
	if other := tab.Hold.Lanes[laneToClient]; other.Held.Text != "0 held" || !other.Step.Disabled() {
		t.Errorf("the other direction shows %q held (step disabled %v)", other.Held.Text, other.Step.Disabled())
	}
	select {
	case l := <-client.Lines:
		t.Fatalf("the target answered %q while its message was held", l)
	case <-time.After(200 * time.Millisecond):
	}
	test.Tap(lane.Step)
	if got := client.Next(t, "the answer to the released message"); got != "got held one" {
		t.Fatalf("after Step the client got %q", got)
	}
	waitFor(t, "the count to fall", func() bool { return lane.Held.Text == "0 held" && lane.Step.Disabled() }, tab)
	if got := strings.Join(rowTexts(tab.Traffic), "\n"); !strings.Contains(got, "released 1 held message (9 bytes)") {
		t.Errorf("the log does not say what was released:\n%s", got)
	}
	test.Tap(lane.Hold)
	if on, _ := tab.Session().Holding(); on {
		t.Error("Hold → target stayed on")
	}
}

// A relay tab is saved in the workspace and comes back a relay, with its
// target, framing and rules.
func TestRelayWorkspaceRoundTrip(t *testing.T) {
	saved := runPumps
	runPumps = false
	t.Cleanup(func() { runPumps = saved })
	relay := SessionSpec{Spec: sessions.Spec{Role: "relay", URL: "tcp://127.0.0.1:0", Target: "tcp://127.0.0.1:9", Framing: "line",
		TargetOptions: netcore.Options{ConnectTimeout: 2 * time.Second},
		Rules:         &rules.List{Rules: []rules.Rule{{Kind: rules.Prefix, Pattern: "token=", From: rules.FromTarget, Drop: true, Reply: payload.Spec{Mode: payload.Text}}}}}}
	data, err := json.Marshal(&Workspace{Version: workspaceVersion, Tabs: []SessionSpec{relay}})
	if err != nil {
		t.Fatal(err)
	}
	a, path := newStoredApp(t, data)
	m := NewMainWindow(a, newTempWindow(t, nil))
	t.Cleanup(m.closeAllSessions)
	if m.Dialog != nil {
		t.Fatalf("dialog %T on restoring a relay", m.Dialog)
	}
	tabs := m.SessionTabs()
	if len(tabs) != 1 || !tabs[0].relay() || tabs[0].Hold == nil {
		t.Fatalf("restored %d tabs; want one relay tab with its hold bar", len(tabs))
	}
	if err := m.SaveWorkspace(); err != nil {
		t.Fatal(err)
	}
	again, p := loadWorkspace(path, time.Now())
	if p != nil || len(again.Tabs) != 1 {
		t.Fatalf("saved again: %d tabs, problem %+v", len(again.Tabs), p)
	}
	got := again.Tabs[0]
	if got.Role != "relay" || got.URL != relay.URL || got.Target != relay.Target || got.Framing != "line" ||
		got.TargetOptions.ConnectTimeout != 2*time.Second || got.Rules == nil || got.Rules.Rules[0].From != rules.FromTarget || !got.Rules.Rules[0].Drop {
		t.Errorf("saved as %+v", got.Spec)
	}
}

func TestRelayTabTitle(t *testing.T) {
	tests := []struct{ url, target, want string }{
		{"tcp://:7000", "tcp://:7001", "TCP relay :7000 to :7001"},
		{"tcp://127.0.0.1:7000", "tcp://127.0.0.1:7001", "TCP relay :7000 to :7001"},
		{"udp://127.0.0.1:5353", "udp://192.0.2.1:53", "UDP relay :5353 to 192.0.2.1:53"},
		{"unix:///tmp/app.sock", "tcp://192.0.2.1:9000", "Unix relay /tmp/app.sock to 192…"},
	}
	for _, tt := range tests {
		got := tabTitle(sessions.Spec{Role: "relay", URL: tt.url, Target: tt.target})
		if got != tt.want {
			t.Errorf("%s → %s: %q, want %q", tt.url, tt.target, got, tt.want)
		}
	}
}

// A relay tab keeps the window within 960x600, as every other tab does
// (TestWindowFitsIn960x600): the hold bar and the peers' buttons scroll,
// the note wraps.
func TestRelayTabFitsIn960x600(t *testing.T) {
	m := newTestMain(t)
	tab, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "relay", URL: "tcp://127.0.0.1:0", Target: "tcp://[2001:db8:1234:5678:9abc:def0:1234:5678]:65535"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tab.Close)
	tab.Session().Log().Add(sessions.Entry{Kind: sessions.KindDataOut, Peer: 1, Addr: "[2001:db8:1234:5678:9abc:def0:1234:5678]:65535", Data: make([]byte, 4096)})
	tab.refresh()
	tab.Traffic.List.Select(tab.Traffic.length() - 1)
	if min := m.Window.Content().MinSize(); min.Width > 960 || min.Height > 600 {
		t.Errorf("the window's minimum size is %v with a relay tab, more than 960x600", min)
	}
}
