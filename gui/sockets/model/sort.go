package model

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"

	"github.com/sockplay/sockplay/netcore/socktable"
)

// Sort orders rows by col (NoSort: the kernel's order), reversed when
// desc; rows that compare equal keep the kernel's order.
func Sort(rows []Row, col Col, desc bool) {
	slices.SortStableFunc(rows, func(a, b Row) int {
		c := 0
		if col.Valid() {
			c = Compare(col, &a, &b)
			if desc {
				c = -c
			}
		}
		if c == 0 {
			c = cmp.Compare(a.Order, b.Order)
		}
		return c
	})
}

// Compare orders two rows by column col as a person expects: numbers as
// numbers, addresses by address then port (9 before 10), processes by
// name then pid.
func Compare(col Col, a, b *Row) int {
	x, y := &a.Sock, &b.Sock
	switch col {
	case ColNetid:
		return cmp.Compare(x.Proto, y.Proto)
	case ColState:
		return cmp.Compare(a.Cells[ColState], b.Cells[ColState])
	case ColRecvQ:
		return cmp.Compare(x.RecvQ, y.RecvQ)
	case ColSendQ:
		return cmp.Compare(x.SendQ, y.SendQ)
	case ColLocal:
		return compareEnd(x, x.Local, x.Path, y, y.Local, y.Path)
	case ColPeer:
		return compareEnd(x, x.Peer, "", y, y.Peer, "")
	case ColProcess:
		return cmp.Or(strings.Compare(strings.ToLower(a.Cells[ColProcess]), strings.ToLower(b.Cells[ColProcess])),
			cmp.Compare(firstPID(x), firstPID(y)))
	}
	return 0
}

// compareEnd orders endpoints by address then port (9 before 10), Unix
// sockets after IP ones, by path.
func compareEnd(x *socktable.Socket, xa netip.AddrPort, xp string, y *socktable.Socket, ya netip.AddrPort, yp string) int {
	xu, yu := x.Proto.IsUnix(), y.Proto.IsUnix()
	switch {
	case xu && yu:
		return cmp.Or(strings.Compare(xp, yp), cmp.Compare(x.Inode, y.Inode))
	case xu != yu:
		if xu {
			return 1
		}
		return -1
	}
	return cmp.Or(xa.Addr().Unmap().Compare(ya.Addr().Unmap()), cmp.Compare(xa.Port(), ya.Port()))
}

func firstPID(s *socktable.Socket) int {
	if len(s.Owners) == 0 {
		return 0
	}
	return s.Owners[0].PID
}
