package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// setText changes a label's or button's text only when it differs: every
// SetText re-measures and repaints, even with the same string.
func setText(w fyne.Widget, text string) {
	switch x := w.(type) {
	case *widget.Label:
		if x.Text != text {
			x.SetText(text)
		}
	case *widget.Button:
		if x.Text != text {
			x.SetText(text)
		}
	}
}
