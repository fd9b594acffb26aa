package cli

import (
	"context"
	"flag"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Socket option values the kernel would refuse or quietly change are
// refused while the flags are read: exit 2 and a sentence naming the flag
// (issue 11: --rcvbuf -1, --ttl 999 and --backlog -3 exited 1 when the
// session failed to start; --keepalive 100000s and --linger 5000000000
// started, the first ignored by the kernel, the second wrapped to 705032704).
func TestSocketFlagValuesRefused(t *testing.T) {
	type tcase struct {
		args []string
		want string
	}
	tests := []tcase{
		{[]string{"serve", "tcp://127.0.0.1:0", "--rcvbuf", "-1"}, "sockplay serve: --rcvbuf: SO_RCVBUF is negative (-1)"},
		{[]string{"serve", "tcp://127.0.0.1:0", "--sndbuf", "-5"}, "sockplay serve: --sndbuf: SO_SNDBUF is negative (-5)"},
		{[]string{"serve", "tcp://127.0.0.1:0", "--rcvbuf", "3000000000"}, "sockplay serve: --rcvbuf: SO_RCVBUF 3000000000 is more than the kernel takes (2147483647)"},
		{[]string{"serve", "tcp://127.0.0.1:0", "--ttl", "999"}, "sockplay serve: --ttl: IP_TTL 999 is out of range 1-255"},
		{[]string{"connect", "tcp://127.0.0.1:9", "--ttl", "-1"}, "sockplay connect: --ttl: IP_TTL -1 is out of range 1-255"},
		{[]string{"serve", "tcp://127.0.0.1:0", "--backlog", "-3"}, "sockplay serve: --backlog: backlog is negative (-3)"},
		{[]string{"serve", "tcp://127.0.0.1:0", "--linger", "-1"}, "sockplay serve: --linger -1: seconds must be 0 or more"},
		{[]string{"serve", "tcp://127.0.0.1:0", "--linger", "5000000000"}, "sockplay serve: --linger: SO_LINGER 5000000000 is more than the kernel takes (2147483647)"},
		{[]string{"serve", "tcp://127.0.0.1:0", "--keepalive", "-1s"}, "sockplay serve: --keepalive: SO_KEEPALIVE idle, interval and count cannot be negative"},
		{[]string{"connect", "tcp://127.0.0.1:9", "--keepalive-count", "-2"}, "sockplay connect: --keepalive-count: SO_KEEPALIVE idle, interval and count cannot be negative"},
		{[]string{"serve", "tcp://127.0.0.1:0", "--keepalive", "1500ms"}, "sockplay serve: --keepalive: SO_KEEPALIVE idle time 1.5s is not a whole number of seconds, which is what the kernel counts"},
		{[]string{"connect", "tcp://127.0.0.1:9", "--keepalive-interval", "500ms"}, "sockplay connect: --keepalive-interval: SO_KEEPALIVE probe interval 500ms is not a whole number of seconds, which is what the kernel counts"},
		{[]string{"serve", "tcp://127.0.0.1:0", "--idle-timeout", "-1s"}, "sockplay serve: --idle-timeout: idle timeout is negative (-1s)"},
		{[]string{"connect", "tcp://127.0.0.1:9", "--connect-timeout", "-2s"}, "sockplay connect: --connect-timeout: connect timeout is negative (-2s)"},
		{[]string{"serve", "udp://127.0.0.1:0", "--multicast", "10.0.0.1"}, `sockplay serve: --multicast: multicast group "10.0.0.1" is not a multicast IP address`},
		{[]string{"serve", "udp://127.0.0.1:0", "--multicast-if", "nosuchif0"}, `sockplay serve: --multicast-if nosuchif0: unknown interface "nosuchif0" on this host`},
		{[]string{"serve", "udp://127.0.0.1:0", "--join", "10.0.0.1"}, `sockplay serve: --join 10.0.0.1: bad multicast join "10.0.0.1": "10.0.0.1" is not a multicast address`},
		{[]string{"serve", "udp://127.0.0.1:0", "--join", "239.1.2.3@nosuchif0"}, `sockplay serve: --join 239.1.2.3@nosuchif0: unknown interface "nosuchif0" on this host`},
		{[]string{"serve", "udp://127.0.0.1:0", "--join", "10.0.0.5>239.1.2.3"}, `sockplay serve: --join 10.0.0.5>239.1.2.3: bad multicast join "10.0.0.5>239.1.2.3": source-specific needs an SSM group (232.0.0.0/8 or ff3x::/32), not 239.1.2.3`},
		{[]string{"connect", "udp://239.1.2.3:9", "--multicast-ttl", "300"}, "sockplay connect: --multicast-ttl 300: out of range 0-255"},
		{[]string{"serve", "tcp://127.0.0.1:0", "--join", "239.1.2.3"}, "sockplay serve: --join: multicast applies to udp only, not to tcp servers"},
	}
	if runtime.GOOS == "linux" {
		tests = append(tests,
			tcase{[]string{"serve", "tcp://127.0.0.1:0", "--keepalive", "100000s"}, "sockplay serve: --keepalive: SO_KEEPALIVE idle time 27h46m40s is more than Linux allows (32767s)"},
			tcase{[]string{"connect", "tcp://127.0.0.1:9", "--keepalive-count", "1000"}, "sockplay connect: --keepalive-count: SO_KEEPALIVE probe count 1000 is more than Linux allows (127)"},
		)
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			// A value that is let through starts a session: end it soon.
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			var o, e syncBuffer
			code := Run(ctx, tc.args, Stdio{In: strings.NewReader(""), Out: &o, Err: &e})
			if out, errOut := o.String(), e.String(); code != ExitUsage || out != "" || errOut != tc.want+"\n" {
				t.Errorf("exit %d, stdout %q, stderr %q\nwant exit %d and stderr %q", code, out, errOut, ExitUsage, tc.want+"\n")
			}
		})
	}
}

// The values at the edges of what is allowed still pass.
func TestSocketFlagValuesAccepted(t *testing.T) {
	for _, tc := range []struct {
		server bool
		args   []string
	}{
		{true, []string{"--ttl", "255", "--rcvbuf", "2147483647", "--sndbuf", "0", "--backlog", "0", "--linger", "0"}},
		{true, []string{"--keepalive", "30s", "--keepalive-interval", "1m", "--keepalive-count", "9", "--idle-timeout", "0"}},
		{false, []string{"--ttl", "1", "--keepalive", "0", "--connect-timeout", "1ms", "--multicast", "239.1.1.1", "--multicast-if", "lo"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			sf := addSocketFlags(fs, tc.server, !tc.server)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			if _, err := sf.options(visitedFlags(fs)); err != nil {
				t.Errorf("options: %v", err)
			}
		})
	}
}
