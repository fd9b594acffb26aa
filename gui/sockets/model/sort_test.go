package model

import (
	"strings"
	"testing"

	"github.com/sockplay/sockplay/netcore/socktable"
)

func TestSort(t *testing.T) {
	l9 := tcp(socktable.Listen, "127.0.0.1:9", "")
	l10 := tcp(socktable.Listen, "127.0.0.1:10", "")
	v6 := tcp(socktable.Listen, "[::1]:8", "")
	mapped := tcp(socktable.Listen, "[::ffff:127.0.0.1]:11", "")
	ux := unixSock(socktable.UnixStream, socktable.Listen, "/a.sock", 5)
	uy := unixSock(socktable.UnixStream, socktable.Listen, "/a.sock", 4)
	est := tcp(socktable.Established, "127.0.0.1:40000", "127.0.0.1:10")
	est.RecvQ, est.SendQ = 100, 7
	bob := owned(tcp(socktable.Listen, "127.0.0.1:1", ""), socktable.Owner{PID: 30, Name: "bob"})
	alice2 := owned(tcp(socktable.Listen, "127.0.0.1:2", ""), socktable.Owner{PID: 20, Name: "Alice"})
	alice1 := owned(tcp(socktable.Listen, "127.0.0.1:3", ""), socktable.Owner{PID: 10, Name: "alice"})
	u := udp("127.0.0.1:53")

	tests := []struct {
		name  string
		socks []socktable.Socket
		col   Col
		desc  bool
		want  string // local ends, in order
	}{
		{"ports as numbers", []socktable.Socket{l10, l9}, ColLocal, false, "127.0.0.1:9 127.0.0.1:10"},
		{"descending", []socktable.Socket{l9, l10}, ColLocal, true, "127.0.0.1:10 127.0.0.1:9"},
		{"a mapped address is its IPv4 one", []socktable.Socket{mapped, l10}, ColLocal, false, "127.0.0.1:10 [::ffff:127.0.0.1]:11"},
		{"IPv4 before IPv6", []socktable.Socket{v6, l9}, ColLocal, false, "127.0.0.1:9 [::1]:8"},
		{"Unix after IP, by path then inode", []socktable.Socket{ux, l9, uy}, ColLocal, false, "127.0.0.1:9 /a.sock 4 /a.sock 5"},
		{"peer", []socktable.Socket{est, l9}, ColPeer, false, "127.0.0.1:9 127.0.0.1:40000"},
		{"recv-q", []socktable.Socket{est, l9}, ColRecvQ, false, "127.0.0.1:9 127.0.0.1:40000"},
		{"send-q descending", []socktable.Socket{l9, est}, ColSendQ, true, "127.0.0.1:40000 127.0.0.1:9"},
		{"state by its name", []socktable.Socket{l9, est}, ColState, false, "127.0.0.1:40000 127.0.0.1:9"},
		{"netid", []socktable.Socket{u, l9}, ColNetid, false, "127.0.0.1:9 127.0.0.1:53"},
		{"process by name, any case, then pid", []socktable.Socket{bob, alice2, alice1}, ColProcess, false, "127.0.0.1:3 127.0.0.1:2 127.0.0.1:1"},
		{"no sort keeps the kernel's order", []socktable.Socket{l10, u, l9}, NoSort, true, "127.0.0.1:10 127.0.0.1:53 127.0.0.1:9"},
		{"ties keep the kernel's order, either way", []socktable.Socket{l10, l9, u}, ColNetid, true, "127.0.0.1:53 127.0.0.1:10 127.0.0.1:9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := make([]Row, len(tt.socks))
			for i, s := range tt.socks {
				rows[i] = NewRow(s, i)
			}
			Sort(rows, tt.col, tt.desc)
			var got []string
			for _, r := range rows {
				got = append(got, r.Cells[ColLocal])
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("order %q, want %q", g, tt.want)
			}
		})
	}
}
