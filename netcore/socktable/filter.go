package socktable

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Filter selects rows, with ss's notions; the zero Filter keeps every row.
// The GUI and the CLI both fill one and hand it to List.
type Filter struct {
	Protos   ProtoSet  // tcp, udp, unix kinds; zero = all
	Families FamilySet // inet, inet6, unix; zero = all
	States   StateSet  // zero = all; see the groups such as DefaultStates
	Addr     AddrMatch // local or peer endpoint; zero = any
	// Process keeps sockets one of whose owners' names contains it (case
	// folded); setting it makes List read the owners.
	Process string
	// Text keeps rows whose printed form (netid, state, both ends, owners'
	// names and pids) contains it, case folded.
	Text string
}

// needsOwners reports whether matching needs the owning processes.
func (f *Filter) needsOwners() bool { return f.Process != "" || f.Text != "" }

// matchKind checks what the kernel could filter for us: kind, family, state.
func (f *Filter) matchKind(p Proto, fam Family, st State) bool {
	return f.Protos.Has(p) && f.Families.Has(fam) && f.States.Has(st)
}

// Match reports whether s passes every part of the filter.
func (f *Filter) Match(s *Socket) bool {
	if !f.matchKind(s.Proto, s.Family, s.State) || !f.Addr.Match(s) {
		return false
	}
	if f.Process != "" {
		ok := false
		for _, o := range s.Owners {
			if containsFold(o.Name, f.Process) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if f.Text != "" && !containsFold(rowText(s), f.Text) {
		return false
	}
	return true
}

// rowText is what free text searches: the row as the table prints it.
func rowText(s *Socket) string {
	var b strings.Builder
	b.WriteString(s.Proto.String())
	b.WriteByte(' ')
	b.WriteString(s.State.String())
	b.WriteByte(' ')
	b.WriteString(s.State.Name())
	b.WriteByte(' ')
	b.WriteString(s.LocalString())
	b.WriteByte(' ')
	b.WriteString(s.PeerString())
	for _, o := range s.Owners {
		b.WriteString(" ")
		b.WriteString(o.Name)
		b.WriteString(" pid=")
		b.WriteString(strconv.Itoa(o.PID))
		for _, a := range o.Cmdline {
			b.WriteByte(' ')
			b.WriteString(a)
		}
	}
	return b.String()
}

func containsFold(s, sub string) bool {
	if len(sub) > len(s) {
		return false
	}
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// AddrMatch matches a socket whose local or peer end is the given address,
// port, or both; or, for Unix sockets, whose path is Path.
type AddrMatch struct {
	Prefix netip.Prefix // invalid = any address; a single address is a /32 or /128
	Port   uint16       // 0 = any port
	Path   string       // Unix path or "@abstract"; matches Unix sockets only
}

// IsZero reports whether m matches everything.
func (m AddrMatch) IsZero() bool { return !m.Prefix.IsValid() && m.Port == 0 && m.Path == "" }

// ParseAddrMatch reads what a person types to find a socket: ":9000",
// "127.0.0.1", "127.0.0.1:9000", "[::1]:22", "::1", "*:53", "10.0.0.0/8",
// "/run/x.sock" or "@abstract". The empty string matches everything.
func ParseAddrMatch(s string) (AddrMatch, error) {
	s = strings.TrimSpace(s)
	bad := func(why string) (AddrMatch, error) {
		return AddrMatch{}, fmt.Errorf("address %q: %s: %w", s, why, ErrBadFilter)
	}
	switch {
	case s == "":
		return AddrMatch{}, nil
	case strings.HasPrefix(s, "/") || strings.HasPrefix(s, "@"):
		return AddrMatch{Path: s}, nil
	}
	host, port := s, ""
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return bad("missing ]")
		}
		host, port = s[1:end], s[end+1:]
		if port != "" {
			if port[0] != ':' {
				return bad("want :PORT after ]")
			}
			port = port[1:]
		}
	} else if i := strings.LastIndexByte(s, ':'); i >= 0 && strings.Count(s, ":") == 1 {
		host, port = s[:i], s[i+1:]
	}
	var m AddrMatch
	if port != "" && port != "*" {
		n, err := strconv.ParseUint(port, 10, 16)
		if err != nil || n == 0 {
			return bad("port must be 1-65535")
		}
		m.Port = uint16(n)
	}
	if host != "" && host != "*" {
		if strings.Contains(host, "/") {
			p, err := netip.ParsePrefix(host)
			if err != nil {
				return bad("not an address prefix")
			}
			m.Prefix = p.Masked()
		} else {
			a, err := netip.ParseAddr(host)
			if err != nil {
				return bad("not an IP address, :PORT or socket path")
			}
			a = a.Unmap()
			m.Prefix = netip.PrefixFrom(a, a.BitLen())
		}
	}
	return m, nil
}

// Match reports whether either end of s fits m.
func (m AddrMatch) Match(s *Socket) bool {
	if m.IsZero() {
		return true
	}
	if s.Family == Unix {
		return m.Path != "" && s.Path == m.Path
	}
	if m.Path != "" {
		return false
	}
	return m.matchEnd(s.Local) || m.matchEnd(s.Peer)
}

func (m AddrMatch) matchEnd(ap netip.AddrPort) bool {
	if m.Port != 0 && ap.Port() != m.Port {
		return false
	}
	return !m.Prefix.IsValid() || m.Prefix.Contains(ap.Addr().Unmap())
}

// wantsUnix reports whether the filter can keep any Unix socket.
func wantsUnix(f *Filter) bool {
	return f.Families.Has(Unix) && (f.Protos == 0 || f.Protos&ProtoUnix != 0)
}
