package sockets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"github.com/sockplay/sockplay/sessions"
)

// Host is what the tab needs from the window it lives in. Every method is
// called on the UI goroutine.
type Host interface {
	// Window is the window the tab's dialogs and menus open over.
	Window() fyne.Window
	// Clipboard takes a copied row.
	Clipboard() fyne.Clipboard
	// Show puts a dialog on screen, replacing any other.
	Show(d dialog.Dialog)
	// OpenClient opens and starts a client session to url, in its own tab.
	OpenClient(url string) error
	// SessionTabs are the window's session tabs, for "Go to session tab".
	SessionTabs() []SessionTab
	// Changed says a setting the workspace keeps has changed (a click,
	// Enter), so the window saves it.
	Changed()
}

// SessionTab is one of the window's session tabs, as the Sockets tab
// sees it.
type SessionTab struct {
	Title   string
	Session *sessions.Session // nil before its first start
	Select  func()            // brings the tab to the front
}
