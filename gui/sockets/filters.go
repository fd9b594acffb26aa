package sockets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/gui/sockets/model"
)

func (t *Tab) buildFilters() {
	onChange := func() { t.readFilter() }
	// A click is saved in the workspace at once; typing is saved on Enter
	// or with the next save (as the composers' text is), not per keystroke.
	onClick := func() { t.readFilter(); t.changed() }
	t.TCP = widget.NewCheck("TCP", func(bool) { onClick() })
	t.UDP = widget.NewCheck("UDP", func(bool) { onClick() })
	t.Unix = widget.NewCheck("Unix", func(bool) { onClick() })
	t.TCP.Checked, t.UDP.Checked, t.Unix.Checked = true, true, false // ss -tuan: Unix sockets are many and rarely the point
	t.Family = widget.NewSelect(model.FamilyChoices, func(string) { onClick() })
	t.Family.Selected = model.FamilyAll
	t.State = widget.NewSelect(model.StateChoices, func(string) { onClick() })
	t.State.Selected = model.AnyState
	t.Listening = widget.NewCheck("Listening only", func(bool) { onClick() })
	t.Addr = widget.NewEntry()
	t.Addr.SetPlaceHolder("Address or :port")
	t.Addr.OnChanged = func(string) { onChange() }
	t.Process = widget.NewEntry()
	t.Process.SetPlaceHolder("Process")
	t.Process.OnChanged = func(string) { onChange() }
	t.Text = widget.NewEntry()
	t.Text.SetPlaceHolder("Text anywhere in the row")
	t.Text.OnChanged = func(string) { onChange() }
	for _, e := range []*widget.Entry{t.Addr, t.Process, t.Text} {
		e.OnSubmitted = func(string) { t.changed() }
	}
	t.FilterError = widget.NewLabel("")
	t.FilterError.Importance = widget.DangerImportance
	t.FilterError.Hide()

	labels := make([]string, len(model.Intervals))
	for i, iv := range model.Intervals {
		labels[i] = iv.Label
	}
	t.Interval = widget.NewSelect(labels, func(s string) {
		if d, ok := model.IntervalOf(s); ok {
			t.every.Store(int64(d))
		}
		t.kickList()
		t.changed()
	})
	t.Interval.Selected = "1 s"
	t.Pause = widget.NewButtonWithIcon("Pause", theme.MediaPauseIcon(), t.TogglePause)
	t.RefreshNow = widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), t.kickList)
}

func (t *Tab) filterBar() fyne.CanvasObject {
	// Fixed widths for the short entries; the free text takes the rest.
	sized := func(o fyne.CanvasObject, w float32) fyne.CanvasObject {
		return container.NewGridWrap(fyne.NewSize(w, o.MinSize().Height), o)
	}
	left := container.NewHBox(t.TCP, t.UDP, t.Unix, widget.NewSeparator(), t.Family, t.State, t.Listening,
		sized(t.Addr, 170), sized(t.Process, 130))
	return container.NewBorder(nil, nil, left, nil, t.Text)
}

// readFilter reads the filter bar and shows the listing through it; a
// value the parsers refuse is named under the bar and the previous filter
// stays.
func (t *Tab) readFilter() {
	if t.FilterError == nil || t.Text == nil {
		return // still building
	}
	v, err := model.FilterBar{
		TCP: t.TCP.Checked, UDP: t.UDP.Checked, Unix: t.Unix.Checked,
		Family: t.Family.Selected, State: t.State.Selected, ListeningOnly: t.Listening.Checked,
		Addr: t.Addr.Text, Process: t.Process.Text, Text: t.Text.Text,
	}.View()
	if err != nil {
		t.FilterError.SetText(err.Error())
		t.FilterError.Show()
		return
	}
	t.FilterError.Hide()
	t.view = v
	t.show()
}
