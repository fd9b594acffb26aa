package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// sendShortcut is Ctrl+Enter (Cmd+Enter on macOS): send what is typed.
var sendShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}

// sendEntry is the composer's multi-line input. A focused Entry receives
// shortcuts before the window does, so it handles Ctrl+Enter itself, and
// Up on the first line / Down on the last walk the send history.
type sendEntry struct {
	widget.Entry
	onSend func()
	// onHistory moves through the send history (-1 older, +1 newer) and
	// reports whether there was an entry that way; it sets the text.
	onHistory func(delta int) bool
}

func newSendEntry() *sendEntry {
	e := &sendEntry{}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapBreak
	e.TextStyle = fyne.TextStyle{Monospace: true}
	e.ExtendBaseWidget(e)
	return e
}

// TypedShortcut sends on Ctrl+Enter (either Enter key) and leaves the rest to the Entry.
func (e *sendEntry) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok && cs.Modifier == fyne.KeyModifierShortcutDefault &&
		(cs.KeyName == fyne.KeyReturn || cs.KeyName == fyne.KeyEnter) {
		if e.onSend != nil {
			e.onSend()
		}
		return
	}
	e.Entry.TypedShortcut(s)
}

// TypedKey walks the history at the first and last lines.
func (e *sendEntry) TypedKey(k *fyne.KeyEvent) {
	if e.onHistory != nil {
		lines := 1
		for _, r := range e.Text {
			if r == '\n' {
				lines++
			}
		}
		delta := 0
		switch {
		case k.Name == fyne.KeyUp && e.CursorRow == 0:
			delta = -1
		case k.Name == fyne.KeyDown && e.CursorRow == lines-1:
			delta = 1
		}
		if delta != 0 {
			if e.onHistory(delta) {
				e.CursorRow, e.CursorColumn = 0, 0
				e.Refresh()
			}
			return
		}
	}
	e.Entry.TypedKey(k)
}
