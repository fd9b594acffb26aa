// Package decode reads application messages of well-known protocols into
// a tree of named fields, through gopacket's layers (DNS, the Modbus/TCP
// header, NTP, DHCPv4, SIP) and, for the Modbus PDU that gopacket leaves
// as payload, a few lines of its own. A message that does not decode is
// an error saying where and why; no input panics (the decoders are
// fuzzed, and a panic inside gopacket is caught and reported as one).
package decode

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/gopacket/gopacket"
)

// ErrDecode is matched by every decoding error.
var ErrDecode = errors.New("cannot decode")

// Protocols this package decodes, as a person and the CLI name them.
const (
	DNS    = "dns"
	Modbus = "modbus"
	NTP    = "ntp"
	DHCPv4 = "dhcp"
	SIP    = "sip"
)

// Protocols lists them in the order a menu offers them.
var Protocols = []string{DNS, Modbus, NTP, DHCPv4, SIP}

// Names are the protocols as a title shows them.
var Names = map[string]string{DNS: "DNS", Modbus: "Modbus/TCP", NTP: "NTP", DHCPv4: "DHCPv4", SIP: "SIP"}

// ByPort is the protocol a well-known port speaks, or "".
func ByPort(port int) string {
	switch port {
	case 53, 5353:
		return DNS
	case 502:
		return Modbus
	case 123:
		return NTP
	case 67, 68:
		return DHCPv4
	case 5060:
		return SIP
	}
	return ""
}

// Known says whether proto is one of Protocols.
func Known(proto string) bool {
	_, ok := Names[proto]
	return ok
}

// Node is a field, or a group of them.
type Node struct {
	Name  string
	Value string
	Kids  []*Node
}

func (n *Node) add(name, format string, a ...any) *Node {
	k := &Node{Name: name, Value: fmt.Sprintf(format, a...)}
	n.Kids = append(n.Kids, k)
	return k
}

// Lines is the tree as indented "name: value" lines.
func (n *Node) Lines() []string {
	var out []string
	var walk func(*Node, string)
	walk = func(n *Node, indent string) {
		line := indent + n.Name
		if n.Value != "" {
			line += ": " + n.Value
		}
		out = append(out, line)
		for _, k := range n.Kids {
			walk(k, indent+"  ")
		}
	}
	walk(n, "")
	return out
}

// Flat is the tree's leaves as "path.name" → value, for JSON.
func (n *Node) Flat() map[string]string {
	out := map[string]string{}
	var walk func(*Node, string)
	walk = func(n *Node, path string) {
		if len(n.Kids) == 0 {
			out[path] = n.Value
			return
		}
		for _, k := range n.Kids {
			p := k.Name
			if path != "" {
				p = path + "." + k.Name
			}
			if _, dup := out[p]; dup {
				for i := 2; ; i++ {
					if _, dup := out[fmt.Sprintf("%s#%d", p, i)]; !dup {
						p = fmt.Sprintf("%s#%d", p, i)
						break
					}
				}
			}
			walk(k, p)
		}
	}
	if n.Value != "" {
		out[n.Name] = n.Value // "DNS": "query"
	}
	for _, k := range n.Kids {
		walk(k, k.Name)
	}
	return out
}

// Decode reads data as proto.
func Decode(proto string, data []byte) (root *Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			root, err = nil, fmt.Errorf("%w as %s: the decoder failed on these %d bytes (%v)", ErrDecode, Names[proto], len(data), r)
		}
	}()
	switch proto {
	case DNS:
		return decodeDNS(data)
	case Modbus:
		return decodeModbus(data)
	case NTP:
		return decodeNTP(data)
	case DHCPv4:
		return decodeDHCP(data)
	case SIP:
		return decodeSIP(data)
	}
	known := append([]string(nil), Protocols...)
	sort.Strings(known)
	return nil, fmt.Errorf("%w: %q is not a protocol sockplay decodes (%s)", ErrDecode, proto, strings.Join(known, ", "))
}

// fail words a gopacket error: the protocol, the message's size and
// gopacket's reason.
func fail(proto string, data []byte, err error) error {
	return fmt.Errorf("%w as %s: %d bytes: %v", ErrDecode, Names[proto], len(data), err)
}

var nilFeedback = gopacket.NilDecodeFeedback
