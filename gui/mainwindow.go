package gui

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay"
)

// MainWindow is sockplay's one window. It keeps handles to its interactive
// parts so that headless tests (fyne.io/fyne/v2/test) can drive them.
type MainWindow struct {
	App    fyne.App
	Window fyne.Window

	Tabs    *container.DocTabs
	Welcome *container.TabItem

	// Dialog is the dialog currently shown (nil when none), for tests.
	Dialog Dialog

	// Workspace is what is remembered between runs (tabs, recent
	// addresses, saved payloads); see workspace.go.
	Workspace *Workspace
	restoring bool // reopening saved tabs: no saves until done

	sessionTabs []*SessionTab                  // see tabs.go
	otherTabs   map[*container.TabItem]func()  // tool tabs and what closes them
	keptTabs    map[*container.TabItem]keptTab // the tool tabs the workspace keeps (tabs.go addToolTab)
	sockets     *SocketsTab                    // the open Sockets tab: one lister is enough
	captureTabs []*CaptureTab                  // the open conversations tabs (capture_tab.go)
	captures    captureStore                   // capture files read once, shared by the tabs that show them
	shutDown    bool                           // shutdown has run
	geometry    *geometryKeeper                // notes and writes the window's size (geometry.go)
	shortcuts   []shortcutDoc                  // the window's shortcuts, as registered (help.go)
}

// Dialog is the part of a Fyne dialog the window keeps for tests.
type Dialog interface {
	Show()
	Hide()
}

// NewMainWindow builds the window's content, menus and shortcuts on w.
// It restores the open tabs and the window's size from the workspace.
func NewMainWindow(a fyne.App, w fyne.Window) *MainWindow {
	m := &MainWindow{App: a, Window: w}
	w.SetTitle(sockplay.App.Name)
	w.SetIcon(Icon)

	m.Welcome = newWelcomeTab(m)
	m.Tabs = container.NewDocTabs(m.Welcome)

	// No toolbar: the menus hold every command, and the tab bar's + opens
	// a new session, so the height goes to the traffic log.
	m.Tabs.CreateTab = func() *container.TabItem {
		m.ShowNewSession()
		return nil // the dialog opens the tab, or not
	}

	m.geometry = &geometryKeeper{m: m}
	w.SetContent(container.New(m.geometry, m.Tabs))
	m.addShortcuts()
	m.addTabShortcuts()
	w.SetMainMenu(m.mainMenu())
	mainWindows.Store(w.Canvas(), m)

	// Save before anything closes: a window's OnClosed callback can run
	// after the app has stopped. The close button asks first when
	// connections are open, as the Quit menu does.
	w.SetCloseIntercept(m.RequestQuit)
	m.restoreWorkspace() // workspace.go: tabs, recent addresses, payloads, window size
	restoreGeometry(m.Workspace, w)
	return m
}

// saveState writes what must survive a restart. Every way out of the app
// goes through shutdown (the close button, the Quit menu, our signal
// handler) or ShutdownAfterLoop (Fyne's), which call this first.
func (m *MainWindow) saveState() {
	m.saveWorkspaceLogged() // workspace.go; geometryKeeper has noted the window's size
}

// Shutdown saves the window's state and closes every session and tool tab,
// once, on the UI goroutine, without ending the app (the caller does).
func (m *MainWindow) Shutdown() { m.shutdown() }

// Quit saves the window's state, closes every session and ends the app,
// without asking: SIGTERM and Ctrl-C in the terminal come here. A person's
// Quit (menu, Ctrl+Q, the close button) goes through RequestQuit.
func (m *MainWindow) Quit() {
	m.shutdown()
	m.App.Quit()
}

// shutdown saves the window's state and closes every session and tool tab,
// once, on the UI goroutine. Quit calls it before the app stops; when Fyne's
// own SIGINT/SIGTERM handler stops the app without Quit, ShutdownAfterLoop
// does the same work afterwards.
func (m *MainWindow) shutdown() {
	if m.shutDown {
		return
	}
	m.shutDown = true
	mainWindows.Delete(m.Window.Canvas())
	m.geometry.stop()
	m.saveState()
	m.closeAllSessions()
}

// ShutdownAfterLoop is shutdown for when the app's loop has stopped without
// our Quit, as when Fyne's own SIGINT/SIGTERM handler wins the race with
// ours. It runs off the UI goroutine, in Fyne's "stopped" hook, so it saves
// the workspace and closes the sessions (removing their Unix socket files)
// without touching a widget; tool tabs end with the process. A no-op after
// shutdown.
func (m *MainWindow) ShutdownAfterLoop() {
	if m.shutDown {
		return
	}
	m.shutDown = true
	m.geometry.stop()
	m.saveState()
	for _, t := range m.sessionTabs {
		t.release()
	}
}

// newSessionShortcut is Ctrl+T (Cmd+T on macOS), openCaptureShortcut
// Ctrl+O, quitShortcut Ctrl+Q.
var (
	newSessionShortcut  = &desktop.CustomShortcut{KeyName: fyne.KeyT, Modifier: fyne.KeyModifierShortcutDefault}
	openCaptureShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: fyne.KeyModifierShortcutDefault}
	quitShortcut        = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}
)

// mainMenu holds the window's shortcuts on menu items too: a focused entry
// (the composer, a filter) takes every shortcut before the window does,
// but not those of the main menu.
func (m *MainWindow) mainMenu() *fyne.MainMenu {
	item := func(label string, s fyne.Shortcut, action func()) *fyne.MenuItem {
		i := fyne.NewMenuItem(label, action)
		i.Shortcut = s
		return i
	}
	newSession := item("New session…", newSessionShortcut, m.ShowNewSession)
	newSession.Icon = theme.ContentAddIcon()
	quit := item("Quit", quitShortcut, m.RequestQuit)
	quit.IsQuit = true
	sep := fyne.NewMenuItemSeparator
	openCapture := item("Open capture…", openCaptureShortcut, m.ShowOpenCapture)
	openCapture.Icon = theme.FileIcon()
	return fyne.NewMainMenu(
		fyne.NewMenu("File", newSession, openCapture, sep(),
			item("Close tab", closeTabShortcut, m.closeSelectedTab), sep(), quit),
		fyne.NewMenu("View",
			item("Next tab", nextTabShortcut, func() { m.cycleTabs(1) }),
			item("Previous tab", prevTabShortcut, func() { m.cycleTabs(-1) }), sep(),
			item("Filter traffic", filterShortcut, m.focusFilter),
			item("Clear view", clearViewShortcut, m.clearView)),
		fyne.NewMenu("Tools", fyne.NewMenuItem("Ping…", m.ShowPing), fyne.NewMenuItem("Sockets…", m.ShowSockets),
			fyne.NewMenuItem("Experiments…", m.ShowExperiments)),
		fyne.NewMenu("Help", fyne.NewMenuItem("Keyboard shortcuts", m.ShowShortcuts), fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem("About sockplay", m.ShowAbout)),
	)
}

func (m *MainWindow) addShortcuts() {
	m.addShortcut(newSessionShortcut, "Window", "Open a new session (the New-session dialog)", m.ShowNewSession)
	m.addShortcut(openCaptureShortcut, "Window", "Open a capture file (pcap or pcapng) and list its conversations", m.ShowOpenCapture)
	m.addShortcut(quitShortcut, "Window", "Quit (asks first when connections are open)", m.RequestQuit)
}

// addShortcut registers a window shortcut and notes it for the Keyboard
// shortcuts sheet (help.go), which lists exactly what is registered.
func (m *MainWindow) addShortcut(s *desktop.CustomShortcut, where, what string, action func()) {
	m.Window.Canvas().AddShortcut(s, func(fyne.Shortcut) { action() })
	m.shortcuts = append(m.shortcuts, shortcutDoc{Shortcut: s, Keys: shortcutKeys(s), What: what, Where: where})
}

// mainWindows finds the window that shows an object (notifyFor).
var mainWindows sync.Map // fyne.Canvas -> *MainWindow

// Notify shows msg for a few seconds where the person is looking: the
// status line under the selected session's log (feedback for an action
// that changes nothing on screen: a copy, an export). The line is always
// there, so nothing moves.
func (m *MainWindow) Notify(msg string) {
	if t := m.currentSession(); t != nil {
		t.flash("✓ " + msg)
	}
}

// notifyFor is Notify on the main window showing obj, if any.
func notifyFor(obj fyne.CanvasObject, msg string) {
	c := fyne.CurrentApp().Driver().CanvasForObject(obj)
	if c == nil {
		return
	}
	if m, ok := mainWindows.Load(c); ok {
		m.(*MainWindow).Notify(msg)
	}
}

// showError shows err in a dialog titled title: for what failed on a
// button press with nowhere else to say it.
func (m *MainWindow) showError(title string, err error) {
	msg := widget.NewLabel(upperFirst(err.Error()))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(title, "Close", container.NewGridWrap(fyne.NewSize(460, msg.MinSize().Height*3), msg), m.Window)
	m.show(d)
}

// upperFirst starts a sentence made of an error's words with a capital.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// fileDialogSize is what file dialogs open at: room for long names.
var fileDialogSize = fyne.NewSize(760, 520)

// showFileDialog shows fd over whatever opened it (another dialog stays),
// at fileDialogSize. The size comes after Show: before it, Fyne 2.8's
// FileDialog.Resize panics.
func showFileDialog(fd *dialog.FileDialog) {
	fd.Show()
	fd.Resize(fileDialogSize)
}

// showFile is showFileDialog for a file dialog of the window's own, kept
// as the window's dialog (m.Dialog, for tests) like any other.
func (m *MainWindow) showFile(fd *dialog.FileDialog) {
	m.show(fd)
	fd.Resize(fileDialogSize)
}

// show replaces any dialog on screen with d.
func (m *MainWindow) show(d Dialog) {
	if m.Dialog != nil {
		m.Dialog.Hide()
	}
	m.Dialog = d
	d.Show()
}
