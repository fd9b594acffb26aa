package sessions

import (
	"time"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/netcore/rules"
)

// Role says whether a session listens or dials.
type Role uint8

// Roles. A Relay listens on Endpoint like a server and, for each client
// (each source address of a datagram socket), connects to Target and
// forwards both ways (relay.go).
const (
	Server Role = iota
	Client
	Relay
)

func (r Role) String() string {
	switch r {
	case Client:
		return "client"
	case Relay:
		return "relay"
	}
	return "server"
}

// ReplyMode is how a server answers each chunk (or message, with framing),
// as the classic tutorial servers do.
type ReplyMode uint8

// Reply modes.
const (
	ReplyNone  ReplyMode = iota
	ReplyEcho            // send the chunk back
	ReplyUpper           // send it back in ASCII upper case
	ReplyFixed           // send Config.ReplyPayload, rendered per reply
)

// Config describes one session. Only Endpoint is required.
type Config struct {
	Name     string           // for the tab and log; defaults to the endpoint
	Role     Role             // Server or Client
	Endpoint netcore.Endpoint //
	Options  netcore.Options  // socket options; IdleTimeout is the read timeout

	// TLS are a tls:// session's settings (nil: a client with the
	// defaults, verifying against the system's roots). A relay's are its
	// listening side's (server settings).
	TLS *netcore.TLSOptions

	// Target is where a relay forwards each client to; TargetTLS are the
	// client settings for a tls:// target (nil: verify against the
	// system's roots). Relays only.
	Target        netcore.Endpoint
	TargetTLS     *netcore.TLSOptions
	TargetOptions netcore.Options // the target connections' socket options

	Reply ReplyMode // servers only
	// ReplyPayload is ReplyFixed's answer, rendered for every reply so
	// its macros ({{counter}}, {{time}}) change; Spec.Config compiles it.
	ReplyPayload *payload.Payload

	// Rules answer received messages (servers and clients) instead of
	// Reply, which must then be ReplyNone; Spec.Config compiles them.
	Rules *rules.Set

	// Unconnected makes a UDP client use an unconnected socket (sendto):
	// replies from any address are logged, each sender as its own peer.
	Unconnected bool

	// KeepOpenAfterEOF keeps a stream peer writable after it half-closed
	// (we read EOF); otherwise the connection is closed as most servers do.
	KeepOpenAfterEOF bool

	LogBudget  int64 // bytes; DefaultLogBudget if 0
	ReadBuffer int   // largest read per syscall; DefaultReadBuffer if 0

	// LogSizesOnly keeps traffic in the log without its bytes (see
	// Log.SetSizesOnly): for front ends that show no view, like the
	// command line. Outputs get every byte either way.
	LogSizesOnly bool

	// Framing cuts what each peer sends into messages (one decoder per
	// peer) and frames what is sent; KindRaw, the zero Spec, logs raw
	// chunks only. With framing, replies answer whole messages.
	Framing        framing.Spec
	FramingOptions framing.Options

	// SaveDir, when set, receives the body of every message that carries a
	// JSON header (jsonhdr framing) as a file named after the header's
	// "filename", made safe (framing.SaveJSONHdrFile). It is written by the
	// peer's reader before the message is logged, outside the log's lock:
	// a slow disk slows that peer only. It must be an existing folder.
	SaveDir string

	// PeerIdle forgets a datagram peer (a source address of a UDP or
	// unixgram server) after this long without a datagram, and MaxPeers
	// bounds how many are kept; DefaultPeerIdle and DefaultMaxPeers if 0.
	PeerIdle time.Duration
	MaxPeers int

	// AutoReconnect redials a client whose connection ended without us
	// asking, waiting ReconnectMin, doubling up to ReconnectMax.
	AutoReconnect              bool
	ReconnectMin, ReconnectMax time.Duration
}

// DefaultReadBuffer is the largest stream read; buffers start small and grow
// to it only for peers that fill them, so 10,000 idle peers stay cheap.
const DefaultReadBuffer = 256 << 10

const (
	initialReadBuffer = 4 << 10
	datagramBuffer    = 64 << 10
	unixgramBuffer    = 256 << 10
)
