package netcore

import (
	"errors"
	"strings"
	"testing"
)

func TestParseEndpointValid(t *testing.T) {
	long := "/" + strings.Repeat("a", maxUnixPath-1)
	tests := []struct {
		in   string
		want Endpoint
		str  string // canonical form; "" means same as in
	}{
		{"tcp://127.0.0.1:9000", Endpoint{Scheme: SchemeTCP, Host: "127.0.0.1", Port: 9000}, ""},
		{"tcp://:9000", Endpoint{Scheme: SchemeTCP, Port: 9000}, ""},
		{"tcp://0.0.0.0:0", Endpoint{Scheme: SchemeTCP, Host: "0.0.0.0", Port: 0}, ""},
		{"tcp://localhost:65535", Endpoint{Scheme: SchemeTCP, Host: "localhost", Port: 65535}, ""},
		{"TCP://Example.COM:80", Endpoint{Scheme: SchemeTCP, Host: "Example.COM", Port: 80}, "tcp://Example.COM:80"},
		{"  tcp://a:1\n", Endpoint{Scheme: SchemeTCP, Host: "a", Port: 1}, "tcp://a:1"},
		{"tcp://host:0080", Endpoint{Scheme: SchemeTCP, Host: "host", Port: 80}, "tcp://host:80"},
		{"udp://[::1]:5353", Endpoint{Scheme: SchemeUDP, Host: "::1", Port: 5353}, ""},
		{"udp://[::]:53", Endpoint{Scheme: SchemeUDP, Host: "::", Port: 53}, ""},
		{"tcp://[fe80::1%25eth0]:22", Endpoint{Scheme: SchemeTCP, Host: "fe80::1%eth0", Port: 22}, ""},
		{"tcp://[fe80::1%eth0]:22", Endpoint{Scheme: SchemeTCP, Host: "fe80::1%eth0", Port: 22}, "tcp://[fe80::1%25eth0]:22"},
		{"tcp://[::ffff:1.2.3.4]:1", Endpoint{Scheme: SchemeTCP, Host: "::ffff:1.2.3.4", Port: 1}, ""},
		{"tcp://my_host-1.lan.:7", Endpoint{Scheme: SchemeTCP, Host: "my_host-1.lan.", Port: 7}, ""},
		{"unix:///tmp/s.sock", Endpoint{Scheme: SchemeUnix, Path: "/tmp/s.sock"}, ""},
		{"unixgram:///tmp/d.sock", Endpoint{Scheme: SchemeUnixgram, Path: "/tmp/d.sock"}, ""},
		{"unix://@sockplay", Endpoint{Scheme: SchemeUnix, Path: "@sockplay"}, ""},
		{"unix://./rel.sock", Endpoint{Scheme: SchemeUnix, Path: "./rel.sock"}, ""},
		{"unix://../up.sock", Endpoint{Scheme: SchemeUnix, Path: "../up.sock"}, ""},
		{"unix:///tmp/my%20sock%3F%23%25", Endpoint{Scheme: SchemeUnix, Path: "/tmp/my sock?#%"}, ""},
		{"unix:///tmp/%c3%bc.sock", Endpoint{Scheme: SchemeUnix, Path: "/tmp/ü.sock"}, "unix:///tmp/ü.sock"},
		{"unix://" + long, Endpoint{Scheme: SchemeUnix, Path: long}, ""},
		{"unix://@" + long[1:] + "b", Endpoint{Scheme: SchemeUnix, Path: "@" + long[1:] + "b"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseEndpoint(tt.in)
			if err != nil {
				t.Fatalf("ParseEndpoint(%q): %v", tt.in, err)
			}
			if windowsPaths && tt.want.IsUnix() && !tt.want.Abstract() {
				tt.want.Path = strings.ReplaceAll(tt.want.Path, "/", `\`) // a Windows path
			}
			if got != tt.want {
				t.Fatalf("ParseEndpoint(%q) = %#v, want %#v", tt.in, got, tt.want)
			}
			want := tt.str
			if want == "" {
				want = tt.in
			}
			if got.String() != want {
				t.Errorf("String() = %q, want %q", got.String(), want)
			}
			again, err := ParseEndpoint(got.String())
			if err != nil || again != got {
				t.Errorf("round trip of %q: %#v, %v", got.String(), again, err)
			}
		})
	}
}

func TestParseEndpointBad(t *testing.T) {
	long := "/" + strings.Repeat("x", 119)
	tests := []struct{ in, msg string }{
		{"", `empty endpoint; write one like tcp://127.0.0.1:9000`},
		{"   ", `empty endpoint; write one like tcp://127.0.0.1:9000`},
		{"tcp://x:70000", `port 70000 is out of range 0-65535`},
		{"tcp://x:99999999999999999999", `port 99999999999999999999 is out of range 0-65535`},
		{"tcp://localhost", `missing port in "tcp://localhost"`},
		{"tcp://localhost:", `missing port in "tcp://localhost:"`},
		{"tcp://[::1]", `missing port in "tcp://[::1]"`},
		{"tcp://[::1]:", `missing port in "tcp://[::1]:"`},
		{"tcp://", `missing port in "tcp://"`},
		{"tpc://x:1", `unknown scheme "tpc" (tcp, tls, udp, unix, unixgram)`},
		{"http://x:1", `unknown scheme "http" (tcp, tls, udp, unix, unixgram)`},
		{"://x:1", `missing scheme in "://x:1" (tcp, tls, udp, unix, unixgram)`},
		{"unix://" + long, `unix socket path is 120 bytes; the limit here is 107`},
		{"unix://@" + long, `abstract socket name is 120 bytes; the limit here is 107`},
		{"127.0.0.1:9000", `missing "://" in "127.0.0.1:9000"; write it like tcp://127.0.0.1:9000`},
		{"tcp:/127.0.0.1:9000", `missing "://" after "tcp" in "tcp:/127.0.0.1:9000"`},
		{"tcp://local host:80", `space at byte 11 of "tcp://local host:80"; endpoints cannot contain spaces (write %20 in a path)`},
		{"unix:///tmp/my sock", `space at byte 14 of "unix:///tmp/my sock"; endpoints cannot contain spaces (write %20 in a path)`},
		{"tcp://::1:80", `IPv6 address in "tcp://::1:80" needs brackets, like tcp://[::1]:9000`},
		{"udp://fe80::1:53", `IPv6 address in "udp://fe80::1:53" needs brackets, like udp://[::1]:9000`},
		{"tcp://[::1:80", `missing "]" after the IPv6 address in "tcp://[::1:80"`},
		{"tcp://[::1]80", `unexpected "80" after "]" in "tcp://[::1]80"; write [ADDRESS]:PORT`},
		{"tcp://[127.0.0.1]:80", `127.0.0.1 is an IPv4 address; write it without brackets`},
		{"tcp://[nope]:80", `"nope" is not an IPv6 address (in "tcp://[nope]:80")`},
		{"tcp://[]:80", `empty brackets in "tcp://[]:80"; write an IPv6 address like [::1]`},
		{"tcp://[fe80::1%25]:80", `empty IPv6 zone in "tcp://[fe80::1%25]:80"`},
		{"tcp://[fe80::1%]:80", `empty IPv6 zone in "tcp://[fe80::1%]:80"`},
		{"tcp://[fe80::1%25e/0]:80", `unexpected path "/0]:80" in "tcp://[fe80::1%25e/0]:80"; a tcp endpoint is tcp://HOST:PORT`},
		{"tcp://x]:80", `misplaced bracket in host "x]" in "tcp://x]:80"`},
		{"tcp://host:80/path", `unexpected path "/path" in "tcp://host:80/path"; a tcp endpoint is tcp://HOST:PORT`},
		{"tcp://user@host:80", `unexpected "@" in "tcp://user@host:80"; a tcp endpoint is tcp://HOST:PORT`},
		{"tcp://host:http", `port "http" is not a number (in "tcp://host:http")`},
		{"tcp://host:-1", `port -1 is out of range 0-65535`},
		{"tcp://127.0.0.1:-1", `port -1 is out of range 0-65535`},
		{"tcp://[::1]:-65535", `port -65535 is out of range 0-65535`},
		{"udp://h:-99999999999999999999", `port -99999999999999999999 is out of range 0-65535`},
		{"tcp://h:65536", `port 65536 is out of range 0-65535`},
		{"tcp://h:0065536", `port 65536 is out of range 0-65535`},
		{"tcp://h:4294967376", `port 4294967376 is out of range 0-65535`},
		{"tcp://h:+80", `port "+80" has a sign; write it as 80`},
		{"tcp://h:-0", `port "-0" has a sign; write it as 0`},
		{"tcp://h:-", `port "-" is not a number (in "tcp://h:-")`},
		{"tcp://h:--1", `port "--1" is not a number (in "tcp://h:--1")`},
		{"tcp://h:-1x", `port "-1x" is not a number (in "tcp://h:-1x")`},
		{"tcp://h:0x50", `port "0x50" is not a number (in "tcp://h:0x50")`},
		{"tcp://ho$t:80", `host "ho$t" has a character a host name cannot have: '$'`},
		{"tcp://ho%20st:80", `host "ho%20st" has a character a host name cannot have: '%'`},
		{"tcp://bücher.de:80", `host "bücher.de" has non-ASCII characters; write its xn-- (punycode) form`},
		{"tcp://a..b:80", `host "a..b" has an empty label`},
		{"tcp://300.1.2.3:80", `host "300.1.2.3" is not a valid IPv4 address`},
		{"tcp://" + strings.Repeat("a", 64) + ".com:1", `host "` + strings.Repeat("a", 64) + `.com" has a label longer than 63 bytes`},
		{"tcp://h:80?x=1", `unexpected query "?x=1" in "tcp://h:80?x=1" (write %3F for a ? in a path)`},
		{"unix:///tmp/a#b", `unexpected fragment "#b" in "unix:///tmp/a#b" (write %23 for a # in a path)`},
		{"unix://", `missing path in "unix://"; write unix:///path or unix://@name`},
		{"unixgram://", `missing path in "unixgram://"; write unixgram:///path or unixgram://@name`},
		{"unix://localhost/tmp/x", `unexpected host "localhost" in "unix://localhost/tmp/x"; write unix:///path (three slashes) or unix://@name`},
		{"unix://s.sock", `unexpected host "s.sock" in "unix://s.sock"; write unix:///path (three slashes) or unix://@name`},
		{"unix://@", `empty abstract socket name in "unix://@"`},
		{"unix:///tmp/a%2", `bad percent escape "%2" in "unix:///tmp/a%2"; write %25 for a literal %`},
		{"unix:///tmp/a%zz.sock", `bad percent escape "%zz" in "unix:///tmp/a%zz.sock"; write %25 for a literal %`},
		{"unix:///tmp/a%", `bad percent escape "%" in "unix:///tmp/a%"; write %25 for a literal %`},
		{"unix:///tmp/a%00", `unix socket path in "unix:///tmp/a%00" contains a NUL byte`},
		{"unix:///tmp/\x01", `control character '\x01' in "unix:///tmp/\x01"`},
		{"tcp://h:1\xff", `endpoint "tcp://h:1\xff" is not valid UTF-8`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseEndpoint(tt.in)
			if err == nil {
				t.Fatalf("ParseEndpoint(%q) = %#v, want error %q", tt.in, got, tt.msg)
			}
			if !errors.Is(err, ErrBadEndpoint) {
				t.Errorf("error %q does not match ErrBadEndpoint", err)
			}
			msg := tt.msg
			if windowsPaths { // the example path of the advice is a Windows one
				msg = strings.ReplaceAll(msg, ":///path", ":///C:/path")
			}
			if err.Error() != msg {
				t.Errorf("ParseEndpoint(%q) error\n got: %s\nwant: %s", tt.in, err, msg)
			}
			if got != (Endpoint{}) {
				t.Errorf("ParseEndpoint(%q) returned %#v with its error", tt.in, got)
			}
		})
	}
}

// Unix socket paths on Windows: written as file URLs write them
// (unix:///C:/dir/s.sock), also taken as pasted after unix:// (backslashes,
// no leading slash), kept as Windows paths (backslashes), written back in
// the first form. On other systems the same URLs are not drive paths.
func TestParseEndpointWindowsPaths(t *testing.T) {
	tests := []struct {
		in, path, str string // path: Endpoint.Path on Windows; str: String() there ("" = in)
		unix          string // Linux's reading: its Path, or its error
	}{
		{"unix:///C:/Users/me/s.sock", `C:\Users\me\s.sock`, "", "/C:/Users/me/s.sock"},
		{"unix://C:/Users/me/s.sock", `C:\Users\me\s.sock`, "unix:///C:/Users/me/s.sock", `unexpected host "C:" in "unix://C:/Users/me/s.sock"; write unix:///path (three slashes) or unix://@name`},
		{`unix://C:\Users\me\s.sock`, `C:\Users\me\s.sock`, "unix:///C:/Users/me/s.sock", `unexpected host "C:\\Users\\me\\s.sock" in "unix://C:\\Users\\me\\s.sock"; write unix:///path (three slashes) or unix://@name`},
		{"unix:///c:/x.sock", `c:\x.sock`, "", "/c:/x.sock"},
		{"unixgram:///D:/tmp/d.sock", `D:\tmp\d.sock`, "", "/D:/tmp/d.sock"},
		{"unix:///C:/my%20dir/s%23.sock", `C:\my dir\s#.sock`, "", "/C:/my dir/s#.sock"},
		{"unix:///C%3A/x.sock", `C:\x.sock`, "unix:///C:/x.sock", "/C:/x.sock"},
		{`unix://.\rel.sock`, `.\rel.sock`, "unix://./rel.sock", `unexpected host ".\\rel.sock" in "unix://.\\rel.sock"; write unix:///path (three slashes) or unix://@name`},
		{"unix://../up.sock", `..\up.sock`, "", "../up.sock"},
		{"unix:///tmp/s.sock", `\tmp\s.sock`, "", "/tmp/s.sock"},
		{"unix://@name", "@name", "", "@name"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			ep, err := parseEndpoint(tt.in, true)
			if err != nil || ep.Path != tt.path {
				t.Fatalf("on Windows: %#v, %v; want path %q", ep, err, tt.path)
			}
			str := tt.str
			if str == "" {
				str = tt.in
			}
			if got := ep.format(true); got != str {
				t.Errorf("on Windows String() = %q, want %q", got, str)
			}
			if again, err := parseEndpoint(str, true); err != nil || again != ep {
				t.Errorf("on Windows %q reads back as %#v, %v", str, again, err)
			}
			ep, err = parseEndpoint(tt.in, false)
			got := ep.Path
			if err != nil {
				got = err.Error()
			}
			if got != tt.unix {
				t.Errorf("elsewhere: %q, want %q", got, tt.unix)
			}
		})
	}
	for _, in := range []string{"unix://C:relative.sock", "unix://localhost/C:/x", "unix://"} {
		if ep, err := parseEndpoint(in, true); !errors.Is(err, ErrBadEndpoint) || !strings.Contains(err.Error(), "unix:///C:/path") {
			t.Errorf("on Windows %q: %#v, %v; want an error showing unix:///C:/path", in, ep, err)
		}
	}
}

func TestEndpointKinds(t *testing.T) {
	for _, tt := range []struct {
		s      Scheme
		stream bool
	}{{SchemeTCP, true}, {SchemeUDP, false}, {SchemeUnix, true}, {SchemeUnixgram, false}} {
		ep := Endpoint{Scheme: tt.s}
		if ep.Stream() != tt.stream || ep.Network() != string(tt.s) {
			t.Errorf("%s: Stream()=%v Network()=%q", tt.s, ep.Stream(), ep.Network())
		}
	}
}

func FuzzParseEndpoint(f *testing.F) {
	for _, s := range []string{
		"tcp://127.0.0.1:9000", "udp://[::1]:5353", "unix:///tmp/s.sock", "unixgram:///tmp/d.sock",
		"unix://@abs", "tcp://:0", "tcp://[fe80::1%25eth0]:1", "unix:///a%20b", "tcp://x:70000", "",
		"tcp://[fe80::1%2525]:1", "unix://./x",
		"unix:///C:/Users/me/s.sock", `unix://C:\x\s.sock`, "unix:///C%3A/x", `unix://.\r`,
		"tcp://127.0.0.1:-1", "tcp://h:+80", "tcp://h:-0", "tcp://h:-99999999999999999999", "tcp://h:0065536",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ep, err := ParseEndpoint(s)
		if err != nil {
			if !errors.Is(err, ErrBadEndpoint) {
				t.Fatalf("error %q does not match ErrBadEndpoint", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		again, err := ParseEndpoint(ep.String())
		if err != nil {
			t.Fatalf("%q parsed to %#v whose String %q does not parse: %v", s, ep, ep.String(), err)
		}
		if again != ep {
			t.Fatalf("%q: %#v -> %q -> %#v", s, ep, ep.String(), again)
		}
		// The other system's reading of paths round-trips too.
		win := !windowsPaths
		if ep, err := parseEndpoint(s, win); err == nil {
			if again, err := parseEndpoint(ep.format(win), win); err != nil || again != ep {
				t.Fatalf("%q (windows paths %v): %#v -> %q -> %#v, %v", s, win, ep, ep.format(win), again, err)
			}
		}
	})
}
