package sockets

import (
	"slices"

	"fyne.io/fyne/v2"

	"github.com/sockplay/sockplay/gui/sockets/model"
)

// Settings is what the tab's filters, refresh and sort are now, as the
// workspace keeps them.
func (t *Tab) Settings() model.Settings {
	s := model.Settings{Protocols: []string{}, Family: model.FamilyWord(t.Family.Selected), State: "any",
		Listening: t.Listening.Checked, Address: t.Addr.Text, Process: t.Process.Text, Text: t.Text.Text,
		Paused: t.paused.Load(), SortDescending: t.sortDesc, Refresh: model.RefreshWord(t.RefreshEvery())}
	for _, p := range []struct {
		on   bool
		word string
	}{{t.TCP.Checked, "tcp"}, {t.UDP.Checked, "udp"}, {t.Unix.Checked, "unix"}} {
		if p.on {
			s.Protocols = append(s.Protocols, p.word)
		}
	}
	if st := t.State.Selected; st != "" && st != model.AnyState {
		s.State = st
	}
	if t.sortCol.Valid() {
		s.Sort = model.Columns[t.sortCol].Key
	}
	return s
}

// Apply sets the filters, refresh and sort from s, which Checked has
// passed. It neither lists nor saves: the pump, started after, lists
// unless paused.
func (t *Tab) Apply(s model.Settings) {
	if s.Protocols != nil {
		t.TCP.Checked = slices.Contains(s.Protocols, "tcp")
		t.UDP.Checked = slices.Contains(s.Protocols, "udp")
		t.Unix.Checked = slices.Contains(s.Protocols, "unix")
	}
	t.Family.Selected = model.FamilyChoice(s.Family)
	t.State.Selected = model.AnyState
	if s.State != "" && s.State != "any" {
		t.State.Selected = s.State
	}
	t.Listening.Checked = s.Listening
	for _, w := range []fyne.Widget{t.TCP, t.UDP, t.Unix, t.Family, t.State, t.Listening} {
		w.Refresh()
	}
	t.Addr.SetText(s.Address)
	t.Process.SetText(s.Process)
	t.Text.SetText(s.Text)
	if iv, ok := model.RefreshOf(s.Refresh); ok {
		t.every.Store(int64(iv.Every))
		t.Interval.Selected = iv.Label
		t.Interval.Refresh()
	}
	t.sortCol, t.sortDesc = model.NoSort, false
	if c := model.ColByKey(s.Sort); c != model.NoSort {
		t.sortCol, t.sortDesc = c, s.SortDescending
	}
	t.setPaused(s.Paused)
	t.readFilter()
}
