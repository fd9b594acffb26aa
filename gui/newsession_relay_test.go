package gui

import (
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/sessions"
)

// The dialog makes relays: listen address, target, what it will do in
// one line, and the engine's sentence for what cannot be relayed.
func TestRelayDialogSpec(t *testing.T) {
	tests := []struct {
		name, listen, target string
		wantTarget           string // the spec's target
		status               string // under the target
		problem              string // "" when Open is on
	}{
		{"tcp", "tcp://127.0.0.1:7000", "tcp://127.0.0.1:7001", "tcp://127.0.0.1:7001",
			"listens on 127.0.0.1:7000 and forwards each client to 127.0.0.1:7001", ""},
		{"no scheme takes the listener's", "tcp://127.0.0.1:7000", "127.0.0.1:7001", "tcp://127.0.0.1:7001",
			"forwards each client to 127.0.0.1:7001", ""},
		{"unix to tcp", "unix:///tmp/sp-relay-test.sock", "tcp://127.0.0.1:9000", "tcp://127.0.0.1:9000",
			"listens on /tmp/sp-relay-test.sock and forwards each client to 127.0.0.1:9000 (unix:// to tcp://)", ""},
		{"udp", "udp://127.0.0.1:5353", "udp://192.0.2.1:53", "udp://192.0.2.1:53",
			"gives each client address its own socket to 192.0.2.1:53", ""},
		{"tls target", "tcp://127.0.0.1:7000", "tls://example.org:443", "tls://example.org:443",
			"forwards each client to example.org:443 (tcp:// to tls://)", ""},
		{"stream to datagrams", "tcp://127.0.0.1:7000", "udp://127.0.0.1:7001", "udp://127.0.0.1:7001",
			"tcp:// carries a byte stream and udp:// carries datagrams: a relay joins two stream sockets",
			"target: tcp:// carries a byte stream and udp:// carries datagrams"},
		{"no target", "tcp://127.0.0.1:7000", "", "",
			"", "target: a relay needs a target"},
		{"bad target", "tcp://127.0.0.1:7000", "tcp://127.0.0.1:99999", "tcp://127.0.0.1:99999",
			"99999", "99999"},
	}
	_, d := openNewSession(t)
	d.SelectRelay()
	if !d.RowShown("target") || d.RowShown("reply") || d.RowShown("keepopen") || d.RowShown("reconnect") {
		t.Errorf("relay rows: target %v, reply %v, keep open %v, reconnect %v", d.RowShown("target"), d.RowShown("reply"), d.RowShown("keepopen"), d.RowShown("reconnect"))
	}
	if d.KindSummary.Text != relayKind.Summary {
		t.Errorf("summary %q", d.KindSummary.Text)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			retype(&d.Address.Entry, &d.Address.Entry, tt.listen)
			retype(&d.Target.Entry, &d.Target.Entry, tt.target)
			if !strings.Contains(d.TargetStatus.Text, tt.status) {
				t.Errorf("under the target: %q, want %q", d.TargetStatus.Text, tt.status)
			}
			if tt.problem != "" {
				wantProblem(t, d, tt.problem)
				return
			}
			s := mustSpec(t, d)
			if s.Role != "relay" || s.URL != tt.listen || s.Target != tt.wantTarget || s.Reply != "" {
				t.Errorf("spec %+v", s.Spec)
			}
			if tls := strings.HasPrefix(tt.wantTarget, "tls://"); d.RowShown("targettls") != tls || (s.TargetTLS != nil) != tls {
				t.Errorf("target TLS row shown %v, settings %+v; want them for a tls:// target only", d.RowShown("targettls"), s.TargetTLS)
			}
		})
	}

	// A tls:// target's client settings: verification skipped as a
	// visible choice, SNI; a CA file that is not there is named.
	retype(&d.Address.Entry, &d.Address.Entry, "tcp://127.0.0.1:7000")
	retype(&d.Target.Entry, &d.Target.Entry, "tls://127.0.0.1:8443")
	d.TargetTLS.SNI.SetText("plc.example")
	d.TargetTLS.Insecure.SetChecked(true)
	if s := mustSpec(t, d); s.TargetTLS == nil || !s.TargetTLS.Insecure || s.TargetTLS.SNI != "plc.example" || s.TLS != nil {
		t.Errorf("tls target settings: target %+v, listen side %+v", s.TargetTLS, s.TLS)
	}
	if !d.TargetTLS.Shown("insecurenote") || d.TargetTLS.Shown("names") {
		t.Error("the target's TLS section is not a client's: no insecure note, or a server's rows")
	}
	d.TargetTLS.Insecure.SetChecked(false)
	d.TargetTLS.Verify.SetSelected(tlsCAFile)
	d.TargetTLS.CAFile.SetText("/nonexistent/ca.pem")
	wantProblem(t, d, "target: TLS CA file")
	d.TargetTLS.Verify.SetSelected(tlsSystemRoots)

	// Back to a server: no target, the server's rows again.
	d.Reply.SetSelected("echo")
	d.SelectKind(true, netcore.SchemeTCP)
	retype(&d.Address.Entry, &d.Address.Entry, "tcp://127.0.0.1:7000")
	if s := mustSpec(t, d); s.Role != "server" || s.Target != "" || s.Reply != "echo" || d.RowShown("target") {
		t.Errorf("server after relay: %+v, target row shown %v", s.Spec, d.RowShown("target"))
	}

	// SetSpec then Spec keeps a relay whole, what the dialog does not edit too.
	in := SessionSpec{Spec: sessions.Spec{Role: "relay", URL: "tcp://127.0.0.1:7000", Target: "tls://127.0.0.1:7443", Framing: "line",
		TargetTLS: &netcore.TLSOptions{Insecure: true}, TargetOptions: netcore.Options{ConnectTimeout: 3 * time.Second}}, StartOnOpen: true}
	d.SetSpec(in)
	out := mustSpec(t, d)
	if out.Role != "relay" || out.Target != in.Target || out.Framing != "line" || out.TargetTLS == nil || !out.TargetTLS.Insecure || out.TargetOptions.ConnectTimeout != 3*time.Second {
		t.Errorf("SetSpec → Spec: %+v", out.Spec)
	}
}

// The welcome tab's relay card opens the dialog on a relay.
func TestWelcomeRelayCard(t *testing.T) {
	m := newTestMain(t)
	texts := strings.Join(shownTexts(m.Welcome.Content), "\n")
	if !strings.Contains(texts, relayKind.Example) || !strings.Contains(texts, relayKind.Summary) {
		t.Fatalf("the welcome tab has no relay card:\n%s", texts)
	}
	m.showNewSessionFor(relayKind)
	d, ok := m.Dialog.(*NewSessionDialog)
	if !ok || !d.relay() || !d.RowShown("target") {
		t.Fatalf("the relay card opened %T (relay %v)", m.Dialog, ok && d.relay())
	}
}
