package gui

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
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

// Arrows are for the monospace log only: the window's proportional font
// (Noto Sans) has no arrows, and Fyne's fallback draws a stray box after
// one, so labels, selects and titles say "to".

// Direction choices of a relay's traffic filter (dirIn and dirOut of a
// server's).
const (
	dirToTarget = "Client to target"
	dirToClient = "Target to client"
)

// Words for a relay's directions: in log rows (monospace), and in labels.
const (
	rowToTarget   = "client → target"
	rowToClient   = "target → client"
	wordsToTarget = "client to target"
	wordsToClient = "target to client"
)

// directions are the direction filter's choices for the tab.
func (t *SessionTab) directions() []string {
	if t.relay() {
		return []string{dirAll, dirToTarget, dirToClient, dirEvents}
	}
	return []string{dirAll, dirIn, dirOut, dirEvents}
}

// relayDirWords is the direction of a relay's data entry: in a log row,
// its arrow read from left to right, and in a label ("" for an event).
func relayDirWords(k sessions.EntryKind) (row, arrow, label string) {
	switch k {
	case sessions.KindDataIn, sessions.KindMessage:
		return rowToTarget, "→", wordsToTarget
	case sessions.KindDataOut, sessions.KindMessageOut:
		return rowToClient, "←", wordsToClient
	}
	return "", "", ""
}

// cells is the row of e as the view shows it: a relay's data rows name
// their direction where a server's name the peer's address.
func (v *trafficView) cells(e *sessions.Entry) rowCells {
	c := cellsOf(e, v.preview)
	if !v.relay {
		return c
	}
	words, arrow, _ := relayDirWords(e.Kind)
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
		if _, _, words := relayDirWords(k); words != "" {
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
	return fmt.Sprintf("to target %s (%d chunks, %s) · to client %s (%d chunks, %s)%s",
		humanBytes(c.BytesIn), c.ChunksIn, humanRate(c.RateIn),
		humanBytes(c.BytesOut), c.ChunksOut, humanRate(c.RateOut), msgs)
}

// relayPeerLines are the three lines of a relay's peer: its client, its
// target ("⇄ target 127.0.0.1:7001"; monospace, where the arrow draws),
// and its state and counters per direction.
func relayPeerLines(pi sessions.PeerInfo) (client, target, stats string) {
	target = pi.Target
	if target == "" {
		target = "(connecting)"
	}
	return fmt.Sprintf("#%d %s", pi.ID, pi.Addr), "⇄ target " + target,
		fmt.Sprintf("%s · to target %s · to client %s", pi.State, humanBytes(pi.Counters.BytesIn), humanBytes(pi.Counters.BytesOut))
}

// relayPeers makes a relay's peers panel list pairs: each row is the
// client, its target and the counters per direction; Close and RST end
// both connections, Half-close acts on the client's side only (the
// engine sends the client a FIN; the target is not told).
func (t *SessionTab) relayPeers() {
	if !t.relay() || t.Peers == nil {
		return
	}
	p := t.Peers
	mono := func(template string) *widget.Label {
		l := widget.NewLabelWithStyle(template, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		l.Truncation = fyne.TextTruncateClip
		return l
	}
	p.List.CreateItem = func() fyne.CanvasObject {
		stats := widget.NewLabel("open · to target 1023.9 KiB · to client 1023.9 KiB")
		stats.SizeName = theme.SizeNameCaptionText
		stats.Truncation = fyne.TextTruncateClip
		// Three lines, closer than labels stand by themselves: one pair.
		return container.New(layout.NewCustomPaddedVBoxLayout(-theme.InnerPadding()),
			mono("#000 [ffff:ffff::ffff]:65535"), mono("⇄ target [ffff:ffff::ffff]:65535"), stats)
	}
	p.List.UpdateItem = func(i widget.ListItemID, o fyne.CanvasObject) {
		if i >= len(p.peers) {
			return
		}
		client, target, stats := relayPeerLines(p.peers[i])
		box := o.(*fyne.Container)
		for k, text := range []string{client, target, stats} {
			box.Objects[k].(*widget.Label).SetText(text)
		}
	}
	halfClose, abort := peerControls(t.sess.Config().Endpoint)
	p.HalfClose.SetText("FIN client")
	note := widget.NewLabel("Close and RST end both connections of a pair. FIN client half-closes the client's side only: the target is not told.")
	if !halfClose {
		note.SetText("Forget closes the client's socket to the target too.")
	}
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
	p.root = container.NewBorder(p.Count, container.NewVBox(container.NewHScroll(buttons), note), nil, nil, p.List)
}

// relayTabTitle is a relay's title short enough for a tab: the listening
// side by its port alone ("TCP relay :7000 to 192.0.2.1:53"), then a
// loopback target too, then cut (the window's title has it whole).
func relayTabTitle(spec sessions.Spec, full string) string {
	ep, err := netcore.ParseEndpoint(strings.TrimSpace(spec.URL))
	if err != nil {
		return cutAtWord(full, tabTitleMax)
	}
	kind := strings.TrimSuffix(ep.KindName(true), " server") + " relay "
	listen, target := ep.ShortAddr(), shortURL(strings.TrimSpace(spec.Target))
	if !ep.IsUnix() {
		listen = ":" + strconv.Itoa(ep.Port)
	}
	try := kind + listen + " to " + target
	if utf8.RuneCountInString(try) <= tabTitleMax {
		return try
	}
	// A loopback target by its port, as a listening side with no host.
	if tep, err := netcore.ParseEndpoint(strings.TrimSpace(spec.Target)); err == nil && tep.Host == "127.0.0.1" {
		try = kind + listen + " to :" + strconv.Itoa(tep.Port)
	}
	return cutAtWord(try, tabTitleMax)
}
