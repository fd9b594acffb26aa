package gui

import "github.com/sockplay/sockplay/netcore"

// sessionKind describes one kind of session for the welcome tab and the
// New-session dialog, with the headless command that runs it.
type sessionKind struct {
	Name    string
	Summary string
	Example string // the CLI equivalent, runnable as shown
	Server  bool
	Scheme  netcore.Scheme
}

// sessionFamily groups a server and a client kind over one transport. It
// is the window's one table of session kinds: the welcome tab's cards and
// the New-session dialog's transport choice both come from it, and a new
// kind is a new entry here (netcore's package doc says what else it needs).
type sessionFamily struct {
	Title    string // also the dialog's transport label
	Subtitle string
	Scheme   netcore.Scheme
	// LocalHint is the placeholder of a client's local address.
	LocalHint string
	Kinds     [2]sessionKind
}

// families lists the session kinds the engine supports, in the order the
// welcome tab shows them.
var families = []sessionFamily{
	{
		Title:     "TCP",
		Subtitle:  "a byte stream: boundaries are not kept",
		Scheme:    netcore.SchemeTCP,
		LocalHint: "any, e.g. 0.0.0.0:5000",
		Kinds: [2]sessionKind{
			{"TCP server", "Listens and accepts many peers at once; can echo, upper-case or send a fixed reply. Shows sticky packets, half-close and TIME_WAIT.", "sockplay serve tcp://:9000 --echo", true, netcore.SchemeTCP},
			{"TCP client", "Connects like netcat; sends text, hex or files and shows every byte that comes back.", "sockplay connect tcp://127.0.0.1:9000", false, netcore.SchemeTCP},
		},
	},
	{
		Title:     "TLS",
		Subtitle:  "TCP with TLS: the log shows the decrypted bytes",
		Scheme:    netcore.SchemeTLS,
		LocalHint: "any, e.g. 0.0.0.0:5000",
		Kinds: [2]sessionKind{
			{"TLS server", "Listens with your certificate and key, or a self-signed certificate made on the spot (its SHA-256 fingerprint is shown to compare); replies like a TCP server.", "sockplay serve tls://:8443 --echo --tls-self-signed localhost,127.0.0.1 --tls-save-cert .", true, netcore.SchemeTLS},
			{"TLS client", "Connects and handshakes like openssl s_client: verifies the server, shows the version, cipher suite, ALPN and its certificate chain.", "sockplay connect tls://127.0.0.1:8443 --tls-ca sockplay-cert.pem", false, netcore.SchemeTLS},
		},
	},
	{
		Title:     "UDP",
		Subtitle:  "datagrams: each send arrives whole or not at all",
		Scheme:    netcore.SchemeUDP,
		LocalHint: "any, e.g. 0.0.0.0:5000",
		Kinds: [2]sessionKind{
			{"UDP server", "Binds a port; every source address becomes a peer you can answer.", "sockplay serve udp://:9000 --echo", true, netcore.SchemeUDP},
			{"UDP client", "Sends datagrams to one address, connected or not; broadcast and multicast options.", "sockplay connect udp://127.0.0.1:9000", false, netcore.SchemeUDP},
		},
	},
	{
		Title:     "Unix stream",
		Subtitle:  "a local byte stream through a socket file",
		Scheme:    netcore.SchemeUnix,
		LocalHint: "none, or a path to bind",
		Kinds: [2]sessionKind{
			{"Unix stream server", "Listens on a path (or a Linux abstract @name); a stale socket file is replaced, anything else is left alone.", "sockplay serve unix:///tmp/play.sock --echo", true, netcore.SchemeUnix},
			{"Unix stream client", "Connects to a local service such as a daemon's control socket.", "sockplay connect unix:///tmp/play.sock", false, netcore.SchemeUnix},
		},
	},
	{
		Title:     "Unix datagram",
		Subtitle:  "local datagrams through a socket file",
		Scheme:    netcore.SchemeUnixgram,
		LocalHint: "a fresh temp path, or a path to bind",
		Kinds: [2]sessionKind{
			{"Unix datagram server", "Binds a path and answers each sender.", "sockplay serve unixgram:///tmp/play.dgram --echo", true, netcore.SchemeUnixgram},
			{"Unix datagram client", "Binds its own path so that replies can reach it.", "sockplay connect unixgram:///tmp/play.dgram", false, netcore.SchemeUnixgram},
		},
	},
}

// familyOf is the family of a scheme (the first, TCP, for an unknown one).
func familyOf(sc netcore.Scheme) sessionFamily {
	for _, f := range families {
		if f.Scheme == sc {
			return f
		}
	}
	return families[0]
}

// familyLabelled is the family whose title is label.
func familyLabelled(label string) (sessionFamily, bool) {
	for _, f := range families {
		if f.Title == label {
			return f, true
		}
	}
	return sessionFamily{}, false
}
