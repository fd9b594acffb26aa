package gui

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/sessions"
)

// writeCert writes a self-signed certificate and key for names into dir
// and returns their paths.
func writeCert(t *testing.T, dir string, names ...string) (certPath, keyPath string) {
	t.Helper()
	_, certPEM, keyPEM, err := netcore.SelfSigned(names, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	certPath, keyPath = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certPath, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return certPath, keyPath
}

// The TLS section: what is filled in becomes Spec.TLS, and a spec fills
// the section back the same way.
func TestTLSDialogToSpecAndBack(t *testing.T) {
	dir := t.TempDir()
	cert, key := writeCert(t, dir, "localhost")
	keylog := filepath.Join(dir, "keys.log")
	tests := []struct {
		name   string
		server bool
		fill   func(f *TLSForm)
		want   netcore.TLSOptions
		shown  []string // rows that must be shown
		hidden []string
	}{
		{"server, self-signed by default", true, func(*TLSForm) {},
			netcore.TLSOptions{SelfSigned: []string{"localhost", "127.0.0.1"}},
			[]string{"source", "names", "savedir", "alpn", "minversion", "keylog"}, []string{"cert", "key", "verify", "insecure", "sni", "clientcert"}},
		{"server, self-signed kept, ALPN, 1.3, key log", true, func(f *TLSForm) {
			retype(f.SelfSigned, f.SelfSigned, "device.local, 10.0.0.5")
			test.Type(f.SaveDir, dir)
			test.Type(f.ALPN, "h2, http/1.1")
			f.MinVersion.SetSelected("1.3")
			test.Type(f.KeyLog, keylog)
		}, netcore.TLSOptions{SelfSigned: []string{"device.local", "10.0.0.5"}, SaveDir: dir, ALPN: []string{"h2", "http/1.1"}, MinVersion: "1.3", KeyLog: keylog}, nil, nil},
		{"server, files", true, func(f *TLSForm) {
			f.Source.SetSelected(tlsCertFiles)
			test.Type(f.CertFile, cert)
			test.Type(f.KeyFile, key)
		}, netcore.TLSOptions{CertFile: cert, KeyFile: key}, []string{"cert", "key"}, []string{"names", "savedir"}},
		{"client, system roots, SNI", false, func(f *TLSForm) {
			test.Type(f.SNI, "device.local")
			test.Type(f.ALPN, "h2")
		}, netcore.TLSOptions{SNI: "device.local", ALPN: []string{"h2"}},
			[]string{"verify", "insecure", "sni", "clientcert", "clientkey"}, []string{"source", "names", "ca", "insecurenote"}},
		{"client, CA file", false, func(f *TLSForm) {
			f.Verify.SetSelected(tlsCAFile)
			test.Type(f.CAFile, cert)
		}, netcore.TLSOptions{CAFile: cert}, []string{"ca"}, []string{"insecurenote"}},
		{"client, insecure", false, func(f *TLSForm) {
			f.Verify.SetSelected(tlsCAFile)
			test.Type(f.CAFile, cert)
			f.Insecure.SetChecked(true) // the CA file is put aside, not refused
		}, netcore.TLSOptions{Insecure: true}, []string{"insecure", "insecurenote"}, []string{"verify", "ca"}},
		{"client, client certificate", false, func(f *TLSForm) {
			test.Type(f.ClientCert, cert)
			test.Type(f.ClientKey, key)
			f.MinVersion.SetSelected("1.2")
		}, netcore.TLSOptions{ClientCert: cert, ClientKey: key, MinVersion: "1.2"}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, d := openNewSession(t)
			d.SelectKind(tt.server, netcore.SchemeTLS)
			if !d.RowShown("tls") {
				t.Fatal("no TLS section for tls://")
			}
			tt.fill(d.TLS)
			s := mustSpec(t, d)
			if s.TLS == nil || !reflect.DeepEqual(*s.TLS, tt.want) {
				t.Fatalf("spec TLS = %+v\nwant %+v", s.TLS, tt.want)
			}
			for _, r := range tt.shown {
				if !d.TLS.Shown(r) {
					t.Errorf("row %s hidden", r)
				}
			}
			for _, r := range tt.hidden {
				if d.TLS.Shown(r) {
					t.Errorf("row %s shown", r)
				}
			}
			if tt.want.Insecure && !strings.Contains(d.TLS.InsecureNote.Text, "Insecure") {
				t.Errorf("insecure note %q", d.TLS.InsecureNote.Text)
			}
			// Back: the spec fills a new dialog the same way.
			m.ShowNewSession()
			d2 := m.Dialog.(*NewSessionDialog)
			d2.SetSpec(s)
			if s2 := mustSpec(t, d2); !reflect.DeepEqual(s2.TLS, s.TLS) {
				t.Errorf("after SetSpec: %+v", s2.TLS)
			}
			// And away: another transport carries no TLS settings.
			d2.SelectKind(tt.server, netcore.SchemeTCP)
			if s3 := mustSpec(t, d2); s3.TLS != nil || d2.RowShown("tls") {
				t.Errorf("TCP kept TLS %+v (shown %v)", s3.TLS, d2.RowShown("tls"))
			}
		})
	}
}

// A bad TLS value is one sentence naming the field, Open stays off.
func TestTLSDialogBadValues(t *testing.T) {
	dir := t.TempDir()
	cert, key := writeCert(t, dir, "localhost")
	tests := []struct {
		name   string
		server bool
		fill   func(f *TLSForm)
		want   string
	}{
		{"no certificate file", true, func(f *TLSForm) { f.Source.SetSelected(tlsCertFiles) }, "TLS certificate file: choose the server's certificate"},
		{"missing certificate file", true, func(f *TLSForm) {
			f.Source.SetSelected(tlsCertFiles)
			test.Type(f.CertFile, "/nonexistent/cert.pem")
			test.Type(f.KeyFile, key)
		}, "TLS certificate file /nonexistent/cert.pem does not exist"},
		{"key is a folder", true, func(f *TLSForm) {
			f.Source.SetSelected(tlsCertFiles)
			test.Type(f.CertFile, cert)
			test.Type(f.KeyFile, dir)
		}, "TLS key file " + dir + " is a folder"},
		{"no names", true, func(f *TLSForm) { f.SelfSigned.SetText(" , ") }, "TLS self-signed names: write the host names"},
		{"bad name", true, func(f *TLSForm) { f.SelfSigned.SetText("localhost, a b") }, `TLS self-signed names: "a b" is neither a host name nor an IP address`},
		{"no such folder", true, func(f *TLSForm) { test.Type(f.SaveDir, "/nonexistent/dir") }, "TLS keep-it-in folder /nonexistent/dir does not exist"},
		{"CA file not chosen", false, func(f *TLSForm) { f.Verify.SetSelected(tlsCAFile) }, "TLS CA file: choose the authorities"},
		{"key without certificate", false, func(f *TLSForm) { test.Type(f.ClientKey, key) }, "TLS client certificate: choose the certificate"},
		{"bad SNI", false, func(f *TLSForm) { test.Type(f.SNI, "a b") }, `TLS SNI "a b" is not a host name`},
		{"key log folder", false, func(f *TLSForm) { test.Type(f.KeyLog, "/nonexistent/keys.log") }, "TLS key log: the folder /nonexistent does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, d := openNewSession(t)
			d.SelectKind(tt.server, netcore.SchemeTLS)
			tt.fill(d.TLS)
			wantProblem(t, d, tt.want)
			test.Tap(d.OpenButton)
			if len(m.SessionTabs()) != 0 {
				t.Errorf("a tab opened with %q", tt.want)
			}
		})
	}
}

// openTLSServer opens a TLS server tab on a free port with a self-signed
// certificate kept in dir, echoing, accepting ALPN h2.
func openTLSServer(t *testing.T, m *MainWindow, dir string) *SessionTab {
	t.Helper()
	srv, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "server", URL: "tls://127.0.0.1:0", Reply: "echo",
		TLS: &netcore.TLSOptions{SelfSigned: []string{"localhost", "127.0.0.1"}, SaveDir: dir, ALPN: []string{"h2"}}}, StartOnOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	waitFor(t, "the TLS server to listen", func() bool { return srv.Session().State() == sessions.StateListening }, srv)
	return srv
}

// A TLS server tab with a self-signed certificate, talked to by python3's
// ssl module: the header shows the certificate's fingerprint, the one the
// client saw; the log has the decrypted bytes both ways.
func TestTLSServerTabPythonClient(t *testing.T) {
	testkit.Need(t, "python3")
	m := newTestMain(t)
	srv := openTLSServer(t, m, t.TempDir())
	own := srv.Session().Certificate()
	if len(own) != 1 {
		t.Fatalf("own chain = %+v", own)
	}
	if !strings.Contains(srv.TLSLine.Text, own[0].SHA256) || !strings.Contains(srv.TLSLine.Text, "CN=localhost (self-signed)") {
		t.Errorf("server TLS line %q lacks its fingerprint %s", srv.TLSLine.Text, own[0].SHA256)
	}
	host, port, _ := strings.Cut(srv.Session().Addr().String(), ":")
	out, err := exec.Command("python3", "-c", `
import hashlib, socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
ctx.set_alpn_protocols(["h2"])
with socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5) as raw:
    with ctx.wrap_socket(raw, server_hostname="localhost") as s:
        s.sendall(b"hello tls\n")
        echo = s.recv(100)
        fp = hashlib.sha256(s.getpeercert(binary_form=True)).hexdigest().upper()
        print(":".join(fp[i:i+2] for i in range(0, len(fp), 2)), s.version(), s.selected_alpn_protocol(), echo.decode().strip())
`, host, port).CombinedOutput()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}
	fields := strings.Fields(string(out))
	if len(fields) < 4 || fields[0] != own[0].SHA256 || fields[1] != "TLSv1.3" || fields[2] != "h2" || fields[3] != "hello" {
		t.Fatalf("python3 saw %q; the tab shows SHA-256 %s", out, own[0].SHA256)
	}
	waitFor(t, "the echo in the log", func() bool { return srv.Session().Counters().BytesOut == 10 }, srv)
	if rows := strings.Join(rowTexts(srv.Traffic), "\n"); !strings.Contains(rows, `hello tls\n`) || !strings.Contains(rows, "TLS handshake done: TLS 1.3") {
		t.Errorf("server log lacks the decrypted bytes or the handshake:\n%s", rows)
	}

	// The Certificate panel shows the server's own chain, fingerprint to copy.
	test.Tap(srv.CertButton)
	d, ok := m.Dialog.(*CertDialog)
	if !ok {
		t.Fatalf("dialog %T", m.Dialog)
	}
	texts := strings.Join(shownTexts(d.Body), "\n")
	for _, want := range []string{"This server's certificate", own[0].SHA256, "localhost, 127.0.0.1", "CN=localhost,O=sockplay self-signed"} {
		if !strings.Contains(texts, want) {
			t.Errorf("certificate panel lacks %q:\n%s", want, texts)
		}
	}
	test.Tap(d.Copy[len(d.Copy)-1])
	if got := m.App.Clipboard().Content(); got != own[0].SHA256 {
		t.Errorf("clipboard %q, want the fingerprint", got)
	}
}

// A TLS client tab to a TLS server tab: the header line and the
// Certificate panel show version, suite, ALPN and the server's chain; a
// client that does not trust the certificate fails with the engine's
// sentence, red in the log.
func TestTLSClientTabCertificateView(t *testing.T) {
	m := newTestMain(t)
	dir := t.TempDir()
	srv := openTLSServer(t, m, dir)
	own := srv.Session().Certificate()[0]
	addr := srv.Session().Addr().String()

	cli, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "client", URL: "tls://" + addr,
		TLS: &netcore.TLSOptions{CAFile: filepath.Join(dir, netcore.SelfSignedCertFile), ALPN: []string{"h2"}}}, StartOnOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cli.Close)
	waitFor(t, "the TLS client to connect", func() bool { return cli.Session().State() == sessions.StateConnected }, cli)
	line := cli.TLSLine.Text
	if !strings.HasPrefix(line, "TLS 1.3 · TLS_") || !strings.Contains(line, " · h2 · CN=localhost (self-signed)") {
		t.Errorf("client TLS line %q", line)
	}
	test.Tap(cli.CertButton)
	d := m.Dialog.(*CertDialog)
	texts := strings.Join(append(shownTexts(d.Body), cardTitles(d.Body)...), "\n")
	for _, want := range []string{"Handshake with #1 " + addr, "TLS 1.3", "h2", "The server's certificate chain", "Certificate 1 of 1 (leaf)",
		"CN=localhost,O=sockplay self-signed", "localhost, 127.0.0.1", own.SHA256, "valid for 36"} {
		if !strings.Contains(texts, want) {
			t.Errorf("certificate panel lacks %q:\n%s", want, texts)
		}
	}
	d.Hide()

	// The server tab shows its peer's handshake too.
	waitFor(t, "the server's peer handshake", func() bool { return strings.HasPrefix(srv.TLSLine.Text, "#1: TLS 1.3") }, srv)

	// Without the CA file the handshake fails: the engine's sentence, in red.
	bad, err := m.OpenSession(SessionSpec{Spec: sessions.Spec{Role: "client", URL: "tls://" + addr}, StartOnOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(bad.Close)
	waitFor(t, "the handshake to fail", func() bool { return bad.Session().State() == sessions.StateFailed }, bad)
	found := false
	log := bad.Session().Log()
	for i := range log.Len() {
		e, _ := log.At(i)
		if e.Kind == sessions.KindError && strings.Contains(e.Text, "not trust") {
			found = true
			if c := cellsOf(&e, previewHexText); c.restColor != theme.ColorNameError {
				t.Errorf("handshake error row colour %v, want the error colour", c.restColor)
			}
		}
	}
	if !found {
		t.Errorf("no error row saying the certificate is not trusted:\n%s", strings.Join(rowTexts(bad.Traffic), "\n"))
	}
	waitFor(t, "the header to say why", func() bool { return strings.Contains(bad.State.Text, "not trust") }, bad)
}

func TestValidityWords(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	tests := []struct {
		name     string
		from, to time.Time
		want     string
		bad      bool
	}{
		{"valid", now.Add(-day), now.Add(30 * day), "valid for 30 days more", false},
		{"last hours", now.Add(-day), now.Add(time.Hour), "valid for less than a day more", false},
		{"expired", now.Add(-10 * day), now.Add(-3 * day), "expired: 3 days ago", true},
		{"not yet", now.Add(day), now.Add(10 * day), "not yet valid: from 2026-06-02 12:00:00 UTC", true},
	}
	for _, tt := range tests {
		c := netcore.CertInfo{Subject: "CN=x", Issuer: "CN=x", NotBefore: tt.from, NotAfter: tt.to, SHA256: "AB:CD"}
		got, bad := validityWords(c, now)
		if got != tt.want || bad != tt.bad {
			t.Errorf("%s: %q, %v; want %q, %v", tt.name, got, bad, tt.want, tt.bad)
		}
		f := certFields(c, now)
		if f[2].Name != "Valid" || f[2].Bad != tt.bad || !strings.Contains(f[2].Value, tt.want) {
			t.Errorf("%s: field %+v", tt.name, f[2])
		}
	}
}

// TLS settings are saved with the tab and come back.
func TestTLSWorkspaceRoundTrip(t *testing.T) {
	spec := SessionSpec{Spec: sessions.Spec{Role: "client", URL: "tls://127.0.0.1:8443",
		TLS: &netcore.TLSOptions{Insecure: true, SNI: "device.local", ALPN: []string{"h2", "http/1.1"}, MinVersion: "1.3"}}}
	data, err := json.Marshal(Workspace{Version: workspaceVersion, Tabs: []SessionSpec{spec}})
	if err != nil {
		t.Fatal(err)
	}
	a, path := newStoredApp(t, data)
	m := NewMainWindow(a, newTempWindow(t, nil))
	t.Cleanup(m.closeAllSessions)
	tabs := m.SessionTabs()
	if len(tabs) != 1 || !reflect.DeepEqual(tabs[0].Spec().TLS, spec.TLS) {
		t.Fatalf("restored %d tabs, TLS %+v", len(tabs), tabs[0].Spec().TLS)
	}
	if !strings.Contains(tabs[0].TLSLine.Text, "insecure") {
		t.Errorf("an insecure client's TLS line %q does not say so", tabs[0].TLSLine.Text)
	}
	if err := m.SaveWorkspace(); err != nil {
		t.Fatal(err)
	}
	again, p := loadWorkspace(path, time.Now())
	if p != nil || len(again.Tabs) != 1 || !reflect.DeepEqual(again.Tabs[0].TLS, spec.TLS) {
		t.Fatalf("saved again: %+v, problem %+v", again.Tabs, p)
	}
}

// cardTitles are the titles and subtitles of the cards o shows.
func cardTitles(o fyne.CanvasObject) []string {
	var out []string
	for _, x := range visibleObjects(o) {
		if c, ok := x.(*widget.Card); ok {
			out = append(out, c.Title, c.Subtitle)
		}
	}
	return out
}
