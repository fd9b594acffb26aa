package model

import (
	"net/netip"

	"github.com/sockplay/sockplay/netcore/socktable"
)

// tcp is a TCP socket from local to peer ("" peer: a listener).
func tcp(st socktable.State, local, peer string) socktable.Socket {
	s := socktable.Socket{Proto: socktable.TCP, Family: socktable.IPv4, State: st, Local: netip.MustParseAddrPort(local)}
	if peer != "" {
		s.Peer = netip.MustParseAddrPort(peer)
	} else {
		s.Peer = netip.MustParseAddrPort("0.0.0.0:0")
	}
	if s.Local.Addr().Is6() {
		s.Family = socktable.IPv6
	}
	return s
}

func udp(local string) socktable.Socket {
	s := tcp(socktable.Close, local, "")
	s.Proto = socktable.UDP
	return s
}

func unixSock(proto socktable.Proto, st socktable.State, path string, inode uint32) socktable.Socket {
	return socktable.Socket{Proto: proto, Family: socktable.Unix, State: st, Path: path, Inode: inode}
}

func owned(s socktable.Socket, owners ...socktable.Owner) socktable.Socket {
	s.Owners = owners
	return s
}
