package gui

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/sessions"
)

// upperServer opens a server tab that answers in upper case.
func upperServer(t *testing.T, m *MainWindow) *SessionTab {
	t.Helper()
	s, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "server", URL: "tcp://127.0.0.1:0", Reply: "upper"}, StartOnOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	waitFor(t, "the server to listen", func() bool { return s.Session().State() == sessions.StateListening }, s)
	return s
}

// anyRow says whether a row of the tab's log contains text.
func anyRow(tab *SessionTab, text string) bool {
	for _, r := range rowTexts(tab.Traffic) {
		if strings.Contains(r, text) {
			return true
		}
	}
	return false
}

// The whole path a person takes: record a server tab while a python3
// client talks to it; the file is TCP as tshark follows it; File → Open
// capture lists the conversation; it opens as a read-only tab that frames
// it anew; it replays against another server, every reply as captured; a
// stand-in answers a python3 client as the captured server did.
func TestRecordOpenReplayStandIn(t *testing.T) {
	testkit.Need(t, "tshark")
	m := newTestMain(t)
	dir := testkit.TempDir(t)
	file := filepath.Join(dir, "upper.pcapng")

	server := upperServer(t, m)
	server.startRecordingTo(file)
	server.Refresh()
	if got := server.RecordInfo.Text; !strings.Contains(got, "upper.pcapng") || server.Record.Text != "Stop recording" {
		t.Fatalf("while recording, info %q and button %q", got, server.Record.Text)
	}
	if got := pyAsk(t, server.Session().Addr().String(), "hello", "world"); got != "HELLO\nWORLD\n" {
		t.Fatalf("the python3 client got %q", got)
	}
	waitFor(t, "the client's close in the log", func() bool { return anyRow(server, "closed") }, server)
	server.toggleRecord() // stops
	waitFor(t, "the recording to be saved", func() bool { return strings.HasPrefix(server.RecordInfo.Text, "saved upper.pcapng") }, server)
	if server.Record.Text != "Record…" {
		t.Errorf("after stopping, the button says %q", server.Record.Text)
	}
	client, answers := testkit.TsharkFollow(t, file, "tcp", 0)
	if string(client) != "hello\nworld\n" || string(answers) != "HELLO\nWORLD\n" {
		t.Fatalf("tshark follows %q and %q", client, answers)
	}

	// File → Open capture.
	ct := m.OpenCapture(file)
	waitForCapture(t, ct)
	if ct.rows() != 1 {
		t.Fatalf("%d conversations listed, want 1 (%s)", ct.rows(), ct.Problem.Text)
	}
	conv := ct.capture.Conversations[0]
	cells := make([]string, len(captureColumns))
	for i := range cells {
		cells[i] = conversationCell(ct.capture, conv, i)
	}
	if cells[0] != "tcp:0" || cells[2] != server.Session().Addr().String() || cells[4] != "12 B" || cells[5] != "12 B" || cells[8] != "closed (FIN both ways)" {
		t.Errorf("the row reads %q", cells)
	}
	if !strings.Contains(ct.Info.Text, "1 TCP stream, 0 UDP flows") || !ct.Open.Visible() || ct.Open.Disabled() {
		t.Errorf("info %q, Open disabled %v", ct.Info.Text, ct.Open.Disabled())
	}
	if again := m.OpenCapture(file); again != ct {
		t.Error("opening the same file again made a second tab")
	}

	// Open: a read-only tab of the conversation, framed anew on request.
	ct.Open.OnTapped()
	view := m.sessionTabs[len(m.sessionTabs)-1]
	if view.spec.Capture == nil || view.Item.Text != "upper.pcapng tcp:0" {
		t.Fatalf("Open made tab %q", view.Item.Text)
	}
	waitFor(t, "the conversation in the view", func() bool { return !view.loading && anyRow(view, "hello") }, view)
	if !strings.Contains(view.Totals.Text, "in (from the client) 12 B, 2 chunks") {
		t.Errorf("totals %q", view.Totals.Text)
	}
	f := newFramingForm(func() {})
	f.SetSpec("line")
	if err := view.applyFraming(f); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the messages cut by line", func() bool {
		n := view.Session().Counters()
		return !view.loading && n.MessagesIn == 2 && n.MessagesOut == 2
	}, view)

	// Replay as client against another upper-case server.
	target := upperServer(t, m)
	ct.Replay.OnTapped()
	d, ok := m.Dialog.(*ReplayDialog)
	if !ok {
		t.Fatalf("Replay as client… showed %T", m.Dialog)
	}
	if d.Address.Text != "tcp://"+server.Session().Addr().String() {
		t.Errorf("the dialog proposes %q, the captured server", d.Address.Text)
	}
	d.Address.SetText("nonsense://x")
	if d.Start.Disabled() != true || !d.Problem.Visible() {
		t.Errorf("a bad address left Start enabled (problem %q)", d.Problem.Text)
	}
	d.Address.SetText("tcp://" + target.Session().Addr().String())
	if d.Start.Disabled() {
		t.Fatalf("Start disabled: %s", d.Problem.Text)
	}
	d.Start.OnTapped()
	rp := m.sessionTabs[len(m.sessionTabs)-1]
	if rp.spec.Replay == nil || !strings.HasPrefix(rp.Item.Text, "") || !strings.Contains(rp.Item.Text, "Replay tcp:0") {
		t.Fatalf("Start made tab %q", rp.Item.Text)
	}
	waitFor(t, "the replay to end", func() bool { return rp.replay.verdict != "" && !rp.replay.running }, rp)
	if !rp.replay.ok {
		t.Errorf("replay verdict %q, want every reply as captured", rp.replay.verdict)
	}
	rp.Refresh()
	if rp.State.Importance == widget.DangerImportance || !strings.Contains(strings.ToLower(rp.State.Text), strings.ToLower(rp.replay.verdict[:10])) {
		t.Errorf("replay state %q (%v)", rp.State.Text, rp.State.Importance)
	}
	waitFor(t, "the target to see both lines", func() bool { return anyRow(target, "world") }, target)

	// Stand in as server, for a python3 client.
	ct.StandIn.OnTapped()
	d = m.Dialog.(*ReplayDialog)
	if !strings.HasPrefix(d.Address.Text, "tcp://127.0.0.1:") {
		t.Errorf("the stand-in proposes %q", d.Address.Text)
	}
	d.Address.SetText("tcp://127.0.0.1:0")
	d.Start.OnTapped()
	st := m.sessionTabs[len(m.sessionTabs)-1]
	waitFor(t, "the stand-in to listen", func() bool {
		return st.Session() != nil && st.Session().State() == sessions.StateListening && st.spec.Replay != nil
	}, st)
	if got := pyAsk(t, st.Session().Addr().String(), "hello", "world"); got != "HELLO\nWORLD\n" {
		t.Errorf("the stand-in answered %q", got)
	}
	waitFor(t, "the stand-in's answers in its log", func() bool { return anyRow(st, "HELLO") }, st)

	// The workspace keeps the capture tab, the view and the replays.
	m.saveWorkspaceLogged()
	raw, err := json.Marshal(m.Workspace)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"kind":"capture"`, `"capture":{"file":`, `"replay":{"file":`, `"stand_in":true`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("the workspace lacks %s: %s", want, raw)
		}
	}
	for _, tab := range []*SessionTab{st, rp, view} {
		m.removeSessionTab(tab)
	}
	m.closeAllSessions()
}

func waitForCapture(t *testing.T, ct *CaptureTab) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for ct.capture == nil && ct.readErr == nil {
		if time.Now().After(deadline) {
			t.Fatal("timed out reading the capture")
		}
		time.Sleep(10 * time.Millisecond)
		ct.Refresh()
	}
}

// A file that is no capture, and one cut short, are said in the tab in a
// sentence; what came before the cut is listed.
func TestCaptureTabBadFiles(t *testing.T) {
	m := newTestMain(t)
	dir := testkit.TempDir(t)
	bad := filepath.Join(dir, "notes.pcap")
	if err := os.WriteFile(bad, []byte("this is a text file, not a capture\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ct := m.OpenCapture(bad)
	waitForCapture(t, ct)
	if !ct.Problem.Visible() || ct.rows() != 0 || !ct.Open.Disabled() {
		t.Errorf("a text file: problem %q shown %v, %d rows", ct.Problem.Text, ct.Problem.Visible(), ct.rows())
	}
	whole, err := os.ReadFile(filepath.Join("..", "netcore", "pcap", "testdata", "lo-tshark.pcapng"))
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.pcapng")
	if err := os.WriteFile(cut, whole[:len(whole)*2/3], 0o600); err != nil {
		t.Fatal(err)
	}
	ct = m.OpenCapture(cut)
	waitForCapture(t, ct)
	if !ct.Problem.Visible() || !strings.Contains(ct.Problem.Text, "The conversations below are what came before it") || ct.rows() == 0 || ct.Open.Disabled() {
		t.Errorf("a file cut short: problem %q, %d rows", ct.Problem.Text, ct.rows())
	}
	gone := m.OpenCapture(filepath.Join(dir, "gone.pcapng"))
	waitForCapture(t, gone)
	if !strings.Contains(gone.Problem.Text, "gone.pcapng") {
		t.Errorf("a missing file: %q", gone.Problem.Text)
	}
	m.closeAllSessions()
}

// A capture's tab, a conversation opened from it and a replay of it come
// back with the workspace, in their places; the replay is not started.
func TestWorkspaceRestoresCaptureTabs(t *testing.T) {
	noPumps(t)
	a, _ := newStoredApp(t, nil)
	m := newWindowOn(t, a)
	file, err := filepath.Abs(filepath.Join("..", "netcore", "pcap", "testdata", "lo-tshark.pcapng"))
	if err != nil {
		t.Fatal(err)
	}
	ct := m.OpenCapture(file)
	waitForCapture(t, ct)
	ref := CaptureRef{File: file, Stream: "tcp:0"}
	m.openCaptureView(ref)
	if _, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "client", URL: "tcp://127.0.0.1:9"},
		Replay: &ReplayConfig{CaptureRef: ref, Pace: "fast"}}); err != nil {
		t.Fatal(err)
	}
	want := []string{"Welcome", "Capture lo-tshark.pcapng", "lo-tshark.pcapng tcp:0", "Replay tcp:0 to 127.0.0.1:9"}
	if got := tabTitles(m); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("tabs %q, want %q", got, want)
	}
	m.saveState()
	m.closeAllSessions()

	m2 := newWindowOn(t, a)
	if m2.Dialog != nil {
		t.Fatalf("dialog %T restoring captures", m2.Dialog)
	}
	if got := tabTitles(m2); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("restored tabs %q, want %q", got, want)
	}
	view, rp := m2.sessionTabs[0], m2.sessionTabs[1]
	waitFor(t, "the restored view to read its conversation", func() bool { return !view.loading && view.conv != nil }, view)
	if rp.replay.running || rp.Session().State() != sessions.StateNew {
		t.Errorf("the restored replay started (running %v, state %v)", rp.replay.running, rp.Session().State())
	}
	if len(m2.captureTabs) != 1 {
		t.Fatalf("%d capture tabs restored", len(m2.captureTabs))
	}
	waitForCapture(t, m2.captureTabs[0])
	if m2.captureTabs[0].rows() != 5 {
		t.Errorf("the restored capture lists %d conversations, want 5", m2.captureTabs[0].rows())
	}
	m2.closeAllSessions()
}

// UDP conversations stand in the same way: a UDP server recorded while a
// python3 client asks, opened, and stood in for; a python3 client gets
// the captured answers.
func TestStandInUDP(t *testing.T) {
	testkit.Need(t, "python3")
	testkit.NeedUDP(t)
	m := newTestMain(t)
	file := filepath.Join(testkit.TempDir(t), "udp.pcapng")
	server, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "server", URL: "udp://127.0.0.1:0", Reply: "upper"}, StartOnOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	waitFor(t, "the server to bind", func() bool { return server.Session().State() == sessions.StateListening }, server)
	server.startRecordingTo(file)
	ask := func(addr string) string {
		host, port, _ := strings.Cut(addr, ":")
		out, err := exec.Command("python3", "-c", `
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
got = b""
for q in (b"temp?", b"hum?"):
    s.sendto(q, (sys.argv[1], int(sys.argv[2])))
    got += s.recvfrom(100)[0] + b"|"
sys.stdout.write(got.decode())
`, host, port).Output()
		if err != nil {
			t.Fatalf("python3: %v", err)
		}
		return string(out)
	}
	if got := ask(server.Session().Addr().String()); got != "TEMP?|HUM?|" {
		t.Fatalf("the recorded server answered %q", got)
	}
	server.stopRecording()
	waitFor(t, "the recording saved", func() bool { return strings.HasPrefix(server.RecordInfo.Text, "saved udp.pcapng") }, server)

	ct := m.OpenCapture(file)
	waitForCapture(t, ct)
	if ct.rows() != 1 || ct.capture.Conversations[0].Proto != "udp" {
		t.Fatalf("%d conversations (%s)", ct.rows(), ct.Problem.Text)
	}
	ct.StandIn.OnTapped()
	d := m.Dialog.(*ReplayDialog)
	if !strings.HasPrefix(d.Address.Text, "udp://127.0.0.1:") {
		t.Errorf("the stand-in proposes %q", d.Address.Text)
	}
	d.Address.SetText("udp://127.0.0.1:0")
	d.Start.OnTapped()
	st := m.sessionTabs[len(m.sessionTabs)-1]
	defer st.Close()
	waitFor(t, "the stand-in to bind", func() bool {
		return st.spec.Replay != nil && st.Session() != nil && st.Session().State() == sessions.StateListening
	}, st)
	if got := ask(st.Session().Addr().String()); got != "TEMP?|HUM?|" {
		t.Errorf("the stand-in answered %q", got)
	}
	m.closeAllSessions()
}
