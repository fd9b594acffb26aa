package cli

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore"
)

// peerRun runs a TLS peer (socat, ncat) with stdin and returns its output
// and error; it is bounded at 20 s.
func peerRun(t *testing.T, stdin string, name string, args ...string) (string, error) {
	t.Helper()
	testkit.Need(t, name)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestTLSServeToSocatAndNcat: sockplay's TLS server with a self-signed
// certificate, spoken to by socat's OPENSSL address and ncat --ssl that
// verify it against the saved certificate (ALPN from ncat); a socat that
// trusts another authority is refused, and the server says the client
// refused its certificate.
func TestTLSServeToSocatAndNcat(t *testing.T) {
	testkit.Need(t, "openssl")
	dir := testkit.TempDir(t)
	srv := serveCmd(t, "tls://127.0.0.1:0", "--upper", "--tls-self-signed", "localhost,127.0.0.1", "--tls-save-cert", dir, "--tls-alpn", "x-test,h2")
	cert := filepath.Join(dir, netcore.SelfSignedCertFile)
	hostPort := strings.TrimPrefix(srv.url, "tls://")
	host, port, _ := strings.Cut(hostPort, ":")
	other, _ := writeTestCert(t, testkit.TempDir(t), "other.example")

	for _, tc := range []struct {
		name     string
		tool     string
		args     []string
		ok       bool
		serveLog string
	}{
		{"socat verifies", "socat", []string{"-t", "5", "-", "OPENSSL:" + hostPort + ",cafile=" + cert + ",commonname=localhost"}, true, ""},
		{"ncat verifies, asks h2", "ncat", []string{"--ssl", "--ssl-verify", "--ssl-trustfile", cert, "--ssl-servername", "localhost", "--ssl-alpn", "h2", host, port}, true, "ALPN h2"},
		{"socat trusts another authority", "socat", []string{"-t", "5", "-", "OPENSSL:" + hostPort + ",cafile=" + other + ",commonname=localhost"}, false,
			"OpenSSL-based clients end a TLS 1.3 handshake this way when they do not trust our certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := peerRun(t, "hello over tls\n", tc.tool, tc.args...)
			if tc.ok && (err != nil || !strings.Contains(out, "HELLO OVER TLS")) {
				t.Fatalf("%s: %v, output %q; serve: %s", tc.tool, err, out, srv.err)
			}
			if !tc.ok && (err == nil || strings.Contains(out, "HELLO")) {
				t.Fatalf("%s should have refused the certificate: %v, %q", tc.tool, err, out)
			}
			if !tc.ok {
				t.Logf("%s: %s", tc.tool, out)
			}
			if tc.serveLog != "" {
				testkit.Eventually(t, tc.serveLog, func() bool { return strings.Contains(srv.err.String(), tc.serveLog) })
			}
		})
	}
}

// TestTLSConnectToSocatAndNcat: sockplay's TLS client against socat's and
// ncat's TLS servers: verified with --tls-ca and the name, ALPN agreed with
// ncat, and each verification failure in its one sentence.
func TestTLSConnectToSocatAndNcat(t *testing.T) {
	testkit.Need(t, "openssl")
	dir := testkit.TempDir(t)
	cert, key := writeTestCert(t, dir, "device.example")

	socatPort := testkit.FreePort(t, "tcp")
	startPeer(t, "socat", fmt.Sprintf("OPENSSL-LISTEN:%d,bind=127.0.0.1,reuseaddr,fork,cert=%s,key=%s,verify=0", socatPort, cert, key), "EXEC:tr a-z A-Z")
	ncatPort := testkit.FreePort(t, "tcp")
	startPeer(t, "ncat", "--ssl", "--ssl-cert", cert, "--ssl-key", key, "-lk", "127.0.0.1", fmt.Sprint(ncatPort), "-e", "/bin/cat")

	for _, tc := range []struct {
		name string
		port int
		args []string
		out  string
		err  string // in stderr; "" wants it empty
	}{
		{"socat verified", socatPort, []string{"--half-close", "--tls-ca", cert, "--tls-sni", "device.example"}, "HELLO\n", ""},
		// ncat -e ends the whole connection when close_notify comes, before
		// cat echoes: wait for the echo instead of half-closing.
		{"ncat verified", ncatPort, []string{"--tls-ca", cert, "--tls-sni", "device.example", "--wait", "2s"}, "hello\n", ""},
		{"unknown authority", socatPort, []string{"--half-close", "--tls-sni", "device.example"}, "", "signed by an authority this machine does not trust (self-signed, CN=device.example); use --tls-ca FILE or --tls-insecure"},
		{"wrong name", ncatPort, []string{"--half-close", "--tls-ca", cert}, "", "the certificate is for device.example, not 127.0.0.1; use --tls-sni NAME or --tls-insecure"},
		{"insecure", socatPort, []string{"--half-close", "--tls-insecure"}, "HELLO\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var code int
			var out, errOut string
			// The peer may not listen yet: a refused connect is retried.
			for try := 0; try < 50; try++ {
				code, out, errOut = connectCmd(t, "hello\n", append([]string{fmt.Sprintf("tls://127.0.0.1:%d", tc.port)}, tc.args...)...)
				if !strings.Contains(errOut, "nothing listens there") {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			if out != tc.out {
				t.Errorf("exit %d, out %q, want %q; stderr %q", code, out, tc.out, errOut)
			}
			if tc.err == "" && strings.TrimSpace(errOut) != "" || tc.err != "" && !strings.Contains(errOut, tc.err) {
				t.Errorf("stderr %q; want it to contain %q", errOut, tc.err)
			}
			if tc.out == "" && (code != ExitFail || strings.Count(errOut, "\n") != 1) {
				t.Errorf("a failed handshake: exit %d and %q, want exit %d and one line", code, errOut, ExitFail)
			}
		})
	}
}

// writeTestCert makes a self-signed certificate and key for name with
// openssl, so the peers and sockplay meet a certificate neither made.
func writeTestCert(t *testing.T, dir, name string) (cert, key string) {
	t.Helper()
	cert, key = filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".key")
	out, err := exec.Command("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN="+name, "-addext", "subjectAltName=DNS:"+name).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl req: %v: %s", err, out)
	}
	return cert, key
}

// startPeer starts a listening peer that the test kills at its end.
func startPeer(t *testing.T, name string, args ...string) {
	t.Helper()
	testkit.Need(t, name)
	cmd := exec.Command(name, args...)
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("%s said: %s", name, out.String())
		}
	})
}
