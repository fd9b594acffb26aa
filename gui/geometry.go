package gui

import "fyne.io/fyne/v2"

// The window's size is kept in the workspace file, which is written
// atomically in one piece. Fyne's preferences were not fit for it: they
// save each value separately, debounced, and in place, so a quit could
// keep the width without the height or leave a truncated file.

// defaultSize fits a 1280×800 screen with room for a panel.
var defaultSize = fyne.NewSize(1200, 760)

// minRemembered keeps a window shrunk to nothing from coming back unusable.
var minRemembered = fyne.NewSize(480, 320)

// restoreGeometry sizes w as it was when last closed.
func restoreGeometry(ws *Workspace, w fyne.Window) {
	size := defaultSize
	if ws != nil && ws.Window.Width > 0 && ws.Window.Height > 0 {
		size = fyne.NewSize(ws.Window.Width, ws.Window.Height)
	}
	w.Resize(size.Max(minRemembered))
}

// saveGeometry records w's current size in the workspace; it is written
// with the workspace.
func saveGeometry(ws *Workspace, w fyne.Window) {
	size := w.Canvas().Size()
	if ws == nil || size.Width < 1 || size.Height < 1 {
		return // not laid out yet: keep what we had
	}
	ws.mu.Lock()
	ws.Window = WindowSize{Width: size.Width, Height: size.Height}
	ws.mu.Unlock()
}
