package ping

import (
	"net/netip"
	"testing"
	"time"
)

func TestFormatRTT(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{45 * time.Microsecond, "0.045 ms"},
		{45*time.Microsecond + 999, "0.045 ms"}, // truncated to whole µs, as iputils
		{999 * time.Microsecond, "0.999 ms"},
		{1234 * time.Microsecond, "1.23 ms"},
		{9994 * time.Microsecond, "9.99 ms"},
		{9995 * time.Microsecond, "10.0 ms"},
		{12345 * time.Microsecond, "12.3 ms"},
		{99949 * time.Microsecond, "99.9 ms"},
		{99950 * time.Microsecond, "100 ms"},
		{1500 * time.Millisecond, "1500 ms"},
	}
	for _, tt := range tests {
		if got := FormatRTT(tt.d); got != tt.want {
			t.Errorf("FormatRTT(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestSummaryString(t *testing.T) {
	us := time.Microsecond
	tests := []struct {
		name string
		rtts []time.Duration
		s    Summary
		want string
	}{
		{"iputils sample", []time.Duration{37 * us, 30 * us, 20 * us}, Summary{Transmitted: 3, Received: 3, Time: 2032 * time.Millisecond},
			"3 packets transmitted, 3 received, 0% packet loss, time 2032ms\nrtt min/avg/max/mdev = 0.020/0.029/0.037/0.007 ms"},
		{"all lost", nil, Summary{Transmitted: 3, Time: 2050 * time.Millisecond},
			"3 packets transmitted, 0 received, 100% packet loss, time 2050ms"},
		{"a third lost, dups and errors", []time.Duration{1000 * us, 2000 * us, 3000 * us},
			Summary{Transmitted: 3, Received: 2, Duplicates: 1, Errors: 1, Time: 1999600 * time.Microsecond},
			"3 packets transmitted, 2 received, +1 duplicates, +1 errors, 33.3333% packet loss, time 2000ms\nrtt min/avg/max/mdev = 1.000/2.000/3.000/0.816 ms"},
		{"nothing sent", nil, Summary{}, "0 packets transmitted, 0 received"},
		{"one of seven lost", []time.Duration{us}, Summary{Transmitted: 7, Received: 6},
			"7 packets transmitted, 6 received, 14.2857% packet loss, time 0ms\nrtt min/avg/max/mdev = 0.001/0.001/0.001/0.000 ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r rttStats
			for _, d := range tt.rtts {
				r.add(d)
			}
			s := tt.s
			r.fill(&s)
			if got := s.String(); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestEventString(t *testing.T) {
	lo := netip.MustParseAddr("127.0.0.1")
	tests := []struct {
		e    Event
		want string
	}{
		{Event{Kind: KindReply, Seq: 1, Bytes: 64, From: lo, TTL: 64, RTT: 45 * time.Microsecond}, "64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.045 ms"},
		{Event{Kind: KindDuplicate, Seq: 2, Bytes: 64, From: lo, TTL: 64, RTT: 2 * time.Millisecond}, "64 bytes from 127.0.0.1: icmp_seq=2 ttl=64 time=2.00 ms (DUP!)"},
		{Event{Kind: KindReply, Seq: 3, Bytes: 8, From: netip.IPv6Loopback(), TTL: -1, RTT: time.Millisecond}, "8 bytes from ::1: icmp_seq=3 time=1.00 ms"},
		{Event{Kind: KindTimeout, Seq: 4}, "no answer yet for icmp_seq=4"},
		{Event{Kind: KindError, Seq: 5, From: netip.MustParseAddr("10.0.0.1"), Text: "Time to live exceeded"}, "From 10.0.0.1 icmp_seq=5 Time to live exceeded"},
		{Event{Kind: KindError, Seq: 6, Text: "sendmsg: network is unreachable"}, "icmp_seq=6 sendmsg: network is unreachable"},
		{Event{Kind: KindReply, Seq: 7, Bytes: 64, From: lo, FromName: "localhost", TTL: 64, RTT: 45 * time.Microsecond}, "64 bytes from localhost (127.0.0.1): icmp_seq=7 ttl=64 time=0.045 ms"},
		{Event{Kind: KindLate, Seq: 8, Bytes: 64, From: lo, FromName: "localhost", TTL: 64, RTT: 3 * time.Second}, "64 bytes from localhost (127.0.0.1): icmp_seq=8 ttl=64 time=3000 ms (late)"},
		{Event{Kind: KindError, Seq: 9, From: netip.MustParseAddr("10.0.0.1"), FromName: "_gateway", Text: "Destination Host Unreachable"}, "From _gateway (10.0.0.1) icmp_seq=9 Destination Host Unreachable"},
		{Event{Kind: KindReply, Seq: 10, Bytes: 64, From: netip.MustParseAddr("fe80::1%lo"), FromName: "router", TTL: 64, RTT: time.Millisecond}, "64 bytes from router (fe80::1%lo): icmp_seq=10 ttl=64 time=1.00 ms"},
	}
	for _, tt := range tests {
		if got := tt.e.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.e, got, tt.want)
		}
	}
}
