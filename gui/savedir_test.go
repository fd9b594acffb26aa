package gui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/sessions"
)

// The Save-files row appears with jsonhdr only, and a folder that is not
// there is named before the tab can open.
func TestNewSessionSaveFolder(t *testing.T) {
	_, d := openNewSession(t)
	if d.rows["savedir"][1].Visible() {
		t.Fatal("save folder offered with raw framing")
	}
	d.Framing.SelectFraming("jsonhdr")
	if !d.rows["savedir"][1].Visible() {
		t.Fatal("save folder not offered with jsonhdr")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	os.WriteFile(file, nil, 0o600)
	for _, tt := range []struct{ folder, problem string }{
		{filepath.Join(dir, "missing"), "save folder " + filepath.Join(dir, "missing") + " does not exist"},
		{file, "save folder " + file + " is a file, not a folder"},
	} {
		d.SaveDir.SetText(tt.folder)
		wantProblem(t, d, tt.problem)
	}
	d.SaveDir.SetText(dir)
	if s := mustSpec(t, d); s.SaveDir != dir || s.Framing != "jsonhdr" {
		t.Errorf("spec framing %q save dir %q", s.Framing, s.SaveDir)
	}
	d.Framing.SelectFraming("line") // the folder only goes with jsonhdr
	if s := mustSpec(t, d); s.SaveDir != "" {
		t.Errorf("line framing kept save dir %q", s.SaveDir)
	}
}

func TestSaveFolderNeedsJSONHdr(t *testing.T) {
	for _, framing := range []string{"", "line"} {
		_, err := SessionSpec{Spec: sessions.Spec{Role: "server", URL: "tcp://127.0.0.1:0", Framing: framing, SaveDir: t.TempDir()}}.Config()
		if err == nil || !strings.Contains(err.Error(), "a save folder needs jsonhdr framing") {
			t.Errorf("framing %q: %v", framing, err)
		}
	}
}

// A file sent from one tab's composer lands in the other tab's folder, and
// the server's log says where.
func TestSessionTabSavesReceivedFiles(t *testing.T) {
	m := newTestMain(t)
	dir := t.TempDir()
	server, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "server", URL: "tcp://127.0.0.1:0", Framing: "jsonhdr", SaveDir: dir}, StartOnOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(server.Close)
	waitFor(t, "the server to listen", func() bool { return server.Session().State() == sessions.StateListening }, server)
	client, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "client", URL: "tcp://" + server.Session().Addr().String(), Framing: "jsonhdr"}, StartOnOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.Close)
	waitFor(t, "the client to connect", func() bool { return client.Session().State() == sessions.StateConnected }, server, client)

	src := filepath.Join(t.TempDir(), "firmware v2.bin")
	body := []byte(strings.Repeat("\x7fELF", 50000))
	os.WriteFile(src, body, 0o600)
	client.Composer.Mode.SetSelected("File")
	client.Composer.Input.SetText(src)
	client.Composer.SendOnce()
	want := filepath.Join(dir, "firmware v2.bin")
	waitFor(t, "the saved row", func() bool {
		return strings.Contains(strings.Join(rowTexts(server.Traffic), "\n"), "saved 200000 bytes from ")
	}, server, client)
	if got, err := os.ReadFile(want); err != nil || string(got) != string(body) {
		t.Fatalf("saved file: %d bytes, %v", len(got), err)
	}
	named := false // the row is cut to the view's width; the entry is whole
	server.Session().Log().Range(0, func(e sessions.Entry) bool {
		named = named || e.Kind == sessions.KindInfo && strings.HasSuffix(e.Text, " to "+want)
		return true
	})
	if !named {
		t.Errorf("no log entry names %s", want)
	}
}
