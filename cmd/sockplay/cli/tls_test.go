package cli

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore"
)

// TestServeAndConnectTLS: serve with a self-signed certificate saved for
// reuse, connect trusting it with --tls-ca (half-close sends close_notify
// and FIN), and connect without it fails with the one sentence.
func TestServeAndConnectTLS(t *testing.T) {
	testkit.NoLeaks(t)
	dir := testkit.TempDir(t)
	srv := serveCmd(t, "tls://127.0.0.1:0", "--upper", "--tls-self-signed", "127.0.0.1,localhost", "--tls-save-cert", dir, "--tls-alpn", "x-test")
	ca := filepath.Join(dir, netcore.SelfSignedCertFile)
	for _, tc := range []struct {
		name string
		args []string
		code int
		out  string
		err  *regexp.Regexp
	}{
		{"trusted", []string{"--half-close", "--tls-ca", ca, "--tls-alpn", "x-test"}, ExitOK, "HELLO\n", regexp.MustCompile(`^$`)},
		{"by name", []string{"--half-close", "--tls-ca", ca, "--tls-sni", "localhost"}, ExitOK, "HELLO\n", regexp.MustCompile(`^$`)},
		{"insecure", []string{"--half-close", "--tls-insecure"}, ExitOK, "HELLO\n", regexp.MustCompile(`^$`)},
		{"untrusted", []string{"--half-close"}, ExitFail, "", regexp.MustCompile(`^sockplay connect: tls handshake with 127\.0\.0\.1:\d+: the server's certificate is signed by an authority this machine does not trust \(self-signed, CN=127\.0\.0\.1\); use --tls-ca FILE or --tls-insecure\n$`)},
		{"wrong name", []string{"--half-close", "--tls-ca", ca, "--tls-sni", "other.example"}, ExitFail, "", regexp.MustCompile(`^sockplay connect: tls handshake with 127\.0\.0\.1:\d+: the certificate is for localhost, 127\.0\.0\.1, not other\.example; use --tls-sni NAME or --tls-insecure\n$`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := connectCmd(t, "hello\n", append([]string{srv.url}, tc.args...)...)
			if code != tc.code || out != tc.out || !tc.err.MatchString(errOut) {
				t.Fatalf("exit %d out %q err %q; want %d %q %s (serve: %s)", code, out, errOut, tc.code, tc.out, tc.err, srv.err.String())
			}
		})
	}
	for _, want := range []string{"generated a self-signed certificate for 127.0.0.1, localhost (ECDSA P-256", "saved as " + ca,
		"TLS handshake done: TLS 1.3", "ALPN x-test", "the client refused our certificate"} {
		if !strings.Contains(srv.err.String(), want) {
			t.Errorf("serve's stderr lacks %q:\n%s", want, srv.err.String())
		}
	}
	// A second server reuses the saved certificate: the same fingerprint.
	again := serveCmd(t, "tls://127.0.0.1:0", "--tls-self-signed", "127.0.0.1", "--tls-save-cert", dir)
	testkit.Eventually(t, "reuse note", func() bool { return strings.Contains(again.err.String(), "reusing the self-signed certificate in "+ca) })
}
