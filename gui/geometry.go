package gui

import "fyne.io/fyne/v2"

// Preference keys for the window geometry kept between runs.
const (
	prefWidth  = "window.width"
	prefHeight = "window.height"
)

// defaultSize fits a 1280×800 screen with room for a panel.
var defaultSize = fyne.NewSize(1200, 760)

// minRemembered keeps a window shrunk to nothing from coming back unusable.
var minRemembered = fyne.NewSize(480, 320)

// restoreGeometry sizes w as it was when last closed.
func restoreGeometry(p fyne.Preferences, w fyne.Window) {
	size := fyne.NewSize(
		float32(p.FloatWithFallback(prefWidth, float64(defaultSize.Width))),
		float32(p.FloatWithFallback(prefHeight, float64(defaultSize.Height))),
	)
	w.Resize(size.Max(minRemembered))
}

// saveGeometry records w's current size for the next run.
func saveGeometry(p fyne.Preferences, w fyne.Window) {
	size := w.Canvas().Size()
	if size.Width < 1 || size.Height < 1 {
		return // not laid out yet: keep what we had
	}
	p.SetFloat(prefWidth, float64(size.Width))
	p.SetFloat(prefHeight, float64(size.Height))
}
