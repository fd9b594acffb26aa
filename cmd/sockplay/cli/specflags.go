package cli

// The flags that make a sessions.Spec, the same on every command that opens
// a session (serve, connect, and the window's gui --listen/--connect), so a
// flag means one thing everywhere and the engine checks the result once.

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/sessions"
)

// Which roles a set of session flags is for. ForRelay is alone: a relay's
// listening side takes the server's socket and TLS flags, its target the
// client's TLS flags and --connect-timeout.
const (
	ForServer = 1 << iota
	ForClient
	ForRelay
)

// SessionFlags are the session flags of one command.
type SessionFlags struct {
	roles int
	sock  *socketFlags
	send  *sendFlags

	echo, upper bool
	reply       string
	saveDir     string
	keepOpen    bool
	logBudget   int64
	maxPeers    int
	peerIdle    time.Duration
	unconnected bool
	pcap        string
	// a relay's: its target URL and the target's connect timeout
	target        string
	targetTimeout time.Duration
	rules         *ruleFlags
	tls           *tlsFlags
}

// AddSessionFlags registers the session flags for roles (ForServer,
// ForClient or both) on fs.
func AddSessionFlags(fs *flag.FlagSet, roles int) *SessionFlags {
	server, client, relay := roles&ForServer != 0, roles&ForClient != 0, roles&ForRelay != 0
	if relay {
		f := &SessionFlags{roles: roles, send: &sendFlags{framing: "raw", ending: "none", checksum: "none"}}
		fs.StringVar(&f.send.framing, "framing", "raw", "cut each direction into messages by `SPEC` (each its own decoder): raw, line, crlf, delim:HEX, len:N[:be|le][:off=K]..., fixed:N, stx-etx, slip, cobs, http, idle:DUR, jsonhdr; rules and the hold then act on whole messages")
		fs.IntVar(&f.maxPeers, "max-peers", 0, fmt.Sprintf("udp/unixgram relays: keep at most `N` client addresses (each with its socket to the target), the quietest forgotten first (default %d)", sessions.DefaultMaxPeers))
		fs.DurationVar(&f.peerIdle, "peer-idle", 0, fmt.Sprintf("udp/unixgram relays: forget a client address, and close its socket to the target, after this long without a datagram from it (default %v)", sessions.DefaultPeerIdle))
		fs.DurationVar(&f.targetTimeout, "connect-timeout", 0, "give up connecting to the target after this long (default 10s); the client's connection is then closed")
		fs.StringVar(&f.pcap, "pcap", "", "record the relay to `FILE` as pcapng (replaced if it exists): each client's side as one conversation, with what the target sent back; a full disk stops the recording, not the relay")
		fs.Int64Var(&f.logBudget, "log-budget", 0, "`BYTES` of traffic the session's view keeps (default 4 MiB here); what is printed or recorded is never cut")
		f.rules = addRuleFlags(fs)
		f.sock = addSocketFlags(fs, true, false)
		f.tls = addTLSFlags(fs, true, true)
		return f
	}
	f := &SessionFlags{roles: roles, send: addSendFlags(fs)}
	if server {
		fs.BoolVar(&f.echo, "echo", false, "send every chunk (or message, with --framing) back to its peer")
		fs.BoolVar(&f.upper, "upper", false, "send every chunk (or message) back in ASCII upper case")
		fs.StringVar(&f.reply, "reply", "", "answer every chunk (or message, with --framing) with this `PAYLOAD`, e.g. 'OK\\r\\n' (payload syntax: escapes, {{macros}} rendered per reply; --payload-mode hex for hex)")
		fs.IntVar(&f.maxPeers, "max-peers", 0, fmt.Sprintf("udp/unixgram servers: keep at most `N` source addresses as peers, the quietest forgotten first (default %d)", sessions.DefaultMaxPeers))
		fs.DurationVar(&f.peerIdle, "peer-idle", 0, fmt.Sprintf("udp/unixgram servers: forget a source address after this long without a datagram (default %v)", sessions.DefaultPeerIdle))
	}
	if client {
		fs.BoolVar(&f.unconnected, "unconnected", false, "udp: use an unconnected socket and show replies from any address")
	}
	fs.StringVar(&f.saveDir, "save-dir", "", "with --framing jsonhdr: save each received file into `DIR` (names made safe; nothing lands outside DIR)")
	fs.BoolVar(&f.keepOpen, "keep-open", false, "tcp/unix: keep a connection open for sending after the peer half-closes (sends FIN); without it the connection is closed then")
	fs.StringVar(&f.pcap, "pcap", "", "record the session to `FILE` as pcapng (replaced if it exists), for Wireshark or tshark: TCP with its handshake, sequence numbers and FIN or RST as it happened, UDP, unix sockets as TCP/UDP on 127.0.0.x; a full disk stops the recording, not the session")
	fs.Int64Var(&f.logBudget, "log-budget", 0, "`BYTES` of traffic the session's view keeps (the window's default is 64 MiB; serve, connect and relay, which show no view, keep 4 MiB of it as sizes only); what is printed or saved is never cut")
	f.rules = addRuleFlags(fs)
	f.sock = addSocketFlags(fs, server, client)
	f.tls = addTLSFlags(fs, server, client)
	return f
}

// headlessViewBudget is the log budget of a serve or connect session when
// --log-budget is not given. The command line shows no view: what it
// prints is an output, which gets every byte whatever the log keeps, so
// the log only needs to stay small (the window's default is 64 MiB).
const headlessViewBudget = 4 << 20

// headless is spec as serve and connect run it.
func headless(sp sessions.Spec) sessions.Spec {
	if sp.LogBudget == 0 {
		sp.LogBudget = headlessViewBudget
	}
	return sp
}

// headlessReadBuffer is the largest read on the command line: a flood is
// read in an eighth of the system calls of the window's 256 KiB (whose
// view shows each read as a row). Buffers grow to it only for peers that
// fill them. 1 GiB over loopback into `serve --quiet`: the receiver's CPU
// went from 0.52 to 0.45 s at 1 MiB (medians of 6); 4 GiB end to end,
// alternating 1, 2 and 4 MiB: 4.14, 3.66 and 3.71 s (medians of 5). An
// output keeps a full read in the reader's buffer (sessions.emitLending).
const headlessReadBuffer = 2 << 20

// headlessConfig is the session config of spec as serve, connect and
// relay run it: nobody looks at the view, so it keeps the sizes of
// traffic, not its bytes (what is printed or recorded is an output and
// gets every byte), and reads up to headlessReadBuffer at a time.
func headlessConfig(sp sessions.Spec) (sessions.Config, error) {
	cfg, err := headless(sp).Config()
	cfg.LogSizesOnly = true
	cfg.ReadBuffer = headlessReadBuffer
	return cfg, err
}

// flagOf is the flag that sets a Spec field, for error messages.
var flagOf = map[string]string{
	"framing": "--framing", "reply": "--reply", "reply_payload": "--reply", "save_dir": "--save-dir",
	"keep_open": "--keep-open", "unconnected": "--unconnected", "log_budget": "--log-budget",
	"max_peers": "--max-peers", "peer_idle": "--peer-idle", "record": "--pcap", "rules": "--rule",
	"tls.cert_file": "--tls-cert", "tls.key_file": "--tls-key", "tls.self_signed": "--tls-self-signed",
	"tls.save_dir": "--tls-save-cert", "tls.ca_file": "--tls-ca", "tls.insecure": "--tls-insecure",
	"tls.sni": "--tls-sni", "tls.client_cert": "--tls-client-cert", "tls.client_key": "--tls-client-key",
	"tls.min_version": "--tls-min-version", "tls.alpn": "--tls-alpn", "tls.keylog": "--tls-keylog",
	"target_tls.ca_file": "--tls-ca", "target_tls.insecure": "--tls-insecure", "target_tls.sni": "--tls-sni",
	"target_tls.client_cert": "--tls-client-cert", "target_tls.client_key": "--tls-client-key",
	"target_tls.min_version": "--tls-min-version", "target_options": "--connect-timeout",
}

// Spec builds and checks the spec for one URL. Errors are one sentence
// naming the flag (or the URL).
func (f *SessionFlags) Spec(fs *flag.FlagSet, role, url string) (sessions.Spec, error) {
	sp, _, err := f.spec(fs, role, url)
	return sp, err
}

// spec is Spec plus the payload settings (--payload-mode, ...), which the
// commands also use for what they send.
func (f *SessionFlags) spec(fs *flag.FlagSet, role, url string) (sessions.Spec, sendConfig, error) {
	visited := visitedFlags(fs)
	if role == "relay" {
		return f.relaySpec(fs, visited, url)
	}
	sp := sessions.Spec{Role: role, URL: url, SaveDir: f.saveDir, KeepOpen: f.keepOpen, LogBudget: f.logBudget, Record: f.pcap}
	if role == "server" {
		sp.MaxPeers, sp.PeerIdle = f.maxPeers, f.peerIdle
	} else {
		sp.Unconnected = f.unconnected
	}
	ep, err := sp.Endpoint()
	if err != nil {
		return sp, sendConfig{}, flagError(err)
	}
	if sp.Options, err = f.sock.options(visited); err != nil {
		return sp, sendConfig{}, err
	}
	if err := suit(sp.Options, ep, role == "server", visited); err != nil {
		return sp, sendConfig{}, err
	}
	if sp.TLS, err = f.tls.options(visited, ep); err != nil {
		return sp, sendConfig{}, err
	}
	sc, err := f.send.config(visited)
	if err != nil {
		return sp, sc, err
	}
	if sc.framed() {
		sp.Framing = sc.framing.String()
	}
	if role == "server" {
		n := 0
		for _, on := range []bool{f.echo, f.upper, f.reply != ""} {
			if on {
				n++
			}
		}
		if n > 1 {
			return sp, sc, errors.New("choose one of --echo, --upper and --reply")
		}
		switch {
		case f.echo:
			sp.Reply = sessions.ReplyNameEcho
		case f.upper:
			sp.Reply = sessions.ReplyNameUpper
		case f.reply != "":
			sp.Reply = sessions.ReplyNameFixed
			sp.ReplyPayload = &payload.Spec{Mode: sc.mode, Source: f.reply, LineEnding: sc.ending, Checksum: sc.sum}
		}
	}
	if sp.Rules, err = f.rules.list(); err != nil {
		return sp, sc, err
	}
	if sp.Rules != nil && sp.Reply != "" {
		return sp, sc, errors.New("choose --rule/--rules or one of --echo, --upper and --reply (rules answer what no rule matched with 'default => REPLY'; {{0}} sends the message back)")
	}
	if _, err := sp.Config(); err != nil {
		var se *sessions.SpecError
		if errors.As(err, &se) && se.Field == "reply_payload" {
			return sp, sc, fmt.Errorf("--reply %q: %w", f.reply, se.Err)
		}
		return sp, sc, flagError(err)
	}
	return sp, sc, nil
}

// relaySpec is spec for a relay: the URL it listens on, f.target the one
// it forwards to. The listening side takes the server's TLS flags, the
// target the client's; --tls-min-version and --tls-keylog go to each side
// that is tls://.
func (f *SessionFlags) relaySpec(fs *flag.FlagSet, visited map[string]bool, url string) (sessions.Spec, sendConfig, error) {
	sp := sessions.Spec{Role: "relay", URL: url, Target: f.target, LogBudget: f.logBudget, Record: f.pcap, MaxPeers: f.maxPeers, PeerIdle: f.peerIdle}
	ep, err := sp.Endpoint()
	if err != nil {
		return sp, sendConfig{}, fmt.Errorf("LISTEN_URL %s: %w", url, flagError(err))
	}
	tep, err := netcore.ParseEndpoint(strings.TrimSpace(f.target))
	if err != nil {
		return sp, sendConfig{}, fmt.Errorf("TARGET_URL %s: %w", f.target, err)
	}
	if err := sessions.MixedRelay(ep, tep); err != nil {
		return sp, sendConfig{}, fmt.Errorf("TARGET_URL %s: %w", f.target, err)
	}
	if sp.Options, err = f.sock.options(visited); err != nil {
		return sp, sendConfig{}, err
	}
	if err := suit(sp.Options, ep, true, visited); err != nil {
		return sp, sendConfig{}, err
	}
	if f.targetTimeout < 0 {
		return sp, sendConfig{}, fmt.Errorf("--connect-timeout %v: give a duration of 0 or more", f.targetTimeout)
	}
	sp.TargetOptions.ConnectTimeout = f.targetTimeout
	if sp.TLS, sp.TargetTLS, err = f.tls.relayOptions(visited, ep, tep); err != nil {
		return sp, sendConfig{}, err
	}
	sc, err := f.send.config(visited)
	if err != nil {
		return sp, sc, err
	}
	if sc.framed() {
		sp.Framing = sc.framing.String()
	}
	if sp.Rules, err = f.rules.list(); err != nil {
		return sp, sc, err
	}
	if _, err := sp.Config(); err != nil {
		var se *sessions.SpecError
		if errors.As(err, &se) && se.Field == "target" {
			return sp, sc, fmt.Errorf("TARGET_URL %s: %w", f.target, se.Err)
		}
		return sp, sc, flagError(err)
	}
	return sp, sc, nil
}

// recording is a command's --pcap recording.
type recording struct {
	rec    *sessions.Recording
	failed bool // the file could not be made
}

// startRecording starts the spec's recording, if it has one, before the
// session starts, so the file holds the first handshake. A file that
// cannot be made is said in the session's log (the printer shows it on
// stderr) and the session runs without it.
func startRecording(sess *sessions.Session, sp sessions.Spec) recording {
	if sp.Record == "" {
		return recording{}
	}
	rec, err := sess.Record(sp.Record)
	return recording{rec: rec, failed: err != nil}
}

// stop ends the recording once the session has closed (so it holds every
// entry) and reports whether it failed at any point: the command then
// exits 1, its sentence having been printed when it happened.
func (r recording) stop() (failed bool) {
	if r.rec == nil {
		return r.failed
	}
	return r.rec.Stop() != nil
}

// flagError rewords a spec error with the flag that set the field.
func flagError(err error) error {
	var se *sessions.SpecError
	if !errors.As(err, &se) {
		return err
	}
	switch se.Field {
	case "url", "options", "tls": // the sentence says what to give
		return se.Err
	}
	if name, ok := flagOf[se.Field]; ok {
		return fmt.Errorf("%s: %w", name, se.Err)
	}
	return err
}
