package gui

import (
	"fyne.io/fyne/v2"

	"github.com/sockplay/sockplay/gui/uikit"
)

// setText is uikit.SetText: a label's or button's text changed only when
// it differs.
func setText(w fyne.Widget, text string) { uikit.SetText(w, text) }
