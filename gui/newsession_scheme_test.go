package gui

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/sockplay/sockplay/netcore"
)

func TestAddressURL(t *testing.T) {
	tests := []struct {
		text string
		sc   netcore.Scheme
		want string
	}{
		{"127.0.0.1:9000", netcore.SchemeTCP, "tcp://127.0.0.1:9000"},
		{" localhost:53 ", netcore.SchemeUDP, "udp://localhost:53"},
		{"9000", netcore.SchemeTCP, "tcp://:9000"},
		{":9000", netcore.SchemeUDP, "udp://:9000"},
		{"[::1]:9000", netcore.SchemeTCP, "tcp://[::1]:9000"},
		{"/tmp/s.sock", netcore.SchemeUnix, "unix:///tmp/s.sock"},
		{"@abstract", netcore.SchemeUnixgram, "unixgram://@abstract"},
		{"udp://127.0.0.1:9", netcore.SchemeTCP, "udp://127.0.0.1:9"}, // a typed scheme wins
		{"tcp:127.0.0.1:9", netcore.SchemeTCP, "tcp:127.0.0.1:9"},     // the parser names the missing //
		{"", netcore.SchemeTCP, ""},
	}
	for _, tt := range tests {
		if got := addressURL(tt.text, tt.sc); got != tt.want {
			t.Errorf("addressURL(%q, %s) = %q, want %q", tt.text, tt.sc, got, tt.want)
		}
	}
}

// An address typed without a scheme takes the kind's; the tab and the
// workspace keep the whole URL.
func TestNewSessionAddressWithoutScheme(t *testing.T) {
	m := newTestMain(t)
	m.ShowNewSession()
	d := m.Dialog.(*NewSessionDialog)
	d.SelectKind(true, netcore.SchemeTCP)
	d.StartNow.SetChecked(false)
	d.Address.SetText("127.0.0.1:0")
	if d.OpenButton.Disabled() || !strings.Contains(d.AddressStatus.Text, "kept as tcp://127.0.0.1:0") {
		t.Fatalf("open disabled %v; status %q; problem %q", d.OpenButton.Disabled(), d.AddressStatus.Text, d.Problem.Text)
	}
	d.SelectKind(true, netcore.SchemeUDP)
	if d.Address.Text != "127.0.0.1:0" {
		t.Errorf("TCP -> UDP changed the address to %q", d.Address.Text)
	}
	if spec, err := d.Spec(); err != nil || spec.URL != "udp://127.0.0.1:0" {
		t.Errorf("spec %q, %v", spec.URL, err)
	}
	d.SelectKind(true, netcore.SchemeUnix)
	if !strings.HasPrefix(d.Address.Text, "unix://") {
		t.Errorf("UDP -> Unix kept %q, which is no path", d.Address.Text)
	}
	path := filepath.Join(t.TempDir(), "s.sock")
	d.Address.SetText(path)
	if spec, err := d.Spec(); err != nil || spec.URL != "unix://"+path {
		t.Errorf("path: spec %q, %v", spec.URL, err)
	}
	d.Address.SetText("tcp:127.0.0.1:9")
	if !strings.Contains(d.AddressStatus.Text, `missing "://"`) || !d.OpenButton.Disabled() {
		t.Errorf("tcp: without //: status %q", d.AddressStatus.Text)
	}

	d.SelectKind(false, netcore.SchemeTCP)
	d.Address.SetText("127.0.0.1:9")
	test.Tap(d.OpenButton)
	tabs := m.SessionTabs()
	if len(tabs) != 1 || tabs[0].Spec().URL != "tcp://127.0.0.1:9" {
		t.Fatalf("opened %d tabs, URL %q", len(tabs), tabs[0].Spec().URL)
	}
	defer tabs[0].Close()
	if recent := m.Workspace.RecentAddresses(); !slices.Contains(recent, "tcp://127.0.0.1:9") {
		t.Errorf("recent addresses %v", recent)
	}
}
