package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore/ping"
	"github.com/sockplay/sockplay/netcore/ping/pingtest"
)

// runPingCLI runs `sockplay ping` in-process with a bound on its time.
func runPingCLI(t *testing.T, ctx context.Context, args ...string) (code int, out, errOut string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	var o, e bytes.Buffer
	start := time.Now()
	code = Run(ctx, append([]string{"ping"}, args...), Stdio{In: strings.NewReader(""), Out: &o, Err: &e})
	if time.Since(start) >= 20*time.Second {
		t.Errorf("sockplay ping %v ran for 20s", args)
	}
	return code, o.String(), e.String()
}

// skipWithoutICMP skips when this process may open no ICMP socket at all.
func skipWithoutICMP(t *testing.T) {
	t.Helper()
	p, err := ping.New(context.Background(), ping.Config{Host: "127.0.0.1"})
	if errors.Is(err, ping.ErrNotPermitted) {
		t.Skipf("skipped: %v", err)
	}
	if err == nil {
		p.Close()
	}
}

// shape replaces the numbers that differ between two pings by placeholders.
var shapeRules = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`time=[0-9.]+ ms`), "time=T ms"},
	{regexp.MustCompile(`time [0-9]+ms`), "time Tms"},
	{regexp.MustCompile(`= [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms`), "= A/B/C/D ms"},
}

func shape(s string) string {
	for _, r := range shapeRules {
		s = r.re.ReplaceAllString(s, r.with)
	}
	return s
}

// TestPingMatchesIputils compares our output with the real ping's, line by
// line, with the same arguments: addresses, and names, whose replies
// iputils shows as "from localhost (127.0.0.1):" unless -n.
func TestPingMatchesIputils(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("skipped: iputils ping is a Linux program; Windows' ping.exe takes other flags and prints otherwise")
	}
	skipWithoutICMP(t)
	iputils, err := exec.LookPath("ping")
	if err != nil {
		t.Skip("skipped: iputils ping is not installed")
	}
	for _, args := range [][]string{
		{"127.0.0.1"},
		{"::1"},
		{"localhost"},
		{"-4", "localhost"},
		{"-n", "localhost"},
		{"-W", "0", "127.0.0.1"},
	} {
		args = append([]string{"-c", "3", "-i", "0.2"}, args...)
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			cmd := exec.Command(iputils, args...)
			cmd.Env = append(os.Environ(), "LC_ALL=C")
			want, err := cmd.Output()
			if err != nil {
				t.Skipf("skipped: %s %s: %v", iputils, strings.Join(args, " "), err)
			}
			code, got, errOut := runPingCLI(t, context.Background(), args...)
			if code != ExitOK || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			wl, gl := strings.Split(shape(string(want)), "\n"), strings.Split(shape(got), "\n")
			if len(wl) != len(gl) {
				t.Fatalf("%d lines, iputils prints %d:\n%s\niputils:\n%s", len(gl), len(wl), got, want)
			}
			for i := range wl {
				if wl[i] != gl[i] {
					t.Errorf("line %d: %q, iputils %q", i+1, gl[i], wl[i])
				}
			}
		})
	}
}

// localhostName is how a reply from 127.0.0.1 is named after a ping of
// localhost: "localhost (127.0.0.1)" where the reverse lookup gives that
// (Linux), the computer's name on Windows, just "127.0.0.1" where it gives
// nothing (Wine).
func localhostName(t *testing.T) string {
	t.Helper()
	names, err := net.DefaultResolver.LookupAddr(context.Background(), "127.0.0.1")
	if err != nil || len(names) == 0 {
		return "127.0.0.1"
	}
	return strings.TrimSuffix(names[0], ".") + " (127.0.0.1)"
}

func TestPingCLI(t *testing.T) {
	skipWithoutICMP(t)
	testkit.NoSuchNames(t) // nosuch.invalid below
	ttl := fmt.Sprintf(" ttl=%d ", loopbackTTL())
	tests := []struct {
		name       string
		args       []string
		code       int
		out, err   []string // substrings expected
		outLines   int      // when > 0, the number of stdout lines
		stderrLine bool     // stderr is exactly one line
	}{
		{"flags after host", []string{"127.0.0.1", "-c", "2", "-i", "10ms"}, ExitOK,
			[]string{"PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.\n", "icmp_seq=2" + ttl + "time=", "2 packets transmitted, 2 received, 0% packet loss"}, nil, 7, false},
		{"double-dash flags, seconds", []string{"--c=2", "--i", "0.01", "--s", "0", "::1"}, ExitOK,
			[]string{"PING ::1(::1) 0 data bytes\n", "8 bytes from ::1: icmp_seq=1"}, nil, 0, false},
		{"-6 on a name without AAAA", []string{"-6", "-c", "1", "nosuch.invalid"}, ExitUsage, nil, []string{"nosuch.invalid: name or service not known"}, 0, true},
		{"-4 -s 1000 -t 3", []string{"-4", "-c", "1", "-s", "1000", "-t", "3", "localhost"}, ExitOK,
			[]string{"PING localhost (127.0.0.1) 1000(1028) bytes of data.", "1008 bytes from " + localhostName(t) + ": icmp_seq=1"}, nil, 0, false},
		{"-n: addresses only", []string{"-4", "-n", "-c", "1", "localhost"}, ExitOK,
			[]string{"PING localhost (127.0.0.1) 56(84) bytes of data.\n64 bytes from 127.0.0.1: icmp_seq=1 "}, nil, 0, false},
		{"-4 with an IPv6 address", []string{"-4", "-c", "1", "::1"}, ExitUsage, nil,
			[]string{"sockplay ping: -4 asks for IPv4, but ::1 is an IPv6 address\n"}, 0, true},
		{"-4 with a scoped IPv6 address", []string{"-4", "-c", "1", "fe80::1%lo"}, ExitUsage, nil,
			[]string{"sockplay ping: -4 asks for IPv4, but fe80::1%lo is an IPv6 address\n"}, 0, true},
		{"-6 with an IPv4 address", []string{"-c", "1", "127.0.0.1", "-6"}, ExitUsage, nil,
			[]string{"sockplay ping: -6 asks for IPv6, but 127.0.0.1 is an IPv4 address\n"}, 0, true},
		{"-i 0 refused", []string{"-c", "1", "-i", "0", "127.0.0.1"}, ExitUsage, nil,
			[]string{"sockplay ping: -i 0 is below the 10ms minimum interval; sockplay never floods\n"}, 0, true},
		{"-i 0ms refused", []string{"-c", "1", "-i", "0ms", "127.0.0.1"}, ExitUsage, nil,
			[]string{"sockplay ping: -i 0 is below the 10ms minimum interval; sockplay never floods\n"}, 0, true},
		{"-i rounding to 0 refused", []string{"-c", "1", "-i", "0.0000000001", "127.0.0.1"}, ExitUsage, nil,
			[]string{`"0.0000000001" is shorter than a nanosecond`}, 0, false},
		{"-W 0 waits for ever", []string{"-c", "2", "-i", "10ms", "-W", "0", "127.0.0.1"}, ExitOK,
			[]string{"2 packets transmitted, 2 received, 0% packet loss"}, nil, 0, false},
		{"-W 0s waits for ever", []string{"-c", "1", "-W", "0s", "::1"}, ExitOK,
			[]string{"1 packets transmitted, 1 received, 0% packet loss"}, nil, 0, false},
		{"-W below zero refused", []string{"-c", "1", "-W", "-1", "127.0.0.1"}, ExitUsage, nil,
			[]string{"sockplay ping: invalid ping option: timeout -1s: must be positive\n"}, 0, true},
		{"unknown host", []string{"-c", "1", "nosuch.invalid"}, ExitUsage, nil,
			[]string{"sockplay ping: nosuch.invalid: name or service not known\n"}, 0, true},
		{"interval too short", []string{"-c", "1", "-i", "5ms", "127.0.0.1"}, ExitUsage, nil,
			[]string{"interval 5ms is below the 10ms minimum"}, 0, true},
		{"bad interval", []string{"-i", "soon", "127.0.0.1"}, ExitUsage, nil, []string{`"soon" is neither a duration`}, 0, false},
		{"size too big", []string{"-s", "65501", "127.0.0.1"}, ExitUsage, nil, []string{"size 65501: must be 0 to 65500 bytes"}, 0, true},
		{"both families", []string{"-4", "-6", "localhost"}, ExitUsage, nil, []string{"choose one of -4 and -6"}, 0, true},
		{"no host", []string{"-c", "1"}, ExitUsage, nil, []string{"missing HOST"}, 0, true},
		{"two hosts", []string{"a", "b"}, ExitUsage, nil, []string{`unexpected argument "b"`}, 0, true},
		{"bad mode", []string{"--mode", "flood", "127.0.0.1"}, ExitUsage, nil, []string{`mode "flood"`}, 0, true},
		{"help", []string{"-h"}, ExitOK, nil, []string{"usage: sockplay ping HOST", "0 waits for ever, as in iputils", "so 0 (iputils' flood) is refused", "as iputils -n"}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.code == ExitOK && slices.Contains(tt.args, "::1") {
				testkit.SkipOnWine(t, wineNoICMPv6)
			}
			code, out, errOut := runPingCLI(t, context.Background(), tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			for _, w := range tt.out {
				if !strings.Contains(out, w) {
					t.Errorf("stdout %q lacks %q", out, w)
				}
			}
			for _, w := range tt.err {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q lacks %q", errOut, w)
				}
			}
			if tt.outLines > 0 && strings.Count(out, "\n") != tt.outLines {
				t.Errorf("stdout has %d lines, want %d:\n%s", strings.Count(out, "\n"), tt.outLines, out)
			}
			if tt.stderrLine && (strings.Count(errOut, "\n") != 1 || out != "") {
				t.Errorf("want one line on stderr and nothing on stdout; got %q and %q", errOut, out)
			}
		})
	}
}

// TestPingFlagsToConfig checks what the flags ask of the pinger, where the
// output cannot tell (a timeout of for ever looks like one of 10 s for the
// first 10 s).
func TestPingFlagsToConfig(t *testing.T) {
	var got ping.Config
	stop := errors.New("stop here")
	orig := newPinger
	t.Cleanup(func() { newPinger = orig })
	newPinger = func(ctx context.Context, cfg ping.Config) (*ping.Pinger, error) {
		got = cfg
		return nil, stop
	}
	tests := []struct {
		args []string
		want ping.Config
	}{
		{[]string{"h"}, ping.Config{Host: "h", Interval: ping.DefaultInterval, Timeout: ping.DefaultTimeout, Size: ping.DefaultSize}},
		{[]string{"-W", "0", "h"}, ping.Config{Host: "h", Interval: ping.DefaultInterval, Timeout: ping.WaitForever, Size: ping.DefaultSize}},
		{[]string{"-W", "0.0", "-i", "0.5", "h"}, ping.Config{Host: "h", Interval: 500 * time.Millisecond, Timeout: ping.WaitForever, Size: ping.DefaultSize}},
		{[]string{"-W", "2", "-n", "-6", "h"}, ping.Config{Host: "h", Interval: ping.DefaultInterval, Timeout: 2 * time.Second, Size: ping.DefaultSize, Numeric: true, Family: ping.IPv6}},
	}
	for _, tt := range tests {
		got = ping.Config{}
		code, _, errOut := runPingCLI(t, context.Background(), tt.args...)
		if code != ExitUsage || !strings.Contains(errOut, "stop here") {
			t.Errorf("%v: exit %d, stderr %q", tt.args, code, errOut)
		}
		if got != tt.want {
			t.Errorf("%v: config\n%+v, want\n%+v", tt.args, got, tt.want)
		}
	}
}

// TestPingFamilyOfName: -6 asks for AAAA. Whether localhost has one depends
// on /etc/hosts, so both outcomes are accepted, each in its exact words.
func TestPingFamilyOfName(t *testing.T) {
	skipWithoutICMP(t)
	code, out, errOut := runPingCLI(t, context.Background(), "-6", "-c", "1", "localhost")
	switch code {
	case ExitOK:
		if !strings.HasPrefix(out, "PING localhost(::1) 56 data bytes\n") {
			t.Errorf("stdout %q", out)
		}
	case ExitUsage:
		if errOut != "sockplay ping: localhost: name or service not known: no IPv6 address\n" {
			t.Errorf("stderr %q", errOut)
		}
	default:
		t.Errorf("exit %d: %q %q", code, out, errOut)
	}
}

func TestPingJSON(t *testing.T) {
	skipWithoutICMP(t)
	code, out, errOut := runPingCLI(t, context.Background(), "--json", "-c", "3", "-i", "10ms", "127.0.0.1")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines, want 3 replies and a summary:\n%s", len(lines), out)
	}
	for i, l := range lines[:3] {
		var r struct {
			Kind  string   `json:"kind"`
			Seq   int      `json:"seq"`
			Bytes int      `json:"bytes"`
			From  string   `json:"from"`
			TTL   int      `json:"ttl"`
			RTT   *float64 `json:"rtt_ms"`
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil || r.Kind != "reply" || r.Seq != i+1 || r.Bytes != 64 ||
			r.From != "127.0.0.1" || r.TTL != loopbackTTL() || r.RTT == nil || *r.RTT <= 0 {
			t.Errorf("line %d %s: %+v %v", i+1, l, r, err)
		}
	}
	var s struct {
		Kind                  string `json:"kind"`
		Transmitted, Received int
		Loss                  float64  `json:"loss_percent"`
		Min                   *float64 `json:"rtt_min_ms"`
	}
	if err := json.Unmarshal([]byte(lines[3]), &s); err != nil || s.Kind != "summary" || s.Transmitted != 3 || s.Received != 3 || s.Loss != 0 || s.Min == nil {
		t.Errorf("summary %s: %+v %v", lines[3], s, err)
	}
}

// With a name for HOST, --json names who answered beside its address.
func TestPingJSONFromName(t *testing.T) {
	skipWithoutICMP(t)
	names, err := net.DefaultResolver.LookupAddr(context.Background(), "127.0.0.1")
	if err != nil || len(names) == 0 {
		t.Skipf("skipped: 127.0.0.1 has no name here (%v)", err)
	}
	for _, tt := range []struct {
		args []string
		name string
	}{
		{[]string{"--json", "-4", "-c", "1", "localhost"}, strings.TrimSuffix(names[0], ".")},
		{[]string{"--json", "-4", "-n", "-c", "1", "localhost"}, ""},
	} {
		code, out, errOut := runPingCLI(t, context.Background(), tt.args...)
		var r struct {
			From string  `json:"from"`
			Name *string `json:"from_name"`
		}
		line, _, _ := strings.Cut(out, "\n")
		if code != ExitOK || json.Unmarshal([]byte(line), &r) != nil || r.From != "127.0.0.1" ||
			(tt.name == "") != (r.Name == nil) || r.Name != nil && *r.Name != tt.name {
			t.Errorf("%v: exit %d, first line %s, stderr %q; want from_name %q", tt.args, code, line, errOut, tt.name)
		}
	}
}

// TestPingInterrupted is Ctrl-C: the statistics are printed and the exit
// status says whether anything came back, as iputils does.
func TestPingInterrupted(t *testing.T) {
	skipWithoutICMP(t)
	ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
	defer cancel()
	code, out, _ := runPingCLI(t, ctx, "-i", "50ms", "127.0.0.1")
	if code != ExitOK || !strings.Contains(out, "\n\n--- 127.0.0.1 ping statistics ---\n") || !strings.Contains(out, "rtt min/avg/max/mdev") {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
}

func TestPingNotPermitted(t *testing.T) {
	if runtime.GOOS == "windows" {
		// Windows pings through IcmpSendEcho2 only; no ICMP socket is asked for.
		code, out, errOut := runPingCLI(t, context.Background(), "--mode", "datagram", "-c", "1", "127.0.0.1")
		if want := "sockplay ping: ping is not supported here: datagram sockets on Windows; use auto (IcmpSendEcho2)\n"; code != ExitUsage || out != "" || errOut != want {
			t.Fatalf("exit %d, stdout %q, stderr %q; want %d and %q", code, out, errOut, ExitUsage, want)
		}
		return
	}
	if runtime.GOOS != "linux" {
		t.Skip("skipped: ping_group_range is Linux's")
	}
	b, err := os.ReadFile("/proc/sys/net/ipv4/ping_group_range")
	if err != nil || strings.Fields(string(b))[0] == "0" {
		t.Skip("skipped: ping_group_range allows datagram ICMP sockets here (or is not Linux)")
	}
	code, out, errOut := runPingCLI(t, context.Background(), "--mode", "datagram", "-c", "1", "127.0.0.1")
	exe, _ := os.Executable()
	if code != ExitUsage || out != "" || strings.Count(errOut, "\n") != 1 ||
		!strings.Contains(errOut, `sysctl -w net.ipv4.ping_group_range="0 2147483647"`) ||
		!strings.Contains(errOut, "setcap cap_net_raw=+ep "+exe) {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestPingLab runs the command in a namespace the test creates: a host that
// answers, one that never does, and a route that answers with an error.
func TestPingLab(t *testing.T) {
	lab := pingtest.NewLab(t)
	tests := []struct {
		name string
		args []string
		code int
		out  []string
		max  time.Duration
		stop time.Duration // when set, the run is interrupted after this long
	}{
		{"host", []string{"-c", "2", "-i", "20ms", lab.Host4.String()}, ExitOK,
			[]string{"64 bytes from 10.200.7.2: icmp_seq=2 ttl=64 time=", "2 packets transmitted, 2 received, 0% packet loss"}, 3 * time.Second, 0},
		{"silent, -O", []string{"-c", "3", "-i", "20ms", "-W", "300ms", "-O", lab.Silent4.String()}, ExitFail,
			[]string{"no answer yet for icmp_seq=3\n", "3 packets transmitted, 0 received, 100% packet loss, time "}, 3 * time.Second, 0},
		{"silent, -W 0 waits until interrupted", []string{"-c", "2", "-i", "20ms", "-W", "0", "-O", lab.Silent4.String()}, ExitFail,
			[]string{"PING 192.0.2.1 (192.0.2.1) 56(84) bytes of data.\n\n--- 192.0.2.1 ping statistics ---\n2 packets transmitted, 0 received, 100% packet loss"}, 3 * time.Second, time.Second},
		{"silent ipv6, seconds", []string{"-c", "2", "-i", "0.02", "-W", "0.3", lab.Silent6.String()}, ExitFail,
			[]string{"PING 2001:db8:1::1(2001:db8:1::1) 56 data bytes\n\n--- 2001:db8:1::1 ping statistics ---\n2 packets transmitted, 0 received, 100% packet loss"}, 3 * time.Second, 0},
		{"unreachable", []string{"-c", "2", "-i", "20ms", "--mode", "raw", lab.Unreach4.String()}, ExitFail,
			[]string{"From 10.200.7.2 icmp_seq=1 Destination Host Unreachable\n", "2 packets transmitted, 0 received, +2 errors, 100% packet loss"}, 3 * time.Second, 0},
		{"ttl exceeded", []string{"-c", "1", "-t", "1", "--mode", "raw", lab.Far4.String()}, ExitFail,
			[]string{"From 10.200.7.2 icmp_seq=1 Time to live exceeded\n"}, 3 * time.Second, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var code int
			var out, errOut string
			start := time.Now()
			ctx := context.Background()
			if tt.stop > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.stop)
				defer cancel()
			}
			lab.Do(t, func() { code, out, errOut = runPingCLI(t, ctx, tt.args...) })
			if took := time.Since(start); tt.stop > 0 && took < tt.stop {
				t.Errorf("ended after %v, before it was interrupted at %v", took, tt.stop)
			}
			if took := time.Since(start); took > tt.max {
				t.Errorf("took %v, want under %v", took, tt.max)
			}
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			for _, w := range tt.out {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// -i and -W read their values as the window's Ping tab does
// (ping.ParseSeconds): a number no Duration can hold is refused by name.
func TestPingSecondsFlags(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-W", "NaN", "h"}, `sockplay ping: -W: "NaN" is not a number of seconds ping can wait (under 1000000); see 'sockplay ping -h'`},
		{[]string{"-i", "1e12", "h"}, `sockplay ping: -i: "1e12" is not a number of seconds ping can wait (under 1000000); see 'sockplay ping -h'`},
	} {
		code, out, errOut := runPingCLI(t, context.Background(), tt.args...)
		if code != ExitUsage || out != "" || strings.TrimSpace(errOut) != tt.want {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want %q", tt.args, code, out, errOut, tt.want)
		}
	}
}
