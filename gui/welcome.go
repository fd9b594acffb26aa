package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay"
)

// newWelcomeTab explains the session kinds. It offers no control that the
// build cannot honour: the kinds are described with the command that runs
// each one today.
func newWelcomeTab() *container.TabItem {
	icon := canvas.NewImageFromResource(Icon)
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSize(72, 72))

	title := widget.NewLabelWithStyle("Welcome to sockplay "+sockplay.App.Version, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	intro := widget.NewLabel("A playground for sockets: open TCP, UDP and Unix-socket servers and clients, " +
		"send text, hex or files, and read every byte as a hex dump.")
	intro.Wrapping = fyne.TextWrapWord
	header := container.NewBorder(nil, nil, icon, nil, container.NewVBox(title, intro))

	cards := make([]fyne.CanvasObject, 0, len(families))
	for _, f := range families {
		cards = append(cards, familyCard(f))
	}

	// Said before the cards, so nobody reads them as buttons that open tabs.
	status := widget.NewLabel("Session tabs are not in this build yet: each kind runs from a terminal today, " +
		"with the command shown on its card. 'sockplay help' lists every command.")
	status.Wrapping = fyne.TextWrapWord
	status.Importance = widget.WarningImportance

	body := container.NewVBox(
		header,
		status,
		widget.NewSeparator(),
		widget.NewLabelWithStyle("Session kinds", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewGridWithColumns(2, cards...),
	)
	item := container.NewTabItemWithIcon("Welcome", Icon, container.NewVScroll(container.NewPadded(body)))
	return item
}

// familyCard shows a server and client kind over one transport.
func familyCard(f sessionFamily) fyne.CanvasObject {
	rows := container.NewVBox()
	for _, k := range f.Kinds {
		name := widget.NewLabelWithStyle(k.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		summary := widget.NewLabel(k.Summary)
		summary.Wrapping = fyne.TextWrapWord
		example := widget.NewLabelWithStyle(k.Example, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		example.Selectable = true
		rows.Add(container.NewVBox(name, summary, example))
	}
	return widget.NewCard(f.Title, f.Subtitle, rows)
}
