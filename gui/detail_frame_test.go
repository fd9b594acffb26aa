package gui

import (
	"strings"
	"testing"

	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/sessions"
)

// The detail pane's "on the wire" line says what the framing adds around
// a message: a length prefix, a delimiter, or nothing when the message is
// the whole frame (len with off= and no strip, as Modbus/TCP uses).
func TestDetailFrameLine(t *testing.T) {
	modbus := []byte{0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 2}
	for _, tc := range []struct {
		spec string
		data []byte
		want string
	}{
		{"len:2:be", []byte("status?"), "on the wire (len:2:be): 00 07 [7 bytes of payload] —"},
		{"line", []byte("hi"), "[2 bytes of payload] 0a"},
		{"len:2:be:off=4", modbus, "the message is the whole frame, header and length field included"},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			spec, err := framing.Parse(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			d := newDetailPane()
			d.framing = func() framing.Spec { return spec }
			d.showFrame(sessions.Entry{Kind: sessions.KindMessage, Data: tc.data})
			if !d.Frame.Visible() || !strings.Contains(d.Frame.Text, tc.want) {
				t.Errorf("frame line %q (shown %v), want it to contain %q", d.Frame.Text, d.Frame.Visible(), tc.want)
			}
		})
	}
}
