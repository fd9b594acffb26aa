package gui

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/sessions"
)

func openNewSession(t *testing.T) (*MainWindow, *NewSessionDialog) {
	t.Helper()
	m := newTestMain(t)
	m.ShowNewSession()
	d, ok := m.Dialog.(*NewSessionDialog)
	if !ok {
		t.Fatalf("dialog = %T, want *NewSessionDialog", m.Dialog)
	}
	return m, d
}

// retype clears e and types s into it key by key, as a person would.
func retype(e fyne.Focusable, entry *widget.Entry, s string) {
	entry.SetText("")
	test.Type(e, s)
}

func mustSpec(t *testing.T, d *NewSessionDialog) SessionSpec {
	t.Helper()
	s, err := d.Spec()
	if err != nil {
		t.Fatalf("spec: %v", err)
	}
	if d.OpenButton.Disabled() {
		t.Fatalf("Open disabled for a valid spec %+v (problem %q)", s, d.Problem.Text)
	}
	return s
}

func wantProblem(t *testing.T, d *NewSessionDialog, want string) {
	t.Helper()
	if !d.OpenButton.Disabled() {
		t.Errorf("Open enabled while %q", want)
	}
	if !d.Problem.Visible() || !strings.Contains(strings.ToLower(d.Problem.Text), strings.ToLower(want)) {
		t.Errorf("problem line = %q (visible %v), want it to say %q", d.Problem.Text, d.Problem.Visible(), want)
	}
}

func TestNewSessionStartsValid(t *testing.T) {
	_, d := openNewSession(t)
	s := mustSpec(t, d)
	if s.Role != "server" || s.URL != "tcp://127.0.0.1:9000" || !s.StartOnOpen {
		t.Fatalf("initial spec = %+v, want a TCP server on 127.0.0.1:9000 that starts now", s)
	}
}

func TestAddressValidatedAsYouType(t *testing.T) {
	_, d := openNewSession(t)
	bad := "tcp://127.0.0.1:99999"
	retype(&d.Address.Entry, &d.Address.Entry, bad)
	_, perr := netcore.ParseEndpoint(bad)
	if perr == nil {
		t.Fatal("the parser accepts the test's bad address")
	}
	if d.AddressStatus.Text != perr.Error() || d.AddressStatus.Importance != widget.DangerImportance {
		t.Errorf("under the address: %q (importance %v), want the parser's sentence %q in red", d.AddressStatus.Text, d.AddressStatus.Importance, perr)
	}
	if !d.OpenButton.Disabled() {
		t.Error("Open enabled with a bad address")
	}

	// Fix it by deleting the last digit, key by key.
	d.Address.Entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEnd})
	d.Address.Entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	d.Address.Entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	test.Type(&d.Address.Entry, "0")
	if d.Address.Text != "tcp://127.0.0.1:9990" {
		t.Fatalf("address = %q", d.Address.Text)
	}
	if d.OpenButton.Disabled() || d.AddressStatus.Importance == widget.DangerImportance {
		t.Errorf("still refused after the fix: %q / %q", d.AddressStatus.Text, d.Problem.Text)
	}

	meanings := []struct{ role, url, want string }{
		{"server", "tcp://:9000", "binds 127.0.0.1:9000 (loopback only"},
		{"server", "tcp://0.0.0.0:9000", "every IPv4 interface"},
		{"server", "udp://[::]:53", "every interface"},
		{"server", "tcp://127.0.0.1:0", "free port"},
		{"server", "unix:///tmp/x.sock", "creates the socket file /tmp/x.sock"},
		{"client", "tcp://example.org:80", "looked up"},
		{"client", "udp://127.0.0.1:5353", "sends datagrams to 127.0.0.1:5353"},
		{"client", "unixgram:///tmp/d", "temp path of its own"},
	}
	for _, tt := range meanings {
		d.SelectKind(tt.role == "server", netcore.SchemeTCP)
		retype(&d.Address.Entry, &d.Address.Entry, tt.url)
		if !strings.Contains(d.AddressStatus.Text, tt.want) || d.AddressStatus.Importance == widget.DangerImportance {
			t.Errorf("%s %s: status %q, want it to say %q", tt.role, tt.url, d.AddressStatus.Text, tt.want)
		}
	}

	// Address-only checks from the engine show under the address too.
	d.SelectKind(false, netcore.SchemeTCP)
	retype(&d.Address.Entry, &d.Address.Entry, "tcp://127.0.0.1:0")
	if !strings.Contains(d.AddressStatus.Text, "port 0") || !d.OpenButton.Disabled() {
		t.Errorf("client to port 0: status %q, Open disabled %v", d.AddressStatus.Text, d.OpenButton.Disabled())
	}
}

func TestEveryKindSelectable(t *testing.T) {
	_, d := openNewSession(t)
	for _, server := range []bool{true, false} {
		for _, tr := range families {
			name := kindTitle(tr.Scheme, server)
			d.SelectKind(server, tr.Scheme)
			s := mustSpec(t, d)
			ep, err := netcore.ParseEndpoint(s.URL)
			if err != nil || ep.Scheme != tr.Scheme {
				t.Errorf("%s: address %q does not fit the kind (%v)", name, s.URL, err)
			}
			if (s.Role == "server") != server {
				t.Errorf("%s: role %q", name, s.Role)
			}
			if !strings.Contains(s.Title(), name[:3]) {
				t.Errorf("%s: title %q", name, s.Title())
			}
			if d.KindSummary.Text == "" {
				t.Errorf("%s: no summary of the kind", name)
			}
			shown := map[string]bool{
				"reply":       d.RowShown("reply"),
				"nodelay":     d.RowShown("nodelay"),
				"unconnected": d.RowShown("unconnected"),
				"reconnect":   d.RowShown("reconnect"),
				"keepopen":    d.RowShown("keepopen"),
			}
			tcp := ep.Network() == "tcp" // tcp and tls
			want := map[string]bool{
				"reply":       server,
				"nodelay":     tcp,
				"unconnected": !server && tr.Scheme == netcore.SchemeUDP,
				"reconnect":   !server,
				"keepopen":    ep.Stream(),
			}
			if !reflect.DeepEqual(shown, want) {
				t.Errorf("%s: common options shown %v, want %v", name, shown, want)
			}
			if d.Options.KeepAlive.Visible() != tcp ||
				d.Options.Broadcast.Visible() != (tr.Scheme == netcore.SchemeUDP) ||
				d.Options.LocalAddr.Visible() == server ||
				d.Options.Backlog.Visible() != (server && ep.Stream()) {
				t.Errorf("%s: advanced rows shown do not fit the kind", name)
			}
			if d.RowShown("tls") != (tr.Scheme == netcore.SchemeTLS) {
				t.Errorf("%s: TLS section shown %v", name, d.RowShown("tls"))
			}
			if len(d.Address.PlaceHolder) == 0 || !strings.HasPrefix(d.Address.PlaceHolder, string(tr.Scheme)+"://") {
				t.Errorf("%s: placeholder %q", name, d.Address.PlaceHolder)
			}
		}
	}
}

func TestTransportKeepsAddress(t *testing.T) {
	_, d := openNewSession(t)
	retype(&d.Address.Entry, &d.Address.Entry, "tcp://10.0.0.1:7000")
	d.Transport.SetSelected("UDP")
	if d.Address.Text != "udp://10.0.0.1:7000" {
		t.Errorf("tcp -> udp: address %q, want host and port kept", d.Address.Text)
	}
	d.Transport.SetSelected("Unix stream")
	if !strings.HasPrefix(d.Address.Text, "unix://") {
		t.Errorf("udp -> unix: address %q", d.Address.Text)
	}
	retype(&d.Address.Entry, &d.Address.Entry, "unix:///tmp/a.sock")
	d.Transport.SetSelected("Unix datagram")
	if d.Address.Text != "unixgram:///tmp/a.sock" {
		t.Errorf("unix -> unixgram: %q, want the path kept", d.Address.Text)
	}
	// Typing another scheme moves the transport select.
	retype(&d.Address.Entry, &d.Address.Entry, "udp://127.0.0.1:53")
	if d.Transport.Selected != "UDP" {
		t.Errorf("typed udp://, transport = %q", d.Transport.Selected)
	}
	// A recent address picked from the drop-down does the same.
	d.Address.SetText("tcp://127.0.0.1:1")
	if d.Transport.Selected != "TCP" {
		t.Errorf("picked tcp://, transport = %q", d.Transport.Selected)
	}
}

func TestRecentAddressesOffered(t *testing.T) {
	m := newTestMain(t)
	m.Workspace.AddRecent("udp://127.0.0.1:5000")
	m.Workspace.AddRecent("tcp://127.0.0.1:6000")
	m.ShowNewSession()
	d := m.Dialog.(*NewSessionDialog)
	if got := d.Offered; !reflect.DeepEqual(got, []string{"tcp://127.0.0.1:6000", "udp://127.0.0.1:5000"}) {
		t.Fatalf("drop-down = %q, want the recent addresses, newest first", got)
	}
}

func TestPresetsFillTheForm(t *testing.T) {
	m, d := openNewSession(t)
	if len(d.Presets) != len(Presets()) || len(d.Presets) != 4 {
		t.Fatalf("%d preset buttons", len(d.Presets))
	}
	tests := []struct {
		button    string
		transport string
		check     func(s SessionSpec) bool
	}{
		{"TCP echo server", "TCP", func(s SessionSpec) bool {
			return s.Role == "server" && s.URL == "tcp://127.0.0.1:9000" && s.Reply == "echo"
		}},
		{"UDP echo server", "UDP", func(s SessionSpec) bool {
			return s.Role == "server" && s.URL == "udp://127.0.0.1:9000" && s.Reply == "echo"
		}},
		{"Unix echo server", "Unix stream", func(s SessionSpec) bool {
			ep, err := netcore.ParseEndpoint(s.URL)
			return err == nil && s.Role == "server" && ep.Scheme == netcore.SchemeUnix && s.Reply == "echo" &&
				strings.HasPrefix(ep.Path, socketDir()) && strings.HasSuffix(ep.Path, ".sock")
		}},
		{"HTTP GET client", "TCP", func(s SessionSpec) bool {
			return s.Role == "client" && s.URL == "tcp://127.0.0.1:8080" && s.Framing == "http" && s.Reply == "" &&
				s.Composer == ComposerState{Mode: "text", Text: `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`, LineEnding: "none"}
		}},
	}
	for i, tt := range tests {
		// Start from something else each time, so the preset must set every field.
		d.SetSpec(SessionSpec{Spec: sessions.Spec{Role: "client", URL: "unixgram:///tmp/zz", Framing: "len:2", AutoReconnect: true}})
		b := d.Presets[i]
		if b.Text != tt.button {
			t.Fatalf("button %d = %q, want %q", i, b.Text, tt.button)
		}
		test.Tap(b)
		s := mustSpec(t, d)
		if !tt.check(s) || d.Transport.Selected != tt.transport || !s.StartOnOpen {
			t.Errorf("%s filled %+v (transport %q)", tt.button, s, d.Transport.Selected)
		}
		if len(m.SessionTabs()) != 0 || m.Dialog != d {
			t.Fatalf("%s opened something; a preset only fills the form", tt.button)
		}
	}
	// The form stays editable after a preset.
	retype(&d.Address.Entry, &d.Address.Entry, "tcp://127.0.0.1:8081")
	if s := mustSpec(t, d); s.URL != "tcp://127.0.0.1:8081" || s.Framing != "http" {
		t.Errorf("edited preset: %+v", s)
	}
	if !d.ComposerNote.Visible() || !strings.Contains(d.ComposerNote.Text, "GET / HTTP/1.1") {
		t.Errorf("composer note %q does not show the request", d.ComposerNote.Text)
	}
}

func TestAdvancedOptionsEndUpInSpec(t *testing.T) {
	on, off, zero, five := true, false, 0, 5
	tests := []struct {
		name   string
		server bool
		scheme netcore.Scheme
		fill   func(f *OptionsForm)
		want   netcore.Options
	}{
		{"reuseaddr off", true, netcore.SchemeTCP, func(f *OptionsForm) { f.ReuseAddr.SetSelected(triOff) }, netcore.Options{ReuseAddr: &off}},
		{"reuseaddr on", false, netcore.SchemeUDP, func(f *OptionsForm) { f.ReuseAddr.SetSelected(triOn) }, netcore.Options{ReuseAddr: &on}},
		{"reuseport", true, netcore.SchemeUDP, func(f *OptionsForm) { f.ReusePort.SetChecked(true) }, netcore.Options{ReusePort: true}},
		{"buffers", true, netcore.SchemeUnix, func(f *OptionsForm) {
			test.Type(f.SendBuffer, "4096")
			test.Type(f.RecvBuffer, " 65536 ")
		}, netcore.Options{SendBuffer: 4096, RecvBuffer: 65536}},
		{"linger 0 (RST)", false, netcore.SchemeTCP, func(f *OptionsForm) { test.Type(f.Linger, "0") }, netcore.Options{Linger: &zero}},
		{"linger 5", true, netcore.SchemeTCP, func(f *OptionsForm) { test.Type(f.Linger, "5") }, netcore.Options{Linger: &five}},
		{"ttl", false, netcore.SchemeUDP, func(f *OptionsForm) { test.Type(f.TTL, "64") }, netcore.Options{TTL: 64}},
		{"keepalive", false, netcore.SchemeTCP, func(f *OptionsForm) {
			f.KeepAlive.SetChecked(true)
			test.Type(f.KeepIdle, "30s")
			test.Type(f.KeepInterval, "5s")
			test.Type(f.KeepCount, "4")
		}, netcore.Options{KeepAlive: &netcore.KeepAlive{Idle: 30 * time.Second, Interval: 5 * time.Second, Count: 4}}},
		{"keepalive on, kernel defaults", true, netcore.SchemeTCP, func(f *OptionsForm) { f.KeepAlive.SetChecked(true) },
			netcore.Options{KeepAlive: &netcore.KeepAlive{}}},
		{"broadcast", false, netcore.SchemeUDP, func(f *OptionsForm) { f.Broadcast.SetChecked(true) }, netcore.Options{Broadcast: true}},
		{"multicast server", true, netcore.SchemeUDP, func(f *OptionsForm) {
			test.Type(f.Joins, "239.1.2.3@lo, ff02::1:3\n[::1]>[ff3e::1]")
			test.Type(f.MulticastInterface, "lo")
		}, netcore.Options{Multicast: &netcore.Multicast{Joins: []string{"239.1.2.3@lo", "ff02::1:3", "::1>ff3e::1"}, Interface: "lo"}}},
		{"multicast client", false, netcore.SchemeUDP, func(f *OptionsForm) {
			test.Type(f.MulticastInterface, "lo")
			test.Type(f.MulticastTTL, "4")
			f.MulticastLoopback.SetSelected(triOff)
		}, netcore.Options{Multicast: &netcore.Multicast{Interface: "lo", TTL: 4, Loopback: &off}}},
		{"local address", false, netcore.SchemeTCP, func(f *OptionsForm) { test.Type(f.LocalAddr, "127.0.0.1:0") }, netcore.Options{LocalAddr: "127.0.0.1:0"}},
		{"local unix path", false, netcore.SchemeUnixgram, func(f *OptionsForm) { test.Type(f.LocalAddr, "/tmp/me.dgram") }, netcore.Options{LocalAddr: "/tmp/me.dgram"}},
		{"bind device", true, netcore.SchemeTCP, func(f *OptionsForm) { test.Type(f.BindDevice, "lo") }, netcore.Options{BindDevice: "lo"}},
		{"backlog", true, netcore.SchemeUnix, func(f *OptionsForm) { test.Type(f.Backlog, "16") }, netcore.Options{Backlog: 16}},
		{"timeouts", false, netcore.SchemeTCP, func(f *OptionsForm) {
			test.Type(f.ConnectTimeout, "2s")
			test.Type(f.ResolveTimeout, "1500ms")
			test.Type(f.IdleTimeout, "1m")
		}, netcore.Options{ConnectTimeout: 2 * time.Second, ResolveTimeout: 1500 * time.Millisecond, IdleTimeout: time.Minute}},
		{"idle timeout server", true, netcore.SchemeUDP, func(f *OptionsForm) { test.Type(f.IdleTimeout, "10s") }, netcore.Options{IdleTimeout: 10 * time.Second}},
		{"nodelay off", false, netcore.SchemeTCP, nil, netcore.Options{NoDelay: &off}},
		// A value left in a row hidden for this kind is ignored, not an error.
		{"hidden rows ignored", true, netcore.SchemeUnix, func(f *OptionsForm) {
			f.ReuseAddr.SetSelected(triOn)
			test.Type(f.TTL, "9")
			test.Type(f.LocalAddr, "1.2.3.4:5")
		}, netcore.Options{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, d := openNewSession(t)
			d.SelectKind(tt.server, tt.scheme)
			if tt.fill != nil {
				tt.fill(d.Options)
			} else {
				d.NoDelay.SetChecked(false)
			}
			s := mustSpec(t, d)
			if !reflect.DeepEqual(s.Options, tt.want) {
				t.Errorf("options = %+v\nwant %+v", s.Options, tt.want)
			}
			// And back: a spec with those options fills the form the same way.
			m.ShowNewSession()
			d2 := m.Dialog.(*NewSessionDialog)
			d2.SetSpec(s)
			if s2 := mustSpec(t, d2); !reflect.DeepEqual(s2.Options, tt.want) {
				t.Errorf("after SetSpec: %+v", s2.Options)
			}
		})
	}
}

func TestBadNumbersNamed(t *testing.T) {
	tests := []struct {
		name   string
		server bool
		scheme netcore.Scheme
		fill   func(f *OptionsForm)
		want   string
	}{
		{"rcvbuf 12k", true, netcore.SchemeTCP, func(f *OptionsForm) { test.Type(f.RecvBuffer, "12k") }, `receive buffer "12k" is not a whole number of bytes`},
		{"sndbuf negative", true, netcore.SchemeTCP, func(f *OptionsForm) { test.Type(f.SendBuffer, "-1") }, `send buffer -1 is negative`},
		{"sndbuf huge", true, netcore.SchemeTCP, func(f *OptionsForm) { test.Type(f.SendBuffer, "99999999999999999999") }, `send buffer 99999999999999999999 is too large`},
		{"linger", false, netcore.SchemeTCP, func(f *OptionsForm) { test.Type(f.Linger, "soon") }, `linger "soon" is not a whole number of seconds`},
		{"ttl", false, netcore.SchemeUDP, func(f *OptionsForm) { test.Type(f.TTL, "300") }, `TTL 300 is out of range 1-255`},
		{"keepalive idle", false, netcore.SchemeTCP, func(f *OptionsForm) {
			f.KeepAlive.SetChecked(true)
			test.Type(f.KeepIdle, "30")
		}, `keepalive idle time "30" needs a unit`},
		{"connect timeout", false, netcore.SchemeTCP, func(f *OptionsForm) { test.Type(f.ConnectTimeout, "fast") }, `connect timeout "fast" is not a duration`},
		{"idle timeout negative", true, netcore.SchemeUDP, func(f *OptionsForm) { test.Type(f.IdleTimeout, "-5s") }, `idle timeout -5s is negative`},
		{"backlog", true, netcore.SchemeTCP, func(f *OptionsForm) { test.Type(f.Backlog, "1.5") }, `backlog "1.5" is not a whole number`},
		{"multicast TTL", false, netcore.SchemeUDP, func(f *OptionsForm) { test.Type(f.MulticastTTL, "256") }, `multicast TTL 256 is out of range 0-255`},
		{"local address", false, netcore.SchemeUDP, func(f *OptionsForm) { test.Type(f.LocalAddr, "nocolon") }, `local address "nocolon"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, d := openNewSession(t)
			d.SelectKind(tt.server, tt.scheme)
			tt.fill(d.Options)
			wantProblem(t, d, tt.want)
			if !d.Options.Status.Visible() && !strings.Contains(tt.want, "multicast group \"") && !strings.Contains(tt.want, "local address") {
				t.Errorf("no red line under the advanced options")
			}
		})
	}
}

func TestFramingForm(t *testing.T) {
	_, d := openNewSession(t)
	f := d.Framing
	f.SelectFraming("len")
	f.Order.SetSelected(orderLE)
	if f.Spec.Text != "len:4:le" {
		t.Fatalf("len, width 4, little-endian wrote %q", f.Spec.Text)
	}
	f.Width.SetSelected("2")
	f.Incl.SetChecked(true)
	if f.Spec.Text != "len:2:le:incl" {
		t.Fatalf("spec = %q", f.Spec.Text)
	}
	if !f.Shown(f.Width) || !f.Shown(f.Order) || !f.Shown(f.Incl) || f.Shown(f.Delim) || f.Shown(f.Size) || f.Shown(f.Keep) {
		t.Error("len shows other framings' parameters or hides its own")
	}
	if s := mustSpec(t, d); s.Framing != "len:2:le:incl" {
		t.Errorf("spec framing = %q", s.Framing)
	}

	// Typing the spec: the parser's sentence while it is wrong.
	retype(f.Spec, f.Spec, "len:3")
	_, perr := framing.Parse("len:3")
	if f.Status.Text != perr.Error() || f.Status.Importance != widget.DangerImportance {
		t.Errorf("status %q, want the parser's %q in red", f.Status.Text, perr)
	}
	wantProblem(t, d, perr.Error())

	// A good spec typed by hand sets the parameters.
	retype(f.Spec, f.Spec, "delim:0d0a:keep")
	if f.Kind.Selected != "delim — ends at bytes you choose" || f.Delim.Text != "0d0a" || !f.Keep.Checked || !f.Shown(f.Delim) {
		t.Errorf("delim typed: kind %q delim %q keep %v", f.Kind.Selected, f.Delim.Text, f.Keep.Checked)
	}
	if f.Spec.Text != "delim:0d0a:keep" {
		t.Errorf("the typed text was rewritten to %q", f.Spec.Text)
	}
	// A bad parameter shows the parser's sentence too.
	retype(f.Delim, f.Delim, "zz")
	if f.Spec.Text != "delim:zz:keep" || f.Status.Importance != widget.DangerImportance {
		t.Errorf("bad delimiter: spec %q status %q", f.Spec.Text, f.Status.Text)
	}

	f.Delim.SetText("00")
	for _, c := range framingChoices {
		f.SelectFraming(c.name)
		if _, err := framing.Parse(f.Spec.Text); err != nil {
			t.Errorf("%s with default parameters writes %q: %v", c.name, f.Spec.Text, err)
		}
	}
	f.SelectFraming("idle")
	retype(f.Gap, f.Gap, "1m")
	if f.Gap.Text != "1m" || f.Spec.Text != "idle:1m" {
		t.Errorf("typing a gap was rewritten: gap %q spec %q", f.Gap.Text, f.Spec.Text)
	}
	f.SelectFraming("raw")
	if s := mustSpec(t, d); s.Framing != "" {
		t.Errorf("raw stored as %q, want empty", s.Framing)
	}
	if len(f.Kind.Options) != 12 {
		t.Errorf("%d framings offered, want all 12", len(f.Kind.Options))
	}
}

func TestReplyModes(t *testing.T) {
	_, d := openNewSession(t)
	for _, r := range []string{"none", "echo", "upper"} {
		d.Reply.SetSelected(r)
		if s := mustSpec(t, d); s.Reply != strings.TrimPrefix(r, "none") {
			t.Errorf("reply %s -> %q", r, s.Reply)
		}
	}
	d.Reply.SetSelected("fixed")
	if !d.ReplyText.Visible() {
		t.Fatal("fixed reply shows no text field")
	}
	wantProblem(t, d, "fixed reply is empty")
	test.Type(d.ReplyText, "OK")
	if s := mustSpec(t, d); s.Reply != "fixed" || s.ReplyPayload == nil || s.ReplyPayload.Source != "OK" {
		t.Errorf("fixed: %+v", s)
	}
	d.SelectKind(false, netcore.SchemeUDP)
	d.Unconnected.SetChecked(true)
	d.AutoReconnect.SetChecked(true)
	if s := mustSpec(t, d); s.Reply != "" || !s.Unconnected || !s.AutoReconnect {
		t.Errorf("udp client: %+v", s)
	}
}

func TestOpenFailureKeepsDialog(t *testing.T) {
	m, d := openNewSession(t)
	saved := openSession
	t.Cleanup(func() { openSession = saved })
	openSession = func(*MainWindow, SessionSpec) error {
		return errors.New("listen tcp 127.0.0.1:9000: bind: address already in use")
	}
	retype(&d.Address.Entry, &d.Address.Entry, "tcp://127.0.0.1:9000")
	test.Type(d.Options.RecvBuffer, "8192")
	test.Tap(d.OpenButton)
	if m.Dialog != d || !d.Problem.Visible() || !strings.Contains(d.Problem.Text, "address already in use") {
		t.Fatalf("after a failed open: dialog %T, problem %q", m.Dialog, d.Problem.Text)
	}
	if s := mustSpec(t, d); s.URL != "tcp://127.0.0.1:9000" || s.Options.RecvBuffer != 8192 {
		t.Errorf("the form lost what was typed: %+v", s)
	}
}

func TestOpenOpensTab(t *testing.T) {
	m, d := openNewSession(t)
	d.SelectKind(true, netcore.SchemeTCP)
	retype(&d.Address.Entry, &d.Address.Entry, "tcp://127.0.0.1:0")
	d.StartNow.SetChecked(false)
	d.Framing.SelectFraming("line")
	test.Tap(d.OpenButton)
	tabs := m.SessionTabs()
	if len(tabs) != 1 {
		t.Fatalf("%d session tabs after Open, want 1 (problem %q)", len(tabs), d.Problem.Text)
	}
	t.Cleanup(m.closeAllSessions)
	if s := tabs[0].Spec(); s.URL != "tcp://127.0.0.1:0" || s.Framing != "line" || s.StartOnOpen {
		t.Errorf("tab spec %+v", s)
	}
	if st := tabs[0].Session().State(); st != sessions.StateNew {
		t.Errorf("state %v although start now was off", st)
	}
	if r := m.Workspace.RecentAddresses(); len(r) == 0 || r[0] != "tcp://127.0.0.1:0" {
		t.Errorf("recent = %q, want the opened address first", r)
	}
}

// Keep open (after the peer's FIN) is offered on streams and saved in the
// spec, as serve --keep-open sets it.
func TestNewSessionKeepOpen(t *testing.T) {
	_, d := openNewSession(t)
	d.SelectKind(true, netcore.SchemeTCP)
	test.Tap(d.KeepOpen)
	if s := mustSpec(t, d); !s.KeepOpen {
		t.Fatalf("spec %+v", s)
	}
	d.SelectKind(true, netcore.SchemeUDP)
	if d.RowShown("keepopen") {
		t.Fatal("keep open offered on udp")
	}
	if s := mustSpec(t, d); s.KeepOpen {
		t.Fatalf("udp spec keeps open: %+v", s)
	}
}
