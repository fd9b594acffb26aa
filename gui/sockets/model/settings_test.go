package model

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSettingsChecked(t *testing.T) {
	good := Settings{Protocols: []string{"tcp", "unix"}, Family: "ipv4", State: "listening", Listening: true,
		Address: ":8080", Process: "sshd", Text: "x", Refresh: "5s", Paused: true, Sort: "local", SortDescending: true}
	tests := []struct {
		name  string
		in    Settings
		want  Settings
		notes []string // substrings, one per note, in order
	}{
		{"good", good, good, nil},
		{"zero is the defaults", Settings{}, Settings{}, nil},
		{"none checked stays none", Settings{Protocols: []string{}}, Settings{Protocols: []string{}}, nil},
		{"an unknown protocol is left out", Settings{Protocols: []string{"tcp", "sctp"}}, Settings{Protocols: []string{"tcp"}},
			[]string{`protocol "sctp" is not one of tcp, udp, unix, so it was left out`}},
		{"only unknown protocols: the default", Settings{Protocols: []string{"sctp"}}, Settings{},
			[]string{`protocol "sctp"`}},
		{"family", Settings{Family: "ipx"}, Settings{Family: "any"},
			[]string{`family "ipx" is not one of any, ipv4, ipv6; the default (IPv4 + IPv6) is used instead`}},
		{"state", Settings{State: "dancing"}, Settings{State: "any"},
			[]string{`state "dancing" is not a socket state or group sockplay offers`}},
		{"a group is a state", Settings{State: "connected"}, Settings{State: "connected"}, nil},
		{"texts of more than one line", Settings{Process: "a\nb", Text: "\x00"}, Settings{},
			[]string{"the process filter is not one line of text, so it was cleared", "the text filter is not one line"}},
		{"address", Settings{Address: "not an address!"}, Settings{},
			[]string{`the address filter "not an address!" is not usable (`}},
		{"refresh not offered", Settings{Refresh: "3s"}, Settings{},
			[]string{`refresh interval "3s" is not one of 500ms, 1s, 2s, 5s; the default (1s) is used instead`}},
		{"refresh not a duration", Settings{Refresh: "-5"}, Settings{}, []string{`refresh interval "-5"`}},
		{"refresh as written another way", Settings{Refresh: "500ms"}, Settings{Refresh: "500ms"}, nil},
		{"sort", Settings{Sort: "colour", SortDescending: true}, Settings{},
			[]string{`sort column "colour" is not one of netid, state, recv-q, send-q, local, peer, process; the kernel's order is used instead`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, notes := tt.in.Checked()
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Checked() = %+v\nwant %+v", got, tt.want)
			}
			if len(notes) != len(tt.notes) {
				t.Fatalf("notes %q, want %d", notes, len(tt.notes))
			}
			for i, w := range tt.notes {
				if !strings.Contains(notes[i], w) {
					t.Errorf("note %d = %q, want it to contain %q", i, notes[i], w)
				}
			}
			if again, more := got.Checked(); len(more) > 0 || !reflect.DeepEqual(again, got) {
				t.Errorf("checking again changes %+v: %q", got, more)
			}
		})
	}
}

func TestFamilyWordsAndChoices(t *testing.T) {
	for _, word := range []string{"any", "ipv4", "ipv6"} {
		if got := FamilyWord(FamilyChoice(word)); got != word {
			t.Errorf("FamilyWord(FamilyChoice(%q)) = %q", word, got)
		}
	}
	if FamilyChoice("") != FamilyAll || FamilyWord("") != "any" {
		t.Error("the empty word and choice are not the default")
	}
}

func TestRefreshWords(t *testing.T) {
	for _, iv := range Intervals {
		word := RefreshWord(iv.Every)
		got, ok := RefreshOf(word)
		if !ok || got != iv {
			t.Errorf("RefreshOf(RefreshWord(%v)) = %+v, %v", iv.Every, got, ok)
		}
		if d, ok := IntervalOf(iv.Label); !ok || d != iv.Every {
			t.Errorf("IntervalOf(%q) = %v, %v", iv.Label, d, ok)
		}
	}
	if w := RefreshWord(3 * time.Second); w != "" {
		t.Errorf("RefreshWord(3s) = %q, want none", w)
	}
	if _, ok := RefreshOf(""); ok {
		t.Error(`RefreshOf("") names an interval`)
	}
}

func TestColByKey(t *testing.T) {
	for i, c := range Columns {
		if got := ColByKey(c.Key); got != Col(i) || !got.Valid() {
			t.Errorf("ColByKey(%q) = %d, want %d", c.Key, got, i)
		}
	}
	if got := ColByKey("colour"); got != NoSort || got.Valid() {
		t.Errorf("ColByKey(colour) = %d", got)
	}
}
