package sessions

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/netcore/rules"
)

// Spec is what a person chose for one session, in the one form every front
// end shares: `sockplay serve` and `connect` fill it from their flags, the
// New-session dialog edits it, and the workspace file stores it as JSON
// (the tags are a file format: rename nothing). Config checks it once and
// turns it into what the engine runs; every error names the field.
//
// The coming features (reply rules, recording, TLS) add their fields here,
// so that the command line, the window and saved workspaces keep agreeing.
type Spec struct {
	Role    string          `json:"role"` // "server" or "client"
	URL     string          `json:"url"`  // an endpoint URL: tcp://127.0.0.1:9000, unix:///tmp/s.sock
	Options netcore.Options `json:"options"`
	// Framing is a framing spec (len:4:le, line, jsonhdr, ...); "" or
	// "raw" keeps chunks as read.
	Framing string `json:"framing,omitempty"`

	// Reply is how a server answers each chunk (each message, with a
	// framing): "" (not at all), "echo", "upper" or "fixed", which sends
	// ReplyPayload, in the payload syntax (text with escapes and macros,
	// hex, base64), rendered for every reply.
	Reply        string        `json:"reply,omitempty"`
	ReplyPayload *payload.Spec `json:"reply_payload,omitempty"`

	// Rules are reply rules (servers and clients): an ordered list, its
	// mode and default reply; they replace Reply, which stays "".
	Rules *rules.List `json:"rules,omitempty"`

	// SaveDir receives the files of a jsonhdr session.
	SaveDir string `json:"save_dir,omitempty"`
	// KeepOpen keeps a stream connection open for sending after the peer
	// half-closed (sent FIN); otherwise it is closed, as most servers do.
	KeepOpen bool `json:"keep_open,omitempty"`

	Unconnected   bool `json:"unconnected,omitempty"`    // a UDP client that takes replies from any address
	AutoReconnect bool `json:"auto_reconnect,omitempty"` // a client that redials after a loss

	// Record is a pcapng file to record the session to from its start
	// ("" for none); the front end starts the recording (Session.Record)
	// before Start, so the first handshake is in it.
	Record string `json:"record,omitempty"`

	// TLS are a tls:// session's settings: a server's certificate (or
	// self-signed names), a client's verification, ALPN, key log.
	TLS *netcore.TLSOptions `json:"tls,omitempty"`

	// LogBudget is the bytes the session's view keeps (0: the default).
	LogBudget int64 `json:"log_budget,omitempty"`
	// MaxPeers and PeerIdle bound the peers of a datagram server (0: the
	// defaults); see Config.
	MaxPeers int           `json:"max_peers,omitempty"`
	PeerIdle time.Duration `json:"peer_idle,omitempty"`
}

// SpecError names the field of a Spec that is wrong. Field is its JSON
// name; front ends show it as their own label or flag.
type SpecError struct {
	Field string
	Err   error
}

func (e *SpecError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *SpecError) Unwrap() error { return e.Err }

// ErrBadSpec matches every SpecError.
var ErrBadSpec = errors.New("bad session spec")

// Is makes every SpecError match ErrBadSpec (and ErrBadConfig).
func (e *SpecError) Is(target error) bool { return target == ErrBadSpec || target == ErrBadConfig }

func specErr(field string, err error) error { return &SpecError{Field: field, Err: err} }

func specErrf(field, format string, a ...any) error {
	return &SpecError{Field: field, Err: fmt.Errorf(format, a...)}
}

// Reply names, as Spec.Reply spells them.
const (
	ReplyNameNone  = ""
	ReplyNameEcho  = "echo"
	ReplyNameUpper = "upper"
	ReplyNameFixed = "fixed"
)

var replyNames = map[string]ReplyMode{
	ReplyNameNone: ReplyNone, "none": ReplyNone, ReplyNameEcho: ReplyEcho,
	ReplyNameUpper: ReplyUpper, ReplyNameFixed: ReplyFixed,
}

// Endpoint parses the spec's URL.
func (s Spec) Endpoint() (netcore.Endpoint, error) {
	ep, err := netcore.ParseEndpoint(strings.TrimSpace(s.URL))
	if err != nil {
		return ep, specErr("url", err)
	}
	return ep, nil
}

// FramingSpec parses the spec's framing ("" is raw).
func (s Spec) FramingSpec() (framing.Spec, error) {
	f := strings.TrimSpace(s.Framing)
	if f == "" {
		return framing.Spec{}, nil
	}
	fs, err := framing.Parse(f)
	if err != nil {
		return fs, specErr("framing", err)
	}
	return fs, nil
}

// Config checks every field and returns the engine's config. A save
// folder is checked as it is now (it must exist and take files): a saved
// tab whose folder has gone fails when it starts, with this sentence.
func (s Spec) Config() (Config, error) {
	var cfg Config
	switch s.Role {
	case "server":
		cfg.Role = Server
	case "client":
		cfg.Role = Client
	default:
		return cfg, specErrf("role", "%q is neither server nor client", s.Role)
	}
	server := cfg.Role == Server
	ep, err := s.Endpoint()
	if err != nil {
		return cfg, err
	}
	cfg.Endpoint = ep
	if err := s.Options.Validate(ep, server); err != nil {
		return cfg, specErr("options", err)
	}
	cfg.Options = s.Options
	if cfg.Framing, err = s.FramingSpec(); err != nil {
		return cfg, err
	}

	mode, ok := replyNames[s.Reply]
	if !ok {
		return cfg, specErrf("reply", "%q is not one of echo, upper, fixed (or empty for none)", s.Reply)
	}
	if mode != ReplyNone && !server {
		return cfg, specErrf("reply", "only a server replies on its own; a client sends what you give it")
	}
	cfg.Reply = mode
	switch {
	case mode == ReplyFixed && s.ReplyPayload == nil:
		return cfg, specErrf("reply_payload", "a fixed reply needs a payload, e.g. OK\\r\\n")
	case mode != ReplyFixed && s.ReplyPayload != nil:
		return cfg, specErrf("reply_payload", "a reply payload needs the fixed reply")
	case mode == ReplyFixed:
		if cfg.ReplyPayload, err = compileReply(*s.ReplyPayload, cfg.Framing); err != nil {
			return cfg, specErr("reply_payload", err)
		}
	}

	if s.Rules != nil {
		if mode != ReplyNone {
			return cfg, specErrf("rules", errRulesAndReply)
		}
		if cfg.Rules, err = rules.Compile(*s.Rules); err != nil {
			return cfg, specErr("rules", err)
		}
	}

	if s.SaveDir != "" {
		if cfg.Framing.Kind != framing.KindJSONHdr {
			return cfg, specErrf("save_dir", "a save folder needs jsonhdr framing, not %s", cfg.Framing.Kind)
		}
		if err := CheckSaveDir(s.SaveDir); err != nil {
			return cfg, specErr("save_dir", err)
		}
		cfg.SaveDir = s.SaveDir
	}
	if s.KeepOpen && !ep.Stream() {
		return cfg, specErrf("keep_open", "keeping a connection open after the peer's FIN applies to tcp and unix, not %s", ep.Scheme)
	}
	cfg.KeepOpenAfterEOF = s.KeepOpen
	if err := checkTLS(s.TLS, ep, server); err != nil {
		return cfg, err
	}
	cfg.TLS = s.TLS
	if s.Record != "" {
		if err := CheckRecordPath(s.Record); err != nil {
			return cfg, specErr("record", err)
		}
	}
	if s.Unconnected && (server || ep.Scheme != netcore.SchemeUDP) {
		return cfg, specErrf("unconnected", "only a udp client can be unconnected")
	}
	cfg.Unconnected = s.Unconnected
	if s.AutoReconnect && server {
		return cfg, specErrf("auto_reconnect", "only a client reconnects")
	}
	cfg.AutoReconnect = s.AutoReconnect
	if s.LogBudget < 0 {
		return cfg, specErrf("log_budget", "%d is negative; give the bytes the view keeps, or 0 for the default %d MiB", s.LogBudget, DefaultLogBudget>>20)
	}
	if s.LogBudget > 0 && s.LogBudget < minLogBudget {
		return cfg, specErrf("log_budget", "%d bytes is too small to show anything; give at least %d KiB", s.LogBudget, minLogBudget>>10)
	}
	cfg.LogBudget = s.LogBudget
	if s.MaxPeers < 0 {
		return cfg, specErrf("max_peers", "%d is negative; give the most datagram peers to keep, or 0 for the default %d", s.MaxPeers, DefaultMaxPeers)
	}
	if s.PeerIdle < 0 {
		return cfg, specErrf("peer_idle", "%v is negative; give how long a quiet datagram peer is kept, or 0 for the default %v", s.PeerIdle, DefaultPeerIdle)
	}
	cfg.MaxPeers, cfg.PeerIdle = s.MaxPeers, s.PeerIdle
	return cfg, nil
}

// minLogBudget is the smallest view worth having.
const minLogBudget = 4 << 10

// compileReply compiles a fixed reply and checks, by rendering it once,
// that the session's framing can carry it (a newline inside a line frame
// cannot be sent), so a bad reply is refused at start, not at each request.
func compileReply(ps payload.Spec, f framing.Spec) (*payload.Payload, error) {
	if ps.Mode == payload.File {
		return nil, errors.New("a reply cannot be a file; give text, hex or base64")
	}
	pl, err := payload.Compile(ps)
	if err != nil {
		return nil, err
	}
	b, err := pl.Render(nil, time.Now())
	if err != nil {
		return nil, err
	}
	if f.Kind != framing.KindRaw {
		if _, err := f.Encode(nil, b); err != nil {
			return nil, fmt.Errorf("%w (framing %s)", err, f)
		}
	}
	return pl, nil
}

// Title names the session as its tab does: kind and address, e.g. "TCP
// server 127.0.0.1:9000" (the URL as typed when it does not parse).
func (s Spec) Title() string {
	ep, err := netcore.ParseEndpoint(strings.TrimSpace(s.URL))
	if err != nil {
		return s.URL
	}
	return ep.KindName(s.Role == "server") + " " + ep.ShortAddr()
}

// checkTLS checks a tls:// session's settings for its role; each error
// names the field (tls.cert_file, ...).
func checkTLS(t *netcore.TLSOptions, ep netcore.Endpoint, server bool) error {
	if t == nil {
		if ep.TLS() && server {
			return specErrf("tls", "a tls server needs a certificate and key, or names for a self-signed one")
		}
		return nil
	}
	if !ep.TLS() {
		return specErrf("tls", "TLS settings apply to tls:// URLs, not %s://", ep.Scheme)
	}
	// Settings of the other role, which would be silently ignored.
	type field struct {
		name string
		set  bool
	}
	serverOnly := []field{{"cert_file", t.CertFile != ""}, {"key_file", t.KeyFile != ""}, {"self_signed", len(t.SelfSigned) > 0}, {"save_dir", t.SaveDir != ""}}
	clientOnly := []field{{"ca_file", t.CAFile != ""}, {"insecure", t.Insecure}, {"sni", t.SNI != ""}, {"client_cert", t.ClientCert != ""}, {"client_key", t.ClientKey != ""}}
	wrong, role := clientOnly, "client"
	if !server {
		wrong, role = serverOnly, "server"
	}
	for _, f := range wrong {
		if f.set {
			return specErrf("tls."+f.name, "applies to a tls %s only", role)
		}
	}
	if t.MinVersion != "" {
		if _, err := netcore.ParseTLSVersion(t.MinVersion); err != nil {
			return specErr("tls.min_version", err)
		}
	}
	pair := func(cert, key, certName, keyName string) error {
		switch {
		case cert != "" && key == "":
			return specErrf("tls."+keyName, "a certificate needs its private key file too")
		case cert == "" && key != "":
			return specErrf("tls."+certName, "a private key needs its certificate file too")
		}
		for _, f := range []struct{ path, name string }{{cert, certName}, {key, keyName}} {
			if f.path == "" {
				continue
			}
			if _, err := os.Stat(f.path); err != nil {
				return specErr("tls."+f.name, err)
			}
		}
		return nil
	}
	if server {
		if err := pair(t.CertFile, t.KeyFile, "cert_file", "key_file"); err != nil {
			return err
		}
		switch {
		case t.CertFile != "" && len(t.SelfSigned) > 0:
			return specErrf("tls.self_signed", "choose a certificate file or a self-signed certificate, not both")
		case t.CertFile == "" && len(t.SelfSigned) == 0:
			return specErrf("tls", "a tls server needs a certificate and key, or names for a self-signed one")
		case t.SaveDir != "" && len(t.SelfSigned) == 0:
			return specErrf("tls.save_dir", "only a self-signed certificate is saved")
		}
		for _, n := range t.SelfSigned {
			if strings.TrimSpace(n) == "" || strings.ContainsAny(n, " /:@") && net.ParseIP(n) == nil {
				return specErrf("tls.self_signed", "%q is neither a host name nor an IP address", n)
			}
		}
		if t.SaveDir != "" {
			if fi, err := os.Stat(t.SaveDir); err != nil {
				return specErr("tls.save_dir", err)
			} else if !fi.IsDir() {
				return specErrf("tls.save_dir", "%s is not a folder", t.SaveDir)
			}
		}
		return nil
	}
	if t.CAFile != "" {
		if _, err := os.Stat(t.CAFile); err != nil {
			return specErr("tls.ca_file", err)
		}
		if t.Insecure {
			return specErrf("tls.insecure", "skipping verification makes the CA file pointless; choose one")
		}
	}
	return pair(t.ClientCert, t.ClientKey, "client_cert", "client_key")
}
