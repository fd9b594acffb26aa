package ping

import "fmt"

// ICMP error texts in iputils' words, so a line reads as ping's would.

var unreach4 = [...]string{
	"Destination Net Unreachable", "Destination Host Unreachable", "Destination Protocol Unreachable",
	"Destination Port Unreachable", "Frag needed and DF set", "Source Route Failed",
	"Destination Net Unknown", "Destination Host Unknown", "Source Host Isolated",
	"Destination Net Prohibited", "Destination Host Prohibited",
	"Destination Net Unreachable for Type of Service", "Destination Host Unreachable for Type of Service",
	"Packet filtered", "Precedence Violation", "Precedence Cutoff",
}

var unreach6 = [...]string{
	"No route", "Administratively prohibited", "Beyond scope of source address", "Address unreachable",
	"Port unreachable", "Source address failed ingress/egress policy", "Reject route to destination",
}

// errorText4 describes an ICMPv4 error of type typ and code (mtu for "frag needed").
func errorText4(typ, code int, mtu int) string {
	switch typ {
	case 3:
		if code == 4 && mtu > 0 {
			return fmt.Sprintf("Frag needed and DF set (mtu = %d)", mtu)
		}
		if code < len(unreach4) {
			return unreach4[code]
		}
		return fmt.Sprintf("Dest Unreachable, Bad Code: %d", code)
	case 11:
		if code == 0 {
			return "Time to live exceeded"
		}
		return "Frag reassembly time exceeded"
	case 12:
		return "Parameter problem"
	}
	return fmt.Sprintf("Bad ICMP type: %d", typ)
}

// errorText6 describes an ICMPv6 error of type typ and code.
func errorText6(typ, code int, mtu int) string {
	switch typ {
	case 1:
		if code < len(unreach6) {
			return "Destination unreachable: " + unreach6[code]
		}
		return fmt.Sprintf("Destination unreachable: Unknown code %d", code)
	case 2:
		return fmt.Sprintf("Packet too big: mtu=%d", mtu)
	case 3:
		if code == 0 {
			return "Time exceeded: Hop limit"
		}
		return "Time exceeded: Defragmentation failure"
	case 4:
		return fmt.Sprintf("Parameter problem: code %d", code)
	}
	return fmt.Sprintf("Bad ICMP type: %d", typ)
}
