package experiment

import (
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// frame builds an Ethernet frame as lo gives it, around an IPv4 packet.
func frame(t testing.TB, l ...gopacket.SerializableLayer) []byte {
	t.Helper()
	buf := gopacket.NewSerializeBuffer()
	all := append([]gopacket.SerializableLayer{&layers.Ethernet{SrcMAC: make([]byte, 6), DstMAC: make([]byte, 6), EthernetType: layers.EthernetTypeIPv4}}, l...)
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true}, all...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestPacketPorts(t *testing.T) {
	ip := func(p layers.IPProtocol) *layers.IPv4 {
		return &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: p, SrcIP: []byte{127, 0, 0, 1}, DstIP: []byte{127, 0, 0, 1}}
	}
	tcp := frame(t, ip(layers.IPProtocolTCP), &layers.TCP{SrcPort: 5000, DstPort: 6000, DataOffset: 5})
	udp := frame(t, ip(layers.IPProtocolUDP), &layers.UDP{SrcPort: 7000, DstPort: 8000})
	quoted := udp[14:]
	icmp := frame(t, ip(layers.IPProtocolICMPv4), &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(3, 3)}, gopacket.Payload(quoted))
	echo := frame(t, ip(layers.IPProtocolICMPv4), &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(8, 0)}, gopacket.Payload(quoted))
	for _, tc := range []struct {
		name     string
		b        []byte
		src, dst uint16
		ok       bool
	}{
		{"tcp", tcp, 5000, 6000, true},
		{"udp", udp, 7000, 8000, true},
		{"port unreachable quoting udp", icmp, 7000, 8000, true},
		{"echo request", echo, 0, 0, false},
		{"short", tcp[:20], 0, 0, false},
		{"cut transport", tcp[:14+20+2], 0, 0, false},
	} {
		src, dst, ok := packetPorts(tc.b)
		if src != tc.src || dst != tc.dst || ok != tc.ok {
			t.Errorf("%s: %d %d %v, want %d %d %v", tc.name, src, dst, ok, tc.src, tc.dst, tc.ok)
		}
	}
}

func FuzzPacketPorts(f *testing.F) {
	ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: []byte{127, 0, 0, 1}, DstIP: []byte{127, 0, 0, 1}}
	f.Add(frame(f, ip, &layers.TCP{SrcPort: 1, DstPort: 2, DataOffset: 5}))
	ip6 := &layers.IPv6{Version: 6, NextHeader: layers.IPProtocolUDP, SrcIP: make([]byte, 16), DstIP: make([]byte, 16)}
	b := frame(f, ip6, &layers.UDP{SrcPort: 3, DstPort: 4})
	b[12], b[13] = 0x86, 0xdd
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		src, dst, ok := packetPorts(b)
		if !ok && (src != 0 || dst != 0) {
			t.Fatalf("ports %d %d without ok", src, dst)
		}
	})
}
