package gui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// payloadLibrary is where named payloads live: the workspace, shared by
// every tab and kept between runs.
type payloadLibrary interface {
	SavePayload(name string, c ComposerState) error
	DeletePayload(name string)
	Payloads() []SavedPayload
}

// libraryBar lets the person load, save and delete named payloads.
type libraryBar struct {
	Pick   *widget.Select
	Save   *widget.Button
	Delete *widget.Button
	// Name and Dialog are the open Save-as dialog's, for tests.
	Name   *widget.Entry
	Dialog Dialog
	lib    payloadLibrary
	c      *composer
	root   fyne.CanvasObject
}

func newLibraryBar(c *composer, lib payloadLibrary) *libraryBar {
	b := &libraryBar{c: c, lib: lib}
	b.Pick = widget.NewSelect(nil, b.load)
	b.Pick.PlaceHolder = "Saved payloads"
	b.Save = widget.NewButtonWithIcon("Save as…", theme.DocumentSaveIcon(), b.saveAs)
	b.Delete = widget.NewButtonWithIcon("", theme.DeleteIcon(), b.deleteSelected)
	b.reload()
	b.root = container.NewHBox(b.Pick, b.Save, b.Delete)
	return b
}

// reload shows the library's current names (another tab may have saved one).
func (b *libraryBar) reload() {
	var names []string
	for _, p := range b.lib.Payloads() {
		names = append(names, p.Name)
	}
	b.Pick.Options = names
	b.Pick.Refresh()
	if b.Pick.Selected == "" {
		b.Delete.Disable()
	} else {
		b.Delete.Enable()
	}
}

func (b *libraryBar) load(name string) {
	for _, p := range b.lib.Payloads() {
		if p.Name == name {
			b.c.SetState(p.ComposerState)
		}
	}
	b.reload()
}

// saveAs asks for a name, with the selected payload's name filled in and
// selected, so typing replaces it and Enter saves over it.
func (b *libraryBar) saveAs() {
	name := widget.NewEntry()
	name.SetPlaceHolder("e.g. modbus read 10 registers")
	name.SetText(b.Pick.Selected)
	b.Name = name
	d := dialog.NewForm("Save payload", "Save", "Cancel",
		[]*widget.FormItem{widget.NewFormItem("Name", name)}, func(ok bool) {
			if !ok {
				return
			}
			if err := b.lib.SavePayload(name.Text, b.c.State()); err != nil {
				b.c.showError(err)
				return
			}
			b.reload()
			b.Pick.SetSelected(name.Text) // loads it: the same settings
			b.c.showHint(fmt.Sprintf("Saved as %q.", name.Text))
		}, b.c.window)
	d.Resize(fyne.NewSize(420, 160))
	name.OnSubmitted = func(string) { d.Submit() }
	d.Show()
	b.Dialog = d
	b.c.window.Canvas().Focus(name)
	name.TypedShortcut(&fyne.ShortcutSelectAll{})
}

func (b *libraryBar) deleteSelected() {
	if b.Pick.Selected == "" {
		return
	}
	b.lib.DeletePayload(b.Pick.Selected)
	b.Pick.ClearSelected()
	b.reload()
}
