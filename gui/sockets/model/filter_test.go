package model

import (
	"slices"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/netcore/socktable"
)

func TestFilterBarView(t *testing.T) {
	lis4 := tcp(socktable.Listen, "127.0.0.1:8080", "")
	est6 := tcp(socktable.Established, "[::1]:40000", "[::1]:22")
	u := udp("0.0.0.0:53")
	ux := unixSock(socktable.UnixStream, socktable.Listen, "/run/x.sock", 7)
	sshd := owned(tcp(socktable.Established, "10.0.0.1:22", "10.0.0.2:50000"), socktable.Owner{PID: 1, Name: "sshd"})
	all := []socktable.Socket{lis4, est6, u, ux, sshd}
	tcpUDP := FilterBar{TCP: true, UDP: true, Family: FamilyAll, State: AnyState}
	tests := []struct {
		name string
		bar  func(b *FilterBar)
		keep []int // indexes into all
		err  string
	}{
		{"tcp and udp", func(*FilterBar) {}, []int{0, 1, 2, 4}, ""},
		{"nothing checked shows nothing", func(b *FilterBar) { b.TCP, b.UDP = false, false }, nil, ""},
		{"unix only", func(b *FilterBar) { b.TCP, b.UDP, b.Unix = false, false, true }, []int{3}, ""},
		{"IPv4 keeps unix", func(b *FilterBar) { b.Unix, b.Family = true, Family4 }, []int{0, 2, 3, 4}, ""},
		{"IPv6", func(b *FilterBar) { b.Family = Family6 }, []int{1}, ""},
		{"a state", func(b *FilterBar) { b.State = "established" }, []int{1, 4}, ""},
		{"listening is the LISTEN state, as in ss", func(b *FilterBar) { b.State = "listening" }, []int{0}, ""},
		{"a group", func(b *FilterBar) { b.State = "connected" }, []int{1, 4}, ""},
		{"listening only", func(b *FilterBar) { b.ListeningOnly = true }, []int{0, 2}, ""},
		{"port", func(b *FilterBar) { b.Addr = " :8080 " }, []int{0}, ""},
		{"process", func(b *FilterBar) { b.Process = "SSH" }, []int{4}, ""},
		{"text", func(b *FilterBar) { b.Text = "[::1]:22" }, []int{1}, ""},
		{"bad address", func(b *FilterBar) { b.Addr = "1.2.3.4.5:x" }, nil, "Address \"1.2.3.4.5:x\""},
		{"bad state and address", func(b *FilterBar) { b.State, b.Addr = "sleepy", "x:y:z" }, nil, "Unknown socket state \"sleepy\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tcpUDP
			tt.bar(&b)
			v, err := b.View()
			if tt.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.err) || strings.Contains(err.Error(), socktable.ErrBadFilter.Error()) {
					t.Fatalf("error %v, want a sentence starting %q without the errors.Is tag", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for i := range all {
				if v.Keeps(&all[i]) {
					got = append(got, i)
				}
			}
			if !slices.Equal(got, tt.keep) {
				t.Errorf("keeps %v, want %v", got, tt.keep)
			}
		})
	}
	t.Run("two problems, one sentence each", func(t *testing.T) {
		b := tcpUDP
		b.State, b.Addr = "sleepy", "x:y:z"
		_, err := b.View()
		if err == nil || strings.Count(err.Error(), "; ") != 1 {
			t.Errorf("error %v, want two sentences", err)
		}
	})
}
