package gui

import (
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// shortcutDoc is one line of the Keyboard shortcuts sheet.
type shortcutDoc struct {
	Shortcut fyne.Shortcut // nil for a key a widget handles itself
	Keys     string        // as the sheet writes them: "Ctrl+Shift+Tab"
	What     string
	Where    string // the group it is listed under
}

// widgetKeys are keys that widgets handle themselves rather than the
// window: plain keys (no Ctrl) cannot be window shortcuts.
var widgetKeys = []shortcutDoc{
	{Keys: "Up / Down", Where: "Composer",
		What: "Earlier / later payloads sent, with their mode (on the first / last line); Down past the newest brings back what was being typed"},
	{Keys: "End", Where: "Traffic", What: "Jump to the latest row and follow again (on the list)"},
}

// shortcutGroups is the order of the sheet's groups.
var shortcutGroups = []string{"Window", "Tabs", "Composer", "Traffic"}

// shortcutDocs is every shortcut the window has registered (addShortcut)
// and the keys widgets handle, in the sheet's order.
func (m *MainWindow) shortcutDocs() []shortcutDoc {
	all := append(append([]shortcutDoc(nil), m.shortcuts...), widgetKeys...)
	var out []shortcutDoc
	for _, g := range shortcutGroups {
		for _, d := range all {
			if d.Where == g {
				out = append(out, d)
			}
		}
	}
	for _, d := range all { // a group not in the list still shows
		known := false
		for _, g := range shortcutGroups {
			known = known || d.Where == g
		}
		if !known {
			out = append(out, d)
		}
	}
	return out
}

// ShowShortcuts shows the Keyboard shortcuts sheet (Help menu).
func (m *MainWindow) ShowShortcuts() {
	d := dialog.NewCustom("Keyboard shortcuts", "Close", container.NewVScroll(shortcutSheet(m.shortcutDocs())), m.Window)
	d.Resize(fyne.NewSize(720, 520))
	m.show(d)
}

// shortcutSheet lays the shortcuts out by group: keys in one column of
// fixed width, then what they do.
func shortcutSheet(docs []shortcutDoc) fyne.CanvasObject {
	box := container.NewVBox()
	group := ""
	for _, d := range docs {
		if d.Where != group {
			group = d.Where
			box.Add(widget.NewLabelWithStyle(group, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		}
		keys := widget.NewLabelWithStyle(d.Keys, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		what := widget.NewLabel(d.What)
		what.Wrapping = fyne.TextWrapWord
		box.Add(container.NewBorder(nil, nil, withWidth(keys, 170), nil, what))
	}
	return box
}

// shortcutKeys writes a shortcut as people read it: "Ctrl+Shift+Tab",
// "Cmd+T" on macOS.
func shortcutKeys(s fyne.Shortcut) string {
	ks, ok := s.(fyne.KeyboardShortcut)
	if !ok {
		return s.ShortcutName()
	}
	var parts []string
	mod := ks.Mod()
	if mod&fyne.KeyModifierControl != 0 {
		parts = append(parts, "Ctrl")
	}
	if mod&fyne.KeyModifierSuper != 0 {
		if runtime.GOOS == "darwin" {
			parts = append(parts, "Cmd")
		} else {
			parts = append(parts, "Super")
		}
	}
	if mod&fyne.KeyModifierAlt != 0 {
		parts = append(parts, "Alt")
	}
	if mod&fyne.KeyModifierShift != 0 {
		parts = append(parts, "Shift")
	}
	return strings.Join(append(parts, keyWord(ks.Key())), "+")
}

func keyWord(k fyne.KeyName) string {
	if k == fyne.KeyReturn || k == fyne.KeyEnter {
		return "Enter"
	}
	return string(k)
}
