package cli

// Flag handling shared by serve and connect: socket options as flags and the
// reordering that lets flags follow the URL.

import (
	"flag"
	"fmt"
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
	keepalive          time.Duration
	keepIntvl          time.Duration
	keepCount          int
	ttl                int
	bindDev            string
	bind               string
	broadcast          bool
	mcast, mcastIf     string
	connectTimeout     time.Duration
	idleTimeout        time.Duration
}

func addSocketFlags(fs *flag.FlagSet, server bool) *socketFlags {
	f := &socketFlags{}
	fs.BoolVar(&f.nodelay, "nodelay", false, "set TCP_NODELAY (Go's default is on; see --no-nodelay)")
	fs.BoolVar(&f.noNodelay, "no-nodelay", false, "clear TCP_NODELAY, so Nagle's algorithm batches small writes")
	fs.IntVar(&f.rcvbuf, "rcvbuf", 0, "SO_RCVBUF in bytes (Linux doubles it)")
	fs.IntVar(&f.sndbuf, "sndbuf", 0, "SO_SNDBUF in bytes (Linux doubles it)")
	fs.BoolVar(&f.reuseport, "reuseport", false, "set SO_REUSEPORT")
	fs.BoolVar(&f.reuseaddr, "reuseaddr", false, "set SO_REUSEADDR (on by default for TCP servers)")
	fs.BoolVar(&f.noReuseaddr, "no-reuseaddr", false, "do not set SO_REUSEADDR")
	fs.IntVar(&f.linger, "linger", -1, "SO_LINGER seconds; 0 closes with a reset (RST)")
	fs.DurationVar(&f.keepalive, "keepalive", 0, "turn on TCP keepalive with this idle time, e.g. 30s")
	fs.DurationVar(&f.keepIntvl, "keepalive-interval", 0, "TCP keepalive probe interval")
	fs.IntVar(&f.keepCount, "keepalive-count", 0, "TCP keepalive probes before giving up")
	fs.IntVar(&f.ttl, "ttl", 0, "IP_TTL / IPV6_UNICAST_HOPS")
	fs.StringVar(&f.bindDev, "bind-dev", "", "bind to a network interface (SO_BINDTODEVICE)")
	fs.BoolVar(&f.broadcast, "broadcast", false, "set SO_BROADCAST (udp)")
	fs.StringVar(&f.mcast, "multicast", "", "udp multicast group (servers join it)")
	fs.StringVar(&f.mcastIf, "multicast-if", "", "interface for --multicast")
	fs.DurationVar(&f.idleTimeout, "idle-timeout", 0, "close a connection after this long without data")
	if server {
		fs.IntVar(&f.backlog, "backlog", 0, "listen backlog")
	} else {
		fs.StringVar(&f.bind, "bind", "", "local address (host:port) or, for unix clients, path to bind")
		fs.DurationVar(&f.connectTimeout, "connect-timeout", 0, "give up connecting after this long (default 10s)")
	}
	return f
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
	if f.keepalive > 0 || f.keepIntvl > 0 || f.keepCount > 0 {
		o.KeepAlive = &netcore.KeepAlive{Idle: f.keepalive, Interval: f.keepIntvl, Count: f.keepCount}
	}
	o.TTL = f.ttl
	o.BindDevice = f.bindDev
	o.Broadcast = f.broadcast
	if f.mcast != "" {
		o.Multicast = &netcore.Multicast{Group: f.mcast, Interface: f.mcastIf}
	}
	o.IdleTimeout = f.idleTimeout
	o.Backlog = f.backlog
	o.LocalAddr = f.bind
	o.ConnectTimeout = f.connectTimeout
	return o, nil
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

// sessionArgs turns a session command's URL and its socket and payload
// flags into what the engine takes, for serve and connect alike; an error
// is the bad part's sentence. visited says which flags were given.
func sessionArgs(url string, fs *flag.FlagSet, sf *socketFlags, sendf *sendFlags) (ep netcore.Endpoint, opts netcore.Options, sc sendConfig, visited map[string]bool, err error) {
	if ep, err = netcore.ParseEndpoint(url); err != nil {
		return
	}
	visited = visitedFlags(fs)
	if opts, err = sf.options(visited); err != nil {
		return
	}
	sc, err = sendf.config(visited)
	return
}
