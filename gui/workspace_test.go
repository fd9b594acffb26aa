package gui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/sessions"
)

// TestMain points the temp dir at a private folder: Fyne's test app keeps
// its storage (and so workspace.json) in os.TempDir(), which is shared by
// everyone on the machine.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sockplay-gui-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Setenv("TMPDIR", dir)
	// Socket paths suggested by the dialog live in XDG_RUNTIME_DIR; keep
	// them short, far from the 107-byte limit, whatever TMPDIR a test sets.
	os.Setenv("XDG_RUNTIME_DIR", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// isolateStorage gives the test its own app storage folder, so a
// workspace saved by one test is not restored by the next. It returns the
// folder. Not for parallel tests (it sets TMPDIR).
func isolateStorage(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	return dir
}

// newStoredApp is a test app whose storage holds a workspace.json with the
// given bytes (none when nil), and that file's path.
func newStoredApp(t *testing.T, data []byte) (fyne.App, string) {
	t.Helper()
	dir := isolateStorage(t)
	a := sharedApp(t)
	path := workspacePath(a)
	if filepath.Dir(filepath.Dir(path)) != dir {
		t.Fatalf("workspace path %s is not in the test's storage %s", path, dir)
	}
	if data != nil {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return a, path
}

func TestWorkspaceSaveLoadRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "workspace.json")
	on := true
	tabs := []SessionSpec{
		{Spec: sessions.Spec{Role: "server", URL: "tcp://127.0.0.1:9000", Reply: "echo", Options: netcore.Options{ReuseAddr: &on, KeepAlive: &netcore.KeepAlive{Idle: 30 * time.Second, Count: 3}, RecvBuffer: 65536}}, StartOnOpen: true},
		{Spec: sessions.Spec{Role: "client", URL: "udp://[::1]:5353", Unconnected: true, Framing: "len:4:le"}, Composer: ComposerState{Mode: "hex", Text: "de ad be ef"}},
	}
	w, p := loadWorkspace(path, time.Now())
	if p != nil {
		t.Fatalf("missing file: problem %+v, want a clean start", p)
	}
	w.AddRecent("tcp://127.0.0.1:9000")
	if err := w.SavePayload("hello", ComposerState{Mode: "text", Text: `hi\r\n`}); err != nil {
		t.Fatal(err)
	}
	if err := w.save(tabs); err != nil {
		t.Fatal(err)
	}
	got, p := loadWorkspace(path, time.Now())
	if p != nil {
		t.Fatalf("problem %+v reading what was just saved", p)
	}
	if !reflect.DeepEqual(got.Tabs, tabs) {
		t.Errorf("tabs = %+v\nwant %+v", got.Tabs, tabs)
	}
	if !reflect.DeepEqual(got.Recent, []string{"tcp://127.0.0.1:9000"}) {
		t.Errorf("recent = %q", got.Recent)
	}
	if ps := got.Payloads(); len(ps) != 1 || ps[0].Name != "hello" || ps[0].Text != `hi\r\n` {
		t.Errorf("payloads = %+v", ps)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".workspace.json-*")); len(leftovers) > 0 {
		t.Errorf("temp files left behind: %q", leftovers)
	}
}

func TestRecentCappedAndDeduplicated(t *testing.T) {
	w := &Workspace{}
	for i := range 30 {
		w.AddRecent(fmt.Sprintf("tcp://127.0.0.1:%d", 9000+i))
	}
	w.AddRecent("  TCP://127.0.0.1:9025 ") // same endpoint, other spelling
	got := w.RecentAddresses()
	if len(got) != maxRecent {
		t.Fatalf("recent holds %d, want %d", len(got), maxRecent)
	}
	if got[0] != "tcp://127.0.0.1:9025" || got[1] != "tcp://127.0.0.1:9029" {
		t.Fatalf("recent starts %q, want the re-used address first, then the newest", got[:2])
	}
	seen := map[string]bool{}
	for _, r := range got {
		if seen[r] {
			t.Fatalf("%q listed twice: %q", r, got)
		}
		seen[r] = true
	}
	if seen["tcp://127.0.0.1:9000"] {
		t.Fatalf("oldest address kept beyond the cap: %q", got)
	}
}

func TestSavedPayloadsReplaceByName(t *testing.T) {
	w := &Workspace{}
	if err := w.SavePayload("  ", ComposerState{}); err == nil {
		t.Fatal("empty name accepted")
	}
	w.SavePayload("a", ComposerState{Text: "1"})
	w.SavePayload("b", ComposerState{Text: "2"})
	w.SavePayload("a", ComposerState{Text: "3"})
	if got := w.Payloads(); len(got) != 2 || got[0].Name != "a" || got[0].Text != "3" || got[1].Name != "b" {
		t.Fatalf("payloads = %+v, want a=3 then b", got)
	}
	w.DeletePayload("a")
	w.DeletePayload("nonesuch")
	if got := w.Payloads(); len(got) != 1 || got[0].Name != "b" {
		t.Fatalf("after delete: %+v", got)
	}
}

func TestCorruptWorkspaceKeptAside(t *testing.T) {
	tests := []struct {
		name, data, reason string
	}{
		{"bad JSON", `{"version":1,"tabs":[{"role":"server",`, "not valid JSON"},
		{"wrong type", `{"version":1,"tabs":[{"role":7}]}`, `"tabs.role"`},
		{"future version", `{"version":99,"tabs":[]}`, "newer sockplay"},
		{"no version", `{"tabs":[]}`, "no version"},
		{"not an object", `[1,2,3]`, "JSON array"},
		{"trailing junk", `{"version":1}garbage`, "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, path := newStoredApp(t, []byte(tt.data))
			m := NewMainWindow(a, newTempWindow(t, nil))

			d, ok := m.Dialog.(*WorkspaceWarning)
			if !ok {
				t.Fatalf("dialog = %T, want the workspace warning", m.Dialog)
			}
			if !strings.Contains(d.Message, tt.reason) || !strings.Contains(d.Message, "clean one") {
				t.Errorf("warning %q does not say %q and that it starts clean", d.Message, tt.reason)
			}
			if len(m.Tabs.Items) != 1 || len(m.Workspace.Recent) != 0 {
				t.Errorf("not a clean start: %d tabs, recent %q", len(m.Tabs.Items), m.Workspace.Recent)
			}
			kept, _ := filepath.Glob(path + ".corrupt-*")
			if len(kept) != 1 {
				t.Fatalf("kept files = %q, want one", kept)
			}
			if !strings.Contains(d.Message, kept[0]) {
				t.Errorf("warning %q does not say where the file went (%s)", d.Message, kept[0])
			}
			if b, _ := os.ReadFile(kept[0]); !bytes.Equal(b, []byte(tt.data)) {
				t.Errorf("kept file holds %q, want the bytes unchanged", b)
			}
			// A later save writes a fresh file and leaves the kept one alone.
			m.Workspace.AddRecent("tcp://127.0.0.1:1")
			if err := m.SaveWorkspace(); err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(kept[0]); !bytes.Equal(b, []byte(tt.data)) {
				t.Errorf("kept file changed by a save")
			}
			if _, p := loadWorkspace(path, time.Now()); p != nil {
				t.Errorf("the new file is unusable: %+v", p)
			}
		})
	}
}

func TestKeepAsideNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "workspace.json")
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	for i := range 3 {
		os.WriteFile(path, []byte(fmt.Sprintf("bad %d", i)), 0o600)
		if _, p := loadWorkspace(path, now); p == nil || p.KeptAs == "" {
			t.Fatalf("round %d: problem %+v", i, p)
		}
	}
	for i, name := range []string{"workspace.json.corrupt-20260304-050607", "workspace.json.corrupt-20260304-050607-2", "workspace.json.corrupt-20260304-050607-3"} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(b) != fmt.Sprintf("bad %d", i) {
			t.Errorf("%s: %q, %v", name, b, err)
		}
	}
}

func TestUnreadableWorkspaceNotOverwritten(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads files whatever their mode")
	}
	a, path := newStoredApp(t, []byte(`{"version":1}`))
	os.Chmod(path, 0)
	m := NewMainWindow(a, newTempWindow(t, nil))
	if _, ok := m.Dialog.(*WorkspaceWarning); !ok {
		t.Fatalf("dialog = %T, want the workspace warning", m.Dialog)
	}
	if err := m.SaveWorkspace(); err == nil {
		t.Fatal("saved over a file it could not read")
	}
}

func TestNoWorkspaceIsCleanStartWithoutWarning(t *testing.T) {
	a, path := newStoredApp(t, nil)
	m := NewMainWindow(a, newTempWindow(t, nil))
	if m.Dialog != nil {
		t.Fatalf("dialog %T on a first start", m.Dialog)
	}
	m.Quit()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("quitting saved no workspace: %v", err)
	}
}

func TestWorkspaceRestoresTabsNotStarted(t *testing.T) {
	saved := runPumps
	runPumps = false // headless: no pump goroutine touching widgets
	t.Cleanup(func() { runPumps = saved })

	ws := Workspace{
		Version: workspaceVersion,
		Tabs: []SessionSpec{
			{Spec: sessions.Spec{Role: "server", URL: "tcp://127.0.0.1:0", Reply: "echo", Framing: "line"}, Composer: ComposerState{Mode: "text", Text: `hello\r\n`}},
			{Spec: sessions.Spec{Role: "client", URL: "udp://127.0.0.1:9", Unconnected: true}, Composer: ComposerState{Mode: "hex", Text: "01 02"}},
			{Spec: sessions.Spec{Role: "server", URL: "tcp://127.0.0.1:0"}, StartOnOpen: true},
		},
		Recent:        []string{"tcp://127.0.0.1:7", "udp://127.0.0.1:9"},
		SavedPayloads: []SavedPayload{{Name: "ping", ComposerState: ComposerState{Mode: "text", Text: "PING"}}},
	}
	data, err := json.Marshal(&ws)
	if err != nil {
		t.Fatal(err)
	}
	a, path := newStoredApp(t, data)
	m := NewMainWindow(a, newTempWindow(t, nil))
	t.Cleanup(m.closeAllSessions)

	if m.Dialog != nil {
		t.Fatalf("dialog %T on a good workspace", m.Dialog)
	}
	tabs := m.SessionTabs()
	if len(tabs) != len(ws.Tabs) {
		t.Fatalf("%d tabs restored, want %d", len(tabs), len(ws.Tabs))
	}
	for i, tab := range tabs {
		want, got := ws.Tabs[i], tab.Spec()
		if got.URL != want.URL || got.Role != want.Role || got.Framing != want.Framing || got.Reply != want.Reply ||
			got.Unconnected != want.Unconnected || got.Composer.Text != want.Composer.Text || want.Composer.Mode != "" && got.Composer.Mode != want.Composer.Mode {
			t.Errorf("tab %d: spec %+v, want %+v", i, got, want)
		}
		started := func() bool { return tab.Session().State() != sessions.StateNew }
		if want.StartOnOpen {
			// Start runs on the tab's goroutine: give it its moment.
			waitUntil(t, want.Title()+" to start", started)
		}
		if started := started(); started != want.StartOnOpen {
			t.Errorf("tab %d (%s): started %v, want %v (only start-now tabs start)", i, want.Title(), started, want.StartOnOpen)
		}
	}
	if got := m.Workspace.RecentAddresses(); !contains(got, ws.Recent...) {
		t.Errorf("recent = %q, want %q kept", got, ws.Recent)
	}
	if got := m.Workspace.Payloads(); !reflect.DeepEqual(got, ws.SavedPayloads) {
		t.Errorf("payloads = %+v", got)
	}

	// What is saved now reads back as the same tabs.
	if err := m.SaveWorkspace(); err != nil {
		t.Fatal(err)
	}
	again, p := loadWorkspace(path, time.Now())
	if p != nil || len(again.Tabs) != len(ws.Tabs) {
		t.Fatalf("saved again: %d tabs, problem %+v", len(again.Tabs), p)
	}
	for i := range again.Tabs {
		if again.Tabs[i].URL != ws.Tabs[i].URL || again.Tabs[i].StartOnOpen != ws.Tabs[i].StartOnOpen {
			t.Errorf("tab %d saved as %+v", i, again.Tabs[i])
		}
	}
}

func contains(list []string, want ...string) bool {
	for _, w := range want {
		found := false
		for _, s := range list {
			found = found || s == w
		}
		if !found {
			return false
		}
	}
	return true
}
