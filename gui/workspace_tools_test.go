package gui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/gui/sockets/model"
	"github.com/sockplay/sockplay/netcore/socktable"
	"github.com/sockplay/sockplay/sessions"
)

// noPumps keeps tabs from starting goroutines that touch widgets: the test
// driver runs fyne.Do inline, so the test refreshes by hand.
func noPumps(t *testing.T) {
	t.Helper()
	saved := runPumps
	runPumps = false
	t.Cleanup(func() { runPumps = saved })
}

// newWindowOn builds a MainWindow on a (the app's storage is the workspace)
// and closes its tabs when the test ends.
func newWindowOn(t *testing.T, a fyne.App) *MainWindow {
	t.Helper()
	m := NewMainWindow(a, newTempWindow(t, nil))
	t.Cleanup(m.closeAllSessions)
	return m
}

func tabTitles(m *MainWindow) []string {
	var titles []string
	for _, it := range m.Tabs.Items {
		titles = append(titles, plainTabTitle(it.Text)) // without the state mark (tabs.go)
	}
	return titles
}

// keptTabsOf returns the window's Ping and Sockets tabs in tab order.
func keptTabsOf(m *MainWindow) (pings []*PingTab, sockets []*SocketsTab) {
	for _, it := range m.Tabs.Items {
		switch k := m.keptTabs[it].(type) {
		case *PingTab:
			pings = append(pings, k)
		case *SocketsTab:
			sockets = append(sockets, k)
		}
	}
	return pings, sockets
}

// savedWorkspace reads the workspace file as the next start would.
func savedWorkspace(t *testing.T, path string) *Workspace {
	t.Helper()
	ws, p := loadWorkspace(path, time.Now())
	if p != nil {
		t.Fatalf("saved workspace unusable: %+v", p)
	}
	return ws
}

func TestWorkspaceRestoresToolTabsInOrder(t *testing.T) {
	noPumps(t)
	a, path := newStoredApp(t, nil)
	m := newWindowOn(t, a)

	if _, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "server", URL: "tcp://127.0.0.1:0"}}); err != nil {
		t.Fatal(err)
	}
	p := m.OpenPing()
	wantPing := PingSettings{Target: "::1", Family: "ipv6", Count: "5", Interval: "0.2", Size: "100", TTL: "32", Timeout: "2s", Source: "::1"}
	p.Target.SetText(wantPing.Target)
	p.Family.SetSelected(famV6)
	p.Count.SetText(wantPing.Count)
	p.Interval.SetText(wantPing.Interval)
	p.Size.SetText(wantPing.Size)
	p.TTL.SetText(wantPing.TTL)
	p.Timeout.SetText(wantPing.Timeout)
	p.Source.SetText(wantPing.Source)
	if _, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "client", URL: "udp://127.0.0.1:9", Unconnected: true}}); err != nil {
		t.Fatal(err)
	}
	m.ShowSockets()
	s := m.sockets
	s.UDP.SetChecked(false)
	s.Unix.SetChecked(true)
	s.State.SetSelected("listening")
	s.Listening.SetChecked(true)
	s.Addr.SetText(":8080")
	s.Process.SetText("python")
	s.Interval.SetSelected("5 s")
	s.TogglePause()
	s.SortBy(model.ColLocal)
	s.SortBy(model.ColLocal) // descending
	wantSockets := SocketsSettings{Protocols: []string{"tcp", "unix"}, Family: "any", State: "listening", Listening: true,
		Address: ":8080", Process: "python", Refresh: "5s", Paused: true, Sort: "local", SortDescending: true}
	p2 := m.OpenPing() // defaults, typed target only
	p2.Target.SetText("127.0.0.1")
	wantOrder := []string{"Welcome", "TCP server 127.0.0.1:0", "Ping", "UDP client 127.0.0.1:9", socketsTitle, "Ping"}
	if got := tabTitles(m); !reflect.DeepEqual(got, wantOrder) {
		t.Fatalf("tabs before saving = %q, want %q", got, wantOrder)
	}
	m.saveState() // as quitting does

	saved := savedWorkspace(t, path)
	if len(saved.Tabs) != 2 || len(saved.Tools) != 3 {
		t.Fatalf("saved %d session tabs and %d tool tabs, want 2 and 3", len(saved.Tabs), len(saved.Tools))
	}
	for i, want := range []struct {
		kind string
		at   int
	}{{toolPing, 1}, {toolSockets, 3}, {toolPing, 4}} {
		if got := saved.Tools[i]; got.Kind != want.kind || got.At != want.at {
			t.Errorf("saved tool %d = %s at %d, want %s at %d", i, got.Kind, got.At, want.kind, want.at)
		}
	}

	m2 := newWindowOn(t, a)
	if m2.Dialog != nil {
		t.Fatalf("dialog %T restoring a good workspace", m2.Dialog)
	}
	wantOrder = []string{"Welcome", "TCP server 127.0.0.1:0", "Ping ::1", "UDP client 127.0.0.1:9", socketsTitle, "Ping 127.0.0.1"}
	if got := tabTitles(m2); !reflect.DeepEqual(got, wantOrder) {
		t.Fatalf("restored tabs = %q, want %q", got, wantOrder)
	}
	for _, st := range m2.SessionTabs() {
		if st.Session().State() != sessions.StateNew {
			t.Errorf("%s restored %v, want not started", st.Item.Text, st.Session().State())
		}
	}
	pings, socks := keptTabsOf(m2)
	if len(pings) != 2 || len(socks) != 1 || m2.sockets != socks[0] {
		t.Fatalf("restored %d Ping and %d Sockets tabs (window's Sockets tab %p), want 2 and 1", len(pings), len(socks), m2.sockets)
	}
	if got := pings[0].Settings(); got != wantPing {
		t.Errorf("restored ping settings %+v\nwant %+v", got, wantPing)
	}
	wantDefaults := PingSettings{Target: "127.0.0.1", Family: "any", Interval: "1s", Size: "56"}
	if got := pings[1].Settings(); got != wantDefaults {
		t.Errorf("restored default ping %+v\nwant %+v", got, wantDefaults)
	}
	for i, pt := range pings {
		if pt.Running() || pt.feed != nil || pt.StartStop.Text != "Start" || pt.Status.Importance != widget.LowImportance {
			t.Errorf("ping %d restored running or started (feed %v, button %q, status %q)", i, pt.feed != nil, pt.StartStop.Text, pt.Status.Text)
		}
	}
	rs := socks[0]
	if got := rs.Settings(); !reflect.DeepEqual(got, wantSockets) {
		t.Errorf("restored sockets settings %+v\nwant %+v", got, wantSockets)
	}
	if !rs.Paused() || rs.Pause.Text != "Resume" || !strings.HasPrefix(rs.Summary.Text, "Paused") {
		t.Errorf("restored Sockets tab not shown paused: button %q, summary %q", rs.Pause.Text, rs.Summary.Text)
	}
	if f := rs.Filter(); f.Filter.Process != "python" || !f.ListeningOnly || f.Filter.Protos&socktable.ProtoUDP != 0 || f.Filter.Protos&socktable.ProtoUnix == 0 {
		t.Errorf("restored filter not applied: %+v, listening only %v", f.Filter, f.ListeningOnly)
	}
	if rs.RefreshEvery() != 5*time.Second || rs.Interval.Selected != "5 s" {
		t.Errorf("refresh every %v (%q), want 5 s", rs.RefreshEvery(), rs.Interval.Selected)
	}
	rs.Refresh() // a listing still works, filtered and sorted as restored
	if rs.ListError() != "" {
		t.Errorf("listing after restore: %s", rs.ListError())
	}

	// Restored and saved again, the file says the same.
	if err := m2.SaveWorkspace(); err != nil {
		t.Fatal(err)
	}
	again := savedWorkspace(t, path)
	if !reflect.DeepEqual(again.Tools, saved.Tools) {
		t.Errorf("saved again: %+v\nfirst save: %+v", again.Tools, saved.Tools)
	}
}

// oldWorkspace is a workspace.json as sockplay wrote it before tool tabs
// were kept: no "tools".
const oldWorkspace = `{
  "version": 1,
  "tabs": [
    {
      "role": "server",
      "url": "tcp://127.0.0.1:0",
      "options": {},
      "reply": "echo",
      "composer": {
        "mode": "text",
        "text": "hello"
      }
    },
    {
      "role": "client",
      "url": "udp://127.0.0.1:9",
      "options": {},
      "unconnected": true,
      "composer": {
        "mode": "hex",
        "text": "01 02"
      }
    }
  ],
  "recent": [
    "tcp://127.0.0.1:0",
    "udp://127.0.0.1:9"
  ],
  "payloads": [
    {
      "name": "hi",
      "mode": "text",
      "text": "hi"
    }
  ],
  "window": {
    "width": 900,
    "height": 600
  }
}
`

func TestOldWorkspaceWithoutToolsLoadsUnchanged(t *testing.T) {
	noPumps(t)
	var want Workspace
	if r := decodeWorkspace([]byte(oldWorkspace), &want); r != "" {
		t.Fatal(r)
	}
	if want.Tools != nil {
		t.Fatalf("an old file decodes with tools %+v", want.Tools)
	}
	a, path := newStoredApp(t, []byte(oldWorkspace))
	m := newWindowOn(t, a)
	if m.Dialog != nil {
		t.Fatalf("dialog %T on an old workspace", m.Dialog)
	}
	wantTitles := []string{"Welcome", "TCP server 127.0.0.1:0", "UDP client 127.0.0.1:9"}
	if got := tabTitles(m); !reflect.DeepEqual(got, wantTitles) {
		t.Fatalf("tabs = %q, want %q", got, wantTitles)
	}
	if len(m.keptTabs) != 0 || m.sockets != nil {
		t.Fatalf("tool tabs from an old file: %d", len(m.keptTabs))
	}
	if got := m.Workspace.Payloads(); !reflect.DeepEqual(got, want.SavedPayloads) {
		t.Errorf("payloads = %+v, want %+v", got, want.SavedPayloads)
	}
	// (Reopening a session tab puts its address first in the list, as ever.)
	if got := m.Workspace.RecentAddresses(); len(got) != len(want.Recent) || !contains(got, want.Recent...) {
		t.Errorf("recent = %q, want %q", got, want.Recent)
	}
	if got := m.Window.Canvas().Size(); got.Width != 900 || got.Height != 600 {
		t.Errorf("window %v, want 900x600", got)
	}

	// Saved again with no tool tab open, the file has no "tools" and reads
	// back as the old one did.
	if err := m.SaveWorkspace(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), `"tools"`) {
		t.Errorf("a workspace without tool tabs is saved with a tools list:\n%s", data)
	}
	var got Workspace
	if r := decodeWorkspace(data, &got); r != "" {
		t.Fatal(r)
	}
	if len(got.Tabs) != len(want.Tabs) {
		t.Fatalf("saved %d tabs, want %d", len(got.Tabs), len(want.Tabs))
	}
	for i := range want.Tabs {
		g, w := got.Tabs[i], want.Tabs[i]
		if g.URL != w.URL || g.Role != w.Role || g.Reply != w.Reply || g.Unconnected != w.Unconnected || g.Composer.Text != w.Composer.Text {
			t.Errorf("tab %d saved as %+v, want %+v", i, g, w)
		}
	}
}

// toolsWorkspace is a workspace file with one session tab and the given
// "tools" value (raw JSON).
func toolsWorkspace(tools string) []byte {
	return []byte(`{"version":1,"tabs":[{"role":"server","url":"tcp://127.0.0.1:0","options":{}}],"recent":["tcp://127.0.0.1:7"],"tools":` + tools + `}`)
}

func TestWorkspaceBadToolSettings(t *testing.T) {
	const goodPing = `{"kind":"ping","at":1,"ping":{"target":"127.0.0.1","count":"3","interval":"0.5"}}`
	tests := []struct {
		name  string
		tools string
		warn  []string // in the warning, in this order; none: no warning
		tabs  []string // the restored tabs after Welcome
		check func(t *testing.T, pings []*PingTab, socks []*SocketsTab)
	}{
		{
			name:  "negative ping interval",
			tools: `[{"kind":"ping","at":1,"ping":{"target":"127.0.0.1","count":"3","interval":"-5","ttl":"64"}}]`,
			warn:  []string{`Ping 127.0.0.1: interval -5s is below the 10ms minimum; the default (1s) is used instead`},
			tabs:  []string{"TCP server 127.0.0.1:0", "Ping 127.0.0.1"},
			check: func(t *testing.T, pings []*PingTab, _ []*SocketsTab) {
				want := PingSettings{Target: "127.0.0.1", Family: "any", Count: "3", Interval: "1s", TTL: "64"}
				if got := pings[0].Settings(); got != want {
					t.Errorf("ping %+v, want %+v", got, want)
				}
			},
		},
		{
			name:  "unknown family and out-of-range values",
			tools: `[{"kind":"ping","at":1,"ping":{"target":"::1","family":"ipv5","size":"70000","ttl":"300","interval":"1ms","source":"nowhere"}}]`,
			warn: []string{`Ping ::1: family "ipv5" is not one of any, ipv4, ipv6; the default (any family) is used instead`,
				"interval 1ms is below the 10ms minimum", "size 70000: must be 0 to 65500 bytes", "ttl 300: must be 1 to 255", `source "nowhere" is not an IP address`},
			tabs: []string{"TCP server 127.0.0.1:0", "Ping ::1"},
			check: func(t *testing.T, pings []*PingTab, _ []*SocketsTab) {
				want := PingSettings{Target: "::1", Family: "any", Interval: "1s", Size: "56"}
				if got := pings[0].Settings(); got != want {
					t.Errorf("ping %+v, want %+v", got, want)
				}
			},
		},
		{
			name:  "a number where the form holds text",
			tools: `[{"kind":"ping","at":1,"ping":{"target":"127.0.0.1","count":5,"timeout":"2s"}}]`,
			warn:  []string{`Ping 127.0.0.1: the saved entry holds a JSON number at "ping.count" where sockplay expects text`},
			tabs:  []string{"TCP server 127.0.0.1:0", "Ping 127.0.0.1"},
			check: func(t *testing.T, pings []*PingTab, _ []*SocketsTab) {
				if s := pings[0].Settings(); s.Count != "" || s.Timeout != "2s" {
					t.Errorf("ping %+v, want count empty and the timeout kept", s)
				}
			},
		},
		{
			name: "bad sockets values",
			tools: `[{"kind":"sockets","at":0,"sockets":{"protocols":["tcp","sctp"],"family":"ipx","state":"dancing",` +
				`"address":"not an address!","refresh":"-5","sort":"colour","paused":true,"process":"sshd"}}]`,
			warn: []string{`Sockets: protocol "sctp" is not one of tcp, udp, unix`, `family "ipx"`, `state "dancing"`,
				`the address filter "not an address!" is not usable`, `refresh interval "-5" is not one of 500ms, 1s, 2s, 5s; the default (1s) is used instead`,
				`sort column "colour"`},
			tabs: []string{socketsTitle, "TCP server 127.0.0.1:0"},
			check: func(t *testing.T, _ []*PingTab, socks []*SocketsTab) {
				want := SocketsSettings{Protocols: []string{"tcp"}, Family: "any", State: "any", Process: "sshd", Refresh: "1s", Paused: true}
				if got := socks[0].Settings(); !reflect.DeepEqual(got, want) {
					t.Errorf("sockets %+v, want %+v", got, want)
				}
			},
		},
		{
			name:  "unknown kind left out",
			tools: `[{"kind":"traceroute","at":1},` + goodPing + `]`,
			warn:  []string{"left out", `Saved tool tab 1: "traceroute" is not a kind of tab this sockplay knows (ping, sockets, capture or experiments)`},
			tabs:  []string{"TCP server 127.0.0.1:0", "Ping 127.0.0.1"},
		},
		{
			name:  "entry that is no object",
			tools: `[5,` + goodPing + `]`,
			warn:  []string{"Saved tool tab 1: the saved entry is a JSON number where sockplay expects an object"},
			tabs:  []string{"TCP server 127.0.0.1:0", "Ping 127.0.0.1"},
		},
		{
			name:  "tools not a list",
			tools: goodPing,
			warn:  []string{"Ping, Sockets, capture and Experiments tabs: the saved list of them is a JSON object where sockplay expects a list"},
			tabs:  []string{"TCP server 127.0.0.1:0"},
		},
		{
			name:  "second Sockets tab",
			tools: `[{"kind":"sockets","at":1,"sockets":{"paused":true}},{"kind":"sockets","at":2,"sockets":{"paused":false}}]`,
			warn:  []string{"Sockets: sockplay keeps one Sockets tab and this is a second one"},
			tabs:  []string{"TCP server 127.0.0.1:0", socketsTitle},
			check: func(t *testing.T, _ []*PingTab, socks []*SocketsTab) {
				if !socks[0].Paused() {
					t.Error("the first Sockets tab's paused state was not kept")
				}
			},
		},
		{
			name:  "positions out of range keep their order, quietly",
			tools: `[{"kind":"ping","at":99,"ping":{"target":"::1"}},{"kind":"ping","at":-3,"ping":{"target":"127.0.0.1"}}]`,
			tabs:  []string{"Ping 127.0.0.1", "TCP server 127.0.0.1:0", "Ping ::1"},
		},
		{
			name:  "kind only: an empty Ping tab",
			tools: `[{"kind":"ping","at":1}]`,
			tabs:  []string{"TCP server 127.0.0.1:0", "Ping"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			noPumps(t)
			a, path := newStoredApp(t, toolsWorkspace(tt.tools))
			m := newWindowOn(t, a)

			if len(tt.warn) == 0 {
				if m.Dialog != nil {
					t.Fatalf("dialog %T, want none", m.Dialog)
				}
			} else {
				d, ok := m.Dialog.(*WorkspaceWarning)
				if !ok {
					t.Fatalf("dialog = %T, want the workspace warning", m.Dialog)
				}
				rest := d.Message
				for _, w := range tt.warn {
					i := strings.Index(rest, w)
					if i < 0 {
						t.Fatalf("warning does not say %q (in order):\n%s", w, d.Message)
					}
					rest = rest[i+len(w):]
				}
				if strings.Contains(d.Message, "clean one") {
					t.Errorf("a bad tool tab threw the whole workspace away:\n%s", d.Message)
				}
			}
			if got := tabTitles(m)[1:]; !reflect.DeepEqual(got, tt.tabs) {
				t.Errorf("restored tabs %q, want %q", got, tt.tabs)
			}
			if got := m.Workspace.RecentAddresses(); !contains(got, "tcp://127.0.0.1:7") {
				t.Errorf("recent addresses lost: %q", got)
			}
			if kept, _ := filepath.Glob(path + ".corrupt-*"); len(kept) != 0 {
				t.Errorf("the file was kept aside as unusable: %q", kept)
			}
			pings, socks := keptTabsOf(m)
			for _, p := range pings {
				if p.Running() || p.feed != nil {
					t.Errorf("%s restored running", p.Item.Text)
				}
			}
			if tt.check != nil {
				tt.check(t, pings, socks)
			}
			// What is saved now is clean: the next start has nothing to say.
			if err := m.SaveWorkspace(); err != nil {
				t.Fatal(err)
			}
			m2 := newWindowOn(t, a)
			if m2.Dialog != nil {
				t.Errorf("saved again, the workspace still warns: %s", m2.Dialog.(*WorkspaceWarning).Message)
			}
			if got, want := tabTitles(m2), tabTitles(m); !reflect.DeepEqual(got, want) {
				t.Errorf("saved again, tabs %q, want %q", got, want)
			}
		})
	}
}

func TestRestorePlanOrder(t *testing.T) {
	tabs := []SessionSpec{{Spec: sessions.Spec{URL: "s0"}}, {Spec: sessions.Spec{URL: "s1"}}, {Spec: sessions.Spec{URL: "s2"}}}
	tests := []struct {
		name  string
		tabs  []SessionSpec
		tools []int // At of each tool, named t0, t1…
		want  string
	}{
		{"no tools", tabs, nil, "s0 s1 s2"},
		{"no sessions", nil, []int{1, 0}, "t1 t0"},
		{"interleaved", tabs, []int{1, 3}, "s0 t0 s1 t1 s2"},
		{"all first", tabs, []int{0, 1}, "t0 t1 s0 s1 s2"},
		{"all last", tabs, []int{3, 4}, "s0 s1 s2 t0 t1"},
		{"same place keeps list order", tabs, []int{2, 2}, "s0 s1 t0 t1 s2"},
		{"out of range", tabs, []int{100, 0}, "t1 s0 s1 s2 t0"},
		{"a gap", tabs[:1], []int{5}, "s0 t0"},
		{"unreadable entry last", tabs[:2], []int{-1, 0, 1}, "t1 t2 s0 s1 t0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tools []ToolTab
			for _, at := range tt.tools {
				kind := toolPing
				if at < 0 {
					kind = "" // unreadable: no kind, no place
				}
				tools = append(tools, ToolTab{Kind: kind, At: at})
			}
			var got []string
			for _, st := range restorePlan(tt.tabs, tools) {
				if st.spec != nil {
					got = append(got, st.spec.URL)
				} else {
					got = append(got, "t"+string(rune('0'+st.index)))
				}
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("order %q, want %q", strings.Join(got, " "), tt.want)
			}
		})
	}
}

// Opening, closing and clicking a setting save at once; typing is saved with
// the next save (Start, Enter, quitting), as the composers' text is.
func TestToolTabChangesSaveWorkspace(t *testing.T) {
	noPumps(t)
	a, path := newStoredApp(t, nil)
	m := newWindowOn(t, a)
	toolsSaved := func() []ToolTab { return savedWorkspace(t, path).Tools }

	p := m.OpenPing()
	if got := toolsSaved(); len(got) != 1 || got[0].Kind != toolPing {
		t.Fatalf("after opening a Ping tab, saved tools %+v", got)
	}
	p.Target.SetText("127.0.0.1")
	if got := toolsSaved(); got[0].Ping.Target != "" {
		t.Errorf("typing saved the target %q at once", got[0].Ping.Target)
	}
	p.Family.SetSelected(famV4)
	if got := toolsSaved(); got[0].Ping.Family != "ipv4" || got[0].Ping.Target != "127.0.0.1" {
		t.Errorf("after choosing IPv4: saved %+v", got[0].Ping)
	}
	p.Count.SetText("1")
	p.Timeout.SetText("1s")
	test.Tap(p.StartStop) // 127.0.0.1 once; whether ICMP is allowed here does not matter
	if got := toolsSaved(); got[0].Ping.Count != "1" || got[0].Ping.Timeout != "1s" {
		t.Errorf("after Start: saved %+v", got[0].Ping)
	}
	if p.feed != nil {
		waitPing(t, p, 15*time.Second)
	}

	m.ShowSockets()
	s := m.sockets
	if got := toolsSaved(); len(got) != 2 || got[1].Kind != toolSockets {
		t.Fatalf("after opening the Sockets tab, saved tools %+v", got)
	}
	steps := []struct {
		name  string
		do    func()
		check func(SocketsSettings) bool
	}{
		{"pause", s.TogglePause, func(x SocketsSettings) bool { return x.Paused }},
		{"sort", func() { s.SortBy(model.ColPeer) }, func(x SocketsSettings) bool { return x.Sort == "peer" && !x.SortDescending }},
		{"check", func() { s.Unix.SetChecked(true) }, func(x SocketsSettings) bool { return reflect.DeepEqual(x.Protocols, []string{"tcp", "udp", "unix"}) }},
		{"state", func() { s.State.SetSelected("time-wait") }, func(x SocketsSettings) bool { return x.State == "time-wait" }},
		{"interval", func() { s.Interval.SetSelected("2 s") }, func(x SocketsSettings) bool { return x.Refresh == "2s" }},
		{"typing is not saved", func() { s.Process.SetText("sshd") }, func(x SocketsSettings) bool { return x.Process == "" }},
		{"Enter is", func() { s.Process.OnSubmitted(s.Process.Text) }, func(x SocketsSettings) bool { return x.Process == "sshd" }},
	}
	for _, st := range steps {
		st.do()
		got := toolsSaved()
		if len(got) != 2 || got[1].Sockets == nil || !st.check(*got[1].Sockets) {
			t.Errorf("%s: saved %+v", st.name, got[len(got)-1].Sockets)
		}
	}

	m.closeTab(p.Item)
	if got := toolsSaved(); len(got) != 1 || got[0].Kind != toolSockets || got[0].At != 0 {
		t.Errorf("after closing the Ping tab, saved tools %+v", got)
	}
	m.closeTab(s.Item)
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), `"tools"`) {
		t.Errorf("after closing both, the file still lists tools:\n%s", data)
	}
}

// The settings read back from a tab are the ones saved: JSON round trip of
// a restored tab's settings, field by field, for both kinds.
func TestToolSettingsJSONShape(t *testing.T) {
	ws := Workspace{Version: 1, Tabs: []SessionSpec{}, Tools: ToolTabs{
		{Kind: toolPing, At: 0, Ping: &PingSettings{Target: "::1", Family: "ipv6", Count: "5"}},
		{Kind: toolSockets, At: 1, Sockets: &SocketsSettings{Protocols: []string{}, Family: "any", Refresh: "2s", Sort: "local"}},
	}}
	data, err := json.Marshal(&ws)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"version":1,"tabs":[],"tools":[{"kind":"ping","at":0,"ping":{"target":"::1","family":"ipv6","count":"5"}},` +
		`{"kind":"sockets","at":1,"sockets":{"protocols":[],"family":"any","refresh":"2s","sort":"local"}}],"window":{"width":0,"height":0}}`
	if string(data) != want {
		t.Errorf("JSON\n%s\nwant\n%s", data, want)
	}
	var back Workspace
	if r := decodeWorkspace(data, &back); r != "" {
		t.Fatal(r)
	}
	if !reflect.DeepEqual(back.Tools, ws.Tools) {
		t.Errorf("decoded %+v, want %+v", back.Tools, ws.Tools)
	}
}
