package replay

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/netcore/pcap"
)

func TestNewPlan(t *testing.T) {
	type turn struct {
		n       int
		req     string // "-" for none (a greeting)
		replies []string
	}
	lenTwo := framing.Spec{Kind: framing.KindLen, Width: 2}
	tests := []struct {
		name     string
		c        pcap.Conversation
		f        framing.Spec
		messages bool
		turns    []turn
		note     string
	}{
		{"raw tcp: chunks as captured", conv("tcp", cl("a"), sv("A1"), sv("A2"), cl("b"), cl("c"), sv("C")), framing.Spec{}, false,
			[]turn{{1, "a", []string{"A1", "A2"}}, {2, "b", nil}, {3, "c", []string{"C"}}}, ""},
		{"a greeting", conv("tcp", sv("220 ready"), cl("HELO"), sv("250 ok")), framing.Spec{}, false,
			[]turn{{0, "-", []string{"220 ready"}}, {1, "HELO", []string{"250 ok"}}}, ""},
		{"framed: split and merged frames", conv("tcp",
			cl(frame("hello")[:3]), cl(frame("hello")[3:]+frame("temp?")), // one split, one merged
			sv(frame("hi there")+frame("21.5 C")[:1]), sv(frame("21.5 C")[1:])), lenTwo, true,
			[]turn{{1, "hello", nil}, {2, "temp?", []string{"hi there", "21.5 C"}}}, ""},
		{"framed: a frame cut at the end", conv("tcp", cl(frame("hello")), sv(frame("hi there")), cl("\x00\x09abc")), lenTwo, true,
			[]turn{{1, "hello", []string{"hi there"}}}, "the client's last frame is incomplete at the end of the capture"},
		{"udp: datagrams", conv("udp", cl("hello"), sv("hi there"), cl(""), sv("empty")), framing.Spec{}, true,
			[]turn{{1, "hello", []string{"hi there"}}, {2, "", []string{"empty"}}}, ""},
		{"raw tcp: a gap", conv("tcp", cl("a"), pcap.Chunk{Data: []byte("B"), Gap: 5}), framing.Spec{}, false,
			[]turn{{1, "a", []string{"B"}}}, "5 bytes the server sent were never captured"},
		{"cut by the reader's limit", dropped(conv("tcp", cl("a"), sv("A")), 100, 2000), framing.Spec{}, false,
			[]turn{{1, "a", []string{"A"}}}, "the last 100 bytes of the client and 2000 of the server are not played"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPlan(tt.c, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if p.Messages != tt.messages {
				t.Errorf("Messages = %v, want %v", p.Messages, tt.messages)
			}
			if len(p.Turns) != len(tt.turns) {
				t.Fatalf("%d turns, want %d: %+v", len(p.Turns), len(tt.turns), p.Turns)
			}
			for i, w := range tt.turns {
				g := p.Turns[i]
				req := "-"
				if g.Request != nil {
					req = string(g.Request)
				}
				var reps []string
				for _, r := range g.Replies {
					reps = append(reps, string(r))
				}
				if g.N != w.n || req != w.req || strings.Join(reps, "|") != strings.Join(w.replies, "|") {
					t.Errorf("turn %d = %d %q %q, want %d %q %q", i, g.N, req, reps, w.n, w.req, w.replies)
				}
			}
			notes := strings.Join(p.Notes, "\n")
			if tt.note == "" && notes != "" || !strings.Contains(notes, tt.note) {
				t.Errorf("notes %q, want %q", notes, tt.note)
			}
		})
	}
}

func TestNewPlanOffsets(t *testing.T) {
	p, err := NewPlan(conv("tcp", at(sv("hi"), 0), at(cl("a"), 250*time.Millisecond), at(sv("A"), 260*time.Millisecond), at(cl("b"), time.Second)), framing.Spec{})
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{0, 250 * time.Millisecond, time.Second}
	for i, tr := range p.Turns {
		if tr.Offset != want[i] {
			t.Errorf("turn %d offset %v, want %v", i, tr.Offset, want[i])
		}
	}
}

func TestNewPlanRefuses(t *testing.T) {
	tests := []struct {
		name string
		c    pcap.Conversation
		has  string
	}{
		{"no data", conv("tcp"), "tcp conversation 0 carries no data"},
		{"server only", conv("tcp", sv("banner")), "the client of tcp conversation 0 sent nothing"},
		{"sctp", conv("sctp", cl("x")), `its protocol "sctp" is neither tcp nor udp`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewPlan(tt.c, framing.Spec{})
			if err == nil || !strings.Contains(err.Error(), tt.has) || !errors.Is(err, ErrNotReplayable) {
				t.Fatalf("err = %v, want one with %q matching ErrNotReplayable", err, tt.has)
			}
		})
	}
}

func dropped(c pcap.Conversation, client, server int64) pcap.Conversation {
	c.Dropped = [2]int64{client, server}
	return c
}
