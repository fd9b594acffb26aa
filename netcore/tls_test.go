package netcore

import (
	"testing"
)

// TestTLSEndpoint: tls:// parses as a host and port, round-trips, and is
// a TCP stream to everything that asks.
func TestTLSEndpoint(t *testing.T) {
	for _, tc := range []struct {
		in, out string
	}{
		{"tls://127.0.0.1:443", "tls://127.0.0.1:443"},
		{"TLS://[::1]:8443", "tls://[::1]:8443"},
		{"tls://example.com:443", "tls://example.com:443"},
	} {
		ep, err := ParseEndpoint(tc.in)
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if ep.String() != tc.out || !ep.TLS() || !ep.Stream() || ep.Datagram() || !ep.IP() || ep.IsUnix() || ep.Network() != "tcp" || !ep.HasReset() {
			t.Errorf("%s: %+v answers wrong (String %s)", tc.in, ep, ep)
		}
		if ep.KindName(true) != "TLS server" {
			t.Errorf("%s: KindName %q", tc.in, ep.KindName(true))
		}
	}
	if _, err := ParseEndpoint("tls:///tmp/x"); err == nil {
		t.Error("tls with a path parsed")
	}
}

func TestParseTLSVersion(t *testing.T) {
	for in, ok := range map[string]bool{"1.2": true, "tls1.3": true, "1.4": false, "": false} {
		if _, err := ParseTLSVersion(in); (err == nil) != ok {
			t.Errorf("%q: %v", in, err)
		}
	}
}
