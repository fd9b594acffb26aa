package gui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// Copy as and Export say what they did in the status line under the
// log, which is always there.
func TestCopyGivesFeedback(t *testing.T) {
	m := newTestMain(t)
	server, client := openPair(t, m)
	m.Window.Resize(fyne.NewSize(1200, 760))
	before := m.Window.Content().MinSize()
	client.Composer.Input.SetText(`hello\r\n`)
	client.Composer.SendOnce()
	waitFor(t, "the data", func() bool { return server.Session().Counters().BytesIn == 7 }, server, client)
	m.Tabs.Select(server.Item)
	server.Direction.SetSelected(dirIn)
	server.Traffic.List.Select(0)
	for _, tt := range []struct{ button, want string }{
		{"Hex", "✓ Copied 7 bytes as hex"},
		{"C array", "✓ Copied 7 bytes as C array"},
		{"Base64", "✓ Copied 7 bytes as base64"},
	} {
		test.Tap(server.Detail.Copy[tt.button])
		if server.History.Text != tt.want {
			t.Errorf("after Copy as %s the status line says %q, want %q", tt.button, server.History.Text, tt.want)
		}
	}
	if got := fyne.CurrentApp().Clipboard().Content(); got != "aGVsbG8NCg==" {
		t.Errorf("clipboard %q", got)
	}
	if after := m.Window.Content().MinSize(); after != before {
		t.Errorf("the window's minimum size went from %v to %v with a notice", before, after)
	}
	if got := exportedWords(1204, "x.txt"); got != "Exported 1,204 rows to x.txt" {
		t.Errorf("exportedWords = %q", got)
	}
	if got := copiedWords(1, "Go"); got != "Copied 1 byte as Go" {
		t.Errorf("copiedWords = %q", got)
	}
}
