package netcore

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// Join is one multicast membership, written GROUP[@IFACE] or, source
// specific (SSM), SOURCE>GROUP[@IFACE]: "239.1.2.3@eth0",
// "10.0.0.5>232.1.2.3", "ff05::4242@eth0", "[2001:db8::1]>[ff3e::1]@eth0".
// '@' names the interface rather than IPv6's '%' zone so that one notation
// serves both families; no interface lets the kernel pick by route.
type Join struct {
	Source    netip.Addr // invalid unless source specific
	Group     netip.Addr
	Interface string
}

// ErrJoin is wrapped by every error ParseJoin returns.
var ErrJoin = errors.New("bad multicast join")

// ParseJoin reads GROUP[@IFACE] or SOURCE>GROUP[@IFACE]. It checks the
// addresses only; whether the interface exists is the join's business.
func ParseJoin(s string) (Join, error) {
	var j Join
	rest := strings.TrimSpace(s)
	if i := strings.LastIndex(rest, "@"); i >= 0 {
		j.Interface = rest[i+1:]
		rest = rest[:i]
		if j.Interface == "" {
			return j, fmt.Errorf("%w %q: nothing after '@' (write GROUP@IFACE)", ErrJoin, s)
		}
	}
	if src, grp, ok := strings.Cut(rest, ">"); ok {
		a, err := netip.ParseAddr(strings.Trim(src, "[]"))
		if err != nil || !a.IsValid() || a.IsMulticast() || a.IsUnspecified() {
			return j, fmt.Errorf("%w %q: source %q is not a unicast IP address", ErrJoin, s, src)
		}
		j.Source = a.WithZone("")
		rest = grp
	}
	g, err := netip.ParseAddr(strings.Trim(rest, "[]"))
	if err != nil || !g.IsMulticast() {
		return j, fmt.Errorf("%w %q: %q is not a multicast address", ErrJoin, s, rest)
	}
	if g.Zone() != "" {
		return j, fmt.Errorf("%w %q: write the interface as @%s, not %%%s", ErrJoin, s, g.Zone(), g.Zone())
	}
	j.Group = g
	if j.Source.IsValid() {
		if j.Source.Is4() != g.Is4() {
			return j, fmt.Errorf("%w %q: source and group are different IP versions", ErrJoin, s)
		}
		if !isSSM(g) {
			return j, fmt.Errorf("%w %q: source-specific needs an SSM group (232.0.0.0/8 or ff3x::/32), not %s", ErrJoin, s, g)
		}
	}
	return j, nil
}

// isSSM reports the source-specific ranges of RFC 4607.
func isSSM(g netip.Addr) bool {
	b := g.AsSlice()
	if g.Is4() {
		return b[0] == 232
	}
	return b[0] == 0xff && b[1]&0xf0 == 0x30
}

// String writes the join back in the notation ParseJoin reads.
func (j Join) String() string {
	var b strings.Builder
	if j.Source.IsValid() {
		b.WriteString(j.Source.String())
		b.WriteByte('>')
	}
	b.WriteString(j.Group.String())
	if j.Interface != "" {
		b.WriteByte('@')
		b.WriteString(j.Interface)
	}
	return b.String()
}

// Describe is the join for log lines: "232.1.2.3 from 10.0.0.5 on eth0".
func (j Join) Describe() string {
	s := j.Group.String()
	if j.Source.IsValid() {
		s += " from " + j.Source.String()
	}
	iface := j.Interface
	if iface == "" {
		iface = "the kernel's choice of interface"
	}
	return s + " on " + iface
}

// joins lists the memberships m asks for: Joins, then the older single
// Group on Interface that workspaces saved before Joins existed.
func (m *Multicast) joins() ([]Join, error) {
	if m == nil {
		return nil, nil
	}
	var out []Join
	for _, s := range m.Joins {
		j, err := ParseJoin(s)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	if m.Group != "" {
		g, err := netip.ParseAddr(m.Group)
		if err != nil || !g.IsMulticast() {
			return nil, fmt.Errorf("multicast group %q is not a multicast IP address", m.Group)
		}
		out = append(out, Join{Group: g, Interface: m.Interface})
	}
	return out, nil
}

// JoinGroup adds the membership to a UDP socket, through x/net so the same
// call works on Linux, the BSDs, macOS and Windows.
func JoinGroup(c net.PacketConn, j Join) error {
	return membership(c, j, true)
}

// LeaveGroup drops a membership JoinGroup added.
func LeaveGroup(c net.PacketConn, j Join) error {
	return membership(c, j, false)
}

func membership(c net.PacketConn, j Join, join bool) error {
	verb := "leave"
	if join {
		verb = "join"
	}
	wrap := func(err error) error {
		return fmt.Errorf("%s multicast group %s: %w", verb, j.Describe(), err)
	}
	uc, ok := c.(*net.UDPConn)
	if !ok {
		return wrap(errors.New("not a UDP socket"))
	}
	ifi, err := multicastIface(j.Interface)
	if err != nil {
		return wrap(err)
	}
	group := &net.UDPAddr{IP: j.Group.AsSlice()}
	var source *net.UDPAddr
	if j.Source.IsValid() {
		source = &net.UDPAddr{IP: j.Source.AsSlice()}
	}
	var p memberships = ipv6.NewPacketConn(uc)
	if j.Group.Is4() {
		p = ipv4.NewPacketConn(uc)
	}
	switch {
	case join && source != nil:
		err = p.JoinSourceSpecificGroup(ifi, group, source)
	case join:
		err = p.JoinGroup(ifi, group)
	case source != nil:
		err = p.LeaveSourceSpecificGroup(ifi, group, source)
	default:
		err = p.LeaveGroup(ifi, group)
	}
	if err != nil {
		return wrap(err)
	}
	return nil
}

// joinedText is the "multicast group" line of Effective: the memberships a
// server asked for when it opened ("joined 239.1.2.3 on eth0, ...").
func (m *Multicast) joinedText(server bool, unknownIface string) string {
	var joins []Join
	if server {
		joins, _ = m.joins()
	} else {
		joins, _ = (&Multicast{Joins: m.Joins}).joins()
	}
	if len(joins) == 0 {
		return ""
	}
	parts := make([]string, len(joins))
	for i, j := range joins {
		parts[i] = strings.Replace(j.Describe(), "the kernel's choice of interface", unknownIface, 1)
	}
	return "joined " + strings.Join(parts, ", ")
}

// memberships is what x/net's ipv4 and ipv6 PacketConns share for group
// membership, so one switch serves both families.
type memberships interface {
	JoinGroup(ifi *net.Interface, group net.Addr) error
	LeaveGroup(ifi *net.Interface, group net.Addr) error
	JoinSourceSpecificGroup(ifi *net.Interface, group, source net.Addr) error
	LeaveSourceSpecificGroup(ifi *net.Interface, group, source net.Addr) error
}
