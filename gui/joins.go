package gui

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/sessions"
)

// Multicast joins in the window: the New-session dialog's joins field
// (one GROUP[@IFACE] or SOURCE>GROUP[@IFACE] a line, or a comma list, read
// by netcore.ParseJoin) and, on the tab of a UDP server or unconnected
// UDP client, a header line listing the groups with a Leave button each
// and a field to join one more (Session.Join and Leave). What is joined or
// left on the tab stays with it: the next start and the workspace have it.

// parseJoins reads the joins field: entries split by lines and commas,
// each checked by netcore.ParseJoin (and its interface looked up on this
// machine); the error names the bad entry. The entries come back as
// ParseJoin writes them.
func parseJoins(text string) ([]string, error) {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		for _, part := range strings.Split(line, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			j, err := checkJoin(part)
			if err != nil {
				return nil, err
			}
			if s := j.String(); !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out, nil
}

// checkJoin is netcore.ParseJoin and a look for the interface it names.
func checkJoin(s string) (netcore.Join, error) {
	j, err := netcore.ParseJoin(s)
	if err != nil {
		return j, err
	}
	if err := checkInterface(j.Interface); err != nil {
		return j, fmt.Errorf("multicast join %q: %w", s, err)
	}
	return j, nil
}

// checkInterface says when this machine has no interface of that name.
func checkInterface(name string) error {
	if name == "" {
		return nil
	}
	if _, err := net.InterfaceByName(name); err != nil {
		return fmt.Errorf("this machine has no network interface %q", name)
	}
	return nil
}

// joinsOf lists the memberships of m in the joins notation: Joins, then
// the single Group of workspaces saved before Joins existed, on its
// Interface, as the engine joins it.
func joinsOf(m *netcore.Multicast) []string {
	if m == nil {
		return nil
	}
	out := slices.Clone(m.Joins)
	if m.Group != "" {
		g := m.Group
		if m.Interface != "" {
			g += "@" + m.Interface
		}
		out = append(out, g)
	}
	return out
}

// multicast reads the dialog's multicast rows; nil when all are empty.
func (f *OptionsForm) multicast() (*netcore.Multicast, error) {
	joins, err := parseJoins(f.Joins.Text)
	if err != nil {
		return nil, err
	}
	ttl, err := parseRange("multicast TTL", f.MulticastTTL.Text, 0, 255)
	if err != nil {
		return nil, err
	}
	m := &netcore.Multicast{Joins: joins, Interface: strings.TrimSpace(f.MulticastInterface.Text), TTL: ttl, Loopback: triValue(f.MulticastLoopback.Selected)}
	if err := checkInterface(m.Interface); err != nil {
		return nil, fmt.Errorf("multicast sent from: %w", err)
	}
	if len(m.Joins) == 0 && m.Interface == "" && m.TTL == 0 && m.Loopback == nil {
		return nil, nil
	}
	return m, nil
}

// joinsBar is the header line of a UDP tab: what the socket is set to
// send (broadcast, multicast interface, TTL, loopback), the groups joined
// with a Leave button each, and a field with Join (servers and unconnected
// clients only).
type joinsBar struct {
	Notes   *widget.Label // broadcast and multicast sending settings
	Groups  *fyne.Container
	Leave   map[string]*widget.Button // by join, as joinsOf writes it
	Entry   *widget.Entry
	Join    *widget.Button
	Status  *widget.Label // the last join's or leave's result, or why it failed
	canJoin bool
	shown   []string // the joins the buttons show
	root    fyne.CanvasObject
}

// canJoin reports whether the tab's socket can join groups: a UDP server
// or an unconnected UDP client.
func (s SessionSpec) canJoin() bool {
	ep, err := netcore.ParseEndpoint(s.URL)
	return err == nil && ep.Scheme == netcore.SchemeUDP && (s.Role == "server" || s.Unconnected) && s.Capture == nil && s.Replay == nil
}

// buildJoins makes the joins line of a UDP tab; other tabs get none.
func (t *SessionTab) buildJoins() {
	ep, err := netcore.ParseEndpoint(t.spec.URL)
	if err != nil || ep.Scheme != netcore.SchemeUDP || t.spec.Capture != nil || t.spec.Replay != nil {
		return
	}
	b := &joinsBar{Leave: map[string]*widget.Button{}, canJoin: t.spec.canJoin()}
	b.Notes = widget.NewLabel("")
	b.Notes.Importance = widget.LowImportance
	b.Groups = container.NewHBox()
	b.Status = widget.NewLabel("")
	b.Status.Truncation = fyne.TextTruncateEllipsis
	b.Entry = widget.NewEntry()
	b.Entry.SetPlaceHolder("e.g. 239.1.2.3@eth0")
	b.Entry.OnSubmitted = func(string) { t.joinGroup() }
	b.Join = widget.NewButtonWithIcon("Join", theme.ContentAddIcon(), t.joinGroup)
	t.Joins = b
	// The groups scroll sideways and the status is cut with an ellipsis
	// (Join and Leave log the whole sentence): many groups or a long
	// error never widen the window.
	groups := container.NewHScroll(container.NewHBox(b.Groups, b.Notes))
	if !b.canJoin {
		b.Entry.Hide()
		b.Join.Hide()
		b.root = groups
	} else {
		title := widget.NewLabelWithStyle("Multicast", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		right := container.NewHBox(withWidth(b.Entry, 200), b.Join)
		status := container.New(recordInfoLayout{l: b.Status, max: joinStatusMax}, b.Status) // as wide as its text (record.go)
		b.root = container.NewBorder(nil, nil, title, container.NewHBox(status, right), groups)
	}
	t.refreshJoins()
}

// sendNotes says what a UDP socket is set to send: "broadcast on
// (SO_BROADCAST) · multicast from eth0, TTL 4, loopback off".
func sendNotes(o netcore.Options) string {
	var parts []string
	if o.Broadcast {
		parts = append(parts, "broadcast on (SO_BROADCAST)")
	}
	if m := o.Multicast; m != nil {
		var mp []string
		if m.Interface != "" {
			mp = append(mp, "via "+m.Interface)
		}
		if m.TTL != 0 {
			mp = append(mp, fmt.Sprintf("TTL %d", m.TTL))
		}
		if m.Loopback != nil {
			mp = append(mp, "loopback "+triText(m.Loopback))
		}
		if len(mp) > 0 {
			parts = append(parts, "sends multicast "+strings.Join(mp, ", "))
		}
	}
	return strings.Join(parts, " · ")
}

// refreshJoins shows the tab's joins with a Leave button each and what
// the socket sends with; Join and Leave work while the session runs.
func (t *SessionTab) refreshJoins() {
	b := t.Joins
	if b == nil {
		return
	}
	notes := sendNotes(t.spec.Options)
	setText(b.Notes, notes)
	if notes == "" {
		b.Notes.Hide()
	} else {
		b.Notes.Show()
	}
	joins := joinsOf(t.spec.Options.Multicast)
	if !slices.Equal(joins, b.shown) {
		b.shown = joins
		b.Leave = map[string]*widget.Button{}
		b.Groups.Objects = nil
		if len(joins) > 0 {
			b.Groups.Add(widget.NewLabel("joined (press to leave)"))
		}
		for _, j := range joins {
			leave := widget.NewButtonWithIcon(j, theme.CancelIcon(), func() { t.leaveGroup(j) })
			b.Leave[j] = leave
			b.Groups.Add(leave)
		}
		if len(joins) == 0 && b.canJoin {
			b.Groups.Add(widget.NewLabel("no groups joined"))
		}
		b.Groups.Refresh()
		if b.root != nil {
			b.root.Refresh()
		}
	}
}

// joinGroup joins the group typed in the field: now, on a running
// session; from the next start otherwise. It stays with the tab.
func (t *SessionTab) joinGroup() {
	b := t.Joins
	text := strings.TrimSpace(b.Entry.Text)
	if text == "" {
		t.joinStatus("write a group to join, e.g. 239.1.2.3 or 239.1.2.3@eth0", true)
		return
	}
	j, err := checkJoin(text)
	if err != nil {
		t.joinStatus(err.Error(), true)
		return
	}
	js := j.String()
	if slices.Contains(joinsOf(t.spec.Options.Multicast), js) {
		t.joinStatus("already joined "+j.Describe(), true)
		return
	}
	if t.membershipLive() {
		if err := t.sess.Join(js); err != nil {
			t.joinStatus(joinErrWords(err), true)
			return
		}
		t.joinStatus("joined "+j.Describe(), false)
	} else {
		t.joinStatus("joins "+j.Describe()+" when the session starts", false)
	}
	m := t.multicastSpec()
	m.Joins = append(m.Joins, js)
	b.Entry.SetText("")
	t.refreshJoins()
	t.main.saveWorkspaceLogged()
}

// leaveGroup leaves one of the tab's groups: now, on a running session,
// and from the next start.
func (t *SessionTab) leaveGroup(js string) {
	j, err := netcore.ParseJoin(js)
	if err != nil { // an old workspace's group that never parsed
		t.forgetJoin(js)
		return
	}
	if t.membershipLive() {
		if err := t.sess.Leave(js); err != nil {
			t.joinStatus(joinErrWords(err), true)
			return
		}
		t.joinStatus("left "+j.Describe(), false)
	} else {
		t.joinStatus("no longer joins "+j.Describe(), false)
	}
	t.forgetJoin(js)
}

// forgetJoin drops a join from the tab's spec (from Joins, or the old
// single Group).
func (t *SessionTab) forgetJoin(js string) {
	m := t.multicastSpec()
	if i := slices.Index(m.Joins, js); i >= 0 {
		m.Joins = slices.Delete(m.Joins, i, i+1)
	} else if old := joinsOf(&netcore.Multicast{Group: m.Group, Interface: m.Interface}); len(old) == 1 && old[0] == js {
		m.Group = ""
	}
	if len(m.Joins) == 0 {
		m.Joins = nil
	}
	if m.Group == "" && len(m.Joins) == 0 && m.Interface == "" && m.TTL == 0 && m.Loopback == nil {
		t.spec.Options.Multicast = nil
	}
	t.refreshJoins()
	t.main.saveWorkspaceLogged()
}

// multicastSpec is the tab's multicast settings, made when there are none.
func (t *SessionTab) multicastSpec() *netcore.Multicast {
	if t.spec.Options.Multicast == nil {
		t.spec.Options.Multicast = &netcore.Multicast{}
	}
	return t.spec.Options.Multicast
}

// membershipLive reports whether the session's socket is open to join on.
func (t *SessionTab) membershipLive() bool {
	if t.sess == nil {
		return false
	}
	st := t.sess.State()
	return st == sessions.StateListening || st == sessions.StateConnected
}

// joinStatusMax is the widest the last join's result gets in the header.
const joinStatusMax = 320

func (t *SessionTab) joinStatus(text string, bad bool) {
	imp := widget.SuccessImportance
	if bad {
		imp = widget.DangerImportance
	}
	t.Joins.Status.Importance = imp
	t.Joins.Status.SetText(text)
	t.Joins.root.Refresh() // the status's width follows its text
}

// joinErrWords is a join's or leave's failure without the package prefix.
func joinErrWords(err error) string {
	if errors.Is(err, sessions.ErrNoMulticast) {
		return err.Error()
	}
	return strings.TrimPrefix(err.Error(), "session: ")
}

// joinsBindNote says what a UDP socket with n multicast joins binds, and
// warns when its address keeps it from hearing them (a unicast host: the
// kernel delivers a group's datagrams to sockets bound to the group or to
// the wildcard only).
func joinsBindNote(ep netcore.Endpoint, n int, server bool) (string, bool) {
	if !server {
		return "", false
	}
	port := strconv.Itoa(ep.Port)
	ip, err := netip.ParseAddr(ep.Host)
	switch {
	case ep.Host == "" && n == 1:
		return "binds the group itself on port " + port + ", so it hears that group only", false
	case ep.Host == "":
		return "binds every address on port " + port + " to hear the groups it joins", false
	case err == nil && !ip.IsUnspecified() && !ip.IsMulticast():
		return "bound to " + ep.Host + ", it will not hear the groups it joins: leave the host out (udp://:" + port + ") or write 0.0.0.0", true
	}
	return "", false
}
