package uikit

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// SetText changes a label's or button's text only when it differs: every
// SetText re-measures and repaints, even with the same string, and a pump
// sets most texts again on every refresh.
func SetText(w fyne.Widget, text string) {
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
