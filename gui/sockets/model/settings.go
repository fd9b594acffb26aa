package model

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/sockplay/sockplay/netcore/socktable"
)

// Settings is the Sockets tab's filters, refresh and sort as the
// workspace keeps them, in the words the filter parsers and ss use.
type Settings struct {
	// Protocols checked, of "tcp", "udp" and "unix". Absent is the tab's
	// default (tcp and udp); [] is none checked.
	Protocols []string `json:"protocols"`
	Family    string   `json:"family,omitempty"` // "any" (or ""), "ipv4", "ipv6"
	State     string   `json:"state,omitempty"`  // "any" (or ""), or a state or ss group: "listening", "time-wait"…
	Listening bool     `json:"listening_only,omitempty"`
	Address   string   `json:"address,omitempty"` // as typed: "127.0.0.1", ":8080"…
	Process   string   `json:"process,omitempty"`
	Text      string   `json:"text,omitempty"`
	Refresh   string   `json:"refresh,omitempty"` // "500ms", "1s", "2s" or "5s"; "" is 1s
	Paused    bool     `json:"paused,omitempty"`
	// Sort is the column sorted by ("netid", "state", "recv-q", "send-q",
	// "local", "peer", "process"); "" is the kernel's order.
	Sort           string `json:"sort,omitempty"`
	SortDescending bool   `json:"sort_descending,omitempty"`
}

// The family choices the filter bar offers.
const (
	FamilyAll = "IPv4 + IPv6"
	Family4   = "IPv4 only"
	Family6   = "IPv6 only"
)

// FamilyChoices are the family choices in the bar's order.
var FamilyChoices = []string{FamilyAll, Family4, Family6}

// familyChoice maps the saved family words to the bar's choices.
var familyChoice = map[string]string{"": FamilyAll, "any": FamilyAll, "ipv4": Family4, "ipv6": Family6}

// FamilyChoice is the bar's choice for a saved (checked) family word.
func FamilyChoice(word string) string { return familyChoice[word] }

// FamilyWord is the saved word for one of the bar's choices ("any" for
// anything else).
func FamilyWord(choice string) string {
	switch choice {
	case Family4:
		return "ipv4"
	case Family6:
		return "ipv6"
	}
	return "any"
}

// AnyState is the state choice that filters nothing.
const AnyState = "any state"

// StateChoices are any state, the ss groups, then single states.
var StateChoices = []string{AnyState, "listening", "established", "connected", "synchronized", "bucket", "big",
	"syn-sent", "syn-recv", "fin-wait-1", "fin-wait-2", "time-wait", "close-wait", "last-ack", "closing", "closed"}

// Interval is a refresh interval offered; the first listing runs at once.
type Interval struct {
	Label string
	Every time.Duration
}

// Intervals are the refresh intervals offered, and DefaultEvery the one a
// new tab uses.
var Intervals = []Interval{{"0.5 s", 500 * time.Millisecond}, {"1 s", time.Second}, {"2 s", 2 * time.Second}, {"5 s", 5 * time.Second}}

const DefaultEvery = time.Second

// IntervalOf is the offered interval labelled label, or false.
func IntervalOf(label string) (time.Duration, bool) {
	for _, iv := range Intervals {
		if iv.Label == label {
			return iv.Every, true
		}
	}
	return 0, false
}

// offered reports whether d is one of the intervals offered.
func offered(d time.Duration) (Interval, bool) {
	for _, iv := range Intervals {
		if iv.Every == d {
			return iv, true
		}
	}
	return Interval{}, false
}

// RefreshWord is the saved word for interval d, "" when d is not offered.
func RefreshWord(d time.Duration) string {
	if _, ok := offered(d); ok {
		return d.String()
	}
	return ""
}

// RefreshOf is the interval a saved (checked) refresh word names, and its
// label; false for "" (the tab keeps its default).
func RefreshOf(word string) (Interval, bool) {
	d, err := time.ParseDuration(word)
	if err != nil {
		return Interval{}, false
	}
	return offered(d)
}

// Checked returns s with every value the tab could not use set back to
// the tab's default, and a sentence for each.
func (s Settings) Checked() (Settings, []string) {
	var notes []string
	note := func(format string, a ...any) { notes = append(notes, fmt.Sprintf(format, a...)) }
	if s.Protocols != nil {
		var kept []string
		for _, p := range s.Protocols {
			switch p {
			case "tcp", "udp", "unix":
				kept = append(kept, p)
			default:
				note("protocol %q is not one of tcp, udp, unix, so it was left out", p)
			}
		}
		if len(kept) == 0 && len(s.Protocols) > 0 {
			kept = nil // only unknown ones: the default, rather than none
		} else if kept == nil {
			kept = []string{}
		}
		s.Protocols = kept
	}
	if _, ok := familyChoice[s.Family]; !ok {
		note("family %q is not one of any, ipv4, ipv6; the default (IPv4 + IPv6) is used instead", s.Family)
		s.Family = "any"
	}
	if s.State != "" && s.State != "any" && !slices.Contains(StateChoices, s.State) {
		note("state %q is not a socket state or group sockplay offers; the default (any state) is used instead", s.State)
		s.State = "any"
	}
	for _, f := range []struct {
		name  string
		field *string
	}{{"address filter", &s.Address}, {"process filter", &s.Process}, {"text filter", &s.Text}} {
		if !oneLine(*f.field) {
			note("the %s is not one line of text, so it was cleared", f.name)
			*f.field = ""
		}
	}
	if _, err := socktable.ParseAddrMatch(strings.TrimSpace(s.Address)); err != nil {
		note("the address filter %q is not usable (%s), so it was cleared", s.Address,
			strings.TrimSuffix(err.Error(), ": "+socktable.ErrBadFilter.Error()))
		s.Address = ""
	}
	if s.Refresh != "" {
		if _, ok := RefreshOf(s.Refresh); !ok {
			note("refresh interval %q is not one of 500ms, 1s, 2s, 5s; the default (1s) is used instead", s.Refresh)
			s.Refresh = ""
		}
	}
	if s.Sort != "" && ColByKey(s.Sort) == NoSort {
		keys := make([]string, NumCols)
		for i, c := range Columns {
			keys[i] = c.Key
		}
		note("sort column %q is not one of %s; the kernel's order is used instead", s.Sort, strings.Join(keys, ", "))
		s.Sort, s.SortDescending = "", false
	}
	return s, notes
}

// oneLine reports whether s fits a one-line entry: no control characters,
// not absurdly long. (The same rule as the workspace's for every saved
// text field.)
func oneLine(s string) bool {
	return len(s) <= 1000 && !strings.ContainsFunc(s, unicode.IsControl)
}
