package decode

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strings"

	"github.com/gopacket/gopacket/layers"
)

func decodeDNS(data []byte) (*Node, error) {
	var d layers.DNS
	if err := d.DecodeFromBytes(data, nilFeedback); err != nil {
		return nil, fail(DNS, data, err)
	}
	root := &Node{Name: "DNS"}
	kind := "query"
	if d.QR {
		kind = "response"
	}
	root.Value = kind
	root.add("id", "%d (0x%04x)", d.ID, d.ID)
	root.add("opcode", "%s", d.OpCode)
	flags := []string{}
	for _, f := range []struct {
		on   bool
		name string
	}{{d.AA, "aa"}, {d.TC, "tc"}, {d.RD, "rd"}, {d.RA, "ra"}} {
		if f.on {
			flags = append(flags, f.name)
		}
	}
	root.add("flags", "%s", strings.Join(flags, " "))
	if d.QR {
		root.add("rcode", "%s", d.ResponseCode)
	}
	for _, q := range d.Questions {
		n := root.add("question", "%s", dnsName(q.Name))
		n.add("name", "%s", dnsName(q.Name))
		n.add("type", "%s", q.Type)
		n.add("class", "%s", q.Class)
	}
	for _, sec := range []struct {
		name string
		rrs  []layers.DNSResourceRecord
	}{{"answer", d.Answers}, {"authority", d.Authorities}, {"additional", d.Additionals}} {
		for _, rr := range sec.rrs {
			n := root.add(sec.name, "%s %s", dnsName(rr.Name), rr.Type)
			n.add("name", "%s", dnsName(rr.Name))
			n.add("type", "%s", rr.Type)
			n.add("ttl", "%d", rr.TTL)
			n.add("data", "%s", rrData(rr))
		}
	}
	return root, nil
}

// dnsName is a name as dig writes it: the root is ".".
func dnsName(b []byte) string {
	if len(b) == 0 {
		return "."
	}
	return string(b)
}

func rrData(rr layers.DNSResourceRecord) string {
	switch {
	case rr.IP != nil:
		return rr.IP.String()
	case rr.CNAME != nil:
		return string(rr.CNAME)
	case rr.NS != nil:
		return string(rr.NS)
	case rr.PTR != nil:
		return string(rr.PTR)
	case len(rr.TXTs) > 0:
		var s []string
		for _, t := range rr.TXTs {
			s = append(s, fmt.Sprintf("%q", t))
		}
		return strings.Join(s, " ")
	case rr.MX.Name != nil:
		return fmt.Sprintf("%d %s", rr.MX.Preference, rr.MX.Name)
	}
	return fmt.Sprintf("% x", rr.Data)
}

// Modbus function codes a person meets, by number.
var modbusFunctions = map[byte]string{
	1: "read coils", 2: "read discrete inputs", 3: "read holding registers", 4: "read input registers",
	5: "write single coil", 6: "write single register", 15: "write multiple coils", 16: "write multiple registers",
	23: "read/write multiple registers",
}

var modbusExceptions = map[byte]string{
	1: "illegal function", 2: "illegal data address", 3: "illegal data value", 4: "server device failure",
	5: "acknowledge", 6: "server device busy", 8: "memory parity error", 10: "gateway path unavailable",
	11: "gateway target device failed to respond",
}

// decodeModbus reads the MBAP header with gopacket and the PDU itself:
// a request or a response is told apart by its length, as a person
// reading one message must.
func decodeModbus(data []byte) (*Node, error) {
	if len(data) < 8 {
		return nil, fmt.Errorf("%w as Modbus/TCP: the message has %d bytes; it takes at least 8 (a 7-byte header and a function code)", ErrDecode, len(data))
	}
	if n := int(binary.BigEndian.Uint16(data[4:])); n != len(data)-6 {
		return nil, fmt.Errorf("%w as Modbus/TCP: the length field (offset 4) says %d bytes follow it, and %d do", ErrDecode, n, len(data)-6)
	}
	var m layers.ModbusTCP
	if err := m.DecodeFromBytes(data, nilFeedback); err != nil {
		return nil, fail(Modbus, data, err)
	}
	root := &Node{Name: "Modbus/TCP"}
	root.add("transaction", "%d (0x%04x)", m.TransactionIdentifier, m.TransactionIdentifier)
	root.add("protocol", "%d", m.ProtocolIdentifier)
	root.add("length", "%d", m.Length)
	root.add("unit", "%d", m.UnitIdentifier)
	pdu := m.LayerPayload()
	if int(m.Length) != len(pdu)+1 {
		return root, fmt.Errorf("%w as Modbus/TCP: the length field (offset 4) says %d bytes follow it, and %d do", ErrDecode, m.Length, len(pdu)+1)
	}
	if len(pdu) == 0 {
		return root, fmt.Errorf("%w as Modbus/TCP: no function code (offset 7)", ErrDecode)
	}
	fc := pdu[0]
	body := pdu[1:]
	if fc&0x80 != 0 {
		root.Value = "exception"
		root.add("function", "%d (%s), exception", fc&0x7f, modbusFunctions[fc&0x7f])
		if len(body) >= 1 {
			root.add("exception", "%d (%s)", body[0], modbusExceptions[body[0]])
		}
		return root, nil
	}
	name := modbusFunctions[fc]
	if name == "" {
		name = "unknown to sockplay"
	}
	root.add("function", "%d (%s)", fc, name)
	u16 := func(b []byte) uint16 { return binary.BigEndian.Uint16(b) }
	switch {
	case fc >= 1 && fc <= 4 && len(body) == 4:
		root.Value = "request"
		root.add("address", "%d", u16(body))
		root.add("quantity", "%d", u16(body[2:]))
	case fc >= 1 && fc <= 4 && len(body) >= 1 && int(body[0]) == len(body)-1:
		root.Value = "response"
		root.add("byte count", "%d", body[0])
		vals := body[1:]
		if fc >= 3 {
			regs := root.add("registers", "%d", len(vals)/2)
			for i := 0; i+1 < len(vals); i += 2 {
				regs.add(fmt.Sprintf("[%d]", i/2), "%d (0x%04x)", u16(vals[i:]), u16(vals[i:]))
			}
		} else {
			root.add("bits", "% x", vals)
		}
	case (fc == 5 || fc == 6) && len(body) == 4:
		root.Value = "request or its echo"
		root.add("address", "%d", u16(body))
		root.add("value", "%d (0x%04x)", u16(body[2:]), u16(body[2:]))
	case (fc == 15 || fc == 16) && len(body) == 4:
		root.Value = "response"
		root.add("address", "%d", u16(body))
		root.add("quantity", "%d", u16(body[2:]))
	case (fc == 15 || fc == 16) && len(body) >= 5 && int(body[4]) == len(body)-5:
		root.Value = "request"
		root.add("address", "%d", u16(body))
		root.add("quantity", "%d", u16(body[2:]))
		root.add("byte count", "%d", body[4])
		if fc == 16 {
			regs := root.add("values", "%d", (len(body)-5)/2)
			for i := 5; i+1 < len(body); i += 2 {
				regs.add(fmt.Sprintf("[%d]", (i-5)/2), "%d (0x%04x)", u16(body[i:]), u16(body[i:]))
			}
		} else {
			root.add("bits", "% x", body[5:])
		}
	default:
		root.add("data", "% x", body)
	}
	return root, nil
}

func decodeNTP(data []byte) (*Node, error) {
	var n layers.NTP
	if err := n.DecodeFromBytes(data, nilFeedback); err != nil {
		return nil, fail(NTP, data, err)
	}
	modes := map[layers.NTPMode]string{1: "symmetric active", 2: "symmetric passive", 3: "client", 4: "server", 5: "broadcast", 6: "control", 7: "private"}
	root := &Node{Name: "NTP", Value: modes[n.Mode]}
	root.add("leap indicator", "%d", n.LeapIndicator)
	root.add("version", "%d", n.Version)
	root.add("mode", "%d (%s)", n.Mode, modes[n.Mode])
	root.add("stratum", "%d", n.Stratum)
	root.add("poll", "%d (2^%d s)", n.Poll, n.Poll)
	root.add("precision", "%d (2^%d s)", n.Precision, n.Precision)
	root.add("root delay", "%.6f s", float64(n.RootDelay)/65536)
	root.add("root dispersion", "%.6f s", float64(n.RootDispersion)/65536)
	id := uint32(n.ReferenceID)
	var ref string
	if n.Stratum <= 1 {
		ref = fmt.Sprintf("%q", strings.TrimRight(string([]byte{byte(id >> 24), byte(id >> 16), byte(id >> 8), byte(id)}), "\x00"))
	} else {
		ref = fmt.Sprintf("%d.%d.%d.%d", byte(id>>24), byte(id>>16), byte(id>>8), byte(id))
	}
	root.add("reference id", "%s", ref)
	for _, ts := range []struct {
		name string
		v    layers.NTPTimestamp
	}{{"reference time", n.ReferenceTimestamp}, {"origin time", n.OriginTimestamp}, {"receive time", n.ReceiveTimestamp}, {"transmit time", n.TransmitTimestamp}} {
		root.add(ts.name, "%s", ntpTime(uint64(ts.v)))
	}
	return root, nil
}

// ntpTime is an NTP timestamp in UTC, or 0.
func ntpTime(v uint64) string {
	if v == 0 {
		return "0"
	}
	const unixOffset = 2208988800 // 1900 to 1970
	sec := int64(v>>32) - unixOffset
	frac := float64(v&0xffffffff) / (1 << 32)
	return fmt.Sprintf("%d.%09d (Unix seconds)", sec, int64(frac*1e9))
}

func decodeDHCP(data []byte) (*Node, error) {
	var d layers.DHCPv4
	if err := d.DecodeFromBytes(data, nilFeedback); err != nil {
		return nil, fail(DHCPv4, data, err)
	}
	root := &Node{Name: "DHCPv4", Value: d.Operation.String()}
	for _, o := range d.Options {
		if o.Type == layers.DHCPOptMessageType && len(o.Data) == 1 {
			root.Value = layers.DHCPMsgType(o.Data[0]).String()
		}
	}
	root.add("op", "%s", d.Operation)
	root.add("xid", "0x%08x", d.Xid)
	root.add("secs", "%d", d.Secs)
	root.add("flags", "0x%04x", d.Flags)
	root.add("client ip", "%s", d.ClientIP)
	root.add("your ip", "%s", d.YourClientIP)
	root.add("server ip", "%s", d.NextServerIP)
	root.add("relay ip", "%s", d.RelayAgentIP)
	root.add("client hardware address", "%s", d.ClientHWAddr)
	opts := root.add("options", "%d", len(d.Options))
	for _, o := range d.Options {
		opts.add(o.Type.String(), "%s", dhcpOption(o))
	}
	return root, nil
}

func dhcpOption(o layers.DHCPOption) string {
	s := o.String() // "Option(Type:Value)"
	s = strings.TrimSuffix(strings.TrimPrefix(s, "Option("), ")")
	if _, v, ok := strings.Cut(s, ":"); ok {
		return v
	}
	return fmt.Sprintf("% x", o.Data)
}

func decodeSIP(data []byte) (*Node, error) {
	s := layers.NewSIP()
	if err := s.DecodeFromBytes(data, nilFeedback); err != nil {
		return nil, fail(SIP, data, err)
	}
	root := &Node{Name: "SIP"}
	if s.IsResponse {
		root.Value = fmt.Sprintf("response %d %s", s.ResponseCode, s.ResponseStatus)
		root.add("status", "%d %s", s.ResponseCode, s.ResponseStatus)
	} else {
		root.Value = "request " + s.Method.String()
		root.add("method", "%s", s.Method)
		root.add("uri", "%s", s.RequestURI)
	}
	root.add("version", "%s", s.Version)
	names := make([]string, 0, len(s.Headers))
	for k := range s.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	h := root.add("headers", "%d", len(names))
	for _, k := range names {
		for _, v := range s.Headers[k] {
			h.add(k, "%s", v)
		}
	}
	if len(s.LayerPayload()) > 0 {
		root.add("body", "%d bytes", len(s.LayerPayload()))
	}
	return root, nil
}
