package gui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/sessions"
)

// peersPanel lists a server's peers with their counters. Selecting one
// makes it the composer's target; the buttons act on the selected peer.
type peersPanel struct {
	List      *widget.List
	Close     *widget.Button
	HalfClose *widget.Button
	Abort     *widget.Button
	Count     *widget.Label
	peers     []sessions.PeerInfo
	selected  sessions.PeerID
	onSelect  func(id sessions.PeerID)
	act       func(what string, id sessions.PeerID)
	root      fyne.CanvasObject
	// seen is how many peers the session has had, gone ones too (the
	// window sets it; without it the highest peer id listed counts).
	seen    func() uint64
	maxSeen uint64
}

// newPeersPanel shows half-close and abort only when the transport has
// them (see peerControls).
func newPeersPanel(onSelect func(sessions.PeerID), act func(string, sessions.PeerID), halfClose, abort bool) *peersPanel {
	p := &peersPanel{onSelect: onSelect, act: act}
	p.List = widget.NewList(
		func() int { return len(p.peers) },
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("#000 [ffff:ffff::ffff]:65535", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
			name.Truncation = fyne.TextTruncateClip
			stats := widget.NewLabel("open · in 1023.9 KiB · out 1023.9 KiB")
			stats.SizeName = theme.SizeNameCaptionText
			stats.Truncation = fyne.TextTruncateClip
			return container.NewVBox(name, stats)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(p.peers) {
				return
			}
			pi := p.peers[i]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(fmt.Sprintf("#%d %s", pi.ID, pi.Addr))
			box.Objects[1].(*widget.Label).SetText(fmt.Sprintf("%s · in %s · out %s", pi.State,
				humanBytes(pi.Counters.BytesIn), humanBytes(pi.Counters.BytesOut)))
		},
	)
	p.List.OnSelected = func(i widget.ListItemID) {
		if i < len(p.peers) {
			p.selected = p.peers[i].ID
			p.onSelect(p.selected)
			p.buttons()
		}
	}
	p.List.OnUnselected = func(widget.ListItemID) {
		p.selected = 0
		p.onSelect(sessions.PeerAll)
		p.buttons()
	}
	p.Close = widget.NewButton("Close", func() { p.act("close", p.selected) })
	p.HalfClose = widget.NewButton("Half-close", func() { p.act("halfclose", p.selected) })
	// Short labels: the three fit a narrow pane side by side (RST: the
	// connection ends with a reset, as Abort does in the client's header).
	p.Abort = widget.NewButton("RST", func() { p.act("abort", p.selected) })
	p.Abort.Importance = widget.DangerImportance
	if !halfClose {
		// A datagram peer has no connection: closing it forgets its address.
		p.Close.SetText("Forget")
	}
	buttons := container.NewGridWithColumns(1, p.Close)
	if halfClose {
		buttons.Add(p.HalfClose)
	}
	if abort {
		buttons.Add(p.Abort)
	}
	buttons.Layout = layout.NewHBoxLayout()
	p.Count = widget.NewLabelWithStyle("No peers yet", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.Count.Truncation = fyne.TextTruncateEllipsis // the pane's width is the person's
	p.buttons()
	// The buttons scroll rather than set the pane's least width.
	p.root = container.NewBorder(p.Count, container.NewHScroll(buttons), nil, nil, p.List)
	return p
}

// set shows a fresh copy of the peers; the selection follows its peer id.
func (p *peersPanel) set(peers []sessions.PeerInfo) {
	same := samePeerRows(p.peers, peers)
	p.peers = peers
	open := 0
	for _, pi := range peers {
		if pi.State != sessions.PeerClosed {
			open++
		}
	}
	setText(p.Count, peerCountWords(open, p.seenCount(peers)))
	found := false
	for _, pi := range peers {
		found = found || pi.ID == p.selected
	}
	if !found && p.selected != 0 {
		p.selected = 0
		p.List.UnselectAll()
		p.buttons()
	}
	if !same {
		p.List.Refresh()
	}
}

// samePeerRows reports whether the rows of b would read as a's do. The
// header's timed refresh sets the peers twice a second, and a list refresh
// re-sets every visible row's labels (each a re-layout) and costs a frame
// even when nothing a row shows has changed.
func samePeerRows(a, b []sessions.PeerInfo) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := &a[i], &b[i]
		if x.ID != y.ID || x.Addr != y.Addr || x.State != y.State || x.Target != y.Target ||
			x.Counters.BytesIn != y.Counters.BytesIn || x.Counters.BytesOut != y.Counters.BytesOut {
			return false
		}
	}
	return true
}

// seenCount is how many peers the session has had.
func (p *peersPanel) seenCount(peers []sessions.PeerInfo) uint64 {
	if p.seen != nil {
		return p.seen()
	}
	for _, pi := range peers {
		p.maxSeen = max(p.maxSeen, uint64(pi.ID))
	}
	return p.maxSeen
}

// peerCountWords heads the peers list: "No peers yet", "No peers now (3
// so far)", "Peers: 2 open (5 so far)".
func peerCountWords(open int, seen uint64) string {
	switch {
	case open == 0 && seen == 0:
		return "No peers yet"
	case open == 0:
		return fmt.Sprintf("No peers now (%d so far)", seen)
	case seen > uint64(open):
		return fmt.Sprintf("Peers: %d open (%d so far)", open, seen)
	}
	return fmt.Sprintf("Peers: %d open", open)
}

func (p *peersPanel) buttons() {
	for _, b := range []*widget.Button{p.Close, p.HalfClose, p.Abort} {
		if p.selected == 0 {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}
