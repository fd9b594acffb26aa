package model

import (
	"errors"
	"strings"

	"github.com/sockplay/sockplay/netcore/socktable"
)

// FilterBar is the filter bar as the person left it: what is checked,
// chosen and typed.
type FilterBar struct {
	TCP, UDP, Unix bool
	Family         string // one of FamilyChoices
	State          string // one of StateChoices ("" is AnyState)
	ListeningOnly  bool
	Addr, Process  string
	Text           string
}

// View is which rows of a listing the table shows.
type View struct {
	Filter        socktable.Filter
	ListeningOnly bool
}

// Keeps reports whether the table shows socket s.
func (v *View) Keeps(s *socktable.Socket) bool {
	return v.Filter.Match(s) && (!v.ListeningOnly || s.IsListener())
}

// noProto is a protocol set no socket has: the zero set means all, and
// nothing checked must show nothing.
const noProto socktable.ProtoSet = 1 << 7

// View reads the bar into a View. A value the parsers refuse is a
// sentence each, joined in one error; the View is then not to be used
// (the tab keeps the previous one).
func (b FilterBar) View() (View, error) {
	var f socktable.Filter
	if b.TCP {
		f.Protos |= socktable.ProtoTCP
	}
	if b.UDP {
		f.Protos |= socktable.ProtoUDP
	}
	if b.Unix {
		f.Protos |= socktable.ProtoUnix
	}
	if f.Protos == 0 {
		f.Protos = noProto
	}
	switch b.Family {
	case Family4:
		f.Families = socktable.FamilySetOf(socktable.IPv4, socktable.Unix)
	case Family6:
		f.Families = socktable.FamilySetOf(socktable.IPv6, socktable.Unix)
	}
	var problems []string
	if st := b.State; st != "" && st != AnyState {
		set, err := socktable.ParseStates(st)
		if err != nil {
			problems = append(problems, filterSentence(err))
		}
		f.States = set
	}
	am, err := socktable.ParseAddrMatch(strings.TrimSpace(b.Addr))
	if err != nil {
		problems = append(problems, filterSentence(err))
	}
	f.Addr = am
	f.Process = strings.TrimSpace(b.Process)
	f.Text = strings.TrimSpace(b.Text)
	if len(problems) > 0 {
		return View{}, errors.New(strings.Join(problems, "; "))
	}
	return View{Filter: f, ListeningOnly: b.ListeningOnly}, nil
}

// filterSentence is a parser's refusal without the ": bad socket filter"
// tag, which is for errors.Is, not for the person reading it.
func filterSentence(err error) string {
	s := strings.TrimSuffix(err.Error(), ": "+socktable.ErrBadFilter.Error())
	return strings.ToUpper(s[:1]) + s[1:]
}
