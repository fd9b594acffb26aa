package gui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/sessions"
)

// receivedBytes is everything s's log holds as received data, in order.
func receivedBytes(s *sessions.Session) []byte {
	var b []byte
	s.Log().Range(0, func(e sessions.Entry) bool {
		if e.Kind == sessions.KindDataIn {
			b = append(b, e.Data...)
		}
		return true
	})
	return b
}

// The composer's framing box frames these sends differently from the
// session; a bad spec is named and nothing is sent.
func TestComposerFramingOverride(t *testing.T) {
	m := newTestMain(t)
	server, client := openFramedPair(t, m, "line")
	c := client.Composer
	wire := ""
	for _, tt := range []struct{ framing, text, adds string }{
		{"session", "a", "a\n"}, // the session's line framing
		{"raw", "b", "b"},       // bytes as they are
		{"len:2:be", "hi", "\x00\x02hi"},
		{"", "c", "c\n"}, // empty is the session's again
	} {
		c.Framing.SetText(tt.framing)
		c.Input.SetText(tt.text)
		c.SendOnce()
		if c.Status.Text != "" {
			t.Fatalf("framing %q: composer says %q", tt.framing, c.Status.Text)
		}
		wire += tt.adds
		waitFor(t, "the server to get "+tt.adds, func() bool { return string(receivedBytes(server.Session())) == wire }, server, client)
	}

	c.Framing.SetText("lne")
	if want := `composer framing: unknown framing "lne"`; !strings.HasPrefix(c.Status.Text, want) {
		t.Errorf("typing a bad spec shows %q, want it to start %q", c.Status.Text, want)
	}
	c.Input.SetText("never")
	c.SendOnce()
	c.Framing.SetText("line")
	c.Input.SetText(`x\ny`) // a newline inside a line frame
	c.SendOnce()
	if !strings.Contains(c.Status.Text, "framing") {
		t.Errorf("a payload the framing cannot carry shows %q", c.Status.Text)
	}
	client.Refresh()
	if got := string(receivedBytes(server.Session())); got != wire {
		t.Errorf("after refused sends the server has %q, want still %q", got, wire)
	}

	c.Framing.SetText("len:4:le")
	st := c.State()
	if st.Framing != "len:4:le" {
		t.Errorf("saved framing %q", st.Framing)
	}
	c.SetState(ComposerState{})
	if c.Framing.Text != framingSession || c.State().Framing != "" {
		t.Errorf("restored empty framing as %q", c.Framing.Text)
	}
	c.SetState(st)
	if c.Framing.Text != "len:4:le" {
		t.Errorf("restored framing %q", c.Framing.Text)
	}
}

// File mode sends the file the way the framing needs: behind a jsonhdr
// header naming it, or as one frame, not one frame per 64 KiB piece.
func TestComposerFileFollowsTheFraming(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789abcdef"), 12<<10) // 192 KiB, three pieces
	path := filepath.Join(t.TempDir(), "report.bin")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ session, override, wantHead string }{
		{"jsonhdr", "", string(framing.AppendJSONHdrHeader(nil, "report.bin", int64(len(body))))},
		{"raw", "len:4:be", "\x00\x03\x00\x00"},
		{"raw", "", ""},
	} {
		t.Run(tt.session+"+"+tt.override, func(t *testing.T) {
			m := newTestMain(t)
			server, client := openFramedPair(t, m, tt.session)
			c := client.Composer
			c.Mode.SetSelected("File")
			c.Framing.SetText(tt.override)
			c.Input.SetText(path)
			c.SendOnce()
			want := tt.wantHead + string(body)
			waitFor(t, "the whole file", func() bool { return len(receivedBytes(server.Session())) >= len(want) }, server, client)
			if got := receivedBytes(server.Session()); string(got) != want {
				t.Fatalf("wire has %d bytes starting %q, want %d starting %q", len(got), got[:min(len(got), 8)], len(want), want[:min(len(want), 8)])
			}
			waitFor(t, "the send to finish", func() bool { return !c.running.Load() }, client)
			c.refreshProgress()
			if got := c.Progress.Text; got != "sent 192.0 KiB of 192.0 KiB — done" {
				t.Errorf("progress %q", got)
			}
		})
	}
}
