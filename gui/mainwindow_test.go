package gui

import (
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

func newTestMain(t *testing.T) *MainWindow {
	t.Helper()
	isolateStorage(t) // its own workspace.json: tabs one test opens are not restored in the next
	a := sharedApp(t)
	w := newTempWindow(t, nil)
	return NewMainWindow(a, w)
}

func TestMainWindowStartsOnWelcome(t *testing.T) {
	m := newTestMain(t)
	if got := len(m.Tabs.Items); got != 1 {
		t.Fatalf("tabs = %d, want only the welcome tab", got)
	}
	if m.Tabs.Selected() != m.Welcome || m.Welcome.Text != "Welcome" {
		t.Fatalf("selected tab = %v, want Welcome", m.Tabs.Selected())
	}
	var menus []string
	for _, mm := range m.Window.MainMenu().Items {
		menus = append(menus, mm.Label)
	}
	if got := strings.Join(menus, ", "); got != "File, View, Tools, Help" {
		t.Fatalf("main menus %q, want File, View, Tools, Help", got)
	}
}

func TestNewSessionEntryPoints(t *testing.T) {
	tests := []struct {
		name string
		open func(t *testing.T, m *MainWindow)
	}{
		{"the tab bar's +", func(_ *testing.T, m *MainWindow) { m.Tabs.CreateTab() }},
		{"Ctrl+T", func(t *testing.T, m *MainWindow) { typeShortcut(t, m.Window.Canvas(), newSessionShortcut) }},
		{"menu", func(_ *testing.T, m *MainWindow) { m.Window.MainMenu().Items[0].Items[0].Action() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestMain(t)
			tt.open(t, m)
			d, ok := m.Dialog.(*NewSessionDialog)
			if !ok {
				t.Fatalf("dialog = %T, want *NewSessionDialog", m.Dialog)
			}
			// Server, client and relay (which listens like a server) on each transport.
			if n, want := len(d.Role.Options)*len(d.Transport.Options), 3*len(families); n != want {
				t.Fatalf("kinds offered = %d, want all %d", n, want)
			}
		})
	}
}

// The menus hold every command (there is no toolbar): Tools opens Ping and
// Sockets tabs, Help the About dialog.
func TestMenusOpenWhatTheySay(t *testing.T) {
	m := newTestMain(t)
	menu := func(title, item string) *fyne.MenuItem {
		for _, mm := range m.Window.MainMenu().Items {
			for _, it := range mm.Items {
				if mm.Label == title && it.Label == item {
					return it
				}
			}
		}
		t.Fatalf("no %s → %s", title, item)
		return nil
	}
	menu("Help", "About sockplay").Action()
	if m.Dialog == nil {
		t.Error("About opened no dialog")
	}
	tabs := len(m.Tabs.Items)
	menu("Tools", "Ping…").Action()
	menu("Tools", "Sockets…").Action()
	menu("File", "Open capture…").Action()
	if _, ok := m.Dialog.(*dialog.FileDialog); !ok {
		t.Errorf("Open capture… showed %T, want a file dialog", m.Dialog)
	}
	if got := len(m.Tabs.Items); got != tabs+2 {
		t.Errorf("Ping and Sockets made %d tabs, want 2", got-tabs)
	}
	m.closeAllSessions() // stops the Sockets tab's lister
}

func TestWindowSizeRemembered(t *testing.T) {
	isolateStorage(t)
	a := sharedApp(t)
	w := newTempWindow(t, nil)
	m := NewMainWindow(a, w)
	w.Resize(fyne.NewSize(900, 600))
	m.saveState()

	w2 := newTempWindow(t, nil)
	NewMainWindow(a, w2)
	if got := w2.Canvas().Size(); got.Width != 900 || got.Height != 600 {
		t.Fatalf("restored size = %v, want 900x600", got)
	}
}

func TestTinyWindowNotRememberedTiny(t *testing.T) {
	isolateStorage(t)
	a := sharedApp(t)
	w := newTempWindow(t, nil)
	m := NewMainWindow(a, w)
	w.Resize(fyne.NewSize(10, 10))
	m.saveState()
	w2 := newTempWindow(t, nil)
	NewMainWindow(a, w2)
	if got := w2.Canvas().Size(); got.Width < minRemembered.Width || got.Height < minRemembered.Height {
		t.Fatalf("restored size = %v, want at least %v", got, minRemembered)
	}
}

// typeShortcut delivers s to the canvas's registered shortcut handlers, as a
// key press would. Fyne's test canvas wraps the software canvas that holds
// them in an embedded interface field, so reach it through that field.
func typeShortcut(t *testing.T, c fyne.Canvas, s fyne.Shortcut) {
	t.Helper()
	type shortcutTyper interface{ TypedShortcut(fyne.Shortcut) }
	if st, ok := c.(shortcutTyper); ok {
		st.TypedShortcut(s)
		return
	}
	inner := reflect.ValueOf(c).Elem().FieldByName("WindowlessCanvas")
	st, ok := inner.Interface().(shortcutTyper)
	if !inner.IsValid() || !ok {
		t.Fatalf("cannot deliver shortcuts to %T", c)
	}
	st.TypedShortcut(s)
}
