package ping

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
)

// wineNoICMPv6 is why IPv6 pings are skipped under Wine.
const wineNoICMPv6 = "Wine 8 does not implement Icmp6CreateFile (Call not implemented), which Windows has had since Vista, so IPv6 cannot be pinged"

// loopbackTTL is the TTL of the echo reply the system itself sends to a
// ping of its loopback address: its default TTL, 64 on Linux and macOS,
// 128 on Windows. Under Wine the reply comes from the Linux kernel beneath.
func loopbackTTL() int {
	if runtime.GOOS == "windows" && !testkit.OnWine() {
		return 128
	}
	return 64
}

// collect runs a ping and returns its events; it fails the test on error
// and bounds the run with a deadline well above what it should take.
func collect(t *testing.T, cfg Config) ([]Event, Summary) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var evs []Event
	s, err := Run(ctx, cfg, func(e Event) { evs = append(evs, e) })
	if errors.Is(err, ErrNotPermitted) {
		t.Skipf("skipped: %v", err)
	}
	if err != nil {
		t.Fatalf("Run(%+v): %v", cfg, err)
	}
	if ctx.Err() != nil {
		t.Fatalf("Run(%+v) did not end by itself within 20s", cfg)
	}
	return evs, s
}

func TestLoopback(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"ipv4 default size", Config{Host: "127.0.0.1", Size: DefaultSize}},
		{"ipv6 default size", Config{Host: "::1", Size: DefaultSize}},
		{"ipv4 raw forced", Config{Host: "127.0.0.1", Size: DefaultSize, Mode: ModeRaw}},
		{"localhost -4", Config{Host: "localhost", Family: IPv4, Size: DefaultSize}},
		{"ipv4 empty payload", Config{Host: "127.0.0.1", Size: 0}},
		{"ipv6 empty payload", Config{Host: "::1", Size: 0}},
		{"ipv4 3 bytes (token only)", Config{Host: "127.0.0.1", Size: 3}},
		{"ipv4 8 bytes (stamp only)", Config{Host: "127.0.0.1", Size: 8}},
		{"ipv6 12 bytes (stamp, half token)", Config{Host: "::1", Size: 12}},
		{"ipv4 ttl 5", Config{Host: "127.0.0.1", Size: DefaultSize, TTL: 5}},
		{"ipv6 hop limit 7", Config{Host: "::1", Size: DefaultSize, TTL: 7}},
		{"ipv4 source", Config{Host: "127.0.0.1", Size: DefaultSize, Source: "127.0.0.1"}},
		{"ipv4 max size", Config{Host: "127.0.0.1", Size: MaxSize}},
		{"ipv6 max size", Config{Host: "::1", Size: MaxSize}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.Count, cfg.Interval, cfg.Timeout = 3, 10*time.Millisecond, 2*time.Second
			if cfg.Host == "::1" {
				testkit.SkipOnWine(t, wineNoICMPv6)
			}
			if runtime.GOOS == "windows" && cfg.Mode == ModeRaw {
				// Windows pings through IcmpSendEcho2 only: raw ICMP sockets
				// need an administrator, and sockplay does not ask for one.
				if _, err := New(context.Background(), cfg); !errors.Is(err, ErrUnsupported) {
					t.Fatalf("New(%+v) = %v; want ErrUnsupported on Windows", cfg, err)
				}
				return
			}
			evs, s := collect(t, cfg)
			want := netip.MustParseAddr("127.0.0.1")
			if cfg.Host == "::1" {
				want = netip.IPv6Loopback()
			}
			if s.Transmitted != 3 || s.Received != 3 || s.Duplicates != 0 || s.Errors != 0 || len(evs) != 3 {
				t.Fatalf("summary %+v with %d events, want 3 sent, 3 received", s, len(evs))
			}
			seen := map[int]bool{}
			for i, e := range evs {
				// The system answers with its own TTL: ours is checked in the lab test.
				wantTTL := loopbackTTL()
				// Replies come in the order they arrive: on a loaded machine
				// (Wine's IcmpSendEcho2 most of all) a reply can overtake the
				// one before, as with iputils ping. Each seq once.
				if e.Kind != KindReply || e.Seq < 1 || e.Seq > 3 || seen[e.Seq] || e.From != want || e.Bytes != cfg.Size+8 || e.TTL != wantTTL ||
					e.RTT <= 0 || e.RTT > time.Second {
					t.Errorf("event %d = %+v; want a reply with a new seq of 1-3 from %v, %d bytes, ttl %d", i, e, want, cfg.Size+8, wantTTL)
				}
				seen[e.Seq] = true
				if e.Stats.Received != i+1 {
					t.Errorf("event %d: live stats say %d received", i, e.Stats.Received)
				}
			}
			if s.Min <= 0 || s.Min > s.Avg || s.Avg > s.Max || s.Loss() != 0 {
				t.Errorf("rtt stats %+v", s)
			}
			if s.Time < 15*time.Millisecond || s.Time > 2*time.Second {
				t.Errorf("time %v for 3 probes 10ms apart", s.Time)
			}
		})
	}
}

func TestUnknownHost(t *testing.T) {
	testkit.NoSuchNames(t)
	tests := []struct {
		host string
		fam  Family
	}{
		{"nosuch.invalid", FamilyAny},
		{"nosuch.invalid", IPv6},
	}
	for _, tt := range tests {
		_, err := New(context.Background(), Config{Host: tt.host, Family: tt.fam, Count: 1})
		if !errors.Is(err, ErrUnknownHost) || !strings.HasPrefix(err.Error(), tt.host+": ") {
			t.Errorf("New(%s, family %d) = %v; want %q... matching ErrUnknownHost", tt.host, tt.fam, err, tt.host+": ")
		}
	}
}

// An address of the other IP version than the one asked for is not an
// unknown host: the error says which version was asked for and which the
// address is, and matches ErrInvalidConfig.
func TestFamilyMismatch(t *testing.T) {
	tests := []struct {
		host string
		fam  Family
		want string
	}{
		{"::1", IPv4, "IPv4 was asked for, but ::1 is an IPv6 address"},
		{"fe80::1%lo", IPv4, "IPv4 was asked for, but fe80::1%lo is an IPv6 address"},
		{"127.0.0.1", IPv6, "IPv6 was asked for, but 127.0.0.1 is an IPv4 address"},
		{"::ffff:10.1.2.3", IPv6, "IPv6 was asked for, but ::ffff:10.1.2.3 is an IPv4 address"},
	}
	for _, tt := range tests {
		_, err := New(context.Background(), Config{Host: tt.host, Family: tt.fam, Count: 1})
		var fe *FamilyError
		if err == nil || err.Error() != tt.want || !errors.As(err, &fe) || fe.Host != tt.host || fe.Asked != tt.fam {
			t.Errorf("New(%s, family %d) = %v; want %q", tt.host, tt.fam, err, tt.want)
		}
		if !errors.Is(err, ErrInvalidConfig) || errors.Is(err, ErrUnknownHost) {
			t.Errorf("%v: ErrInvalidConfig %v, ErrUnknownHost %v", err, errors.Is(err, ErrInvalidConfig), errors.Is(err, ErrUnknownHost))
		}
	}
}

// Who answered is named, as iputils names it, when the host was a name;
// not for an address, and not with Numeric (iputils -n).
func TestFromName(t *testing.T) {
	names, err := net.DefaultResolver.LookupAddr(context.Background(), "127.0.0.1")
	if err != nil || len(names) == 0 {
		t.Skipf("skipped: 127.0.0.1 has no name here (%v)", err)
	}
	lo := strings.TrimSuffix(names[0], ".")
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{Host: "localhost", Family: IPv4}, lo},
		{Config{Host: "localhost", Family: IPv4, Numeric: true}, ""},
		{Config{Host: "127.0.0.1"}, ""},
	}
	for _, tt := range tests {
		cfg := tt.cfg
		cfg.Count, cfg.Interval, cfg.Timeout = 2, 10*time.Millisecond, 2*time.Second
		evs, _ := collect(t, cfg)
		if len(evs) != 2 {
			t.Fatalf("%+v: %d events", cfg, len(evs))
		}
		for _, e := range evs {
			if e.FromName != tt.want {
				t.Errorf("%+v: FromName %q, want %q", cfg, e.FromName, tt.want)
			}
		}
	}
}

// WaitForever never gives a probe up; answered probes still end the run.
func TestWaitForever(t *testing.T) {
	evs, s := collect(t, Config{Host: "127.0.0.1", Count: 3, Interval: 10 * time.Millisecond, Timeout: WaitForever})
	if s.Received != 3 || len(evs) != 3 {
		t.Fatalf("summary %+v, %d events", s, len(evs))
	}
	for _, e := range evs {
		if e.Kind != KindReply {
			t.Errorf("event %+v", e)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{}, "no host"},
		{Config{Host: "127.0.0.1", Interval: 9 * time.Millisecond}, "interval 9ms is below the 10ms minimum"},
		{Config{Host: "127.0.0.1", Interval: -time.Second}, "interval -1s"},
		{Config{Host: "127.0.0.1", Size: -1}, "size -1: must be 0 to 65500 bytes"},
		{Config{Host: "127.0.0.1", Size: 65501}, "size 65501"},
		{Config{Host: "127.0.0.1", TTL: 256}, "ttl 256"},
		{Config{Host: "127.0.0.1", Count: -1}, "count -1"},
		{Config{Host: "127.0.0.1", Timeout: -1}, "timeout"},
		{Config{Host: "127.0.0.1", Source: "eth0"}, `source "eth0" is not an IP address`},
		{Config{Host: "127.0.0.1", Source: "::1"}, "different IP versions"},
		{Config{Host: "127.0.0.1", Mode: 9}, "mode 9"},
	}
	for _, tt := range tests {
		_, err := New(context.Background(), tt.cfg)
		if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("New(%+v) = %v; want ErrInvalidConfig saying %q", tt.cfg, err, tt.want)
		}
	}
	if _, err := ParseMode("flood"); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("ParseMode(flood) = %v", err)
	}
}

// TestForcedDatagramNotPermitted is the permission path: where
// ping_group_range leaves our group out, forcing the datagram socket must
// fail with ErrNotPermitted and say both ways of allowing it.
func TestForcedDatagramNotPermitted(t *testing.T) {
	if !datagramForbidden(t) {
		t.Skip("skipped: net.ipv4.ping_group_range allows our group here, so the datagram socket is permitted")
	}
	exe, _ := os.Executable()
	for _, host := range []string{"127.0.0.1", "::1"} {
		_, err := New(context.Background(), Config{Host: host, Mode: ModeDatagram})
		if !errors.Is(err, ErrNotPermitted) {
			t.Fatalf("New(%s, datagram) = %v; want ErrNotPermitted", host, err)
		}
		for _, want := range []string{`sysctl -w net.ipv4.ping_group_range="0 2147483647"`, "setcap cap_net_raw=+ep " + exe} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
		}
	}
}

func TestRunStopsWithContext(t *testing.T) {
	p, err := New(context.Background(), Config{Host: "127.0.0.1", Interval: 10 * time.Millisecond, Size: DefaultSize})
	if errors.Is(err, ErrNotPermitted) {
		t.Skipf("skipped: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	start := time.Now()
	s, err := p.Run(ctx, func(e Event) {
		if n++; n == 5 {
			cancel()
		}
	})
	if err != nil || s.Received < 5 || s.Transmitted < s.Received || time.Since(start) > 5*time.Second {
		t.Fatalf("Run until cancel: %+v, %v after %v", s, err, time.Since(start))
	}
	if _, err := p.Run(context.Background(), nil); err == nil {
		t.Error("second Run succeeded")
	}
}
