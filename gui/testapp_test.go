package gui

import (
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
)

var (
	sharedOnce sync.Once
	shared     fyne.App
)

// sharedApp is the one test app of this package's tests, made current.
// A new test app per test (test.NewTempApp) empties Fyne's font cache, so
// each test parsed the fonts again: half of every window test's time under
// -race. Sharing loses no isolation we rely on: the app's storage follows
// TMPDIR, which isolateStorage sets per test, and nothing here keeps
// preferences.
func sharedApp(t *testing.T) fyne.App {
	t.Helper()
	sharedOnce.Do(func() { shared = test.NewApp() })
	fyne.SetCurrentApp(shared)
	return shared
}

// newTempWindow is test.NewTempWindow whose renderers are freed when t
// ends (releaseRenderers).
func newTempWindow(t *testing.T, content fyne.CanvasObject) fyne.Window {
	t.Helper()
	w := test.NewTempWindow(t, content)
	releaseRenderers(t, w)
	return w
}

// releaseRenderers frees, when t ends, the renderers of everything in w.
// Fyne keeps every widget's renderer in a process-wide cache that only a
// real window's closing or its paint loop empties; the test driver does
// neither, so without this each test's window (a TextGrid's cells, text
// measured with fonts parsed afresh for each test app) stayed in memory
// until the package's tests ended: over 5 GB, and 15 minutes under -race.
func releaseRenderers(t *testing.T, w fyne.Window) {
	t.Cleanup(func() {
		seen := map[fyne.CanvasObject]bool{}
		var walk func(o fyne.CanvasObject)
		walk = func(o fyne.CanvasObject) {
			if o == nil || seen[o] {
				return
			}
			seen[o] = true
			switch c := o.(type) {
			case *fyne.Container:
				for _, child := range c.Objects {
					walk(child)
				}
			case *container.DocTabs: // the main window's tabs
				for _, item := range c.Items {
					walk(item.Content) // the tabs not shown, too
				}
			}
			if wid, ok := o.(fyne.Widget); ok {
				// Registers the renderer's destruction, which runs after
				// this cleanup.
				for _, child := range test.TempWidgetRenderer(t, wid).Objects() {
					walk(child)
				}
			}
		}
		walk(w.Content())
		for _, o := range w.Canvas().Overlays().List() {
			walk(o)
		}
	})
}
