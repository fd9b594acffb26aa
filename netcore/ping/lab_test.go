package ping

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/netcore/ping/pingtest"
)

// TestLab pings across network namespaces the test creates: a real host one
// hop away, an address nobody answers, and routes that answer with ICMP
// errors. It needs root; without it, it skips and says so.
func TestLab(t *testing.T) {
	lab := pingtest.NewLab(t)
	// Datagram sockets are allowed inside A only, so both kinds are tested
	// without touching the sysctl of the namespace the tests run in.
	lab.Sysctl(t, lab.A, "net.ipv4.ping_group_range", "0 2147483647")
	type want struct {
		kind     Kind
		from     netip.Addr
		ttl      int    // for replies
		text     string // for errors, a prefix
		received int
	}
	tests := []struct {
		name string
		cfg  Config
		want want
	}{
		{"host ipv4 raw", Config{Host: lab.Host4.String(), Mode: ModeRaw}, want{kind: KindReply, from: lab.Host4, ttl: 64, received: 3}},
		{"host ipv6 raw", Config{Host: lab.Host6.String(), Mode: ModeRaw}, want{kind: KindReply, from: lab.Host6, ttl: 64, received: 3}},
		{"host ipv4 datagram", Config{Host: lab.Host4.String(), Mode: ModeDatagram}, want{kind: KindReply, from: lab.Host4, ttl: 64, received: 3}},
		{"host ipv6 datagram", Config{Host: lab.Host6.String(), Mode: ModeDatagram}, want{kind: KindReply, from: lab.Host6, ttl: 64, received: 3}},
		{"host ipv4 auto, source set", Config{Host: lab.Host4.String(), Source: "10.200.7.1"}, want{kind: KindReply, from: lab.Host4, ttl: 64, received: 3}},
		{"silent ipv4", Config{Host: lab.Silent4.String()}, want{kind: KindTimeout}},
		{"silent ipv6", Config{Host: lab.Silent6.String()}, want{kind: KindTimeout}},
		{"silent ipv4 datagram", Config{Host: lab.Silent4.String(), Mode: ModeDatagram}, want{kind: KindTimeout}},
		{"unreachable ipv4", Config{Host: lab.Unreach4.String(), Mode: ModeRaw}, want{kind: KindError, from: lab.Host4, text: "Destination Host Unreachable"}},
		{"unreachable ipv6", Config{Host: lab.Unreach6.String(), Mode: ModeRaw}, want{kind: KindError, from: lab.Host6, text: "Destination unreachable: "}},
		{"ttl 1 ipv4", Config{Host: lab.Far4.String(), TTL: 1, Mode: ModeRaw}, want{kind: KindError, from: lab.Host4, text: "Time to live exceeded"}},
		{"hop limit 1 ipv6", Config{Host: lab.Far6.String(), TTL: 1, Mode: ModeRaw}, want{kind: KindError, from: lab.Host6, text: "Time exceeded: Hop limit"}},
		{"ttl 1 reaches the host next door", Config{Host: lab.Host4.String(), TTL: 1, Mode: ModeRaw}, want{kind: KindReply, from: lab.Host4, ttl: 64, received: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.Count, cfg.Interval, cfg.Timeout, cfg.Size = 3, 50*time.Millisecond, 400*time.Millisecond, DefaultSize
			var evs []Event
			var s Summary
			var err error
			start := time.Now()
			lab.Do(t, func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				s, err = Run(ctx, cfg, func(e Event) { evs = append(evs, e) })
			})
			took := time.Since(start)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			// 3 probes 50ms apart, the last one given up 400ms after it was sent.
			if took > 3*time.Second {
				t.Errorf("took %v; want about 0.5s", took)
			}
			if s.Transmitted != 3 || s.Received != tt.want.received || len(evs) != 3 {
				t.Fatalf("summary %q with events %v", s, evs)
			}
			for i, e := range evs {
				if e.Kind != tt.want.kind || e.Seq != i+1 {
					t.Errorf("event %d = %v (%v); want %v", i, e, e.Kind, tt.want.kind)
				}
				switch e.Kind {
				case KindReply:
					if e.From != tt.want.from || e.TTL != tt.want.ttl || e.RTT <= 0 {
						t.Errorf("event %d = %q; want from %v ttl %d", i, e, tt.want.from, tt.want.ttl)
					}
				case KindError:
					if e.From != tt.want.from || !strings.HasPrefix(e.Text, tt.want.text) {
						t.Errorf("event %d = %q; want from %v %q", i, e, tt.want.from, tt.want.text)
					}
				}
			}
			switch tt.want.kind {
			case KindTimeout:
				if !strings.HasPrefix(s.String(), "3 packets transmitted, 0 received, 100% packet loss, time ") || strings.Contains(s.String(), "rtt") {
					t.Errorf("summary %q", s)
				}
			case KindError:
				if !strings.HasPrefix(s.String(), "3 packets transmitted, 0 received, +3 errors, 100% packet loss") {
					t.Errorf("summary %q", s)
				}
			}
		})
	}
}
