package gui

import (
	"time"

	"fyne.io/fyne/v2"
)

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

// geometrySaveDelay is how long a new window size waits before the
// workspace is written: a drag-resize is many sizes, and one write is enough.
const geometrySaveDelay = 500 * time.Millisecond

// geometryKeeper is the window's root layout. It fills the window with its
// one object and, when the window's size changes, notes it in the workspace
// and writes the workspace soon after, so the size survives however the app
// ends: even a kill, or a quit before Fyne reports the last resize.
type geometryKeeper struct {
	m     *MainWindow
	last  fyne.Size
	timer *time.Timer // the pending write, on the UI goroutine only
}

func (k *geometryKeeper) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var min fyne.Size
	for _, o := range objects {
		min = min.Max(o.MinSize())
	}
	return min
}

func (k *geometryKeeper) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
	win := k.m.Window.Canvas().Size()
	if win == k.last || win.Width < 1 || win.Height < 1 || k.m.Workspace == nil || k.m.shutDown {
		return
	}
	k.last = win
	ws := k.m.Workspace
	ws.mu.Lock()
	changed := ws.Window != WindowSize{Width: win.Width, Height: win.Height}
	ws.Window = WindowSize{Width: win.Width, Height: win.Height}
	ws.mu.Unlock()
	if !changed {
		return // the size just restored
	}
	if k.timer != nil {
		k.timer.Stop()
	}
	k.timer = time.AfterFunc(geometrySaveDelay, func() {
		doFromGoroutine(func() {
			if !k.m.shutDown {
				k.m.saveWorkspaceLogged()
			}
		})
	})
}

// stop drops a pending write; shutdown writes the workspace itself.
func (k *geometryKeeper) stop() {
	if k.timer != nil {
		k.timer.Stop()
	}
}
