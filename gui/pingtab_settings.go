package gui

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore/ping"
)

// What the workspace keeps of a Ping tab, and how it is read back: the
// form's text, checked by ping.Form as Start reads it.

// Family choices, as ping's -4 and -6.
const (
	famAny = "Any"
	famV4  = "IPv4 (-4)"
	famV6  = "IPv6 (-6)"
)

// PingSettings is a Ping tab's form as the workspace keeps it: each field's
// text as typed (empty is ping's default, as in the form), and the family.
type PingSettings struct {
	Target   string `json:"target,omitempty"`
	Family   string `json:"family,omitempty"` // "any" (or ""), "ipv4", "ipv6"
	Count    string `json:"count,omitempty"`
	Interval string `json:"interval,omitempty"`
	Size     string `json:"size,omitempty"`
	TTL      string `json:"ttl,omitempty"`
	Timeout  string `json:"timeout,omitempty"`
	Source   string `json:"source,omitempty"`
}

// pingFamilies maps the saved family words to the radio's choices.
var pingFamilies = map[string]string{"": famAny, "any": famAny, "ipv4": famV4, "ipv6": famV6}

// Settings is what the tab's form holds now.
func (t *PingTab) Settings() PingSettings {
	fam := "any"
	for word, choice := range pingFamilies {
		if word != "" && choice == t.Family.Selected {
			fam = word
		}
	}
	return PingSettings{Target: t.Target.Text, Family: fam, Count: t.Count.Text, Interval: t.Interval.Text,
		Size: t.Size.Text, TTL: t.TTL.Text, Timeout: t.Timeout.Text, Source: t.Source.Text}
}

func (t *PingTab) toolTab() ToolTab {
	s := t.Settings()
	return ToolTab{Kind: toolPing, Ping: &s}
}

// applySettings fills the form from s (checked) and names the tab after
// its target; it starts nothing.
func (t *PingTab) applySettings(s PingSettings) {
	t.Target.SetText(s.Target)
	t.Family.SetSelected(pingFamilies[s.Family])
	for _, f := range []struct {
		e    *widget.Entry
		text string
	}{{t.Count, s.Count}, {t.Interval, s.Interval}, {t.Size, s.Size}, {t.TTL, s.TTL}, {t.Timeout, s.Timeout}, {t.Source, s.Source}} {
		f.e.SetText(f.text)
	}
	if host := strings.TrimSpace(s.Target); host != "" {
		t.Item.Text = "Ping " + host
	}
}

// form is the settings as ping.Form reads them: the same text, field for
// field.
func (s PingSettings) form() ping.Form {
	return ping.Form{Host: s.Target, Family: s.Family, Count: s.Count, Interval: s.Interval,
		Size: s.Size, TTL: s.TTL, Timeout: s.Timeout, Source: s.Source}
}

// pingDefaults is, per form field, the text a field the form could not use
// is set back to, and how a sentence names that default.
var pingDefaults = map[string]struct{ text, words string }{
	ping.FieldFamily:   {"any", "any family"},
	ping.FieldCount:    {"", "until stopped"},
	ping.FieldInterval: {"1s", "1s"},
	ping.FieldSize:     {strconv.Itoa(ping.DefaultSize), strconv.Itoa(ping.DefaultSize) + " bytes"},
	ping.FieldTTL:      {"", "the system's"},
	ping.FieldTimeout:  {"", ping.DefaultTimeout.String()},
	ping.FieldSource:   {"", "any source address"},
}

// checked returns s with every value the form could not use (the ones
// Start would refuse, as ping.Form reads them) set back to the form's
// default, and a sentence for each. A missing target is no fault here: a
// saved tab may not have one yet.
func (s PingSettings) checked() (PingSettings, []string) {
	var notes []string
	for _, f := range []struct {
		name  string
		field *string
	}{{"target", &s.Target}, {"source", &s.Source}} {
		if !oneLine(*f.field) {
			*f.field = ""
			notes = append(notes, fmt.Sprintf("the %s is not one line of text; the default (empty) is used instead", f.name))
		}
	}
	fields := map[string]*string{ping.FieldFamily: &s.Family, ping.FieldCount: &s.Count, ping.FieldInterval: &s.Interval,
		ping.FieldSize: &s.Size, ping.FieldTTL: &s.TTL, ping.FieldTimeout: &s.Timeout, ping.FieldSource: &s.Source}
	_, err := s.form().Config()
	var bad ping.FormError
	errors.As(err, &bad)
	for _, fe := range bad {
		def, ok := pingDefaults[fe.Field]
		if !ok {
			continue // the target
		}
		*fields[fe.Field] = def.text
		notes = append(notes, fmt.Sprintf("%v; the default (%s) is used instead", fe, def.words))
	}
	return s, notes
}
