package netcore

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
	"weak"
)

// KeepAlive configures TCP keepalive probes; zero fields keep the kernel
// default for that field.
type KeepAlive struct {
	Idle     time.Duration `json:"idle,omitempty"`
	Interval time.Duration `json:"interval,omitempty"`
	Count    int           `json:"count,omitempty"`
}

// Multicast configures IPv4 or IPv6 multicast on a UDP socket. UDP servers
// and unconnected UDP clients join every group in Joins (see Join for the
// notation) when they open; Interface, TTL and Loopback shape what the
// socket sends. Group is the single group workspaces saved before Joins
// existed: it is joined on Interface like one more entry of Joins. An
// empty Interface lets the kernel pick by route.
type Multicast struct {
	Group     string   `json:"group,omitempty"`
	Joins     []string `json:"joins,omitempty"`
	Interface string   `json:"interface,omitempty"`
	TTL       int      `json:"ttl,omitempty"`
	Loopback  *bool    `json:"loopback,omitempty"`
}

// Options are the per-session socket options, saved in workspaces under
// their JSON names (a file format: rename nothing). The zero value is what a
// socket tutorial would do: SO_REUSEADDR on TCP servers, everything else at
// the kernel's default except Go's 15s keepalive, which is turned off so the
// person sees the kernel truth.
type Options struct {
	ReuseAddr      *bool         `json:"reuse_addr,omitempty"`      // nil: on for TCP servers (as socket tutorials teach) except on Windows, where it would let the port be shared; off otherwise
	ReusePort      bool          `json:"reuse_port,omitempty"`      // SO_REUSEPORT
	ExclusiveAddr  bool          `json:"exclusive_addr,omitempty"`  // SO_EXCLUSIVEADDRUSE (Windows only): no other socket can bind the port, not even with SO_REUSEADDR
	NoDelay        *bool         `json:"no_delay,omitempty"`        // TCP_NODELAY; nil: Go's default (on)
	KeepAlive      *KeepAlive    `json:"keep_alive,omitempty"`      // nil: off
	SendBuffer     int           `json:"send_buffer,omitempty"`     // SO_SNDBUF, 0: kernel default
	RecvBuffer     int           `json:"recv_buffer,omitempty"`     // SO_RCVBUF, 0: kernel default
	Linger         *int          `json:"linger,omitempty"`          // SO_LINGER seconds; 0 = close with RST
	TTL            int           `json:"ttl,omitempty"`             // IP_TTL / IPV6_UNICAST_HOPS; 0: default
	Broadcast      bool          `json:"broadcast,omitempty"`       // SO_BROADCAST (udp)
	Multicast      *Multicast    `json:"multicast,omitempty"`       // UDP servers: join; clients: outgoing iface/TTL/loop
	LocalAddr      string        `json:"local_addr,omitempty"`      // client bind "host:port"; for unix clients the path they bind (unixgram: auto temp path when "")
	BindDevice     string        `json:"bind_device,omitempty"`     // SO_BINDTODEVICE (Linux)
	Backlog        int           `json:"backlog,omitempty"`         // listen backlog; 0: Go's default (net.core.somaxconn)
	ConnectTimeout time.Duration `json:"connect_timeout,omitempty"` // 0: 10s
	IdleTimeout    time.Duration `json:"idle_timeout,omitempty"`    // read idle timeout; sessions apply it with SetReadDeadline, netcore only carries it
	ResolveTimeout time.Duration `json:"resolve_timeout,omitempty"` // host name resolution, 0: 5s
}

// Defaults for the zero durations in Options.
const (
	DefaultConnectTimeout = 10 * time.Second
	DefaultResolveTimeout = 5 * time.Second
)

func (o Options) connectTimeout() time.Duration {
	if o.ConnectTimeout > 0 {
		return o.ConnectTimeout
	}
	return DefaultConnectTimeout
}

func (o Options) resolveTimeout() time.Duration {
	if o.ResolveTimeout > 0 {
		return o.ResolveTimeout
	}
	return DefaultResolveTimeout
}

// reuseAddr resolves the nil default: on for TCP servers only. UDP servers
// keep it off because on Linux it lets a second server silently share the
// port and take its datagrams.
func (o Options) reuseAddr(ep Endpoint, server bool) (set, on bool) {
	if o.ReuseAddr != nil {
		return true, *o.ReuseAddr
	}
	if server && ep.Network() == "tcp" {
		return true, true
	}
	return false, false
}

// optionError names the option a check or a setsockopt failed on.
func optionError(name string, err error) error { return fmt.Errorf("%s: %w", name, err) }

func unsupported(name string) error { return optionError(name, ErrUnsupported) }

// unsupportedError is a sentence of its own that matches ErrUnsupported
// without repeating its words.
type unsupportedError struct{ msg string }

func (e *unsupportedError) Error() string        { return e.msg }
func (e *unsupportedError) Is(target error) bool { return target == ErrUnsupported }

// Validate reports the first option that makes no sense for the endpoint
// kind (server or client), e.g. SO_BROADCAST on tcp, or whose value the
// kernel would refuse or quietly change (a negative buffer, a TTL past 255,
// a keepalive time in fractions of a second), naming the option. Listen,
// ListenPacket, Dial and DialPacket call it first; front ends call it while
// checking what a person typed.
func (o Options) Validate(ep Endpoint, server bool) error {
	if !knownScheme(string(ep.Scheme)) {
		return fmt.Errorf("unknown scheme %q (tcp, tls, udp, unix, unixgram)", ep.Scheme)
	}
	if ep.Scheme == SchemeUnixgram && unixgramUnsupported != nil {
		return unixgramUnsupported
	}
	tcp, udp, unix := ep.Network() == "tcp", ep.Scheme == SchemeUDP, ep.IsUnix()
	only := func(name, what string) error {
		return fmt.Errorf("%s applies to %s only, not to %s", name, what, kindName(ep, server))
	}
	// The kernel takes these as a C int; a larger value would wrap.
	const maxInt32 = 1<<31 - 1
	negative := func(name string, v int64) error {
		if v < 0 {
			return fmt.Errorf("%s is negative (%d)", name, v)
		}
		if v > maxInt32 {
			return fmt.Errorf("%s %d is more than the kernel takes (%d)", name, v, maxInt32)
		}
		return nil
	}
	for _, c := range []struct {
		name string
		v    int64
	}{
		{"SO_SNDBUF", int64(o.SendBuffer)}, {"SO_RCVBUF", int64(o.RecvBuffer)}, {"backlog", int64(o.Backlog)},
	} {
		if err := negative(c.name, c.v); err != nil {
			return err
		}
	}
	for _, c := range []struct {
		name string
		v    time.Duration
	}{
		{"connect timeout", o.ConnectTimeout}, {"idle timeout", o.IdleTimeout}, {"resolve timeout", o.ResolveTimeout},
	} {
		if c.v < 0 {
			return fmt.Errorf("%s is negative (%v)", c.name, c.v)
		}
	}
	if o.TTL < 0 || o.TTL > 255 {
		return fmt.Errorf("IP_TTL %d is out of range 1-255", o.TTL)
	}
	if o.ReuseAddr != nil && unix {
		return only("SO_REUSEADDR", "tcp and udp")
	}
	if o.ReusePort && unix {
		return only("SO_REUSEPORT", "tcp and udp")
	}
	if o.ExclusiveAddr {
		if unix {
			return only("SO_EXCLUSIVEADDRUSE", "tcp and udp")
		}
		if o.ReuseAddr != nil && *o.ReuseAddr {
			return errors.New("SO_EXCLUSIVEADDRUSE and SO_REUSEADDR cannot both be on (Windows refuses the pair)")
		}
	}
	if o.NoDelay != nil && !tcp {
		return only("TCP_NODELAY", "tcp")
	}
	if o.KeepAlive != nil {
		if !tcp {
			return only("SO_KEEPALIVE", "tcp")
		}
		k := o.KeepAlive
		if k.Idle < 0 || k.Interval < 0 || k.Count < 0 {
			return errors.New("SO_KEEPALIVE idle, interval and count cannot be negative")
		}
		// Go rounds these up to whole seconds, and Linux's limits are
		// MAX_TCP_KEEPIDLE, MAX_TCP_KEEPINTVL and MAX_TCP_KEEPCNT; past
		// them the kernel refuses and Go ignores the refusal, so the
		// kernel's defaults would apply without a word.
		const maxLinuxSecs, maxLinuxCount = 32767, 127
		linux := runtime.GOOS == "linux" || runtime.GOOS == "android"
		for _, d := range []struct {
			name string
			v    time.Duration
		}{{"idle time", k.Idle}, {"probe interval", k.Interval}} {
			if d.v%time.Second != 0 {
				return fmt.Errorf("SO_KEEPALIVE %s %v is not a whole number of seconds, which is what the kernel counts", d.name, d.v)
			}
			if linux && d.v > maxLinuxSecs*time.Second {
				return fmt.Errorf("SO_KEEPALIVE %s %v is more than Linux allows (%ds)", d.name, d.v, maxLinuxSecs)
			}
		}
		if linux && k.Count > maxLinuxCount {
			return fmt.Errorf("SO_KEEPALIVE probe count %d is more than Linux allows (%d)", k.Count, maxLinuxCount)
		}
	}
	if o.Linger != nil {
		if !tcp {
			return only("SO_LINGER", "tcp")
		}
		if err := negative("SO_LINGER", int64(*o.Linger)); err != nil {
			return err
		}
	}
	if o.TTL != 0 && unix {
		return only("IP_TTL", "tcp and udp")
	}
	if o.Broadcast && !udp {
		return only("SO_BROADCAST", "udp")
	}
	if m := o.Multicast; m != nil {
		if !udp {
			return only("multicast", "udp")
		}
		if _, err := m.joins(); err != nil {
			return err
		}
		if m.TTL < 0 || m.TTL > 255 {
			return fmt.Errorf("multicast TTL %d is out of range 0-255", m.TTL)
		}
	}
	if o.LocalAddr != "" {
		if server {
			return errors.New("LocalAddr applies to clients only; a server binds its endpoint")
		}
		if unix {
			if strings.HasPrefix(o.LocalAddr, "@") && len(o.LocalAddr)-1 > maxUnixPath || !strings.HasPrefix(o.LocalAddr, "@") && len(o.LocalAddr) > maxUnixPath {
				return fmt.Errorf("local unix socket path is %d bytes; the limit here is %d", len(o.LocalAddr), maxUnixPath)
			}
		} else if _, _, err := net.SplitHostPort(o.LocalAddr); err != nil {
			return fmt.Errorf("local address %q: write HOST:PORT (port 0 for any)", o.LocalAddr)
		}
	}
	if o.BindDevice != "" && unix {
		return only("SO_BINDTODEVICE", "tcp and udp")
	}
	if o.Backlog != 0 && !(server && ep.Stream()) {
		return only("backlog", "tcp and unix servers")
	}
	if o.ConnectTimeout != 0 && server {
		return only("connect timeout", "clients")
	}
	if !server && !unix && ep.Port == 0 {
		return fmt.Errorf("port 0 cannot be dialled; a client needs the server's port")
	}
	if ep.Abstract() && !abstractSupported {
		return unsupported("abstract unix socket names")
	}
	return nil
}

func kindName(ep Endpoint, server bool) string {
	if server {
		return string(ep.Scheme) + " servers"
	}
	return string(ep.Scheme) + " clients"
}

// OptionValue is one option as the kernel reports it, with a note where the
// kernel did something other than what was asked.
type OptionValue struct{ Name, Value string }

// Effective reads back with getsockopt what the kernel actually set on a
// socket (a conn, listener or packet conn from this package, or any other).
// For sockets opened here it also says what was asked, so "Linux doubles
// SO_RCVBUF" is visible rather than a surprise.
func Effective(c syscall.Conn) ([]OptionValue, error) {
	rc, err := c.SyscallConn()
	if err != nil {
		return nil, fmt.Errorf("read socket options: %w", err)
	}
	asked := askedFor(c)
	var vals []OptionValue
	var gerr error
	if err := rc.Control(func(fd uintptr) { vals, gerr = effective(fd, asked) }); err != nil {
		return nil, fmt.Errorf("read socket options: %w", err)
	}
	if gerr != nil {
		return vals, fmt.Errorf("read socket options: %w", gerr)
	}
	return vals, nil
}

// asked is what a socket opened here was asked for, kept beside it so
// Effective can compare without changing the socket's Go type.
type asked struct {
	ep     Endpoint
	server bool
	o      Options
}

// askedSockets maps weak pointers of sockets opened here to what they were
// asked; a cleanup drops each entry when its socket is garbage.
var askedSockets sync.Map

func register[T any](p *T, a *asked) {
	if p == nil || a == nil {
		return
	}
	key := weak.Make(p)
	askedSockets.Store(key, a)
	runtime.AddCleanup(p, func(k weak.Pointer[T]) { askedSockets.Delete(k) }, key)
}

func askedFor(c any) *asked {
	var key any
	switch v := c.(type) {
	case interface{ askedOptions() *asked }:
		return v.askedOptions()
	case *net.TCPConn:
		key = weak.Make(v)
	case *net.UDPConn:
		key = weak.Make(v)
	case *net.UnixConn:
		key = weak.Make(v)
	case *net.TCPListener:
		key = weak.Make(v)
	case *net.UnixListener:
		key = weak.Make(v)
	default:
		return nil
	}
	if a, ok := askedSockets.Load(key); ok {
		return a.(*asked)
	}
	return nil
}

// control returns the Control func that applies the options to a socket
// after it is created and before it is bound or connected.
func control(a *asked) func(network, address string, rc syscall.RawConn) error {
	return func(network, address string, rc syscall.RawConn) error {
		var serr error
		if err := rc.Control(func(fd uintptr) { serr = setOptions(fd, network, a) }); err != nil {
			return err
		}
		return serr
	}
}

// onOff formats a boolean option the way the GUI shows it.
func onOff(v bool) string {
	if v {
		return "on"
	}
	return "off"
}

// keepAliveConfig turns our KeepAlive into Go's, where a negative field
// means "leave the kernel default" and a nil KeepAlive means off.
func keepAliveConfig(k *KeepAlive) net.KeepAliveConfig {
	if k == nil {
		return net.KeepAliveConfig{Enable: false, Idle: -1, Interval: -1, Count: -1}
	}
	c := net.KeepAliveConfig{Enable: true, Idle: k.Idle, Interval: k.Interval, Count: k.Count}
	if c.Idle == 0 {
		c.Idle = -1
	}
	if c.Interval == 0 {
		c.Interval = -1
	}
	if c.Count == 0 {
		c.Count = -1
	}
	return c
}

// keepAliveFor is the Dialer/ListenConfig KeepAlive field: negative turns
// Go's default 15s keepalive off when the person did not ask for one.
func keepAliveFor(k *KeepAlive) time.Duration {
	if k == nil {
		return -1
	}
	return 0
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
