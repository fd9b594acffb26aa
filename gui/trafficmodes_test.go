package gui

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/sessions"
)

// Rows show the first bytes in hex beside the text, or either alone.
func TestTrafficRowsShowHex(t *testing.T) {
	m := newTestMain(t)
	server, client := openPair(t, m)
	client.Composer.Mode.SetSelected("Hex")
	client.Composer.Input.SetText("01 03 00 00 00 0a c5 cd 99")
	client.Composer.SendOnce()
	waitFor(t, "9 bytes", func() bool { return server.Session().Counters().BytesIn == 9 }, server, client)
	server.Direction.SetSelected(dirIn)
	for _, tt := range []struct{ preview, want, not string }{
		{previewHexText, `01 03 00 00 00 0a c5 cd… \x01\x03\0\0\0\n`, ""},
		{previewHex, "01 03 00 00 00 0a c5 cd 99", `\x01`},
		{previewText, `9 B \x01\x03\0\0\0\n`, "01 03 00"},
	} {
		server.Preview.SetSelected(tt.preview)
		rows := strings.Join(rowTexts(server.Traffic), "\n")
		if !strings.Contains(rows, tt.want) || (tt.not != "" && strings.Contains(rows, tt.not)) {
			t.Errorf("%s: rows\n%s\nwant %q, not %q", tt.preview, rows, tt.want, tt.not)
		}
	}
}

// Messages mode shows what the framing means, both ways alike: payloads
// without their frames (the frame is in the detail pane); a raw session's
// chunks, since no framing decodes them; and bytes sent raw past the
// framing.
func TestMessagesModeBothWays(t *testing.T) {
	m := newTestMain(t)
	server, client := openFramedPair(t, m, "len:2:be")
	client.Composer.Input.SetText("status?")
	client.Composer.SendOnce()
	waitFor(t, "the frame at the server", func() bool { return server.Session().Counters().BytesIn == 9 }, server, client)

	client.ViewMode.SetSelected("Messages")
	rows := strings.Join(rowTexts(client.Traffic), "\n")
	if !strings.Contains(rows, "7 B") || !strings.Contains(rows, "status?") || strings.Contains(rows, "9 B") {
		t.Errorf("the client's Messages view shows the frame, not the payload:\n%s", rows)
	}
	client.Direction.SetSelected(dirOut)
	client.Traffic.List.Select(0)
	if f := client.Detail.Frame.Text; !client.Detail.Frame.Visible() || !strings.Contains(f, "00 07 [7 bytes of payload]") {
		t.Errorf("detail pane frame line %q", f)
	}

	// The server is raw: in Messages mode it shows its chunks.
	server.ViewMode.SetSelected("Messages")
	if rows := strings.Join(rowTexts(server.Traffic), "\n"); !strings.Contains(rows, "9 B") {
		t.Errorf("a raw session's Messages view lost its data:\n%s", rows)
	}
}

// A bad filter is said in the status line under the log, in place: the
// list keeps its place and size, and the error goes once the filter is good.
func TestFilterErrorDoesNotMoveTheLog(t *testing.T) {
	m := newTestMain(t)
	server, _ := openPair(t, m)
	m.Tabs.Select(server.Item)
	pos, size := server.Traffic.List.Position(), server.Traffic.List.Size()
	server.FilterRegex.SetChecked(true)
	server.FilterText.SetText("(unclosed")
	if !server.FilterError.Visible() || server.History.Visible() {
		t.Fatal("no filter error shown")
	}
	if server.Traffic.List.Position() != pos || server.Traffic.List.Size() != size {
		t.Errorf("the log moved: %v %v -> %v %v", pos, size, server.Traffic.List.Position(), server.Traffic.List.Size())
	}
	server.FilterText.SetText("ok")
	if server.FilterError.Visible() || !server.History.Visible() {
		t.Error("the error stayed after the filter was fixed")
	}
}

// The status line says what the view keeps and what it let go; the budget
// changes it at once and is kept with the tab.
func TestHistoryLineAndBudget(t *testing.T) {
	m := newTestMain(t)
	tab, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "server", URL: "tcp://127.0.0.1:0"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tab.Close)
	tab.refresh()
	if got := tab.History.Text; got != "Showing every event and the last 64 MiB of traffic" {
		t.Errorf("history %q", got)
	}
	tab.Budget.SetSelected("4 MiB")
	l := tab.Session().Log()
	if l.Budget() != 4<<20 || tab.Spec().LogBudget != 4<<20 {
		t.Fatalf("budget %d, spec %d", l.Budget(), tab.Spec().LogBudget)
	}
	for i := 0; i < 200; i++ {
		l.Add(sessions.Entry{Kind: sessions.KindDataIn, Peer: 1, Data: make([]byte, 64<<10)})
	}
	tab.refresh()
	if got := tab.History.Text; !strings.Contains(got, "Showing the last 4 MiB · ") || !strings.Contains(got, "rows not kept · Record… keeps it all") {
		t.Errorf("history %q", got)
	}
	file := filepath.Join(testkit.TempDir(t), "kept.pcapng")
	tab.startRecordingTo(file)
	tab.refresh()
	if got := tab.History.Text; !strings.HasSuffix(got, "rows not kept · all of it in kept.pcapng") {
		t.Errorf("while recording, history %q", got)
	}
	tab.stopRecording()
}
