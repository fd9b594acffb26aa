//go:build linux

package netcore

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// connect(2) to a path that is not a socket says "connection refused";
// Dial says what the path is instead. A missing path keeps saying so, and a
// stale socket (nobody listening) is still refused.
func TestDialUnixPathNotASocket(t *testing.T) {
	d := shortDir(t)
	file := filepath.Join(d, "plain")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(d, "dir")
	fifo := filepath.Join(d, "fifo")
	link := filepath.Join(d, "link")
	stale := filepath.Join(d, "stale.sock")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("unix", stale)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	missing := filepath.Join(d, "missing.sock")

	tests := []struct {
		scheme, path string
		want         string // the whole error; "" checks only the matches below
		notSocket    bool   // matches ErrNotSocket
		is           error  // also matches this
	}{
		{"unix", file, "dial unix " + file + ": " + file + " is a regular file, not a socket", true, nil},
		{"unixgram", file, "dial unixgram " + file + ": " + file + " is a regular file, not a socket", true, nil},
		{"unix", dir, "dial unix " + dir + ": " + dir + " is a directory, not a socket", true, nil},
		{"unixgram", dir, "dial unixgram " + dir + ": " + dir + " is a directory, not a socket", true, nil},
		{"unix", fifo, "dial unix " + fifo + ": " + fifo + " is a named pipe (FIFO), not a socket", true, nil},
		{"unix", link, "dial unix " + link + ": " + link + " is a regular file, not a socket", true, nil},
		{"unix", missing, "dial unix " + missing + ": connect: no such file or directory", false, fs.ErrNotExist},
		{"unixgram", missing, "", false, fs.ErrNotExist},
		{"unix", stale, "dial unix " + stale + ": connect: connection refused", false, syscall.ECONNREFUSED},
	}
	for _, tt := range tests {
		t.Run(tt.scheme+" "+filepath.Base(tt.path), func(t *testing.T) {
			ep := Endpoint{Scheme: Scheme(tt.scheme), Path: tt.path}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			c, err := Dial(ctx, ep, Options{})
			if err == nil {
				c.Close()
				t.Fatal("Dial succeeded")
			}
			if tt.want != "" && err.Error() != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", err, tt.want)
			}
			if tt.want == "" && !strings.Contains(err.Error(), "no such file or directory") {
				t.Errorf("error %q does not say the path does not exist", err)
			}
			if errors.Is(err, ErrNotSocket) != tt.notSocket {
				t.Errorf("errors.Is(%v, ErrNotSocket) = %v", err, !tt.notSocket)
			}
			if tt.notSocket && errors.Is(err, syscall.ECONNREFUSED) {
				t.Errorf("%v still matches ECONNREFUSED", err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("%v does not match %v", err, tt.is)
			}
		})
	}

	// An unconnected unixgram client finds out before its first send.
	for _, p := range []string{file, dir} {
		pc, _, err := DialPacket(context.Background(), Endpoint{Scheme: SchemeUnixgram, Path: p}, Options{})
		if err == nil {
			pc.Close()
			t.Errorf("DialPacket(%s) succeeded", p)
			continue
		}
		if !errors.Is(err, ErrNotSocket) || !strings.HasPrefix(err.Error(), "dial unixgram "+p+": "+p+" is a ") {
			t.Errorf("DialPacket(%s): %v", p, err)
		}
	}
	// ... but a path that does not exist yet is fine: the server may come later.
	pc, _, err := DialPacket(context.Background(), Endpoint{Scheme: SchemeUnixgram, Path: missing}, Options{})
	if err != nil {
		t.Errorf("DialPacket to a path that does not exist yet: %v", err)
	} else {
		pc.Close()
	}
}

// An IPv6 zone naming no interface of this machine is named as such when
// dialling or listening (the URL itself is fine: it may be used on the
// machine that has that interface). The kernel alone says "invalid argument".
func TestUnknownIPv6Zone(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tests := []struct {
		url, op, want string
	}{
		{"tcp://[fe80::1%nosuchif]:80", "dial", `dial tcp [fe80::1%nosuchif]:80: no network interface named "nosuchif" (the zone of fe80::1%nosuchif)`},
		{"tcp://[fe80::1%25nosuchif]:80", "listen", `listen tcp [fe80::1%nosuchif]:80: no network interface named "nosuchif" (the zone of fe80::1%nosuchif)`},
		{"udp://[fe80::1%nosuchif]:53", "dial", `dial udp [fe80::1%nosuchif]:53: no network interface named "nosuchif" (the zone of fe80::1%nosuchif)`},
		{"udp://[fe80::1%nosuchif]:53", "listen", `listen udp [fe80::1%nosuchif]:53: no network interface named "nosuchif" (the zone of fe80::1%nosuchif)`},
		{"udp://[fe80::1%nosuchif]:53", "dialpacket", `dial udp [fe80::1%nosuchif]:53: no network interface named "nosuchif" (the zone of fe80::1%nosuchif)`},
		{"tcp://[fe80::1%999999]:80", "dial", `dial tcp [fe80::1%999999]:80: no network interface with index 999999 (the zone of fe80::1%999999)`},
		{"tcp://[ff02::1%nosuchif]:80", "dial", `dial tcp [ff02::1%nosuchif]:80: no network interface named "nosuchif" (the zone of ff02::1%nosuchif)`},
	}
	for _, tt := range tests {
		t.Run(tt.op+" "+tt.url, func(t *testing.T) {
			ep := mustParse(t, tt.url)
			var err error
			switch tt.op {
			case "dial":
				var c net.Conn
				if c, err = Dial(ctx, ep, Options{}); c != nil {
					c.Close()
				}
			case "listen":
				if ep.Stream() {
					var ln net.Listener
					if ln, err = Listen(ctx, ep, Options{}); ln != nil {
						ln.Close()
					}
				} else {
					var pc net.PacketConn
					if pc, err = ListenPacket(ctx, ep, Options{}); pc != nil {
						pc.Close()
					}
				}
			case "dialpacket":
				var pc net.PacketConn
				if pc, _, err = DialPacket(ctx, ep, Options{}); pc != nil {
					pc.Close()
				}
			}
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("error\n got: %v\nwant: %s; interfaces here: ...", err, tt.want)
			}
			if !strings.Contains(err.Error(), "; interfaces here: lo") {
				t.Errorf("error %q does not list the interfaces there are", err)
			}
			if !errors.Is(err, ErrNoSuchInterface) {
				t.Errorf("%v does not match ErrNoSuchInterface", err)
			}
		})
	}

	// A zone that exists, by name or by index, passes the check and reaches
	// the kernel (which has no fe80::1 on lo, so it still fails, differently).
	lo, err := net.InterfaceByName("lo")
	if err != nil {
		t.Skip("skipped: no lo interface")
	}
	for _, zone := range []string{"lo", strconv.Itoa(lo.Index)} {
		_, err := Dial(ctx, mustParse(t, "tcp://[fe80::1%"+zone+"]:80"), Options{ConnectTimeout: time.Second})
		if err == nil || errors.Is(err, ErrNoSuchInterface) {
			t.Errorf("zone %s: %v", zone, err)
		}
	}
}
