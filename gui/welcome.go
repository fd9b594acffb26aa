package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay"
)

// newWelcomeTab explains the session kinds, each with a button that opens
// the New-session dialog on it and the command that runs it headless.
func newWelcomeTab(m *MainWindow) *container.TabItem {
	icon := canvas.NewImageFromResource(Icon)
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSize(72, 72))

	title := widget.NewLabelWithStyle("Welcome to sockplay "+sockplay.App.Version, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	intro := widget.NewLabel("A playground for sockets: open TCP, TLS, UDP and Unix-socket servers and clients, " +
		"send text, hex or files, and read every byte as a hex dump.")
	intro.Wrapping = fyne.TextWrapWord
	header := container.NewBorder(nil, nil, icon, nil, container.NewVBox(title, intro))

	var cards []fyne.CanvasObject
	for _, f := range cardFamilies() {
		cards = append(cards, familyCard(m, f))
	}

	status := widget.NewLabel("Open a session with New session (Ctrl+T) or a button below: each session is a tab; " +
		"a capture file with Open capture in the File menu (Ctrl+O). " +
		"The command on each card runs the same engine from a terminal; 'sockplay help' lists every command. " +
		"Keyboard shortcuts in the Help menu lists every key.")
	status.Wrapping = fyne.TextWrapWord

	body := container.NewVBox(
		header,
		status,
		widget.NewSeparator(),
		widget.NewLabelWithStyle("Session kinds", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewGridWithColumns(2, cards...),
		captureCard(m),
		experimentsCard(m), // welcome_experiments.go
	)
	item := container.NewTabItemWithIcon("Welcome", Icon, container.NewVScroll(container.NewPadded(body)))
	return item
}

// familyCard shows a server and client kind over one transport (or the
// relay).
func familyCard(m *MainWindow, f sessionFamily) fyne.CanvasObject {
	rows := container.NewVBox()
	for _, k := range f.kinds() {
		open := widget.NewButtonWithIcon("Open…", theme.ContentAddIcon(), func() { m.showNewSessionFor(k) })
		name := container.NewBorder(nil, nil, nil, open,
			widget.NewLabelWithStyle(k.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		summary := widget.NewLabel(k.Summary)
		summary.Wrapping = fyne.TextWrapWord
		example := widget.NewLabelWithStyle(k.Example, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		example.Selectable = true
		example.Wrapping = fyne.TextWrapWord // a long command wraps rather than widen the window
		rows.Add(container.NewVBox(name, summary, example))
	}
	return widget.NewCard(f.Title, f.Subtitle, rows)
}

// captureCard offers File → Open capture: what a capture becomes in the
// window, and the commands that do the same headless.
func captureCard(m *MainWindow) fyne.CanvasObject {
	return toolCard("Captures", "record, open, replay, stand in",
		widget.NewButtonWithIcon("Open capture…", theme.FileIcon(), m.ShowOpenCapture),
		"A pcap or pcapng file (Wireshark's, tcpdump's, or one a session recorded with Record): "+
			"its TCP streams and UDP flows are listed; each opens as a read-only session with framing and the hex pane, "+
			"replays its client against a server and compares every reply, or stands in for its server.",
		"sockplay pcap FILE --stream tcp:0\nsockplay replay FILE --stream tcp:0 --to tcp://HOST:PORT")
}

// toolCard is a Welcome card for a tool: what it does, the button that
// opens it, and the commands that do the same headless (selectable, to copy).
func toolCard(title, subtitle string, open *widget.Button, summary, commands string) fyne.CanvasObject {
	text := widget.NewLabel(summary)
	text.Wrapping = fyne.TextWrapWord
	example := widget.NewLabelWithStyle(commands, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	example.Selectable = true
	return widget.NewCard(title, subtitle, container.NewVBox(container.NewBorder(nil, nil, nil, open, text), example))
}
