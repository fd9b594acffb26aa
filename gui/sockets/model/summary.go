package model

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/socktable"
)

// Summary is the line over the table: every socket of the last listing
// counted by kind and TCP state, as ss -s does, and how many rows the
// filters keep (showing). Before the first listing it says what is
// happening instead; failed (the last listing failed) shows the counts of
// the one before, whose error the tab shows apart.
func (l *Listing) Summary(showing int, paused, failed bool) string {
	switch {
	case !l.listed && !failed && paused:
		return "Paused: nothing listed yet. Resume, or the refresh button, lists the sockets."
	case !l.listed && !failed:
		return "Listing…"
	}
	var tcp [socktable.Closing + 1]int
	tcpAll, udp, unix, gone := 0, 0, 0, 0
	for i := range l.all {
		r := &l.all[i]
		if r.Mark == MarkGone {
			gone++
			continue
		}
		switch {
		case r.Sock.Proto == socktable.TCP:
			tcpAll++
			if int(r.Sock.State) < len(tcp) {
				tcp[r.Sock.State]++
			}
		case r.Sock.Proto == socktable.UDP:
			udp++
		default:
			unix++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "TCP %d (estab %d, listen %d", tcpAll, tcp[socktable.Established], tcp[socktable.Listen])
	for _, st := range []socktable.State{socktable.TimeWait, socktable.CloseWait, socktable.FinWait1, socktable.FinWait2,
		socktable.SynSent, socktable.SynRecv, socktable.LastAck, socktable.Closing} {
		if n := tcp[st]; n > 0 {
			fmt.Fprintf(&b, ", %s %d", strings.ToLower(st.String()), n)
		}
	}
	fmt.Fprintf(&b, ") · UDP %d · Unix %d · showing %d", udp, unix, showing)
	if gone > 0 {
		fmt.Fprintf(&b, " (%d just closed)", gone)
	}
	if paused {
		b.WriteString(" · paused")
	}
	return b.String()
}

// ListErrorText is why a listing failed, for the status line.
func ListErrorText(err error) string {
	if errors.Is(err, netcore.ErrUnsupported) {
		return "The socket browser cannot list sockets here: " + err.Error() + "."
	}
	return "Listing sockets failed: " + err.Error()
}
