package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// NewSessionDialog is the New-session entry point (Ctrl+T). Until session
// tabs exist it lists the eight kinds with the command that runs each one
// headless, so nothing here pretends to open a tab.
type NewSessionDialog struct {
	*dialog.CustomDialog
	Kinds *widget.List
}

// ShowNewSession opens the New-session dialog.
func (m *MainWindow) ShowNewSession() {
	var kinds []sessionKind
	for _, f := range families {
		kinds = append(kinds, f.Kinds[:]...)
	}
	command := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	command.Selectable = true
	summary := widget.NewLabel("")
	summary.Wrapping = fyne.TextWrapWord

	list := widget.NewList(
		func() int { return len(kinds) },
		func() fyne.CanvasObject { return widget.NewLabel("Unix datagram server") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(kinds[i].Name) },
	)
	list.OnSelected = func(i widget.ListItemID) {
		summary.SetText(kinds[i].Summary)
		command.SetText(kinds[i].Example)
	}

	note := widget.NewLabel("Session tabs come in a later version. Each kind runs from a terminal now:")
	note.Wrapping = fyne.TextWrapWord
	detail := container.NewVBox(note, summary, command)
	content := container.NewHSplit(list, container.NewPadded(detail))
	content.Offset = 0.38

	d := &NewSessionDialog{CustomDialog: dialog.NewCustom("New session", "Close", content, m.Window), Kinds: list}
	d.Resize(fyne.NewSize(760, 480)) // tall enough for all eight kinds without scrolling
	m.show(d)
	list.Select(0)
}
