package sessions

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/netcore/rules"
)

// Every field is checked once, and a bad one is named.
func TestSpecConfigNamesTheField(t *testing.T) {
	fixed := func(src string) *payload.Spec { return &payload.Spec{Source: src} }
	tests := []struct {
		spec  Spec
		field string
		words string
	}{
		{Spec{Role: "both", URL: "tcp://127.0.0.1:1"}, "role", `"both" is neither server, client nor relay`},
		{Spec{Role: "server", URL: "tpc://:1"}, "url", "unknown scheme"},
		{Spec{Role: "server", URL: "tcp://:1", Framing: "len:3"}, "framing", "len width 3"},
		{Spec{Role: "server", URL: "tcp://:1", Reply: "loud"}, "reply", `"loud" is not one of`},
		{Spec{Role: "client", URL: "tcp://127.0.0.1:1", Reply: "echo"}, "reply", "only a server replies"},
		{Spec{Role: "server", URL: "tcp://:1", Reply: "fixed"}, "reply_payload", "needs a payload"},
		{Spec{Role: "server", URL: "tcp://:1", ReplyPayload: fixed("x")}, "reply_payload", "needs the fixed reply"},
		{Spec{Role: "server", URL: "tcp://:1", Framing: "line", Reply: "fixed", ReplyPayload: fixed(`a\nb`)}, "reply_payload", "delimiter"},
		{Spec{Role: "server", URL: "tcp://:1", Reply: "fixed", ReplyPayload: &payload.Spec{Mode: payload.File, Source: "/etc/hosts"}}, "reply_payload", "cannot be a file"},
		{Spec{Role: "server", URL: "tcp://:1", SaveDir: "/tmp"}, "save_dir", "needs jsonhdr framing"},
		{Spec{Role: "server", URL: "tcp://:1", Framing: "jsonhdr", SaveDir: "/nonexistent/x"}, "save_dir", "does not exist"},
		{Spec{Role: "server", URL: "udp://:1", KeepOpen: true}, "keep_open", "applies to tcp and unix"},
		{Spec{Role: "server", URL: "udp://:1", Unconnected: true}, "unconnected", "only a udp client"},
		{Spec{Role: "server", URL: "tcp://:1", AutoReconnect: true}, "auto_reconnect", "only a client"},
		{Spec{Role: "server", URL: "tcp://:1", LogBudget: -5}, "log_budget", "negative"},
		{Spec{Role: "server", URL: "tcp://:1", LogBudget: 100}, "log_budget", "too small"},
		{Spec{Role: "server", URL: "udp://:1", MaxPeers: -1}, "max_peers", "negative"},
		{Spec{Role: "server", URL: "udp://:1", PeerIdle: -time.Second}, "peer_idle", "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.field+" "+tt.words, func(t *testing.T) {
			_, err := tt.spec.Config()
			var se *SpecError
			if !errors.As(err, &se) || se.Field != tt.field || !strings.Contains(err.Error(), tt.words) || !errors.Is(err, ErrBadSpec) {
				t.Fatalf("Config() = %v, want field %s saying %q", err, tt.field, tt.words)
			}
		})
	}
	cfg, err := Spec{Role: "server", URL: "tcp://127.0.0.1:0", Framing: "len:2:be", Reply: "fixed", ReplyPayload: fixed(`OK{{counter}}`), KeepOpen: true}.Config()
	if err != nil || cfg.Framing.String() != "len:2:be" || cfg.ReplyPayload == nil || !cfg.KeepOpenAfterEOF {
		t.Fatalf("good spec: %+v, %v", cfg, err)
	}
}

// Whatever JSON a workspace holds, Config answers without panicking, and
// only with a SpecError naming a field.
func FuzzSpecConfig(f *testing.F) {
	for _, s := range []string{
		`{"role":"server","url":"tcp://127.0.0.1:9000","reply":"fixed","reply_payload":{"mode":"text","source":"OK\\r\\n"}}`,
		`{"role":"client","url":"udp://[::1]:53","options":{"ttl":300},"unconnected":true}`,
		`{"role":"server","url":"unix:///tmp/x.sock","framing":"jsonhdr","save_dir":"/tmp","keep_open":true}`,
		`{"role":"server","url":"udp://:1","max_peers":-1,"peer_idle":-5}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var s Spec
		if json.Unmarshal(data, &s) != nil {
			return
		}
		s.SaveDir = "" // the check makes files; not for a fuzzer
		if _, err := s.Config(); err != nil {
			var se *SpecError
			if !errors.As(err, &se) || se.Field == "" {
				t.Fatalf("Config() error %v is not a SpecError", err)
			}
		}
	})
}

// A relay's spec: its target and target TLS round-trip through JSON, and
// each bad part is named.
func TestRelaySpec(t *testing.T) {
	sp := Spec{Role: "relay", URL: "tls://127.0.0.1:0", Target: "tls://127.0.0.1:8443",
		TLS:           &netcore.TLSOptions{SelfSigned: []string{"localhost"}},
		TargetTLS:     &netcore.TLSOptions{Insecure: true, ALPN: []string{"h2"}},
		TargetOptions: netcore.Options{ConnectTimeout: 3 * time.Second}, Framing: "line"}
	b, err := json.Marshal(sp)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"role":"relay"`) || !strings.Contains(string(b), `"target":"tls://127.0.0.1:8443"`) || !strings.Contains(string(b), `"target_tls":{`) {
		t.Errorf("JSON %s", b)
	}
	var back Spec
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, sp) {
		t.Fatalf("round trip: %+v, %v", back, err)
	}
	cfg, err := back.Config()
	if err != nil || cfg.Role != Relay || cfg.Target.Port != 8443 || !cfg.TargetTLS.Insecure || cfg.TargetOptions.ConnectTimeout != 3*time.Second {
		t.Fatalf("Config: %+v, %v", cfg, err)
	}
	if got := sp.Title(); got != "TLS relay 127.0.0.1:0 to 127.0.0.1:8443" {
		t.Errorf("Title %q", got)
	}
	for _, tt := range []struct {
		spec  Spec
		field string
		words string
	}{
		{Spec{Role: "relay", URL: "tcp://:1"}, "target", "a relay needs a target"},
		{Spec{Role: "relay", URL: "tcp://:1", Target: "tpc://x:1"}, "target", "unknown scheme"},
		{Spec{Role: "relay", URL: "tcp://:1", Target: "udp://127.0.0.1:1"}, "target", "tcp:// carries a byte stream and udp:// carries datagrams"},
		{Spec{Role: "relay", URL: "tcp://:1", Target: "tcp://127.0.0.1:1", Reply: "echo"}, "reply", "a relay forwards"},
		{Spec{Role: "relay", URL: "tcp://:1", Target: "tcp://127.0.0.1:1", KeepOpen: true}, "keep_open", "passes the FIN on"},
		{Spec{Role: "relay", URL: "tcp://:1", Target: "tcp://127.0.0.1:1", TargetTLS: &netcore.TLSOptions{Insecure: true}}, "target_tls", "apply to tls:// URLs"},
		{Spec{Role: "relay", URL: "tcp://:1", Target: "tls://127.0.0.1:1", TargetTLS: &netcore.TLSOptions{CertFile: "x"}}, "target_tls.cert_file", "applies to a tls server only"},
		{Spec{Role: "relay", URL: "tls://:1", Target: "tcp://127.0.0.1:1"}, "tls", "a tls server needs a certificate"},
		{Spec{Role: "relay", URL: "tcp://:1", Target: "tcp://127.0.0.1:1", TargetOptions: netcore.Options{TTL: 999}}, "target_options", "IP_TTL 999"},
		{Spec{Role: "server", URL: "tcp://:1", Target: "tcp://127.0.0.1:1"}, "target", "only a relay has a target"},
		{Spec{Role: "client", URL: "tcp://127.0.0.1:1", Rules: &rules.List{Rules: []rules.Rule{{Kind: rules.Text, Pattern: "a", Drop: true}}}}, "rules", "drop applies to relay sessions only"},
	} {
		_, err := tt.spec.Config()
		var se *SpecError
		if !errors.As(err, &se) || se.Field != tt.field || !strings.Contains(err.Error(), tt.words) {
			t.Errorf("%+v: %v, want field %s saying %q", tt.spec, err, tt.field, tt.words)
		}
	}
}
