package gui

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/sockplay/sockplay/sessions"
)

// When Fyne's own signal handler stops the loop before our Quit, the
// stopped hook calls ShutdownAfterLoop off the UI goroutine: the workspace
// is still saved and a Unix server still removes its socket file.
func TestShutdownAfterLoopSavesAndCloses(t *testing.T) {
	m := newTestMain(t)
	sock := filepath.Join(t.TempDir(), "s.sock")
	tab, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "server", URL: "unix://" + sock}, StartOnOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "listening", func() bool { return tab.Session().State() == sessions.StateListening }, tab)

	done := make(chan struct{})
	go func() { // off the UI goroutine, as Fyne's hook runs it
		defer close(done)
		m.ShutdownAfterLoop()
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("ShutdownAfterLoop did not return within 10 s")
	}
	if st := tab.Session().State(); st != sessions.StateClosed {
		t.Errorf("session state %v after ShutdownAfterLoop, want closed", st)
	}
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Errorf("socket file still there: %v", err)
	}
	ws, p := loadWorkspace(workspacePath(m.App), time.Now())
	if p != nil || len(ws.Tabs) != 1 || ws.Tabs[0].URL != "unix://"+sock {
		t.Fatalf("saved workspace %+v, problem %+v", ws.Tabs, p)
	}
	m.ShutdownAfterLoop() // a second call is a no-op
}

// A resize is noted in the workspace as it happens, not only at quit.
func TestWindowSizeNotedOnResize(t *testing.T) {
	m := newTestMain(t)
	m.Window.Resize(fyne.NewSize(900, 600))
	got := m.Window.Canvas().Size()
	m.Workspace.mu.Lock()
	noted := m.Workspace.Window
	m.Workspace.mu.Unlock()
	if noted.Width != got.Width || noted.Height != got.Height || got.Width < 800 {
		t.Fatalf("workspace notes %+v, the window is %v", noted, got)
	}
}
