package gui

import (
	"net"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/sessions"
)

func init() {
	// The workspace reaches the tabs through these (see workspace.go).
	openSession = func(m *MainWindow, spec SessionSpec) error {
		_, err := m.OpenSession(spec)
		return err
	}
	sessionTabSpecs = func(m *MainWindow) []SessionSpec {
		specs := make([]SessionSpec, 0, len(m.sessionTabs))
		for _, t := range m.sessionTabs {
			specs = append(specs, t.Spec())
		}
		return specs
	}
}

// Keyboard shortcuts of the window (Ctrl, or Cmd on macOS).
var (
	closeTabShortcut  = &desktop.CustomShortcut{KeyName: fyne.KeyW, Modifier: fyne.KeyModifierShortcutDefault}
	nextTabShortcut   = &desktop.CustomShortcut{KeyName: fyne.KeyTab, Modifier: fyne.KeyModifierControl}
	filterShortcut    = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
	clearViewShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
)

// OpenSession adds a tab for spec, selects it, and starts the session when
// spec.StartOnOpen. A spec the parsers refuse is an error naming the bad
// part, and no tab is added.
func (m *MainWindow) OpenSession(spec SessionSpec) (*SessionTab, error) {
	t, err := newSessionTab(m, spec)
	if err != nil {
		return nil, err
	}
	t.showState(t.sess.State())
	m.sessionTabs = append(m.sessionTabs, t)
	m.Tabs.Append(t.Item)
	m.Tabs.Select(t.Item)
	if m.Workspace != nil {
		m.Workspace.AddRecent(spec.URL)
	}
	t.Composer.onChange = func() {} // saved with the window; no write per keystroke
	if spec.StartOnOpen {
		t.Start()
	}
	m.saveWorkspaceLogged()
	return t, nil
}

// keptTab is a tool tab the workspace keeps (Ping, Sockets): toolTab is
// its kind and settings as saved (At is filled in by the window).
type keptTab interface{ toolTab() ToolTab }

// addToolTab adds a tool tab (Ping, Sockets) and selects it. onClose runs
// when the tab is closed (its close button, Ctrl+W) or the app quits: it
// must stop whatever the tab started and wait for it. A tab the workspace
// keeps (kept, when not nil) saves the workspace, as opening a session does.
func (m *MainWindow) addToolTab(item *container.TabItem, onClose func(), kept keptTab) {
	if m.otherTabs == nil {
		m.otherTabs = map[*container.TabItem]func(){}
	}
	m.otherTabs[item] = onClose
	m.Tabs.Append(item)
	m.Tabs.Select(item)
	if kept != nil {
		if m.keptTabs == nil {
			m.keptTabs = map[*container.TabItem]keptTab{}
		}
		m.keptTabs[item] = kept
		m.saveWorkspaceLogged()
	}
}

// SessionTabs returns the open session tabs, in tab order of opening.
func (m *MainWindow) SessionTabs() []*SessionTab { return m.sessionTabs }

// currentSession is the selected session tab, or nil (welcome tab).
func (m *MainWindow) currentSession() *SessionTab {
	sel := m.Tabs.Selected()
	for _, t := range m.sessionTabs {
		if t.Item == sel {
			return t
		}
	}
	return nil
}

// closeTab closes item, asking first when its session has sockets open.
func (m *MainWindow) closeTab(item *container.TabItem) {
	var tab *SessionTab
	for _, t := range m.sessionTabs {
		if t.Item == item {
			tab = t
		}
	}
	if tab == nil {
		if onClose, ok := m.otherTabs[item]; ok {
			delete(m.otherTabs, item)
			if onClose != nil {
				onClose()
			}
		}
		m.Tabs.Remove(item) // the welcome tab, or a tool tab (Ping, Sockets)
		if _, kept := m.keptTabs[item]; kept {
			delete(m.keptTabs, item)
			m.saveWorkspaceLogged()
		}
		return
	}
	if !tab.live() {
		m.removeSessionTab(tab)
		return
	}
	d := dialog.NewConfirm("Close "+tab.spec.Title()+"?",
		"The session is "+tab.sess.State().String()+". Closing the tab closes its sockets.",
		func(ok bool) {
			if ok {
				m.removeSessionTab(tab)
			}
		}, m.Window)
	d.SetConfirmText("Close")
	m.show(d)
}

func (m *MainWindow) removeSessionTab(t *SessionTab) {
	t.Close()
	for i, x := range m.sessionTabs {
		if x == t {
			m.sessionTabs = append(m.sessionTabs[:i], m.sessionTabs[i+1:]...)
			break
		}
	}
	m.Tabs.Remove(t.Item)
	m.saveWorkspaceLogged()
}

// closeAllSessions stops every session and waits (the app is quitting).
func (m *MainWindow) closeAllSessions() {
	for _, t := range m.sessionTabs {
		t.Close()
	}
	for item, onClose := range m.otherTabs {
		delete(m.otherTabs, item)
		if onClose != nil {
			onClose()
		}
	}
}

func (m *MainWindow) addTabShortcuts() {
	m.Tabs.CloseIntercept = m.closeTab
	c := m.Window.Canvas()
	c.AddShortcut(closeTabShortcut, func(fyne.Shortcut) {
		if sel := m.Tabs.Selected(); sel != nil {
			m.closeTab(sel)
		}
	})
	c.AddShortcut(nextTabShortcut, func(fyne.Shortcut) {
		if n := len(m.Tabs.Items); n > 0 {
			m.Tabs.SelectIndex((m.Tabs.SelectedIndex() + 1) % n)
		}
	})
	c.AddShortcut(sendShortcut, func(fyne.Shortcut) {
		if t := m.currentSession(); t != nil {
			t.Composer.SendOnce()
		}
	})
	c.AddShortcut(filterShortcut, func(fyne.Shortcut) {
		if t := m.currentSession(); t != nil {
			c.Focus(t.FilterText)
		}
	})
	c.AddShortcut(clearViewShortcut, func(fyne.Shortcut) {
		if t := m.currentSession(); t != nil {
			t.ClearView()
		}
	})
}

// showState puts the session's state on its tab: the coloured dot, and a
// mark before the title, which the tabs' overflow list shows (its menu
// shows text only). The tab's refresh calls it when the state changes.
func (t *SessionTab) showState(st sessions.State) {
	t.Item.Icon = stateDot(st)
	t.Item.Text = stateMark(st) + " " + tabTitle(t.spec.Spec)
}

// tabTitleMax is the longest tab title, in characters, before its mark.
const tabTitleMax = 32

// tabTitle is the session's title short enough for a tab: a socket path
// keeps its file name, a host name its port, and what is cut is cut at a
// word boundary with an ellipsis. The window's title shows it whole.
func tabTitle(spec sessions.Spec) string {
	full := spec.Title()
	if utf8.RuneCountInString(full) <= tabTitleMax {
		return full
	}
	ep, err := netcore.ParseEndpoint(spec.URL)
	if err != nil {
		return cutAtWord(full, tabTitleMax)
	}
	kind := ep.KindName(spec.Role == "server") + " "
	room := tabTitleMax - utf8.RuneCountInString(kind)
	addr := ep.ShortAddr()
	if ep.IsUnix() {
		// The file's name says which socket it is; its folder, less.
		if i := strings.LastIndex(addr, "/"); i >= 0 {
			base := addr[i+1:]
			if n := utf8.RuneCountInString(base); n+2 <= room {
				return kind + "…/" + base
			} else if n <= room {
				return kind + base
			}
			addr = base
		}
		return kind + cutAtWord(addr, room)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil || utf8.RuneCountInString(port)+2 >= room {
		return kind + cutAtWord(addr, room)
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return kind + cutAtWord(host, room-len(port)-1) + ":" + port
}

// cutAtWord shortens s to at most n characters, the last an ellipsis,
// cutting before a space or punctuation (/ . : - _ @ [ ]) when there is
// one in its second half.
func cutAtWord(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	if n < 2 {
		return "…"
	}
	cut := n - 1
	for i := cut; i > n/2; i-- {
		if strings.ContainsRune(" /.:-_@[]", r[i]) {
			cut = i
			break
		}
	}
	return strings.TrimRight(string(r[:cut]), " ") + "…"
}

// showNewSessionFor opens the New-session dialog with kind k chosen (the
// welcome tab's buttons).
func (m *MainWindow) showNewSessionFor(k sessionKind) {
	m.ShowNewSession()
	if d, ok := m.Dialog.(*NewSessionDialog); ok {
		d.SelectKind(k.Server, k.Scheme)
	}
}
