package gui

import (
	"reflect"
	"sort"
	"sync"
	"testing"
	"unsafe"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// visibleObjects walks what o shows: containers' objects and widgets'
// rendered objects, leaving out hidden objects and everything under them.
func visibleObjects(o fyne.CanvasObject) []fyne.CanvasObject {
	if o == nil || !o.Visible() {
		return nil
	}
	out := []fyne.CanvasObject{o}
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			out = append(out, visibleObjects(c)...)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			out = append(out, visibleObjects(c)...)
		}
	}
	return out
}

// visibleButtons are the buttons o shows.
func visibleButtons(o fyne.CanvasObject) []*widget.Button {
	var bs []*widget.Button
	for _, x := range visibleObjects(o) {
		if b, ok := x.(*widget.Button); ok {
			bs = append(bs, b)
		}
	}
	return bs
}

// buttonLabelled finds a shown button by its text.
func buttonLabelled(o fyne.CanvasObject, text string) *widget.Button {
	for _, b := range visibleButtons(o) {
		if b.Text == text {
			return b
		}
	}
	return nil
}

// shownTexts are the texts of the labels o shows.
func shownTexts(o fyne.CanvasObject) []string {
	var out []string
	for _, x := range visibleObjects(o) {
		if l, ok := x.(*widget.Label); ok {
			out = append(out, l.Text)
		}
	}
	return out
}

// canvasShortcutNames are the names of every shortcut registered on a
// test window's canvas, by whatever code: the test driver's canvas keeps
// them in an unexported map of its fyne.ShortcutHandler, read here.
func canvasShortcutNames(t *testing.T, c fyne.Canvas) []string {
	t.Helper()
	v := reflect.ValueOf(c)
	for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	wc := v.FieldByName("WindowlessCanvas")
	if !wc.IsValid() {
		t.Fatalf("cannot read the shortcuts of %T", c)
	}
	inner := wc
	for inner.Kind() == reflect.Interface || inner.Kind() == reflect.Pointer {
		inner = inner.Elem()
	}
	sh := inner.FieldByName("ShortcutHandler")
	if !sh.IsValid() || !sh.CanAddr() {
		t.Fatalf("cannot read the shortcuts of %s", inner.Type())
	}
	entry := sh.FieldByName("entry")
	if !entry.IsValid() || entry.Type() != reflect.TypeOf(sync.Map{}) {
		t.Fatalf("fyne.ShortcutHandler changed: no entry sync.Map")
	}
	m := (*sync.Map)(unsafe.Pointer(entry.UnsafeAddr()))
	var names []string
	m.Range(func(k, _ any) bool {
		names = append(names, k.(string))
		return true
	})
	sort.Strings(names)
	return names
}
