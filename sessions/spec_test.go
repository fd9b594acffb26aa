package sessions

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/netcore/payload"
)

// Every field is checked once, and a bad one is named.
func TestSpecConfigNamesTheField(t *testing.T) {
	fixed := func(src string) *payload.Spec { return &payload.Spec{Source: src} }
	tests := []struct {
		spec  Spec
		field string
		words string
	}{
		{Spec{Role: "both", URL: "tcp://127.0.0.1:1"}, "role", `"both" is neither server nor client`},
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
