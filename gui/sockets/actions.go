package sockets

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/gui/sockets/model"
	"github.com/sockplay/sockplay/gui/uikit"
	"github.com/sockplay/sockplay/netcore/socktable"
)

// destroyTCP is socktable.DestroyTCP, as a variable so a test can refuse.
var destroyTCP = socktable.DestroyTCP

// selectHint is the selection line while no row is selected.
const selectHint = "Select a row (or right-click it) to copy it, connect to it, jump to its session or close it."

func (t *Tab) buildActions() {
	t.Selection = widget.NewLabel(selectHint)
	t.Selection.Truncation = fyne.TextTruncateEllipsis
	t.Copy = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), t.CopySelected)
	t.OpenClient = widget.NewButtonWithIcon("Open client session", theme.LoginIcon(), t.OpenClientSelected)
	t.GoToSession = widget.NewButtonWithIcon("Go to session tab", theme.NavigateNextIcon(), t.GoToSessionSelected)
	t.CloseSocket = widget.NewButtonWithIcon("Close socket (RST)", theme.CancelIcon(), t.CloseSelected)
	t.CloseSocket.Importance = widget.DangerImportance
}

// selected is the selected row, or nil when it left the table.
func (t *Tab) selected() *model.Row {
	if t.selKey == "" {
		return nil
	}
	for i := range t.rows {
		if t.rows[i].Key == t.selKey {
			return &t.rows[i]
		}
	}
	return nil
}

// updateActions enables the buttons that apply to the selected row and
// describes it.
func (t *Tab) updateActions() {
	if t.Copy == nil {
		return
	}
	r := t.selected()
	enable := func(b *widget.Button, on bool) {
		if on && b.Disabled() {
			b.Enable()
		} else if !on && !b.Disabled() {
			b.Disable()
		}
	}
	enable(t.Copy, r != nil)
	enable(t.OpenClient, r != nil && model.ClientURL(&r.Sock) != "")
	var own *SessionTab
	if r != nil {
		own = t.ownTab(&r.Sock)
	}
	enable(t.GoToSession, own != nil)
	enable(t.CloseSocket, r != nil && model.CanDestroy(&r.Sock))
	switch {
	case r == nil:
		uikit.SetText(t.Selection, selectHint)
	case own != nil:
		uikit.SetText(t.Selection, fmt.Sprintf("%s %s %s: sockplay's own, in tab %q", r.Cells[model.ColNetid], r.Cells[model.ColState], r.Cells[model.ColLocal], own.Title))
	default:
		uikit.SetText(t.Selection, fmt.Sprintf("%s %s, local %s, peer %s  %s", r.Cells[model.ColNetid], r.Cells[model.ColState], r.Cells[model.ColLocal], r.Cells[model.ColPeer], r.Cells[model.ColProcess]))
	}
}

// CopySelected puts the selected row on the clipboard, as a line of text.
func (t *Tab) CopySelected() {
	if r := t.selected(); r != nil {
		t.host.Clipboard().SetContent(r.Text())
		t.showStatus("Copied: "+r.Text(), false)
	}
}

// OpenClientSelected opens and starts a client session to the selected
// listener.
func (t *Tab) OpenClientSelected() {
	r := t.selected()
	if r == nil {
		return
	}
	url := model.ClientURL(&r.Sock)
	if url == "" {
		t.showStatus("Only a listening socket (or an unconnected UDP or Unix datagram socket with an address) can be connected to.", true)
		return
	}
	if err := t.host.OpenClient(url); err != nil {
		t.showStatus("Cannot open a client session to "+url+": "+err.Error(), true)
	}
}

// ownTab is the session tab whose socket s is, or nil.
func (t *Tab) ownTab(s *socktable.Socket) *SessionTab {
	ours := model.Ours(s)
	for _, tab := range t.host.SessionTabs() {
		if tab.Session == nil {
			continue
		}
		if ends := model.EndsOf(tab.Session); ends.Owns(s, ours) {
			return &tab
		}
	}
	return nil
}

// GoToSessionSelected selects the session tab the selected socket is from.
func (t *Tab) GoToSessionSelected() {
	if r := t.selected(); r != nil {
		if tab := t.ownTab(&r.Sock); tab != nil {
			tab.Select()
		}
	}
}

// CloseSelected asks, then closes the selected TCP connection from outside
// (as ss -K does). Refusals are named: it needs CAP_NET_ADMIN.
func (t *Tab) CloseSelected() {
	r := t.selected()
	if r == nil || !model.CanDestroy(&r.Sock) {
		return
	}
	s := r.Sock
	who := "its process"
	if o := model.OwnersText(s.Owners); o != "" {
		who = o
	}
	msg := fmt.Sprintf("Close the TCP connection from %s to %s?\n%s gets \"connection aborted\" on its next call and the peer gets a reset,\nas 'ss -K' does. This needs CAP_NET_ADMIN.",
		r.Cells[model.ColLocal], r.Cells[model.ColPeer], who)
	d := dialog.NewConfirm("Close socket (RST)", msg, func(ok bool) {
		if ok {
			t.destroy(s)
		}
	}, t.host.Window())
	d.SetConfirmText("Close socket")
	t.host.Show(d)
}

// destroy runs the one netlink request (sub-millisecond, so on the UI
// goroutine) and says how it went.
func (t *Tab) destroy(s socktable.Socket) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := destroyTCP(ctx, s.Local, s.Peer); err != nil {
		t.showStatus("Could not close the socket: "+err.Error(), true)
		t.host.Show(dialog.NewInformation("Could not close the socket", uikit.WrapWords(err.Error(), 80), t.host.Window()))
		return
	}
	t.showStatus(fmt.Sprintf("Closed tcp %s to %s (reset sent to the peer).", s.LocalString(), s.PeerString()), false)
	t.kickList()
}

// rowMenu is the right-click menu of a row: the same actions as the bar.
func (t *Tab) rowMenu(row int, pos fyne.Position) {
	if row < 0 || row >= len(t.rows) {
		return
	}
	t.SelectRow(row)
	item := func(label string, b *widget.Button) *fyne.MenuItem {
		mi := fyne.NewMenuItem(label, b.OnTapped)
		mi.Icon = b.Icon
		mi.Disabled = b.Disabled()
		return mi
	}
	menu := fyne.NewMenu("", item("Copy row", t.Copy), item("Open client session", t.OpenClient),
		item("Go to session tab", t.GoToSession), fyne.NewMenuItemSeparator(), item("Close socket (RST)…", t.CloseSocket))
	widget.ShowPopUpMenuAtPosition(menu, t.host.Window().Canvas(), pos)
}
