package gui

import (
	"fmt"
	"net"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"

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

// Keyboard shortcuts of the window (Ctrl, or Cmd on macOS; Ctrl+Tab is
// Ctrl everywhere, as in browsers).
var (
	closeTabShortcut  = &desktop.CustomShortcut{KeyName: fyne.KeyW, Modifier: fyne.KeyModifierShortcutDefault}
	nextTabShortcut   = &desktop.CustomShortcut{KeyName: fyne.KeyTab, Modifier: fyne.KeyModifierControl}
	prevTabShortcut   = &desktop.CustomShortcut{KeyName: fyne.KeyTab, Modifier: fyne.KeyModifierControl | fyne.KeyModifierShift}
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
	m.wireSessionTab(t)
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
	m.pruneCaptures()
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
	m.addShortcut(closeTabShortcut, "Tabs", "Close the tab (asks first when its session has sockets open)", m.closeSelectedTab)
	m.addShortcut(nextTabShortcut, "Tabs", "Next tab", func() { m.cycleTabs(1) })
	m.addShortcut(prevTabShortcut, "Tabs", "Previous tab", func() { m.cycleTabs(-1) })
	m.addShortcut(sendShortcut, "Composer", "Send what is typed (nothing when the composer is empty)", func() {
		if t := m.currentSession(); t != nil && !t.relay() { // a relay has no composer
			t.Composer.SendOnce()
		}
	})
	m.addShortcut(filterShortcut, "Traffic", "Filter the traffic: text in the data, an address or an event", m.focusFilter)
	m.addShortcut(clearViewShortcut, "Traffic", "Clear the view (the counters stay)", m.clearView)
}

func (m *MainWindow) closeSelectedTab() {
	if sel := m.Tabs.Selected(); sel != nil {
		m.closeTab(sel)
	}
}

// cycleTabs selects the next (1) or previous (-1) tab, round the ends.
func (m *MainWindow) cycleTabs(step int) {
	if n := len(m.Tabs.Items); n > 0 {
		m.Tabs.SelectIndex(((m.Tabs.SelectedIndex()+step)%n + n) % n)
	}
}

func (m *MainWindow) focusFilter() {
	if t := m.currentSession(); t != nil {
		m.Window.Canvas().Focus(t.FilterText)
	}
}

func (m *MainWindow) clearView() {
	if t := m.currentSession(); t != nil {
		t.ClearView()
	}
}

// wireSessionTab connects a new session tab to what the window adds around
// it: its title and state mark, the framing dialog (sessiontab_framing.go),
// the peers panel's count of peers seen.
func (m *MainWindow) wireSessionTab(t *SessionTab) {
	t.showState(t.sess.State())
	t.Composer.onEditFraming = t.showFramingDialog
	t.Composer.EditFraming.Show()
	if t.Peers != nil {
		t.Peers.seen = func() uint64 {
			if t.sess == nil {
				return 0
			}
			return t.sess.PeersSeen()
		}
		t.Peers.set(t.sess.Peers())
	}
}

// showState puts the session's state on its tab: the coloured dot, and a
// mark before the title, which the tabs' overflow list shows (its menu
// shows text only). The tab's refresh calls it when the state changes.
func (t *SessionTab) showState(st sessions.State) {
	// The mark alone, no coloured dot beside it: Fyne's overflow list
	// shows titles only, so the mark is what says the state everywhere.
	t.Item.Icon = nil
	switch {
	case t.spec.Capture != nil:
		// A capture has no state: the file icon says what it is.
		t.Item.Icon = theme.FileIcon()
		t.Item.Text = cutAtWord(t.spec.Title(), tabTitleMax)
	case t.spec.Replay != nil:
		t.Item.Text = stateMark(st) + " " + cutAtWord(t.spec.Title(), tabTitleMax)
	default:
		t.Item.Text = stateMark(st) + " " + tabTitle(t.spec.Spec)
	}
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
	if spec.Role == "relay" {
		return relayTabTitle(spec, full) // relay_view.go
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
	if d, ok := m.Dialog.(*NewSessionDialog); ok && k == relayKind {
		d.SelectRelay()
	} else if ok {
		d.SelectKind(k.Server, k.Scheme)
	}
}

// RequestQuit is Quit for a person (the Quit menu, Ctrl+Q, the window's
// close button): when sessions are connected or have peers it asks first,
// saying how many; otherwise it quits at once.
func (m *MainWindow) RequestQuit() {
	lines, conns := m.openConnections()
	if len(lines) == 0 {
		m.Quit()
		return
	}
	const most = 8
	if len(lines) > most {
		lines = append(lines[:most-1], fmt.Sprintf("… and %d more sessions", len(lines)-most+1))
	}
	what := "1 open connection"
	if conns != 1 {
		what = fmt.Sprintf("%d open connections", conns)
	}
	sessionsWord := "1 session"
	if n := len(m.openSessionTabs()); n != 1 {
		sessionsWord = fmt.Sprintf("%d sessions", n)
	}
	d := dialog.NewConfirm("Quit sockplay?",
		fmt.Sprintf("Quitting closes %s in %s:\n\n%s", what, sessionsWord, strings.Join(lines, "\n")),
		func(ok bool) {
			if ok {
				m.Quit()
			}
		}, m.Window)
	d.SetConfirmText("Quit")
	d.SetDismissText("Cancel")
	m.show(d)
}

// openSessionTabs are the session tabs that are connected or have peers.
func (m *MainWindow) openSessionTabs() []*SessionTab {
	var open []*SessionTab
	for _, t := range m.sessionTabs {
		if n, _ := t.openPeers(); n > 0 {
			open = append(open, t)
		}
	}
	return open
}

// openConnections lists, one line each, the sessions Quit would cut off,
// and counts their connections (peers).
func (m *MainWindow) openConnections() (lines []string, conns int) {
	for _, t := range m.openSessionTabs() {
		n, client := t.openPeers()
		conns += n
		switch {
		case client:
			lines = append(lines, "• "+t.spec.Title()+": connected")
		case n == 1:
			lines = append(lines, "• "+t.spec.Title()+": 1 peer")
		default:
			lines = append(lines, fmt.Sprintf("• %s: %d peers", t.spec.Title(), n))
		}
	}
	return lines, conns
}

// openPeers counts the session's open peers (a connected client counts
// as one) and says whether it is a connected client.
func (t *SessionTab) openPeers() (n int, connectedClient bool) {
	if t.sess == nil {
		return 0, false
	}
	for _, p := range t.sess.Peers() {
		if p.State != sessions.PeerClosed {
			n++
		}
	}
	if !t.server() && t.sess.State() == sessions.StateConnected {
		return max(n, 1), true
	}
	return n, false
}
