package sessions

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore"
)

// writeCert makes a self-signed certificate for names, valid from made
// for a year, and writes it and its key into dir.
func writeCert(t *testing.T, dir, stem string, made time.Time, names ...string) (certFile, keyFile string) {
	t.Helper()
	_, certPEM, keyPEM, err := netcore.SelfSigned(names, made)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, stem+"-cert.pem"), filepath.Join(dir, stem+"-key.pem")
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// TestTLSServerOpenSSLClient: a tls server session with a self-signed
// certificate echoes 1 MiB that openssl s_client sends, byte for byte,
// and agrees on ALPN; the log has the handshake and the generated
// certificate's fingerprint.
func TestTLSServerOpenSSLClient(t *testing.T) {
	testkit.Need(t, "openssl")
	for _, tc := range []struct {
		name, alpn, want string
	}{
		{"no alpn", "", "no ALPN"},
		{"alpn", "x-sockplay,h2", "ALPN h2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := testkit.TempDir(t)
			srv := start(t, Config{Role: Server, Endpoint: ep(t, "tls://127.0.0.1:0"), Reply: ReplyEcho,
				TLS: &netcore.TLSOptions{SelfSigned: []string{"localhost", "127.0.0.1"}, SaveDir: dir, ALPN: []string{"h2", "http/1.1"}}})
			data := make([]byte, 1<<20)
			rand.Read(data)
			in := filepath.Join(dir, "in.bin")
			os.WriteFile(in, data, 0o600)
			args := []string{"s_client", "-quiet", "-connect", srv.Addr().String()}
			if tc.alpn != "" {
				args = append(args, "-alpn", tc.alpn)
			}
			cmd := exec.Command("openssl", args...)
			f, _ := os.Open(in)
			defer f.Close()
			cmd.Stdin = f
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{}) // closed when s_client has ended
			go func() { cmd.Wait(); close(done) }()
			defer func() { cmd.Process.Kill(); <-done }()
			testkit.Eventually(t, "1 MiB echoed", func() bool { return srv.Counters().BytesOut >= uint64(len(data)) })
			ps := srv.Peers()
			if len(ps) != 1 || ps[0].TLS == nil {
				t.Fatalf("peers %+v: want one with TLS info", ps)
			}
			srv.ClosePeer(ps[0].ID)
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("s_client did not end")
			}
			if sha256.Sum256(out.Bytes()) != sha256.Sum256(data) {
				t.Fatalf("s_client got %d bytes, not the %d sent (stderr %s)", out.Len(), len(data), errb.String())
			}
			es := entries(srv.Log())
			if !hasText(es, KindInfo, "generated a self-signed certificate for localhost, 127.0.0.1 (ECDSA P-256") ||
				!hasText(es, KindInfo, "TLS handshake done: TLS 1.3") || !hasText(es, KindInfo, tc.want) {
				t.Errorf("log lacks the certificate or handshake:\n%s", dump(es))
			}
			if _, err := os.Stat(filepath.Join(dir, netcore.SelfSignedCertFile)); err != nil {
				t.Errorf("self-signed certificate not saved: %v", err)
			}
		})
	}
}

// sServer runs openssl s_server on a free port with a certificate and
// extra arguments; its stdin stays open until the test ends.
func sServer(t *testing.T, cert, key string, extra ...string) (port int, stdout *syncBuf, stdin io.WriteCloser) {
	t.Helper()
	port = testkit.FreePort(t, "tcp")
	args := append([]string{"s_server", "-accept", "127.0.0.1:" + strconv.Itoa(port), "-cert", cert, "-key", key}, extra...)
	cmd := exec.Command("openssl", args...)
	stdout = &syncBuf{}
	cmd.Stdout = stdout
	cmd.Stderr = stdout
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		<-done
		if t.Failed() {
			t.Logf("s_server: %s", stdout.String())
		}
	})
	testkit.Eventually(t, "s_server listening", func() bool { return strings.Contains(stdout.String(), "ACCEPT") })
	return port, stdout, stdin
}

// TestTLSClientOpenSSLServer: a tls client session verifies openssl
// s_server's certificate against a CA file, both directions carry bytes,
// ALPN is agreed, the key log is written, and a client certificate is
// given when s_server asks for one.
func TestTLSClientOpenSSLServer(t *testing.T) {
	testkit.Need(t, "openssl")
	dir := testkit.TempDir(t)
	cert, key := writeCert(t, dir, "server", time.Now(), "localhost", "127.0.0.1")
	ccert, ckey := writeCert(t, dir, "client", time.Now(), "sockplay-client")
	for _, tc := range []struct {
		name   string
		extra  []string
		opts   netcore.TLSOptions
		expect string
	}{
		{"verified", nil, netcore.TLSOptions{CAFile: cert}, "no ALPN"},
		{"alpn", []string{"-alpn", "h2"}, netcore.TLSOptions{CAFile: cert, ALPN: []string{"h2", "http/1.1"}}, "ALPN h2"},
		{"client cert", []string{"-Verify", "1", "-tls1_2", "-CAfile", ccert}, netcore.TLSOptions{CAFile: cert, ClientCert: ccert, ClientKey: ckey}, "TLS 1.2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			port, out, stdin := sServer(t, cert, key, tc.extra...)
			o := tc.opts
			o.KeyLog = filepath.Join(testkit.TempDir(t), "keys.log")
			cli := start(t, Config{Role: Client, Endpoint: ep(t, fmt.Sprintf("tls://localhost:%d", port)), TLS: &o})
			es := entries(cli.Log())
			if !hasText(es, KindInfo, tc.expect) || !hasText(es, KindInfo, "certificate 1: subject \"CN=localhost") {
				t.Errorf("log lacks the handshake (%s):\n%s", tc.expect, dump(es))
			}
			id := cli.Peers()[0].ID
			if err := cli.Send(id, []byte("hello from sockplay\n")); err != nil {
				t.Fatal(err)
			}
			testkit.Eventually(t, "s_server got it", func() bool { return strings.Contains(out.String(), "hello from sockplay") })
			io.WriteString(stdin, "hello from openssl\n")
			waitLog(t, cli, "the server's line", gotIn("hello from openssl"))
			kl, _ := os.ReadFile(o.KeyLog)
			if !bytes.Contains(kl, []byte("CLIENT_")) && !bytes.Contains(kl, []byte("CLIENT_RANDOM ")) {
				t.Errorf("key log is not in SSLKEYLOGFILE form: %q", kl)
			}
		})
	}
}

// TestTLSHandshakeFailures: each way verification fails is one sentence
// saying why, and the error is still the x509 or tls one underneath.
func TestTLSHandshakeFailures(t *testing.T) {
	testkit.Need(t, "openssl")
	dir := testkit.TempDir(t)
	cert, key := writeCert(t, dir, "good", time.Now(), "a.example", "b.example")
	old, oldKey := writeCert(t, dir, "old", time.Now().AddDate(-2, 0, 0), "localhost")
	for _, tc := range []struct {
		name      string
		cert, key string
		extra     []string
		opts      netcore.TLSOptions
		want      string
	}{
		{"unknown authority", cert, key, nil, netcore.TLSOptions{SNI: "a.example"},
			"the server's certificate is signed by an authority this machine does not trust (self-signed, CN=a.example); use --tls-ca FILE or --tls-insecure"},
		{"wrong name", cert, key, nil, netcore.TLSOptions{CAFile: cert, SNI: "c.example"},
			"the certificate is for a.example, b.example, not c.example"},
		{"expired", old, oldKey, nil, netcore.TLSOptions{CAFile: old, SNI: "localhost"},
			"the certificate of CN=localhost has expired (valid " + time.Now().AddDate(-2, 0, 0).Add(-time.Minute).UTC().Format(time.DateOnly)},
		{"version", cert, key, []string{"-tls1_2"}, netcore.TLSOptions{CAFile: cert, SNI: "a.example", MinVersion: "1.3"},
			"the server speaks none of the TLS versions allowed here"},
		{"no client cert", cert, key, []string{"-Verify", "1", "-tls1_2"}, netcore.TLSOptions{CAFile: cert, SNI: "a.example"},
			"the server requires a client certificate; give one with --tls-client-cert FILE --tls-client-key FILE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			port, _, _ := sServer(t, tc.cert, tc.key, tc.extra...)
			o := tc.opts
			s, err := New(Config{Role: Client, Endpoint: ep(t, fmt.Sprintf("tls://127.0.0.1:%d", port)), TLS: &o})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			err = s.Start(testCtx(t))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v\nwant it to contain %q", err, tc.want)
			}
			if !errors.Is(err, netcore.ErrTLSHandshake) || strings.Count(err.Error(), ". ") > 0 {
				t.Errorf("not one matchable sentence: %v", err)
			}
		})
	}
}

// syncBuf is a buffer a process writes while the test reads it.
type syncBuf = testkit.SyncBuffer

// TestTLSRecording: a tls session records its decrypted bytes as TCP and
// the file says they were decrypted.
func TestTLSRecording(t *testing.T) {
	dir := testkit.TempDir(t)
	srv, err := New(Config{Role: Server, Endpoint: ep(t, "tls://127.0.0.1:0"), Reply: ReplyEcho,
		TLS: &netcore.TLSOptions{SelfSigned: []string{"127.0.0.1"}}})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "tls.pcapng")
	rec, err := srv.Record(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	cli := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv)), TLS: &netcore.TLSOptions{Insecure: true}})
	cli.Send(cli.Peers()[0].ID, []byte("secret words"))
	waitLog(t, cli, "the echo", gotIn("secret words"))
	cli.Close()
	srv.Close()
	rec.Stop()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("secret words")) || !bytes.Contains(b, []byte("TCP payload is the decrypted application data")) {
		t.Errorf("recording lacks the decrypted bytes or the note (%d bytes)", len(b))
	}
}

// TestTLSOwnCertificate: Certificate is the session's own chain, the one
// its peers see: a server's generated certificate (the fingerprint it
// logs), a server's file, a client's client certificate; none before Start.
func TestTLSOwnCertificate(t *testing.T) {
	dir := testkit.TempDir(t)
	cfg := Config{Role: Server, Endpoint: ep(t, "tls://127.0.0.1:0"), TLS: &netcore.TLSOptions{SelfSigned: []string{"localhost"}, SaveDir: dir}}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Certificate(); c != nil {
		t.Errorf("before Start: %+v", c)
	}
	s.Close()
	srv := start(t, cfg)
	own := srv.Certificate()
	if len(own) != 1 || own[0].Subject != "CN=localhost,O=sockplay self-signed" || own[0].Subject != own[0].Issuer {
		t.Fatalf("own chain %+v", own)
	}
	if !hasText(entries(srv.Log()), KindInfo, "SHA-256 "+own[0].SHA256) {
		t.Errorf("the log does not give the fingerprint %s:\n%s", own[0].SHA256, dump(entries(srv.Log())))
	}
	// The saved file is the same certificate, served by a second server.
	cert, key := filepath.Join(dir, netcore.SelfSignedCertFile), filepath.Join(dir, netcore.SelfSignedKeyFile)
	byFile := start(t, Config{Role: Server, Endpoint: ep(t, "tls://127.0.0.1:0"), TLS: &netcore.TLSOptions{CertFile: cert, KeyFile: key}})
	if c := byFile.Certificate(); len(c) != 1 || c[0].SHA256 != own[0].SHA256 {
		t.Errorf("served from the file: %+v, want fingerprint %s", c, own[0].SHA256)
	}
	cli := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv)), TLS: &netcore.TLSOptions{CAFile: cert, SNI: "localhost", ClientCert: cert, ClientKey: key}})
	if c := cli.Certificate(); len(c) != 1 || c[0].SHA256 != own[0].SHA256 {
		t.Errorf("client certificate: %+v", c)
	}
	plain := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(byFile)), TLS: &netcore.TLSOptions{CAFile: cert, SNI: "localhost"}})
	if c := plain.Certificate(); c != nil {
		t.Errorf("a client without a certificate has %+v", c)
	}
}
