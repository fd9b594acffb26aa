package uikit

import "fyne.io/fyne/v2"

// minSizer is the desktop driver's canvas: EnsureMinSize lays out every
// container whose child changed its minimum size since the last frame.
type minSizer interface{ EnsureMinSize() bool }

// settleLayout lays out now, on the UI goroutine, what a refresh changed
// the size of, instead of in the next frame.
//
// Fyne does that layout at the start of a frame, after it has taken the
// canvas's dirty flag. A layout there that refreshes something (a list's
// scroll bars, whenever its row count changed) dirties the canvas again,
// so every refresh of a growing list painted the whole window twice, back
// to back (measured: ~40 ms, then ~25 ms, under a flood on 2 shared
// cores). Done here, the same layout lands in the frame the refresh
// already asked for. A canvas that is not the desktop driver's (tests)
// is left alone.
func settleLayout() {
	a := fyne.CurrentApp()
	if a == nil {
		return
	}
	for _, w := range a.Driver().AllWindows() {
		c, ok := w.Canvas().(minSizer)
		if !ok {
			continue
		}
		before := w.Canvas().Size()
		if c.EnsureMinSize() && w.Canvas().Size() != before {
			// The content outgrew the window and EnsureMinSize grew the
			// canvas: the frame would have grown the window to match,
			// so ask for that here. (What is lost: the window's minimum
			// size for the window manager is updated at the next frame
			// whose own layout finds a change, not now.)
			w.Resize(w.Canvas().Size())
		}
	}
}
