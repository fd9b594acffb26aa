package model

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sockplay/sockplay/netcore/socktable"
)

// Mark is how a row changed since the previous listing.
type Mark uint8

const (
	MarkNone Mark = iota
	MarkNew       // appeared since the last refresh
	MarkGone      // vanished: shown struck through for one refresh
)

// Row is one table row, formatted once per refresh rather than per paint.
type Row struct {
	Sock  socktable.Socket
	Key   string
	Mark  Mark
	Order int // the kernel's order, to keep sorting stable
	Cells [NumCols]string
}

// NewRow is the row of socket s, the order-th of its listing.
func NewRow(s socktable.Socket, order int) Row {
	r := Row{Sock: s, Key: Key(&s), Order: order}
	r.Cells = [NumCols]string{
		s.Proto.String(), s.State.String(),
		strconv.FormatUint(uint64(s.RecvQ), 10), strconv.FormatUint(uint64(s.SendQ), 10),
		s.LocalString(), s.PeerString(), OwnersText(s.Owners),
	}
	return r
}

// Key names a socket across listings: a TCP connection keeps its key from
// ESTAB to TIME-WAIT (its inode does not); a Unix socket is its inode.
func Key(s *socktable.Socket) string {
	if s.Proto.IsUnix() {
		return s.Proto.String() + " " + strconv.FormatUint(uint64(s.Inode), 10)
	}
	return s.Proto.String() + " " + s.Local.String() + " " + s.Peer.String()
}

// OwnersText is the Process column: "python3 (pid 4242)", several joined.
func OwnersText(os []socktable.Owner) string {
	var b strings.Builder
	seen := map[int]bool{}
	for _, o := range os {
		if seen[o.PID] {
			continue
		}
		seen[o.PID] = true
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (pid %d)", o.Name, o.PID)
	}
	return b.String()
}

// Text is the row as one line of text, for the clipboard.
func (r *Row) Text() string {
	c := r.Cells
	return strings.TrimRight(fmt.Sprintf("%-5s %-10s %6s %6s %-28s %-28s %s",
		c[ColNetid], c[ColState], c[ColRecvQ], c[ColSendQ], c[ColLocal], c[ColPeer], c[ColProcess]), " ")
}

// Listing is the last listing of the kernel's table, with the rows that
// vanished from it kept for one more refresh, so a socket that closed is
// seen closing. The zero Listing has listed nothing yet.
type Listing struct {
	all    []Row
	prev   map[string]bool // keys of the last listing, to mark new ones
	listed bool
}

// Apply takes a new listing: rows not in the previous one are marked new
// (not on the first listing), rows of the previous one missing now stay
// one more refresh, marked gone, after the others.
func (l *Listing) Apply(socks []socktable.Socket) {
	now := make(map[string]bool, len(socks))
	all := make([]Row, 0, len(socks)+8)
	for i := range socks {
		r := NewRow(socks[i], i)
		if l.listed && !l.prev[r.Key] {
			r.Mark = MarkNew
		}
		now[r.Key] = true
		all = append(all, r)
	}
	for _, r := range l.all {
		if r.Mark != MarkGone && !now[r.Key] {
			r.Mark = MarkGone
			r.Order = len(all)
			all = append(all, r)
		}
	}
	l.all, l.prev, l.listed = all, now, true
}

// Listed reports whether a listing has been applied.
func (l *Listing) Listed() bool { return l.listed }

// Rows is every row of the last listing, vanished ones last.
func (l *Listing) Rows() []Row { return l.all }

// View appends to dst[:0] the rows v keeps, sorted by col (NoSort: the
// kernel's order) and reversed when desc; equal rows keep the kernel's
// order.
func (l *Listing) View(dst []Row, v *View, col Col, desc bool) []Row {
	rows := dst[:0]
	for i := range l.all {
		if v.Keeps(&l.all[i].Sock) {
			rows = append(rows, l.all[i])
		}
	}
	Sort(rows, col, desc)
	return rows
}
