package gui

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/sessions"
)

// How a relay's tab words what a server's says with "received" and
// "sent": the engine logs a relay as the client's view of a server (what
// the client sent is data_in, what the target sent back data_out), so the
// entries, the hex pane, export and recordings are a server's, and only
// the words change: "client → target" and "target → client".

// Direction choices of a relay's traffic filter (dirIn and dirOut of a
// server's).
const (
	dirToTarget = "Client → target"
	dirToClient = "Target → client"
)

// Words for a relay's directions, in rows, the detail pane and the header.
const (
	wordsToTarget = "client → target"
	wordsToClient = "target → client"
)

// directions are the direction filter's choices for the tab.
func (t *SessionTab) directions() []string {
	if t.relay() {
		return []string{dirAll, dirToTarget, dirToClient, dirEvents}
	}
	return []string{dirAll, dirIn, dirOut, dirEvents}
}

// relayDirWords is the direction of a relay's data entry in words, and
// its arrow read from left to right ("" for an event).
func relayDirWords(k sessions.EntryKind) (words, arrow string) {
	switch k {
	case sessions.KindDataIn, sessions.KindMessage:
		return wordsToTarget, "→"
	case sessions.KindDataOut, sessions.KindMessageOut:
		return wordsToClient, "←"
	}
	return "", ""
}

// cells is the row of e as the view shows it: a relay's data rows name
// their direction where a server's name the peer's address.
func (v *trafficView) cells(e *sessions.Entry) rowCells {
	c := cellsOf(e, v.preview)
	if !v.relay {
		return c
	}
	words, arrow := relayDirWords(e.Kind)
	if words == "" {
		return c
	}
	c.arrow = arrow
	c.mid = fmt.Sprintf("%-*s %*s", colPeer, capRunes(fmt.Sprintf("#%d %s", e.Peer, words), colPeer), colSize, fmt.Sprintf("%d B", len(e.Data)))
	return c
}

// kindWord names an entry's kind in the detail pane's title.
func (d *detailPane) kindWord(k sessions.EntryKind) string {
	if d.relay {
		if words, _ := relayDirWords(k); words != "" {
			if k.Message() {
				return "message " + words
			}
			return words
		}
	}
	return kindWords[k]
}

// relayTotals is a relay's counters line: per direction, in words.
func relayTotals(c sessions.CounterValues, msgs string) string {
	return fmt.Sprintf("%s %s (%d chunks, %s) · %s %s (%d chunks, %s)%s",
		wordsToTarget, humanBytes(c.BytesIn), c.ChunksIn, humanRate(c.RateIn),
		wordsToClient, humanBytes(c.BytesOut), c.ChunksOut, humanRate(c.RateOut), msgs)
}

// peerTitle is a peer's first line in the peers panel: a relay's pair is
// its client and its target, "#1 127.0.0.1:40312 ⇄ target 127.0.0.1:7001".
func peerTitle(pi sessions.PeerInfo, relay bool) string {
	if !relay {
		return fmt.Sprintf("#%d %s", pi.ID, pi.Addr)
	}
	target := pi.Target
	if target == "" {
		target = "(connecting)"
	}
	return fmt.Sprintf("#%d %s ⇄ target %s", pi.ID, pi.Addr, target)
}

// peerStats is a peer's second line: state and counters, a relay's per
// direction.
func peerStats(pi sessions.PeerInfo, relay bool) string {
	if relay {
		return fmt.Sprintf("%s · → target %s · → client %s", pi.State,
			humanBytes(pi.Counters.BytesIn), humanBytes(pi.Counters.BytesOut))
	}
	return fmt.Sprintf("%s · in %s · out %s", pi.State,
		humanBytes(pi.Counters.BytesIn), humanBytes(pi.Counters.BytesOut))
}

// relayPeers words a relay's peers panel: each peer is a pair, Close and
// RST end both its connections, Half-close acts on the client's side
// only (the engine sends the client a FIN; the target is not told).
func (t *SessionTab) relayPeers() {
	if !t.relay() || t.Peers == nil {
		return
	}
	p := t.Peers
	p.relay = true
	halfClose, abort := peerControls(t.sess.Config().Endpoint)
	if halfClose {
		p.Close.SetText("Close both")
	}
	p.HalfClose.SetText("FIN client")
	p.Abort.SetText("RST both")
	note := widget.NewLabel("Each peer is a client and its connection to the target. FIN client half-closes the client's side only: the target is not told.")
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.LowImportance
	note.SizeName = theme.SizeNameCaptionText
	buttons := container.NewHBox(p.Close)
	if halfClose {
		buttons.Add(p.HalfClose)
	}
	if abort {
		buttons.Add(p.Abort)
	}
	bottom := container.NewVBox(container.NewHScroll(buttons))
	if halfClose {
		bottom.Add(note)
	}
	p.root = container.NewBorder(p.Count, bottom, nil, nil, p.List)
}

// relayTabTitle is a relay's title short enough for a tab: "TCP relay
// 127.0.0.1:7000 → 127.0.0.1:7001", then with the listening side's port
// alone, then cut (the window's title has it whole).
func relayTabTitle(spec sessions.Spec, full string) string {
	ep, err := netcore.ParseEndpoint(strings.TrimSpace(spec.URL))
	if err != nil {
		return cutAtWord(full, tabTitleMax)
	}
	kind := strings.TrimSuffix(ep.KindName(true), " server") + " relay "
	listen, target := ep.ShortAddr(), shortURL(strings.TrimSpace(spec.Target))
	try := kind + listen + " → " + target
	if utf8.RuneCountInString(try) <= tabTitleMax {
		return try
	}
	if !ep.IsUnix() {
		try = kind + ":" + strconv.Itoa(ep.Port) + " → " + target
	}
	return cutAtWord(try, tabTitleMax)
}
