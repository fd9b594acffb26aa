package netcore

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// TLSOptions are the settings of a tls:// session, saved in workspaces as
// JSON (the tags are a file format). Servers use the certificate fields,
// clients the verification fields; ALPN, MinVersion and KeyLog apply to
// both. sessions.Spec.Config checks which apply.
type TLSOptions struct {
	// CertFile and KeyFile are a server's certificate chain and key (PEM).
	CertFile string `json:"cert_file,omitempty"`
	KeyFile  string `json:"key_file,omitempty"`
	// SelfSigned are the names (DNS names or IP addresses) a server's
	// generated certificate is for, instead of CertFile and KeyFile.
	SelfSigned []string `json:"self_signed,omitempty"`
	// SaveDir keeps the self-signed certificate for reuse: one there that
	// covers the names and has not expired is used again, otherwise a new
	// one is written there (SelfSignedCertFile, SelfSignedKeyFile).
	SaveDir string `json:"save_dir,omitempty"`

	// CAFile holds the authorities (PEM) a client trusts instead of the
	// system's; Insecure skips verification, as an explicit choice.
	CAFile   string `json:"ca_file,omitempty"`
	Insecure bool   `json:"insecure,omitempty"`
	// SNI is the name a client asks for and verifies; "" is the host.
	SNI string `json:"sni,omitempty"`
	// ClientCert and ClientKey are a client's own certificate and key (PEM).
	ClientCert string `json:"client_cert,omitempty"`
	ClientKey  string `json:"client_key,omitempty"`

	// ALPN lists the application protocols offered (client) or accepted
	// (server), most preferred first.
	ALPN []string `json:"alpn,omitempty"`
	// MinVersion is the lowest TLS version allowed: "1.0", "1.1", "1.2" or
	// "1.3"; "" is Go's default (1.2).
	MinVersion string `json:"min_version,omitempty"`
	// KeyLog appends the session keys to this file in the SSLKEYLOGFILE
	// format, so Wireshark can decrypt a separate capture.
	KeyLog string `json:"keylog,omitempty"`
}

// Files a saved self-signed certificate is kept in, inside TLSOptions.SaveDir.
const (
	SelfSignedCertFile = "sockplay-cert.pem"
	SelfSignedKeyFile  = "sockplay-key.pem"
)

var tlsVersions = map[string]uint16{"1.0": tls.VersionTLS10, "1.1": tls.VersionTLS11, "1.2": tls.VersionTLS12, "1.3": tls.VersionTLS13}

// ParseTLSVersion reads "1.2" (or "tls1.2") as crypto/tls's constant.
func ParseTLSVersion(s string) (uint16, error) {
	v, ok := tlsVersions[strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "tls")]
	if !ok {
		return 0, fmt.Errorf("%q is not a TLS version (1.0, 1.1, 1.2 or 1.3)", s)
	}
	return v, nil
}

// TLSConfig is a ready crypto/tls config and what the session should log
// about it (a generated certificate's fingerprint). Close closes the key
// log file.
type TLSConfig struct {
	Config *tls.Config
	Notes  []string
	keylog *os.File
}

// Close closes the key log, if any.
func (c *TLSConfig) Close() error {
	if c == nil || c.keylog == nil {
		return nil
	}
	return c.keylog.Close()
}

// NewTLSConfig builds the config of a tls:// server or client. host is the
// endpoint's host, the client's default SNI.
func NewTLSConfig(t TLSOptions, server bool, host string) (*TLSConfig, error) {
	cfg := &tls.Config{NextProtos: t.ALPN}
	out := &TLSConfig{Config: cfg}
	if t.MinVersion != "" {
		v, err := ParseTLSVersion(t.MinVersion)
		if err != nil {
			return nil, err
		}
		cfg.MinVersion = v
	}
	if server {
		switch {
		case t.CertFile != "":
			cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
			if err != nil {
				return nil, fmt.Errorf("load tls certificate %s: %w", t.CertFile, err)
			}
			cfg.Certificates = []tls.Certificate{cert}
		case len(t.SelfSigned) > 0:
			cert, note, err := selfSignedFor(t.SelfSigned, t.SaveDir)
			if err != nil {
				return nil, err
			}
			cfg.Certificates = []tls.Certificate{cert}
			out.Notes = append(out.Notes, note)
		default:
			return nil, errors.New("a tls server needs a certificate and key, or self-signed names")
		}
	} else {
		cfg.ServerName = host
		if t.SNI != "" {
			cfg.ServerName = t.SNI
		}
		cfg.InsecureSkipVerify = t.Insecure
		if t.CAFile != "" {
			pool, err := loadCAs(t.CAFile)
			if err != nil {
				return nil, err
			}
			cfg.RootCAs = pool
		}
		if t.ClientCert != "" {
			cert, err := tls.LoadX509KeyPair(t.ClientCert, t.ClientKey)
			if err != nil {
				return nil, fmt.Errorf("load tls client certificate %s: %w", t.ClientCert, err)
			}
			cfg.Certificates = []tls.Certificate{cert}
		}
	}
	if t.KeyLog != "" {
		f, err := os.OpenFile(t.KeyLog, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return nil, fmt.Errorf("open tls key log: %w", err)
		}
		cfg.KeyLogWriter = f
		out.keylog = f
	}
	return out, nil
}

func loadCAs(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read tls CA file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("tls CA file %s holds no PEM certificate", path)
	}
	return pool, nil
}

// selfSignedFor reuses the certificate saved in dir when it covers names
// and is valid for another day, else generates one (and saves it in dir).
func selfSignedFor(names []string, dir string) (tls.Certificate, string, error) {
	if dir != "" {
		cp, kp := filepath.Join(dir, SelfSignedCertFile), filepath.Join(dir, SelfSignedKeyFile)
		if cert, err := tls.LoadX509KeyPair(cp, kp); err == nil && covers(cert.Leaf, names) {
			return cert, fmt.Sprintf("reusing the self-signed certificate in %s for %s, SHA-256 %s", cp, strings.Join(names, ", "), Fingerprint(cert.Leaf)), nil
		}
	}
	cert, certPEM, keyPEM, err := SelfSigned(names, time.Now())
	if err != nil {
		return cert, "", err
	}
	note := fmt.Sprintf("generated a self-signed certificate for %s (ECDSA P-256, valid until %s), SHA-256 %s",
		strings.Join(names, ", "), cert.Leaf.NotAfter.Format(time.DateOnly), Fingerprint(cert.Leaf))
	if dir != "" {
		cp, kp := filepath.Join(dir, SelfSignedCertFile), filepath.Join(dir, SelfSignedKeyFile)
		if err := os.WriteFile(kp, keyPEM, 0o600); err != nil {
			return cert, "", fmt.Errorf("save self-signed key: %w", err)
		}
		if err := os.WriteFile(cp, certPEM, 0o644); err != nil {
			return cert, "", fmt.Errorf("save self-signed certificate: %w", err)
		}
		note += "; saved as " + cp
	}
	return cert, note, nil
}

func covers(leaf *x509.Certificate, names []string) bool {
	if leaf == nil || time.Now().Add(24*time.Hour).After(leaf.NotAfter) {
		return false
	}
	for _, n := range names {
		if leaf.VerifyHostname(n) != nil {
			return false
		}
	}
	return true
}

// SelfSigned makes an ECDSA P-256 certificate for names (DNS names or IP
// addresses), valid for one year from now, and returns it with its PEM.
func SelfSigned(names []string, now time.Time) (cert tls.Certificate, certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return cert, nil, nil, fmt.Errorf("generate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return cert, nil, nil, fmt.Errorf("generate serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: names[0], Organization: []string{"sockplay self-signed"}},
		NotBefore:             now.Add(-time.Minute),
		NotAfter:              now.AddDate(1, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return cert, nil, nil, fmt.Errorf("create certificate: %w", err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return cert, nil, nil, fmt.Errorf("encode key: %w", err)
	}
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM = pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
	cert, err = tls.X509KeyPair(certPEM, keyPEM)
	return cert, certPEM, keyPEM, err
}

// Fingerprint is the certificate's SHA-256 as openssl prints it
// (AB:CD:...).
func Fingerprint(c *x509.Certificate) string {
	if c == nil {
		return ""
	}
	sum := sha256.Sum256(c.Raw)
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	var b strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(h[i : i+2])
	}
	return b.String()
}

// TLSInfo is what a handshake agreed on, for the log and the window.
type TLSInfo struct {
	Version     string // "TLS 1.3"
	CipherSuite string
	ALPN        string // "" when none was agreed
	ServerName  string // the SNI the client sent
	Chain       []CertInfo
}

// CertInfo is one certificate of the peer's chain, leaf first.
type CertInfo struct {
	Subject, Issuer     string
	NotBefore, NotAfter time.Time
	Names               []string // SANs: DNS names, IP addresses, emails, URIs
	SHA256              string
}

// TLSInfoOf describes a finished handshake.
func TLSInfoOf(cs tls.ConnectionState) TLSInfo {
	in := TLSInfo{Version: tls.VersionName(cs.Version), CipherSuite: tls.CipherSuiteName(cs.CipherSuite), ALPN: cs.NegotiatedProtocol, ServerName: cs.ServerName}
	for _, c := range cs.PeerCertificates {
		in.Chain = append(in.Chain, certInfo(c))
	}
	return in
}

// ChainInfo describes a certificate chain of our own (a server's, or a
// client's client certificate), leaf first; a part that does not parse
// is left out.
func ChainInfo(c tls.Certificate) []CertInfo {
	var out []CertInfo
	for _, der := range c.Certificate {
		if x, err := x509.ParseCertificate(der); err == nil {
			out = append(out, certInfo(x))
		}
	}
	return out
}

func certInfo(c *x509.Certificate) CertInfo {
	ci := CertInfo{Subject: c.Subject.String(), Issuer: c.Issuer.String(), NotBefore: c.NotBefore, NotAfter: c.NotAfter, SHA256: Fingerprint(c)}
	ci.Names = append(ci.Names, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		ci.Names = append(ci.Names, ip.String())
	}
	ci.Names = append(ci.Names, c.EmailAddresses...)
	for _, u := range c.URIs {
		ci.Names = append(ci.Names, u.String())
	}
	return ci
}

// Summary is the handshake in one line: "TLS 1.3, TLS_AES_128_GCM_SHA256,
// ALPN h2, no peer certificate".
func (in TLSInfo) Summary() string {
	alpn := "no ALPN"
	if in.ALPN != "" {
		alpn = "ALPN " + in.ALPN
	}
	certs := "no peer certificate"
	switch n := len(in.Chain); n {
	case 0:
	case 1:
		certs = "peer certificate:"
	default:
		certs = fmt.Sprintf("peer chain of %d certificates:", n)
	}
	return fmt.Sprintf("TLS handshake done: %s, %s, %s; %s", in.Version, in.CipherSuite, alpn, certs)
}

// String is one certificate in one line.
func (c CertInfo) String() string {
	names := "no SANs"
	if len(c.Names) > 0 {
		names = "SANs " + strings.Join(c.Names, ", ")
	}
	return fmt.Sprintf("subject %q, issuer %q, valid %s to %s, %s, SHA-256 %s", c.Subject, c.Issuer,
		c.NotBefore.UTC().Format(time.DateTime), c.NotAfter.UTC().Format(time.DateTime), names, c.SHA256)
}
