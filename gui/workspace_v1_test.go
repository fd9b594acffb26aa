package gui

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/payload"
)

// A workspace written by the version before the one session spec (kept in
// testdata as that build wrote it) loads with nothing lost, and is saved
// as the current version, which loads the same again.
func TestWorkspaceVersion1Loads(t *testing.T) {
	data, err := os.ReadFile("testdata/workspace-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "workspace.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	w, p := loadWorkspace(path, time.Now())
	if p != nil {
		t.Fatalf("problem %+v", p)
	}
	if len(w.Tabs) != 4 {
		t.Fatalf("%d tabs", len(w.Tabs))
	}
	on, off, zero := true, false, 0
	want0 := netcore.Options{ReuseAddr: &on, ReusePort: true, NoDelay: &off,
		KeepAlive:  &netcore.KeepAlive{Idle: 30 * time.Second, Interval: 5 * time.Second, Count: 3},
		SendBuffer: 32768, RecvBuffer: 65536, Linger: &zero, TTL: 64, Backlog: 16, IdleTimeout: time.Minute, BindDevice: "lo"}
	if got := w.Tabs[0].Options; !reflect.DeepEqual(got, want0) {
		t.Errorf("tab 0 options %+v\nwant %+v", got, want0)
	}
	want1 := netcore.Options{LocalAddr: "[::1]:0", ConnectTimeout: 3 * time.Second, ResolveTimeout: 2 * time.Second,
		Multicast: &netcore.Multicast{Group: "ff02::fb", Interface: "lo", TTL: 2, Loopback: &on}}
	if got := w.Tabs[1].Options; !reflect.DeepEqual(got, want1) {
		t.Errorf("tab 1 options %+v\nwant %+v", got, want1)
	}
	// The raw reply text became payload syntax that renders the same bytes.
	rp := w.Tabs[0].ReplyPayload
	if w.Tabs[0].Reply != "fixed" || rp == nil {
		t.Fatalf("tab 0 reply %q %+v", w.Tabs[0].Reply, rp)
	}
	pl, err := payload.Compile(*rp)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := pl.Render(nil, time.Now()); string(b) != "OK\r\n{{not a macro}}" {
		t.Errorf("reply renders %q", b)
	}
	if c := w.Tabs[0].Composer; c.Text != `hello\n` || c.LineEnding != "crlf" || c.Framing != "len:2:be" || !w.Tabs[0].StartOnOpen {
		t.Errorf("tab 0 composer %+v", c)
	}
	if tb := w.Tabs[1]; !tb.Unconnected || !tb.AutoReconnect || tb.Framing != "len:4:le" || tb.Role != "client" {
		t.Errorf("tab 1 %+v", tb)
	}
	if tb := w.Tabs[2]; tb.SaveDir != "/tmp" || tb.Reply != "echo" || tb.ReplyPayload != nil {
		t.Errorf("tab 2 %+v", tb)
	}
	if len(w.Tools) != 2 || w.Tools[0].Ping == nil || w.Tools[0].Ping.Count != "5" || w.Tools[1].Sockets.Sort != "local" {
		t.Errorf("tools %+v", w.Tools)
	}
	if len(w.Recent) != 2 || len(w.Payloads()) != 1 || w.Window.Width != 1100 {
		t.Errorf("recent %q payloads %+v window %+v", w.Recent, w.Payloads(), w.Window)
	}

	// Saved again, it is the current version and reads back the same.
	if err := w.save(w.Tabs); err != nil {
		t.Fatal(err)
	}
	again, p := loadWorkspace(path, time.Now())
	if p != nil {
		t.Fatalf("problem %+v", p)
	}
	if again.Version != workspaceVersion || !reflect.DeepEqual(again.Tabs, w.Tabs) {
		t.Errorf("after saving: version %d, tabs\n%+v\nwant\n%+v", again.Version, again.Tabs, w.Tabs)
	}
}
