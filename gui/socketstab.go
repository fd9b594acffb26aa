package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"github.com/sockplay/sockplay/gui/sockets"
	"github.com/sockplay/sockplay/gui/sockets/model"
	"github.com/sockplay/sockplay/sessions"
)

// The Sockets tab lives in package sockets (its model, Fyne-free, in
// sockets/model); this file is the window's side of it: opening, closing,
// keeping it in the workspace, and the Host through which it reaches the
// window's sessions and dialogs.

const socketsTitle = sockets.Title

// SocketsSettings is the Sockets tab's filters, refresh and sort as the
// workspace keeps them.
type SocketsSettings = model.Settings

// SocketsTab is the window's one Sockets tab: the tab itself, and the
// window it belongs to.
type SocketsTab struct {
	*sockets.Tab
	main *MainWindow
}

func newSocketsTab(m *MainWindow) *SocketsTab {
	return &SocketsTab{Tab: sockets.New(socketsHost{m}), main: m}
}

// start starts the tab's listing pump (not in headless tests, which call
// Refresh themselves).
func (t *SocketsTab) start() {
	if runPumps {
		t.Start()
	}
}

// stop ends the pump and waits; the window may then open a new Sockets tab.
func (t *SocketsTab) stop() {
	if t.main.sockets == t {
		t.main.sockets = nil
	}
	t.Stop()
}

func (t *SocketsTab) toolTab() ToolTab {
	s := t.Settings()
	return ToolTab{Kind: toolSockets, Sockets: &s}
}

// restoreSockets reopens the Sockets tab from the workspace with settings
// s (already checked). It lists (only the local table) unless it was paused.
func (m *MainWindow) restoreSockets(s SocketsSettings) *SocketsTab {
	t := newSocketsTab(m)
	t.Apply(s)
	m.sockets = t
	m.addToolTab(t.Item, t.stop, t)
	t.start()
	return t
}

// socketsHost is the window as the Sockets tab sees it.
type socketsHost struct{ m *MainWindow }

func (h socketsHost) Window() fyne.Window       { return h.m.Window }
func (h socketsHost) Clipboard() fyne.Clipboard { return h.m.App.Clipboard() }
func (h socketsHost) Show(d dialog.Dialog)      { h.m.show(d) }
func (h socketsHost) Changed()                  { h.m.saveWorkspaceLogged() }

func (h socketsHost) OpenClient(url string) error {
	_, err := h.m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "client", URL: url}, StartOnOpen: true})
	return err
}

func (h socketsHost) SessionTabs() []sockets.SessionTab {
	tabs := h.m.SessionTabs()
	out := make([]sockets.SessionTab, len(tabs))
	for i, tab := range tabs {
		item := tab.Item
		out[i] = sockets.SessionTab{Title: item.Text, Session: tab.Session(), Select: func() { h.m.Tabs.Select(item) }}
	}
	return out
}
