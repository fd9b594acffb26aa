package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

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

// TestPingMatchesIputils compares our output with the real ping's, line by line.
func TestPingMatchesIputils(t *testing.T) {
	skipWithoutICMP(t)
	iputils, err := exec.LookPath("ping")
	if err != nil {
		t.Skip("skipped: iputils ping is not installed")
	}
	for _, host := range []string{"127.0.0.1", "::1"} {
		t.Run(host, func(t *testing.T) {
			cmd := exec.Command(iputils, "-c", "3", "-i", "0.2", host)
			cmd.Env = append(os.Environ(), "LC_ALL=C")
			want, err := cmd.Output()
			if err != nil {
				t.Skipf("skipped: %s -c 3 %s: %v", iputils, host, err)
			}
			code, got, errOut := runPingCLI(t, context.Background(), "-c", "3", "-i", "200ms", host)
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

func TestPingCLI(t *testing.T) {
	skipWithoutICMP(t)
	tests := []struct {
		name       string
		args       []string
		code       int
		out, err   []string // substrings expected
		outLines   int      // when > 0, the number of stdout lines
		stderrLine bool     // stderr is exactly one line
	}{
		{"flags after host", []string{"127.0.0.1", "-c", "2", "-i", "10ms"}, ExitOK,
			[]string{"PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.\n", "icmp_seq=2 ttl=64 time=", "2 packets transmitted, 2 received, 0% packet loss"}, nil, 7, false},
		{"double-dash flags, seconds", []string{"--c=2", "--i", "0.01", "--s", "0", "::1"}, ExitOK,
			[]string{"PING ::1(::1) 0 data bytes\n", "8 bytes from ::1: icmp_seq=1"}, nil, 0, false},
		{"-6 on a name without AAAA", []string{"-6", "-c", "1", "nosuch.invalid"}, ExitUsage, nil, []string{"nosuch.invalid: name or service not known"}, 0, true},
		{"-4 -s 1000 -t 3", []string{"-4", "-c", "1", "-s", "1000", "-t", "3", "localhost"}, ExitOK,
			[]string{"PING localhost (127.0.0.1) 1000(1028) bytes of data.", "1008 bytes from 127.0.0.1: icmp_seq=1"}, nil, 0, false},
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
		{"help", []string{"-h"}, ExitOK, nil, []string{"usage: sockplay ping HOST"}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
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
			r.From != "127.0.0.1" || r.TTL != 64 || r.RTT == nil || *r.RTT <= 0 {
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
	}{
		{"host", []string{"-c", "2", "-i", "20ms", lab.Host4.String()}, ExitOK,
			[]string{"64 bytes from 10.200.7.2: icmp_seq=2 ttl=64 time=", "2 packets transmitted, 2 received, 0% packet loss"}, 3 * time.Second},
		{"silent, -O", []string{"-c", "3", "-i", "20ms", "-W", "300ms", "-O", lab.Silent4.String()}, ExitFail,
			[]string{"no answer yet for icmp_seq=3\n", "3 packets transmitted, 0 received, 100% packet loss, time "}, 3 * time.Second},
		{"silent ipv6, seconds", []string{"-c", "2", "-i", "0.02", "-W", "0.3", lab.Silent6.String()}, ExitFail,
			[]string{"PING 2001:db8:1::1(2001:db8:1::1) 56 data bytes\n\n--- 2001:db8:1::1 ping statistics ---\n2 packets transmitted, 0 received, 100% packet loss"}, 3 * time.Second},
		{"unreachable", []string{"-c", "2", "-i", "20ms", "--mode", "raw", lab.Unreach4.String()}, ExitFail,
			[]string{"From 10.200.7.2 icmp_seq=1 Destination Host Unreachable\n", "2 packets transmitted, 0 received, +2 errors, 100% packet loss"}, 3 * time.Second},
		{"ttl exceeded", []string{"-c", "1", "-t", "1", "--mode", "raw", lab.Far4.String()}, ExitFail,
			[]string{"From 10.200.7.2 icmp_seq=1 Time to live exceeded\n"}, 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var code int
			var out, errOut string
			start := time.Now()
			lab.Do(t, func() { code, out, errOut = runPingCLI(t, context.Background(), tt.args...) })
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
