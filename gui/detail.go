package gui

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore/hexdump"
	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/sessions"
)

// detailLimit bounds what the pane renders (a TextGrid is not virtualised
// enough for megabytes); copying always takes the whole entry.
const detailLimit = 64 << 10

// Text encodings the pane offers.
const (
	encUTF8    = "UTF-8"
	encLatin1  = "Latin-1"
	encEscaped = "Escaped"
)

// detailPane shows the selected entry: the canonical hex dump with offsets
// and a text view, with copy buttons.
type detailPane struct {
	Title    *widget.Label
	Hex      *widget.TextGrid
	Text     *widget.TextGrid
	Encoding *widget.RadioGroup
	Copy     map[string]*widget.Button
	data     []byte
	root     fyne.CanvasObject
}

func newDetailPane() *detailPane {
	d := &detailPane{Copy: map[string]*widget.Button{}}
	d.Title = widget.NewLabel("Select a row to see its bytes.")
	d.Hex = widget.NewTextGrid()
	d.Hex.Scroll = fyne.ScrollBoth
	d.Text = widget.NewTextGrid()
	d.Text.Scroll = fyne.ScrollBoth
	d.Encoding = widget.NewRadioGroup([]string{encUTF8, encLatin1, encEscaped}, func(string) { d.showText() })
	d.Encoding.Horizontal = true
	d.Encoding.Selected = encEscaped
	d.Encoding.Required = true

	formats := []struct {
		name string
		fn   func([]byte) string
	}{
		{"Hex", copyHex}, {"Text", func(b []byte) string { return string(b) }},
		{"C array", copyCArray}, {"Go", copyGoSlice}, {"Base64", copyBase64},
	}
	buttons := container.NewHBox(widget.NewLabel("Copy as"))
	for _, f := range formats {
		b := widget.NewButton(f.name, func() {
			fyne.CurrentApp().Clipboard().SetContent(f.fn(d.data))
		})
		b.Disable()
		d.Copy[f.name] = b
		buttons.Add(b)
	}
	tabs := container.NewAppTabs(
		container.NewTabItem("Hex dump", d.Hex),
		container.NewTabItem("Text", container.NewBorder(d.Encoding, nil, nil, nil, d.Text)),
	)
	d.root = container.NewBorder(container.NewBorder(nil, nil, nil, buttons, d.Title), nil, nil, nil, tabs)
	return d
}

// show fills the pane with e (a copy the pane may keep).
func (d *detailPane) show(e sessions.Entry) {
	d.data = e.Data
	when := time.UnixMicro(e.Micros).Format("15:04:05.000000")
	switch {
	case e.Kind.Data():
		shown := ""
		if len(e.Data) > detailLimit {
			shown = fmt.Sprintf(" (showing the first %d; copy takes all)", detailLimit)
		}
		d.Title.SetText(fmt.Sprintf("%s  %s  #%d %s  %d bytes%s", when, e.Kind, e.Peer, e.Addr, len(e.Data), shown))
	default:
		d.Title.SetText(fmt.Sprintf("%s  %s  %s", when, e.Kind, e.Text))
	}
	for _, b := range d.Copy {
		if len(d.data) > 0 {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	view := d.data
	if len(view) > detailLimit {
		view = view[:detailLimit]
	}
	d.Hex.SetText(strings.TrimSuffix(hexdump.Dump(view, hexdump.Options{}), "\n"))
	d.showText()
}

func (d *detailPane) showText() {
	view := d.data
	if len(view) > detailLimit {
		view = view[:detailLimit]
	}
	var s string
	switch d.Encoding.Selected {
	case encUTF8:
		s = strings.ToValidUTF8(string(view), string(utf8.RuneError))
		s = strings.Map(controlToPicture, s)
	case encLatin1:
		s = strings.Map(controlToPicture, latin1(view))
	default:
		s = payload.EscapeText(view)
		// Break the escaped text after each \n so lines read as lines.
		s = strings.ReplaceAll(s, `\n`, "\\n\n")
	}
	d.Text.SetText(s)
}

// controlToPicture shows control characters as their Unicode pictures
// (␀, ␍) instead of letting them break or vanish from the grid; a newline
// stays a line break.
func controlToPicture(r rune) rune {
	switch {
	case r == '\n':
		return r
	case r < 0x20:
		return 0x2400 + r
	case r == 0x7f:
		return 0x2421
	}
	return r
}

// clear empties the pane (the view was cleared or the session restarted).
func (d *detailPane) clear() {
	d.data = nil
	d.Title.SetText("Select a row to see its bytes.")
	d.Hex.SetText("")
	d.Text.SetText("")
	for _, b := range d.Copy {
		b.Disable()
	}
}
