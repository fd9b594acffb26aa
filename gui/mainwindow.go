package gui

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
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

	// Toolbar buttons, in order.
	NewSessionButton, PingButton, SocketsButton, AboutButton *widget.Button
	// Notice is the toolbar's short-lived line of feedback ("Copied 64
	// bytes as hex"); see Notify.
	Notice *widget.Label

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
	shutDown    bool                           // shutdown has run
	geometry    *geometryKeeper                // notes and writes the window's size (geometry.go)
	noticeSeq   int                            // the Notice shown last, so an old timer leaves a new one
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

	m.NewSessionButton = widget.NewButtonWithIcon("New session", theme.ContentAddIcon(), m.ShowNewSession)
	m.PingButton = widget.NewButtonWithIcon("Ping", theme.MailSendIcon(), m.ShowPing)
	m.SocketsButton = widget.NewButtonWithIcon("Sockets", theme.ListIcon(), m.ShowSockets)
	m.AboutButton = widget.NewButtonWithIcon("About", theme.InfoIcon(), m.ShowAbout)
	m.NewSessionButton.Importance = widget.HighImportance
	m.Notice = widget.NewLabel("")
	m.Notice.Alignment = fyne.TextAlignTrailing
	m.Notice.Truncation = fyne.TextTruncateEllipsis // never widens the window
	m.Notice.Importance = widget.SuccessImportance
	toolbar := container.NewBorder(nil, nil,
		container.NewHBox(m.NewSessionButton, m.PingButton, m.SocketsButton),
		container.NewHBox(layout.NewSpacer(), m.AboutButton), m.Notice)

	m.geometry = &geometryKeeper{m: m}
	w.SetContent(container.New(m.geometry,
		container.NewBorder(container.NewVBox(container.NewPadded(toolbar), widget.NewSeparator()), nil, nil, nil, m.Tabs)))
	w.SetMainMenu(m.mainMenu())
	m.addShortcuts()
	m.addTabShortcuts()
	mainWindows.Store(w.Canvas(), m)

	// Save before anything closes: a window's OnClosed callback can run
	// after the app has stopped.
	w.SetCloseIntercept(m.Quit)
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

// Quit saves the window's state, closes every session and ends the app.
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

// newSessionShortcut is Ctrl+T (Cmd+T on macOS).
var newSessionShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyT, Modifier: fyne.KeyModifierShortcutDefault}

func (m *MainWindow) mainMenu() *fyne.MainMenu {
	newSession := fyne.NewMenuItem("New session…", m.ShowNewSession)
	newSession.Shortcut = newSessionShortcut
	newSession.Icon = theme.ContentAddIcon()
	quit := fyne.NewMenuItem("Quit", m.Quit)
	quit.IsQuit = true
	return fyne.NewMainMenu(
		fyne.NewMenu("Session", newSession, fyne.NewMenuItemSeparator(), quit),
		fyne.NewMenu("Tools", fyne.NewMenuItem("Ping…", m.ShowPing), fyne.NewMenuItem("Sockets…", m.ShowSockets)),
		fyne.NewMenu("Help", fyne.NewMenuItem("About sockplay", m.ShowAbout)),
	)
}

func (m *MainWindow) addShortcuts() {
	m.Window.Canvas().AddShortcut(newSessionShortcut, func(fyne.Shortcut) { m.ShowNewSession() })
}

// mainWindows finds the window that shows an object (notifyFor).
var mainWindows sync.Map // fyne.Canvas -> *MainWindow

// noticeFor is how long a notice stays in the toolbar.
const noticeFor = 4 * time.Second

// Notify shows msg in the toolbar for a few seconds: feedback for an action
// that changes nothing on screen (a copy, an export). The line is always
// there, so nothing moves.
func (m *MainWindow) Notify(msg string) {
	m.noticeSeq++
	seq := m.noticeSeq
	setText(m.Notice, "✓ "+msg)
	if !runPumps {
		return // headless tests read the notice; no timer goroutine
	}
	time.AfterFunc(noticeFor, func() {
		doFromGoroutine(func() {
			if m.noticeSeq == seq {
				setText(m.Notice, "")
			}
		})
	})
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

// show replaces any dialog on screen with d.
func (m *MainWindow) show(d Dialog) {
	if m.Dialog != nil {
		m.Dialog.Hide()
	}
	m.Dialog = d
	d.Show()
}
