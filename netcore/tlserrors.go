package netcore

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"reflect"
	"strings"
	"time"
)

// TLSError is a failed TLS handshake in one sentence a person reads ("tls
// handshake with 127.0.0.1:4433: the certificate is for a.example, not
// b.example"); it unwraps to crypto/tls's or x509's error, so errors.As
// still finds x509.HostnameError and the rest.
type TLSError struct {
	Words string
	Err   error
}

func (e *TLSError) Error() string { return e.Words }
func (e *TLSError) Unwrap() error { return e.Err }

// ErrTLSHandshake is matched (errors.Is) by every TLSError.
var ErrTLSHandshake = errors.New("tls handshake failed")

// Is makes every TLSError match ErrTLSHandshake.
func (e *TLSError) Is(target error) bool { return target == ErrTLSHandshake }

// The TLS alerts (RFC 8446 6) a peer sends when it refuses a handshake.
const (
	alertBadRecordMAC        = 20
	alertHandshakeFailure    = 40
	alertBadCertificate      = 42
	alertUnsupportedCert     = 43
	alertCertificateRevoked  = 44
	alertCertificateExpired  = 45
	alertCertificateUnknown  = 46
	alertUnknownCA           = 48
	alertProtocolVersion     = 70
	alertNoApplicationProto  = 120
	alertCertificateRequired = 116
)

// ExplainTLS words why a handshake with peer failed, from crypto/tls's and
// x509's error types; an error it does not know keeps Go's words after
// the prefix. server says which side we were.
func ExplainTLS(err error, server bool, peer string) error {
	if err == nil {
		return nil
	}
	return &TLSError{Words: "tls handshake with " + peer + ": " + tlsWhy(err, server), Err: err}
}

// ExplainTLSClient is ExplainTLS for a client that knows whether the
// server asked for its certificate (certAsked) and whether it had one: a
// server refusing a client without one often answers only
// "handshake failure" (TLS 1.2), which says nothing of the certificate.
func ExplainTLSClient(err error, peer string, certAsked, certGiven bool) error {
	if err != nil && certAsked && !certGiven && remoteAlert(err) != 0 {
		return &TLSError{Words: "tls handshake with " + peer + ": " + alertWhy(alertCertificateRequired, false), Err: err}
	}
	return ExplainTLS(err, false, peer)
}

func tlsWhy(err error, server bool) string {
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		alert    tls.AlertError
		record   tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &unknown):
		what := "unknown issuer"
		if c := unknown.Cert; c != nil {
			what = "issued by " + nameOf(c.Issuer.String())
			if c.Issuer.String() == c.Subject.String() {
				what = "self-signed, " + nameOf(c.Subject.String())
			}
		}
		return fmt.Sprintf("the server's certificate is signed by an authority this machine does not trust (%s); use --tls-ca FILE or --tls-insecure", what)
	case errors.As(err, &hostname):
		var names []string
		if c := hostname.Certificate; c != nil {
			names = append(names, c.DNSNames...)
			for _, ip := range c.IPAddresses {
				names = append(names, ip.String())
			}
		}
		if len(names) == 0 {
			return fmt.Sprintf("the certificate names no host (no SANs), not %s; use --tls-sni NAME or --tls-insecure", hostname.Host)
		}
		return fmt.Sprintf("the certificate is for %s, not %s; use --tls-sni NAME or --tls-insecure", strings.Join(names, ", "), hostname.Host)
	case errors.As(err, &invalid):
		if invalid.Reason == x509.Expired && invalid.Cert != nil {
			c, now := invalid.Cert, time.Now()
			span := fmt.Sprintf("valid %s to %s", c.NotBefore.UTC().Format(time.DateOnly), c.NotAfter.UTC().Format(time.DateOnly))
			if now.Before(c.NotBefore) {
				return fmt.Sprintf("the certificate of %s is not valid yet (%s; it is %s now)", nameOf(c.Subject.String()), span, now.UTC().Format(time.DateOnly))
			}
			return fmt.Sprintf("the certificate of %s has expired (%s; it is %s now)", nameOf(c.Subject.String()), span, now.UTC().Format(time.DateOnly))
		}
		return fmt.Sprintf("the server's certificate is not valid: %v", invalid.Error())
	case remoteAlert(err) != 0:
		return alertWhy(remoteAlert(err), server)
	case server && opAlert(err, "local error") == alertBadRecordMAC:
		// OpenSSL's TLS 1.3 clients (openssl s_client, socat, curl) that do
		// not trust our certificate end the handshake with an alert Go
		// cannot decrypt; Go reports only the bad MAC.
		return "the client's next record failed its integrity check (bad record MAC); OpenSSL-based clients end a TLS 1.3 handshake this way when they do not trust our certificate"
	case errors.As(err, &alert):
		// An alert we sent: we refused something the peer chose.
		if alert == alertProtocolVersion {
			return fmt.Sprintf("no TLS version in common (%v)", err)
		}
		return fmt.Sprintf("we refused the handshake (%v)", err)
	case errors.As(err, &record):
		return fmt.Sprintf("the peer does not speak TLS (its first bytes were %q)", record.RecordHeader[:])
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return "the peer closed the connection during the handshake"
	case isTimeout(err):
		return "the peer did not finish the handshake in time"
	}
	return err.Error()
}

// remoteAlert is the alert the peer sent, or 0.
func remoteAlert(err error) uint8 { return opAlert(err, "remote error") }

// opAlert is the alert of a crypto/tls error, or 0: crypto/tls reports it
// as a *net.OpError (Op "remote error" for the peer's, "local error" for
// ours) around its unexported alert type, a uint8.
func opAlert(err error, opName string) uint8 {
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != opName || op.Err == nil {
		return 0
	}
	if v := reflect.ValueOf(op.Err); v.Kind() == reflect.Uint8 {
		return uint8(v.Uint())
	}
	return 0
}

// alertWhy words an alert the peer sent: it refused something of ours.
func alertWhy(a uint8, server bool) string {
	peer := "the server"
	if server {
		peer = "the client"
	}
	name := tls.AlertError(a).Error()
	switch a {
	case alertProtocolVersion:
		return fmt.Sprintf("%s speaks none of the TLS versions allowed here (it answered %q); see --tls-min-version", peer, name)
	case alertHandshakeFailure:
		return fmt.Sprintf("%s found no cipher suite or setting in common (it answered %q)", peer, name)
	case alertNoApplicationProto:
		return fmt.Sprintf("%s accepts none of the offered ALPN protocols (it answered %q)", peer, name)
	case alertCertificateRequired:
		return fmt.Sprintf("%s requires a client certificate; give one with --tls-client-cert FILE --tls-client-key FILE", peer)
	case alertUnknownCA, alertBadCertificate, alertUnsupportedCert, alertCertificateRevoked, alertCertificateExpired, alertCertificateUnknown:
		if server {
			return fmt.Sprintf("the client refused our certificate (it answered %q): it does not trust it", name)
		}
		return fmt.Sprintf("the server refused our client certificate (it answered %q)", name)
	}
	return fmt.Sprintf("%s refused the handshake (it answered %q)", peer, name)
}

// nameOf shortens a distinguished name to its common name where it has one.
func nameOf(dn string) string {
	for _, part := range strings.Split(dn, ",") {
		if cn, ok := strings.CutPrefix(part, "CN="); ok {
			return "CN=" + cn
		}
	}
	if dn == "" {
		return "no name"
	}
	return dn
}
