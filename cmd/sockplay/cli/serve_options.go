package cli

// Flag handling shared by serve and connect: socket options as flags and the
// reordering that lets flags follow the URL.

import (
	"flag"
	"fmt"
	"net"
	"runtime"
	"strings"
	"time"

	"github.com/sockplay/sockplay/netcore"
)

// socketFlags are the socket options every session command accepts.
type socketFlags struct {
	nodelay, noNodelay bool
	rcvbuf, sndbuf     int
	reuseport          bool
	noReuseaddr        bool
	reuseaddr          bool
	linger             int
	backlog            int
	exclusive          bool
	keepalive          time.Duration
	keepIntvl          time.Duration
	keepCount          int
	ttl                int
	bindDev            string
	bind               string
	broadcast          bool
	mcast, mcastIf     string
	joins              []string
	mcastTTL           int
	mcastLoop          bool
	connectTimeout     time.Duration
	idleTimeout        time.Duration
}

func addSocketFlags(fs *flag.FlagSet, server, client bool) *socketFlags {
	f := &socketFlags{}
	fs.BoolVar(&f.nodelay, "nodelay", false, "set TCP_NODELAY (Go's default is on; see --no-nodelay)")
	fs.BoolVar(&f.noNodelay, "no-nodelay", false, "clear TCP_NODELAY, so Nagle's algorithm batches small writes")
	fs.IntVar(&f.rcvbuf, "rcvbuf", 0, "SO_RCVBUF in bytes (Linux doubles it; 0: the kernel's)")
	fs.IntVar(&f.sndbuf, "sndbuf", 0, "SO_SNDBUF in bytes (Linux doubles it; 0: the kernel's)")
	fs.BoolVar(&f.reuseport, "reuseport", false, "set SO_REUSEPORT")
	fs.BoolVar(&f.reuseaddr, "reuseaddr", false, "set SO_REUSEADDR (on by default for TCP servers)")
	fs.BoolVar(&f.noReuseaddr, "no-reuseaddr", false, "do not set SO_REUSEADDR")
	fs.IntVar(&f.linger, "linger", -1, "SO_LINGER seconds; 0 closes with a reset (RST)")
	fs.DurationVar(&f.keepalive, "keepalive", 0, "turn on TCP keepalive with this idle time in whole seconds, e.g. 30s (0: off)")
	fs.DurationVar(&f.keepIntvl, "keepalive-interval", 0, "TCP keepalive probe interval in whole seconds (turns keepalive on; 0: the kernel's)")
	fs.IntVar(&f.keepCount, "keepalive-count", 0, "TCP keepalive probes before giving up (turns keepalive on; 0: the kernel's)")
	fs.IntVar(&f.ttl, "ttl", 0, "IP_TTL / IPV6_UNICAST_HOPS, 1 to 255 (0: the system's)")
	fs.StringVar(&f.bindDev, "bind-dev", "", "bind to a network interface (SO_BINDTODEVICE)")
	fs.BoolVar(&f.broadcast, "broadcast", false, "set SO_BROADCAST (udp)")
	fs.StringVar(&f.mcast, "multicast", "", "udp multicast group servers join on --multicast-if (one --join, kept for older scripts)")
	fs.Func("join", "join a udp multicast group when the socket opens: `GROUP[@IFACE]` or source-specific SOURCE>GROUP[@IFACE] (232.0.0.0/8, ff3x::/32); repeatable; servers and --unconnected clients", func(v string) error {
		f.joins = append(f.joins, v)
		return nil
	})
	fs.StringVar(&f.mcastIf, "multicast-if", "", "interface multicast is sent from (and --multicast joined on)")
	fs.IntVar(&f.mcastTTL, "multicast-ttl", 0, "TTL (IPv6: hop limit) of multicast sent, 1 to 255 (0: the system's, 1)")
	fs.BoolVar(&f.mcastLoop, "multicast-loop", false, "hear our own multicast on this host (IP_MULTICAST_LOOP; --multicast-loop=false: do not; unset: the system's, on)")
	fs.DurationVar(&f.idleTimeout, "idle-timeout", 0, "close a connection after this long without data")
	if server {
		fs.IntVar(&f.backlog, "backlog", 0, "listen backlog (0: the system's, net.core.somaxconn; not on Windows, which takes only SOMAXCONN)")
	}
	if runtime.GOOS == "windows" {
		fs.BoolVar(&f.exclusive, "exclusive-addr", false, "set SO_EXCLUSIVEADDRUSE: no other socket may bind the port, not even with SO_REUSEADDR (Windows only)")
	}
	if client {
		fs.StringVar(&f.bind, "bind", "", "local address (host:port) or, for unix clients, path to bind")
		fs.DurationVar(&f.connectTimeout, "connect-timeout", 0, "give up connecting after this long (default 10s)")
	}
	return f
}

// optionFlags names the flags that set each socket option, in the order
// they are checked against the URL's kind.
var optionFlags = []struct {
	flags []string
	part  func(netcore.Options) netcore.Options
}{
	{[]string{"nodelay", "no-nodelay"}, func(o netcore.Options) netcore.Options { return netcore.Options{NoDelay: o.NoDelay} }},
	{[]string{"reuseaddr", "no-reuseaddr"}, func(o netcore.Options) netcore.Options { return netcore.Options{ReuseAddr: o.ReuseAddr} }},
	{[]string{"reuseport"}, func(o netcore.Options) netcore.Options { return netcore.Options{ReusePort: o.ReusePort} }},
	{[]string{"exclusive-addr"}, func(o netcore.Options) netcore.Options { return netcore.Options{ExclusiveAddr: o.ExclusiveAddr} }},
	{[]string{"rcvbuf"}, func(o netcore.Options) netcore.Options { return netcore.Options{RecvBuffer: o.RecvBuffer} }},
	{[]string{"sndbuf"}, func(o netcore.Options) netcore.Options { return netcore.Options{SendBuffer: o.SendBuffer} }},
	{[]string{"linger"}, func(o netcore.Options) netcore.Options { return netcore.Options{Linger: o.Linger} }},
	{[]string{"keepalive", "keepalive-interval", "keepalive-count"}, func(o netcore.Options) netcore.Options { return netcore.Options{KeepAlive: o.KeepAlive} }},
	{[]string{"ttl"}, func(o netcore.Options) netcore.Options { return netcore.Options{TTL: o.TTL} }},
	{[]string{"bind-dev"}, func(o netcore.Options) netcore.Options { return netcore.Options{BindDevice: o.BindDevice} }},
	{[]string{"broadcast"}, func(o netcore.Options) netcore.Options { return netcore.Options{Broadcast: o.Broadcast} }},
	{[]string{"multicast", "join", "multicast-if", "multicast-ttl", "multicast-loop"}, func(o netcore.Options) netcore.Options { return netcore.Options{Multicast: o.Multicast} }},
	{[]string{"idle-timeout"}, func(o netcore.Options) netcore.Options { return netcore.Options{IdleTimeout: o.IdleTimeout} }},
	{[]string{"backlog"}, func(o netcore.Options) netcore.Options { return netcore.Options{Backlog: o.Backlog} }},
	{[]string{"bind"}, func(o netcore.Options) netcore.Options { return netcore.Options{LocalAddr: o.LocalAddr} }},
	{[]string{"connect-timeout"}, func(o netcore.Options) netcore.Options { return netcore.Options{ConnectTimeout: o.ConnectTimeout} }},
}

// suit checks each socket flag given against the URL's kind and role
// (--broadcast on tcp, --nodelay on udp), naming the flag.
func suit(o netcore.Options, ep netcore.Endpoint, server bool, visited map[string]bool) error {
	for _, of := range optionFlags {
		for _, name := range of.flags {
			if !visited[name] {
				continue
			}
			if err := of.part(o).Validate(ep, server); err != nil {
				return fmt.Errorf("--%s: %w", name, err)
			}
			break
		}
	}
	return nil
}

// options turns the flags into netcore.Options; visited tells which were given.
func (f *socketFlags) options(visited map[string]bool) (netcore.Options, error) {
	var o netcore.Options
	if f.nodelay && f.noNodelay {
		return o, fmt.Errorf("--nodelay and --no-nodelay contradict each other")
	}
	if f.reuseaddr && f.noReuseaddr {
		return o, fmt.Errorf("--reuseaddr and --no-reuseaddr contradict each other")
	}
	if f.nodelay || f.noNodelay {
		v := f.nodelay
		o.NoDelay = &v
	}
	if f.reuseaddr || f.noReuseaddr {
		v := f.reuseaddr
		o.ReuseAddr = &v
	}
	o.ReusePort = f.reuseport
	o.RecvBuffer, o.SendBuffer = f.rcvbuf, f.sndbuf
	if visited["linger"] {
		if f.linger < 0 {
			return o, fmt.Errorf("--linger %d: seconds must be 0 or more", f.linger)
		}
		v := f.linger
		o.Linger = &v
	}
	if f.keepalive != 0 || f.keepIntvl != 0 || f.keepCount != 0 {
		o.KeepAlive = &netcore.KeepAlive{Idle: f.keepalive, Interval: f.keepIntvl, Count: f.keepCount}
	}
	o.TTL = f.ttl
	o.BindDevice = f.bindDev
	o.Broadcast = f.broadcast
	if err := f.multicast(&o, visited["multicast-loop"]); err != nil {
		return o, err
	}
	o.IdleTimeout = f.idleTimeout
	o.Backlog = f.backlog
	o.ExclusiveAddr = f.exclusive
	if err := netcore.BacklogUnsupported(); err != nil && visited["backlog"] && f.backlog > 0 {
		return o, fmt.Errorf("--backlog: %w", err)
	}
	o.LocalAddr = f.bind
	o.ConnectTimeout = f.connectTimeout
	for _, c := range socketValueFlags {
		if err := c.part(o).Validate(c.takes, c.server); err != nil {
			return o, fmt.Errorf("%s: %w", dashed(c.flag), err)
		}
	}
	return o, nil
}

// multicast reads --multicast, --join, --multicast-if, --multicast-ttl and
// --multicast-loop, refusing a bad value with the flag and the bad part
// named: a join that is not GROUP[@IFACE], an interface this host lacks.
func (f *socketFlags) multicast(o *netcore.Options, loopGiven bool) error {
	if f.mcast == "" && len(f.joins) == 0 && f.mcastIf == "" && f.mcastTTL == 0 && !loopGiven {
		return nil
	}
	m := &netcore.Multicast{Group: f.mcast, Joins: f.joins, Interface: f.mcastIf, TTL: f.mcastTTL}
	if loopGiven {
		m.Loopback = &f.mcastLoop
	}
	if f.mcastIf != "" {
		if _, err := net.InterfaceByName(f.mcastIf); err != nil {
			return fmt.Errorf("--multicast-if %s: unknown interface %q on this host", f.mcastIf, f.mcastIf)
		}
	}
	for _, s := range f.joins {
		j, err := netcore.ParseJoin(s)
		if err != nil {
			return fmt.Errorf("--join %s: %w", s, err)
		}
		if j.Interface != "" {
			if _, err := net.InterfaceByName(j.Interface); err != nil {
				return fmt.Errorf("--join %s: unknown interface %q on this host", s, j.Interface)
			}
		}
	}
	if m.TTL < 0 || m.TTL > 255 {
		return fmt.Errorf("--multicast-ttl %d: out of range 0-255", m.TTL)
	}
	o.Multicast = m
	return nil
}

// socketValueFlags pairs each socket flag that carries a value with the
// part of netcore.Options it sets and a kind of endpoint that takes that
// option. options checks each value alone against that kind, so a value
// the kernel would refuse or quietly change (--rcvbuf -1, --ttl 999,
// --keepalive 1500ms) is refused while the flags are read, naming the
// flag, by netcore.Options.Validate: the rules the window and the
// sessions use too. Whether an option suits the URL's kind at all
// (--broadcast on tcp) is the session spec's check, once the URL is known.
var socketValueFlags = []struct {
	flag   string
	takes  netcore.Endpoint
	server bool
	part   func(netcore.Options) netcore.Options
}{
	{"rcvbuf", tcpEndpoint, false, func(o netcore.Options) netcore.Options { return netcore.Options{RecvBuffer: o.RecvBuffer} }},
	{"sndbuf", tcpEndpoint, false, func(o netcore.Options) netcore.Options { return netcore.Options{SendBuffer: o.SendBuffer} }},
	{"linger", tcpEndpoint, false, func(o netcore.Options) netcore.Options { return netcore.Options{Linger: o.Linger} }},
	{"ttl", tcpEndpoint, false, func(o netcore.Options) netcore.Options { return netcore.Options{TTL: o.TTL} }},
	{"keepalive", tcpEndpoint, false, keepAlivePart(func(k netcore.KeepAlive) netcore.KeepAlive { return netcore.KeepAlive{Idle: k.Idle} })},
	{"keepalive-interval", tcpEndpoint, false, keepAlivePart(func(k netcore.KeepAlive) netcore.KeepAlive { return netcore.KeepAlive{Interval: k.Interval} })},
	{"keepalive-count", tcpEndpoint, false, keepAlivePart(func(k netcore.KeepAlive) netcore.KeepAlive { return netcore.KeepAlive{Count: k.Count} })},
	{"idle-timeout", tcpEndpoint, false, func(o netcore.Options) netcore.Options { return netcore.Options{IdleTimeout: o.IdleTimeout} }},
	{"connect-timeout", tcpEndpoint, false, func(o netcore.Options) netcore.Options { return netcore.Options{ConnectTimeout: o.ConnectTimeout} }},
	{"backlog", tcpEndpoint, true, func(o netcore.Options) netcore.Options { return netcore.Options{Backlog: o.Backlog} }},
	{"multicast", netcore.Endpoint{Scheme: netcore.SchemeUDP, Port: 1}, true, func(o netcore.Options) netcore.Options {
		return netcore.Options{Multicast: o.Multicast}
	}},
}

// tcpEndpoint is a tcp port: as a client (server false) it takes every
// socket option but backlog and multicast, as a server it takes backlog.
var tcpEndpoint = netcore.Endpoint{Scheme: netcore.SchemeTCP, Host: "127.0.0.1", Port: 1}

func keepAlivePart(field func(netcore.KeepAlive) netcore.KeepAlive) func(netcore.Options) netcore.Options {
	return func(o netcore.Options) netcore.Options {
		if o.KeepAlive == nil {
			return netcore.Options{}
		}
		k := field(*o.KeepAlive)
		return netcore.Options{KeepAlive: &k}
	}
}

// reorderArgs moves flags before positional arguments so `serve URL --echo`
// parses like `serve --echo URL`. A flag that takes a value keeps the next
// argument with it; "--" ends the flags.
func reorderArgs(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		fl := fs.Lookup(name)
		if fl == nil {
			continue // flag.Parse reports it
		}
		if b, ok := fl.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		if i+1 == len(args) {
			// Its value is missing: end with the flag, so that package
			// flag says so rather than take the "--" below as the value.
			return flags
		}
		flags = append(flags, args[i+1])
		i++
	}
	return append(append(flags, "--"), pos...)
}

func visitedFlags(fs *flag.FlagSet) map[string]bool {
	m := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { m[f.Name] = true })
	return m
}
