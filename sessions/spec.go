package sessions

import (
	"errors"
	"fmt"
	"net"
	"os"
	"reflect"
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
	Role    string          `json:"role"` // "server", "client" or "relay"
	URL     string          `json:"url"`  // an endpoint URL: tcp://127.0.0.1:9000, unix:///tmp/s.sock (a relay listens on it)
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

	// Target is the endpoint URL a relay forwards each client to, and
	// TargetTLS the client settings of a tls:// target (a relay's TLS
	// are its listening side's). Relays only.
	Target    string              `json:"target,omitempty"`
	TargetTLS *netcore.TLSOptions `json:"target_tls,omitempty"`
	// TargetOptions are the socket options of a relay's connections to
	// its target (a connect timeout, say); Options are its listening side's.
	TargetOptions netcore.Options `json:"target_options,omitempty"`

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
	case "relay":
		cfg.Role = Relay
	default:
		return cfg, specErrf("role", "%q is neither server, client nor relay", s.Role)
	}
	relay := cfg.Role == Relay
	server := cfg.Role != Client // a relay listens as a server does
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
	if mode != ReplyNone && relay {
		return cfg, specErrf("reply", "a relay forwards what each side sends and answers nothing itself; rules with from=client or from=target rewrite what it forwards")
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
		if !relay {
			if err := cfg.Rules.RelayOnly(); err != nil {
				return cfg, specErr("rules", err)
			}
		}
	}

	if s.SaveDir != "" && relay {
		return cfg, specErrf("save_dir", "a relay forwards files; it does not save them (record it with a pcap file instead)")
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
	if s.KeepOpen && relay {
		return cfg, specErrf("keep_open", "a relay always keeps a connection open after one side's FIN: it passes the FIN on and ends when both sides have finished")
	}
	cfg.KeepOpenAfterEOF = s.KeepOpen
	if err := checkTLS(s.TLS, ep, server, "tls"); err != nil {
		return cfg, err
	}
	cfg.TLS = s.TLS
	if err := s.checkTarget(&cfg); err != nil {
		return cfg, err
	}
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
	if s.Role == "relay" {
		to := strings.TrimSpace(s.Target)
		if tep, err := netcore.ParseEndpoint(to); err == nil {
			to = tep.ShortAddr()
		}
		return strings.TrimSuffix(ep.KindName(true), " server") + " relay " + ep.ShortAddr() + " to " + to
	}
	return ep.KindName(s.Role == "server") + " " + ep.ShortAddr()
}

// checkTarget checks a relay's target and its TLS settings (and that no
// other session has them) into cfg.
func (s Spec) checkTarget(cfg *Config) error {
	relay := cfg.Role == Relay
	switch {
	case !relay && strings.TrimSpace(s.Target) != "":
		return specErrf("target", "only a relay has a target; a %s has its URL alone", cfg.Role)
	case !relay && s.TargetTLS != nil:
		return specErrf("target_tls", "only a relay has a target; a %s has its TLS settings in tls", cfg.Role)
	case !relay && !reflect.DeepEqual(s.TargetOptions, netcore.Options{}):
		return specErrf("target_options", "only a relay has a target; a %s has its socket options in options", cfg.Role)
	case !relay:
		return nil
	case strings.TrimSpace(s.Target) == "":
		return specErrf("target", "a relay needs a target to forward to, e.g. tcp://127.0.0.1:8080")
	}
	tep, err := netcore.ParseEndpoint(strings.TrimSpace(s.Target))
	if err != nil {
		return specErr("target", err)
	}
	if err := MixedRelay(cfg.Endpoint, tep); err != nil {
		return specErr("target", err)
	}
	if err := checkTLS(s.TargetTLS, tep, false, "target_tls"); err != nil {
		return err
	}
	if err := s.TargetOptions.Validate(tep, false); err != nil {
		return specErr("target_options", err)
	}
	cfg.Target, cfg.TargetTLS, cfg.TargetOptions = tep, s.TargetTLS, s.TargetOptions
	return nil
}

// MixedRelay is nil when a relay can join listen and target: two stream
// sockets (tcp, tls, unix) or two datagram sockets (udp, unixgram).
// Between a stream and datagrams there is no one right way to cut the
// stream or join the datagrams, so such a relay is refused in words.
func MixedRelay(listen, target netcore.Endpoint) error {
	if listen.Stream() == target.Stream() {
		return nil
	}
	kind := func(e netcore.Endpoint) string {
		if e.Stream() {
			return string(e.Scheme) + ":// carries a byte stream"
		}
		return string(e.Scheme) + ":// carries datagrams"
	}
	return fmt.Errorf("%s and %s: a relay joins two stream sockets (tcp, tls, unix) or two datagram sockets (udp, unixgram), since a stream has no datagram boundaries to keep", kind(listen), kind(target))
}

// checkTLS checks a tls:// session's settings for its role; each error
// names the field (tls.cert_file, ...; a relay's target: target_tls.ca_file, ...).
func checkTLS(t *netcore.TLSOptions, ep netcore.Endpoint, server bool, field string) error {
	if t == nil {
		if ep.TLS() && server {
			return specErrf(field, "a tls server needs a certificate and key, or names for a self-signed one")
		}
		return nil
	}
	if !ep.TLS() {
		return specErrf(field, "TLS settings apply to tls:// URLs, not %s://", ep.Scheme)
	}
	// Settings of the other role, which would be silently ignored.
	type setting struct {
		name string
		set  bool
	}
	serverOnly := []setting{{"cert_file", t.CertFile != ""}, {"key_file", t.KeyFile != ""}, {"self_signed", len(t.SelfSigned) > 0}, {"save_dir", t.SaveDir != ""}}
	clientOnly := []setting{{"ca_file", t.CAFile != ""}, {"insecure", t.Insecure}, {"sni", t.SNI != ""}, {"client_cert", t.ClientCert != ""}, {"client_key", t.ClientKey != ""}}
	wrong, role := clientOnly, "client"
	if !server {
		wrong, role = serverOnly, "server"
	}
	for _, f := range wrong {
		if f.set {
			return specErrf(field+"."+f.name, "applies to a tls %s only", role)
		}
	}
	if t.MinVersion != "" {
		if _, err := netcore.ParseTLSVersion(t.MinVersion); err != nil {
			return specErr(field+".min_version", err)
		}
	}
	pair := func(cert, key, certName, keyName string) error {
		switch {
		case cert != "" && key == "":
			return specErrf(field+"."+keyName, "a certificate needs its private key file too")
		case cert == "" && key != "":
			return specErrf(field+"."+certName, "a private key needs its certificate file too")
		}
		for _, f := range []struct{ path, name string }{{cert, certName}, {key, keyName}} {
			if f.path == "" {
				continue
			}
			if _, err := os.Stat(f.path); err != nil {
				return specErr(field+"."+f.name, err)
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
			return specErrf(field+".self_signed", "choose a certificate file or a self-signed certificate, not both")
		case t.CertFile == "" && len(t.SelfSigned) == 0:
			return specErrf(field, "a tls server needs a certificate and key, or names for a self-signed one")
		case t.SaveDir != "" && len(t.SelfSigned) == 0:
			return specErrf(field+".save_dir", "only a self-signed certificate is saved")
		}
		for _, n := range t.SelfSigned {
			if strings.TrimSpace(n) == "" || strings.ContainsAny(n, " /:@") && net.ParseIP(n) == nil {
				return specErrf(field+".self_signed", "%q is neither a host name nor an IP address", n)
			}
		}
		if t.SaveDir != "" {
			if fi, err := os.Stat(t.SaveDir); err != nil {
				return specErr(field+".save_dir", err)
			} else if !fi.IsDir() {
				return specErrf(field+".save_dir", "%s is not a folder", t.SaveDir)
			}
		}
		return nil
	}
	if t.CAFile != "" {
		if _, err := os.Stat(t.CAFile); err != nil {
			return specErr(field+".ca_file", err)
		}
		if t.Insecure {
			return specErrf(field+".insecure", "skipping verification makes the CA file pointless; choose one")
		}
	}
	return pair(t.ClientCert, t.ClientKey, "client_cert", "client_key")
}
