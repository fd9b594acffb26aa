package netcore

import (
	"crypto/tls"
	"io"
	"net"
	"testing"
	"time"
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

// TestTLSCloseWriteSendsFIN: CloseWrite on a TLS connection sends
// close_notify and then the TCP FIN, so a peer that reads the raw socket
// sees the end too (crypto/tls alone sends only the alert).
func TestTLSCloseWriteSendsFIN(t *testing.T) {
	cert, _, _, err := SelfSigned([]string{"127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			done <- err
			return
		}
		defer c.Close()
		tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{cert}})
		if err := tc.Handshake(); err != nil {
			done <- err
			return
		}
		done <- CloseWrite(tc)
		io.Copy(io.Discard, tc) // until the client closes
	}()
	raw, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.SetDeadline(time.Now().Add(10 * time.Second))
	tc := tls.Client(raw, &tls.Config{InsecureSkipVerify: true})
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	if _, err := tc.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("after close_notify the client read %v, want EOF", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("CloseWrite: %v", err)
	}
	// Under TLS the socket itself has ended: the FIN came too.
	if n, err := raw.Read(make([]byte, 64)); err != io.EOF {
		t.Fatalf("the raw socket read %d bytes, %v; want EOF (no FIN was sent)", n, err)
	}
}
