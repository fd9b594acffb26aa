package netcore

import (
	"errors"
	"fmt"
	"net/netip"
	"runtime"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Scheme is the kind of socket an endpoint URL names.
type Scheme string

// The schemes sockplay understands.
const (
	SchemeTCP      Scheme = "tcp"
	SchemeUDP      Scheme = "udp"
	SchemeUnix     Scheme = "unix"
	SchemeUnixgram Scheme = "unixgram"
	SchemeTLS      Scheme = "tls" // TLS over TCP
)

// Endpoint is a parsed endpoint URL: tcp://HOST:PORT, udp://HOST:PORT,
// tls://HOST:PORT, unix:///path, unixgram:///path, unix://@abstract; IPv6
// in brackets.
// It is the one representation shared by the GUI, the CLI and saved
// workspaces, so it keeps the host as written and does no DNS.
//
// On Windows a Unix socket path is written as a file URL writes it, with
// forward slashes and a slash before the drive: unix:///C:/Users/me/s.sock
// (Path C:\Users\me\s.sock). A path pasted after unix:// as it is,
// unix://C:\Users\me\s.sock or unix://C:/Users/me/s.sock, is taken too;
// String gives the first form. Elsewhere those are not paths (no drives).
type Endpoint struct {
	Scheme Scheme
	Host   string // tcp/udp: host as written, without brackets; "" when omitted (servers then bind 127.0.0.1)
	Port   int
	Path   string // unix/unixgram: file path, or "@name" for a Linux abstract name
}

// ErrBadEndpoint is matched (errors.Is) by every error ParseEndpoint returns.
var ErrBadEndpoint = errors.New("bad endpoint")

// ErrUnsupported is wrapped by options and features the platform lacks, so
// the GUI can say so instead of silently dropping them.
var ErrUnsupported = errors.New("not supported on this system")

// endpointError carries the one sentence shown to the person; it matches
// ErrBadEndpoint without repeating its words.
type endpointError struct{ msg string }

func (e *endpointError) Error() string        { return e.msg }
func (e *endpointError) Is(target error) bool { return target == ErrBadEndpoint }

func badf(format string, a ...any) error { return &endpointError{fmt.Sprintf(format, a...)} }

// Stream reports whether the endpoint is a byte stream (tcp, tls, unix), as
// opposed to datagrams (udp, unixgram).
func (e Endpoint) Stream() bool {
	return e.Scheme == SchemeTCP || e.Scheme == SchemeTLS || e.Scheme == SchemeUnix
}

// Network is the Go network name of the socket under the endpoint ("tcp"
// for tcp and tls, "udp", "unix", "unixgram").
func (e Endpoint) Network() string {
	if e.Scheme == SchemeTLS {
		return "tcp"
	}
	return string(e.Scheme)
}

// IsUnix reports whether the endpoint is a Unix-domain socket (stream or
// datagram).
func (e Endpoint) IsUnix() bool { return e.Scheme == SchemeUnix || e.Scheme == SchemeUnixgram }

// Abstract reports whether the endpoint names a Linux abstract socket.
func (e Endpoint) Abstract() bool { return e.IsUnix() && strings.HasPrefix(e.Path, "@") }

// windowsPaths: Unix socket paths are Windows paths (drive letters,
// backslashes) in endpoint URLs parsed and written here.
const windowsPaths = runtime.GOOS == "windows"

// String returns the canonical URL; ParseEndpoint(e.String()) == e for
// every endpoint ParseEndpoint returns.
func (e Endpoint) String() string { return e.format(windowsPaths) }

func (e Endpoint) format(win bool) string {
	switch e.Scheme {
	case SchemeUnix, SchemeUnixgram:
		p := e.Path
		if win && !strings.HasPrefix(p, "@") {
			p = strings.ReplaceAll(p, `\`, "/")
			if isDrivePath(p) {
				p = "/" + p
			}
		}
		return string(e.Scheme) + "://" + escapePath(p)
	}
	host := e.Host
	if addr, zone, ok := strings.Cut(host, "%"); ok {
		host = "[" + addr + "%25" + zone + "]"
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return string(e.Scheme) + "://" + host + ":" + strconv.Itoa(e.Port)
}

// Addr is the host:port (tcp/udp) or the path (unix) in the form Go's net
// package takes, with an omitted host left empty.
func (e Endpoint) Addr() string {
	if e.IsUnix() {
		return e.Path
	}
	return joinHostPort(e.Host, e.Port)
}

func joinHostPort(host string, port int) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]:" + strconv.Itoa(port)
	}
	return host + ":" + strconv.Itoa(port)
}

// needsEscape reports whether a rune (r, of size bytes in the input) cannot
// stand for itself in an endpoint URL. String escapes exactly these and the
// parser refuses them raw, which keeps the two in step.
func needsEscape(r rune, size int) bool {
	if r == utf8.RuneError && size <= 1 {
		return true
	}
	return r == '%' || r == '?' || r == '#' || unicode.IsSpace(r) || !unicode.IsPrint(r)
}

func escapePath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRuneInString(p[i:])
		if needsEscape(r, size) {
			for j := i; j < i+size; j++ {
				fmt.Fprintf(&b, "%%%02X", p[j])
			}
		} else {
			b.WriteString(p[i : i+size])
		}
		i += size
	}
	return b.String()
}

// ParseEndpoint parses an endpoint URL. It checks syntax only (no DNS, no
// file system); every error matches ErrBadEndpoint and reads as one
// sentence naming the bad part.
func ParseEndpoint(s string) (Endpoint, error) { return parseEndpoint(s, windowsPaths) }

// parseEndpoint is ParseEndpoint with Unix socket paths read as Windows
// paths (win) or not, so that both are tested on every system.
func parseEndpoint(s string, win bool) (Endpoint, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Endpoint{}, badf("empty endpoint; write one like tcp://127.0.0.1:9000")
	}
	if !utf8.ValidString(s) {
		return Endpoint{}, badf("endpoint %q is not valid UTF-8", s)
	}
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		if i := strings.Index(s, ":"); i > 0 && isSchemeWord(s[:i]) && knownScheme(strings.ToLower(s[:i])) {
			return Endpoint{}, badf("missing \"://\" after %q in %q", s[:i], s)
		}
		if strings.IndexFunc(s, func(r rune) bool { return needsEscape(r, utf8.RuneLen(r)) }) >= 0 {
			return Endpoint{}, badf("missing \"://\" in %q", s)
		}
		return Endpoint{}, badf("missing \"://\" in %q; write it like tcp://%s", s, s)
	}
	if scheme == "" {
		return Endpoint{}, badf("missing scheme in %q (tcp, tls, udp, unix, unixgram)", s)
	}
	sch := Scheme(strings.ToLower(scheme))
	if !knownScheme(string(sch)) {
		return Endpoint{}, badf("unknown scheme %q (tcp, tls, udp, unix, unixgram)", scheme)
	}
	for i, r := range rest {
		if r == '%' {
			continue
		}
		if needsEscape(r, utf8.RuneLen(r)) {
			switch {
			case unicode.IsSpace(r):
				return Endpoint{}, badf("space at byte %d of %q; endpoints cannot contain spaces (write %%20 in a path)", len(scheme)+3+i, s)
			case r == '?':
				return Endpoint{}, badf("unexpected query %q in %q (write %%3F for a ? in a path)", rest[i:], s)
			case r == '#':
				return Endpoint{}, badf("unexpected fragment %q in %q (write %%23 for a # in a path)", rest[i:], s)
			default:
				return Endpoint{}, badf("control character %q in %q", r, s)
			}
		}
	}
	var ep Endpoint
	var err error
	if sch == SchemeUnix || sch == SchemeUnixgram {
		ep, err = parseUnix(sch, rest, s, win)
	} else {
		ep, err = parseInet(sch, rest, s)
	}
	if err != nil {
		return Endpoint{}, err
	}
	return ep, nil
}

func isSchemeWord(w string) bool {
	for _, r := range w {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

func knownScheme(s string) bool {
	switch Scheme(s) {
	case SchemeTCP, SchemeTLS, SchemeUDP, SchemeUnix, SchemeUnixgram:
		return true
	}
	return false
}

func parseInet(sch Scheme, rest, s string) (Endpoint, error) {
	ep := Endpoint{Scheme: sch}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return ep, badf("unexpected path %q in %q; a %s endpoint is %s://HOST:PORT", rest[i:], s, sch, sch)
	}
	if strings.Contains(rest, "@") {
		return ep, badf("unexpected \"@\" in %q; a %s endpoint is %s://HOST:PORT", s, sch, sch)
	}
	var host, port string
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return ep, badf("missing \"]\" after the IPv6 address in %q", s)
		}
		inside, after := rest[1:end], rest[end+1:]
		h, err := parseBracketed(inside, s)
		if err != nil {
			return ep, err
		}
		host = h
		switch {
		case after == "" || after == ":":
			return ep, badf("missing port in %q", s)
		case after[0] != ':':
			return ep, badf("unexpected %q after \"]\" in %q; write [ADDRESS]:PORT", after, s)
		}
		port = after[1:]
	} else {
		if strings.Count(rest, ":") > 1 {
			return ep, badf("IPv6 address in %q needs brackets, like %s://[::1]:9000", s, sch)
		}
		h, p, ok := strings.Cut(rest, ":")
		if !ok || p == "" {
			return ep, badf("missing port in %q", s)
		}
		if strings.ContainsAny(h, "[]") {
			return ep, badf("misplaced bracket in host %q in %q", h, s)
		}
		if h != "" {
			if err := checkHostName(h, s); err != nil {
				return ep, err
			}
		}
		host, port = h, p
	}
	n, err := parsePort(port, s)
	if err != nil {
		return ep, err
	}
	ep.Host, ep.Port = host, n
	return ep, nil
}

// parseBracketed checks an IPv6 literal, with an optional zone written as
// %25zone (RFC 6874) or, as people copy it from ip(8), %zone.
func parseBracketed(inside, s string) (string, error) {
	if inside == "" {
		return "", badf("empty brackets in %q; write an IPv6 address like [::1]", s)
	}
	addr, zone, hasZone := strings.Cut(inside, "%")
	if hasZone {
		if strings.HasPrefix(zone, "25") && len(zone) > 2 {
			zone = zone[2:]
		}
		if zone == "" || zone == "25" && strings.HasSuffix(inside, "%25") {
			return "", badf("empty IPv6 zone in %q", s)
		}
		for _, r := range zone {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
				return "", badf("bad IPv6 zone %q in %q", zone, s)
			}
		}
	}
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return "", badf("%q is not an IPv6 address (in %q)", addr, s)
	}
	if ip.Is4() {
		return "", badf("%s is an IPv4 address; write it without brackets", addr)
	}
	if hasZone {
		return addr + "%" + zone, nil
	}
	return addr, nil
}

// checkHostName accepts IPv4 literals and DNS-style names (letters, digits,
// '-', '_', '.'), which is what resolvers will look up.
func checkHostName(h, s string) error {
	if _, err := netip.ParseAddr(h); err == nil {
		return nil
	}
	if len(h) > 253 {
		return badf("host name is %d bytes; the limit is 253", len(h))
	}
	for _, r := range h {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			if r > unicode.MaxASCII {
				return badf("host %q has non-ASCII characters; write its xn-- (punycode) form", h)
			}
			return badf("host %q has a character a host name cannot have: %q", h, r)
		}
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" {
			return badf("host %q has an empty label", h)
		}
		if len(label) > 63 {
			return badf("host %q has a label longer than 63 bytes", h)
		}
	}
	if looksNumeric(h) {
		return badf("host %q is not a valid IPv4 address", h)
	}
	return nil
}

// looksNumeric catches "300.1.2.3" and "1.2.3", which resolvers treat
// unpredictably, before they reach DNS.
func looksNumeric(h string) bool {
	for _, r := range strings.TrimSuffix(h, ".") {
		if !(r >= '0' && r <= '9' || r == '.') {
			return false
		}
	}
	return true
}

// parsePort reads a decimal port. A sign is not part of a port, but a
// negative number is a port out of range, not "not a number"; "+80" and
// "-0" are refused with the number to write instead.
func parsePort(p, s string) (int, error) {
	sign, digits := "", p
	if len(p) > 1 && (p[0] == '-' || p[0] == '+') {
		sign, digits = p[:1], p[1:]
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return 0, badf("port %q is not a number (in %q)", p, s)
		}
	}
	num := strings.TrimLeft(digits, "0")
	if num == "" {
		num = "0"
	}
	n, err := strconv.Atoi(num) // fails only for more digits than an int holds
	switch {
	case sign == "-" && num != "0":
		return 0, badf("port -%s is out of range 0-65535", num)
	case err != nil || n > 65535:
		return 0, badf("port %s is out of range 0-65535", num)
	case sign != "":
		return 0, badf("port %q has a sign; write it as %d", p, n)
	}
	return n, nil
}

// isDrivePath reports whether p starts with a Windows drive and its root,
// "C:/" or "C:\\".
func isDrivePath(p string) bool {
	return len(p) >= 3 && (p[0]|0x20 >= 'a' && p[0]|0x20 <= 'z') && p[1] == ':' && (p[2] == '/' || p[2] == '\\')
}

func parseUnix(sch Scheme, rest, s string, win bool) (Endpoint, error) {
	ep := Endpoint{Scheme: sch}
	example := "/path"
	if win {
		example = "/C:/path"
	}
	if rest == "" {
		return ep, badf("missing path in %q; write %s://%s or %s://@name", s, sch, example, sch)
	}
	path, err := unescapePath(rest, s)
	if err != nil {
		return ep, err
	}
	isPath := strings.HasPrefix(rest, "/") || strings.HasPrefix(rest, "./") || strings.HasPrefix(rest, "../")
	if win && !strings.HasPrefix(path, "@") {
		if strings.HasPrefix(path, "/") && isDrivePath(path[1:]) {
			path = path[1:] // unix:///C:/dir/s.sock
		}
		// unix://C:\dir\s.sock and unix://.\s.sock, as pasted
		isPath = isPath || isDrivePath(path) || strings.HasPrefix(path, `.\`) || strings.HasPrefix(path, `..\`)
		path = strings.ReplaceAll(path, "/", `\`)
	}
	switch {
	case strings.HasPrefix(path, "@"):
		if len(path) == 1 {
			return ep, badf("empty abstract socket name in %q", s)
		}
		if n := len(path) - 1; n > maxUnixPath {
			return ep, badf("abstract socket name is %d bytes; the limit here is %d", n, maxUnixPath)
		}
	case isPath:
		if strings.IndexByte(path, 0) >= 0 {
			return ep, badf("unix socket path in %q contains a NUL byte", s)
		}
		if len(path) > maxUnixPath {
			return ep, badf("unix socket path is %d bytes; the limit here is %d", len(path), maxUnixPath)
		}
	default:
		host, _, _ := strings.Cut(rest, "/")
		return ep, badf("unexpected host %q in %q; write %s://%s (three slashes) or %s://@name", host, s, sch, example, sch)
	}
	ep.Path = path
	return ep, nil
}

func unescapePath(p, s string) (string, error) {
	if !strings.Contains(p, "%") {
		return p, nil
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] != '%' {
			b.WriteByte(p[i])
			continue
		}
		if i+2 >= len(p) || !isHex(p[i+1]) || !isHex(p[i+2]) {
			end := min(i+3, len(p))
			return "", badf("bad percent escape %q in %q; write %%25 for a literal %%", p[i:end], s)
		}
		v, _ := strconv.ParseUint(p[i+1:i+3], 16, 8)
		b.WriteByte(byte(v))
		i += 2
	}
	return b.String(), nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
