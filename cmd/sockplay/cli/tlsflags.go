package cli

// The TLS flags of serve and connect (and the window's --listen and
// --connect): they fill sessions.Spec.TLS, which the engine checks.

import (
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/sockplay/sockplay/netcore"
)

type tlsFlags struct {
	cert, key, selfSigned, saveDir string
	ca, sni, alpn                  string
	insecure                       bool
	clientCert, clientKey          string
	keylog, minVersion             string
	names                          []string // the flags registered, in order
}

func addTLSFlags(fs *flag.FlagSet, server, client bool) *tlsFlags {
	f := &tlsFlags{}
	str := func(p *string, name, usage string) {
		fs.StringVar(p, name, "", usage)
		f.names = append(f.names, name)
	}
	if server {
		str(&f.cert, "tls-cert", "tls servers: the certificate chain `FILE` (PEM), with --tls-key")
		str(&f.key, "tls-key", "tls servers: the private key `FILE` (PEM) of --tls-cert")
		str(&f.selfSigned, "tls-self-signed", "tls servers: generate a self-signed ECDSA P-256 certificate for these `NAMES` (comma-separated host names or IP addresses, valid a year; its SHA-256 fingerprint is logged)")
		str(&f.saveDir, "tls-save-cert", "tls servers: keep the --tls-self-signed certificate in `DIR` ("+netcore.SelfSignedCertFile+", "+netcore.SelfSignedKeyFile+") and reuse it while it covers the names")
	}
	if client {
		str(&f.ca, "tls-ca", "tls clients: trust the authorities in `FILE` (PEM) instead of the system's")
		fs.BoolVar(&f.insecure, "tls-insecure", false, "tls clients: do not verify the server's certificate (it is still logged)")
		f.names = append(f.names, "tls-insecure")
		str(&f.sni, "tls-sni", "tls clients: the server `NAME` to ask for and verify (default: the URL's host)")
		str(&f.clientCert, "tls-client-cert", "tls clients: present this certificate `FILE` (PEM), with --tls-client-key")
		str(&f.clientKey, "tls-client-key", "tls clients: the private key `FILE` (PEM) of --tls-client-cert")
	}
	str(&f.alpn, "tls-alpn", "tls: the ALPN protocols offered (client) or accepted (server), a comma-separated `LIST` such as h2,http/1.1")
	str(&f.minVersion, "tls-min-version", "tls: the lowest TLS `VERSION` allowed: 1.0, 1.1, 1.2 (the default) or 1.3")
	str(&f.keylog, "tls-keylog", "tls: append the session keys to `FILE` in the SSLKEYLOGFILE format, for Wireshark to decrypt a separate capture")
	return f
}

// options is the TLS settings the flags give (nil when none was given);
// a TLS flag on a URL that is not tls:// is an error naming the flag.
func (f *tlsFlags) options(visited map[string]bool, ep netcore.Endpoint) (*netcore.TLSOptions, error) {
	first := slices.IndexFunc(f.names, func(n string) bool { return visited[n] })
	if first < 0 {
		return nil, nil
	}
	if !ep.TLS() {
		return nil, fmt.Errorf("--%s applies to tls:// URLs, not %s:// (write tls://%s)", f.names[first], ep.Scheme, ep.ShortAddr())
	}
	return &netcore.TLSOptions{
		CertFile: f.cert, KeyFile: f.key, SelfSigned: list(f.selfSigned), SaveDir: f.saveDir,
		CAFile: f.ca, Insecure: f.insecure, SNI: f.sni, ClientCert: f.clientCert, ClientKey: f.clientKey,
		ALPN: list(f.alpn), MinVersion: f.minVersion, KeyLog: f.keylog,
	}, nil
}

func list(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// relayOptions splits the TLS flags of a relay: the server's go to its
// listening side, the client's (and --tls-alpn) to its target, and
// --tls-min-version and --tls-keylog to each side that is tls://. A flag
// for a side that is not tls:// is an error naming the flag and the side.
func (f *tlsFlags) relayOptions(visited map[string]bool, listen, target netcore.Endpoint) (ls, ts *netcore.TLSOptions, err error) {
	listenFlags := []string{"tls-cert", "tls-key", "tls-self-signed", "tls-save-cert"}
	targetFlags := []string{"tls-ca", "tls-insecure", "tls-sni", "tls-alpn", "tls-client-cert", "tls-client-key"}
	for _, n := range listenFlags {
		if visited[n] && !listen.TLS() {
			return nil, nil, fmt.Errorf("--%s applies to a tls:// listening side, not %s:// (write tls://%s)", n, listen.Scheme, listen.ShortAddr())
		}
	}
	for _, n := range targetFlags {
		if visited[n] && !target.TLS() {
			return nil, nil, fmt.Errorf("--%s applies to a tls:// target, not %s:// (write tls://%s)", n, target.Scheme, target.ShortAddr())
		}
	}
	for _, n := range []string{"tls-min-version", "tls-keylog"} {
		if visited[n] && !listen.TLS() && !target.TLS() {
			return nil, nil, fmt.Errorf("--%s applies to a tls:// side, and neither %s:// nor %s:// is one", n, listen.Scheme, target.Scheme)
		}
	}
	if listen.TLS() {
		ls = &netcore.TLSOptions{CertFile: f.cert, KeyFile: f.key, SelfSigned: list(f.selfSigned), SaveDir: f.saveDir, MinVersion: f.minVersion, KeyLog: f.keylog}
	}
	if target.TLS() && slices.ContainsFunc(append(targetFlags, "tls-min-version", "tls-keylog"), func(n string) bool { return visited[n] }) {
		ts = &netcore.TLSOptions{CAFile: f.ca, Insecure: f.insecure, SNI: f.sni, ClientCert: f.clientCert, ClientKey: f.clientKey,
			ALPN: list(f.alpn), MinVersion: f.minVersion, KeyLog: f.keylog}
	}
	return ls, ts, nil
}
