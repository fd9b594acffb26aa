package sessions

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	"github.com/sockplay/sockplay/netcore"
)

// A tls:// session is a TCP session whose connections are wrapped in
// crypto/tls right after connect or accept: the log, framing, rules,
// outputs and recordings see the decrypted application bytes. Half-close
// (CloseWrite) on TLS sends a close_notify alert and then the TCP FIN
// (netcore.CloseWrite: crypto/tls alone sends only the alert); a
// reset (AbortPeer) resets the TCP connection under it.

// tlsHandshakeTimeout bounds a handshake, so a peer that connects and says
// nothing does not keep a half-made connection forever.
const tlsHandshakeTimeout = 30 * time.Second

// setupTLS builds the session's TLS config at Start and logs what a
// person must know before any peer comes (a generated certificate's
// fingerprint).
func (s *Session) setupTLS() error {
	if s.cfg.Role == Relay && s.cfg.Target.TLS() {
		var o netcore.TLSOptions
		if s.cfg.TargetTLS != nil {
			o = *s.cfg.TargetTLS
		}
		tc, err := netcore.NewTLSConfig(o, false, s.cfg.Target.Host)
		if err != nil {
			return fmt.Errorf("tls toward the target: %w", err)
		}
		s.mu.Lock()
		s.targetTLS = tc
		s.mu.Unlock()
		for _, n := range tc.Notes {
			s.logEvent(KindInfo, nil, "target: "+n)
		}
	}
	if !s.cfg.Endpoint.TLS() {
		return nil
	}
	var o netcore.TLSOptions
	if s.cfg.TLS != nil {
		o = *s.cfg.TLS
	}
	tc, err := netcore.NewTLSConfig(o, s.cfg.Role != Client, s.cfg.Endpoint.Host)
	if err != nil {
		return fmt.Errorf("tls: %w", err)
	}
	s.mu.Lock()
	s.tls = tc
	s.mu.Unlock()
	for _, n := range tc.Notes {
		s.logEvent(KindInfo, nil, n)
	}
	return nil
}

// tlsClient handshakes as a client over c; on failure c is closed and the
// error is one sentence (netcore.TLSError).
func (s *Session) tlsClient(ctx context.Context, c net.Conn) (*tls.Conn, error) {
	return tlsClientWith(ctx, c, s.tls)
}

// tlsClientWith is tlsClient with the config tc (a relay's target's).
func tlsClientWith(ctx context.Context, c net.Conn, tc *netcore.TLSConfig) (*tls.Conn, error) {
	// Whether the server asked for our certificate tells "it wants one"
	// from other refusals.
	cfg := tc.Config.Clone()
	certs := cfg.Certificates
	cfg.Certificates = nil
	var asked atomic.Bool
	cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
		asked.Store(true)
		if len(certs) > 0 {
			return &certs[0], nil
		}
		return &tls.Certificate{}, nil // none: the server decides
	}
	conn := tls.Client(c, cfg)
	hctx, cancel := context.WithTimeout(ctx, tlsHandshakeTimeout)
	defer cancel()
	if err := conn.HandshakeContext(hctx); err != nil {
		c.Close()
		return nil, netcore.ExplainTLSClient(err, addrText(c.RemoteAddr()), asked.Load(), len(certs) > 0)
	}
	return conn, nil
}

// tlsServerHandshake runs in p's reader before its first read; false means
// it failed, was logged, and err is why the connection ends.
func (s *Session) tlsServerHandshake(p *peer) (err error) {
	tc, ok := p.conn.(*tls.Conn)
	if !ok || s.cfg.Role == Client {
		return nil
	}
	hctx, cancel := context.WithTimeout(s.ctx, tlsHandshakeTimeout)
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		if s.ctx.Err() != nil || p.byUs.Load() {
			return err
		}
		werr := netcore.ExplainTLS(err, true, p.addr)
		s.emit(Entry{Kind: KindError, Peer: p.id, Addr: p.addr, Local: p.local, Err: werr, Text: werr.Error()})
		return werr
	}
	s.tlsDone(p, tc)
	return nil
}

// tlsDone keeps what the handshake agreed on for PeerInfo and logs it:
// one line for version, suite and ALPN, one per certificate of the chain.
func (s *Session) tlsDone(p *peer, tc *tls.Conn) {
	in := netcore.TLSInfoOf(tc.ConnectionState())
	p.tls.Store(&in)
	s.peerEvent(KindInfo, p, in.Summary(), NoteNone)
	for i, c := range in.Chain {
		s.peerEvent(KindInfo, p, fmt.Sprintf("  certificate %d: %s", i+1, c), NoteNone)
	}
}

// TLS is what the handshake with peer id agreed on; nil before it
// finished or for a session that is not tls://.
func (s *Session) TLS(id PeerID) (*netcore.TLSInfo, error) {
	p, err := s.peer(id)
	if err != nil {
		return nil, err
	}
	return p.tls.Load(), nil
}

// Certificate is the session's own certificate chain, leaf first: a
// server's (its file's, or the self-signed one it made), or a client's
// client certificate; nil before Start and for a session with none.
func (s *Session) Certificate() []netcore.CertInfo {
	s.mu.Lock()
	tc := s.tls
	s.mu.Unlock()
	if tc == nil || len(tc.Config.Certificates) == 0 {
		return nil
	}
	return netcore.ChainInfo(tc.Config.Certificates[0])
}
