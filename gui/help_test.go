package gui

import (
	"slices"
	"testing"
)

// The Keyboard shortcuts sheet lists every shortcut registered on the
// window, by whatever code, and every one on a menu item, with its keys.
func TestShortcutSheetListsEveryShortcut(t *testing.T) {
	m := newTestMain(t)
	registered := canvasShortcutNames(t, m.Window.Canvas())
	for _, menu := range m.Window.MainMenu().Items {
		for _, it := range menu.Items {
			if it.Shortcut != nil {
				registered = append(registered, it.Shortcut.ShortcutName())
			}
		}
	}
	if len(registered) < 9 {
		t.Fatalf("only %d shortcuts found: %v", len(registered), registered)
	}

	menuItem(t, m, "Help", "Keyboard shortcuts").Action()
	if m.Dialog == nil {
		t.Fatal("Help → Keyboard shortcuts opened nothing")
	}
	shown := shownTexts(m.Window.Canvas().Overlays().Top())
	docs := m.shortcutDocs()
	for _, name := range registered {
		i := slices.IndexFunc(docs, func(d shortcutDoc) bool { return d.Shortcut != nil && d.Shortcut.ShortcutName() == name })
		if i < 0 {
			t.Errorf("%s is not on the sheet", name)
			continue
		}
		if !slices.Contains(shown, docs[i].Keys) || !slices.Contains(shown, docs[i].What) {
			t.Errorf("%s (%s) is not shown", name, docs[i].Keys)
		}
	}
	for _, keys := range []string{"Ctrl+T", "Ctrl+W", "Ctrl+Tab", "Ctrl+Shift+Tab", "Ctrl+Enter", "Ctrl+F", "Ctrl+L", "Ctrl+Q", "End", "Up / Down"} {
		if !slices.Contains(shown, keys) {
			t.Errorf("the sheet lacks %s; it shows %q", keys, shown)
		}
	}
}
