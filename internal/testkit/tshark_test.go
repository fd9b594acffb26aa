package testkit

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TsharkExpert keeps what tshark says of the recorded layers (here a bad
// IPv4 and a bad TCP checksum) and leaves out what a payload dissector
// guessed: a payload that starts like a Thrift message.
func TestTsharkExpertKeepsRecordedLayers(t *testing.T) {
	Need(t, "tshark")
	payload := append([]byte{0x80, 0x01, 0x00, 0x01}, make([]byte, 40)...)
	for i := 4; i < len(payload); i++ {
		payload[i] = 0xff
	}
	tcp := make([]byte, 20, 20+len(payload))
	binary.BigEndian.PutUint16(tcp[0:], 40000)
	binary.BigEndian.PutUint16(tcp[2:], 9000)
	binary.BigEndian.PutUint32(tcp[4:], 1)
	tcp[12], tcp[13] = 0x50, 0x18 // header length 20, PSH|ACK
	binary.BigEndian.PutUint16(tcp[14:], 65535)
	binary.BigEndian.PutUint16(tcp[16:], 0x1234) // a wrong checksum
	tcp = append(tcp, payload...)
	ip := []byte{0x45, 0, 0, 0, 0, 1, 0, 0, 64, 6, 0, 0, 127, 0, 0, 1, 127, 0, 0, 1} // checksum 0: wrong
	binary.BigEndian.PutUint16(ip[2:], uint16(20+len(tcp)))
	pkt := append(ip, tcp...)
	file := binary.LittleEndian.AppendUint32(nil, 0xa1b2c3d4) // pcap, raw IP (101)
	for _, v := range []uint16{2, 4} {
		file = binary.LittleEndian.AppendUint16(file, v)
	}
	for _, v := range []uint32{0, 0, 65535, 101, 0, 0, uint32(len(pkt)), uint32(len(pkt))} {
		file = binary.LittleEndian.AppendUint32(file, v)
	}
	file = append(file, pkt...)
	path := filepath.Join(t.TempDir(), "x.pcap")
	if err := os.WriteFile(path, file, 0o644); err != nil {
		t.Fatal(err)
	}
	all := Tshark(t, append(append([]string{"-r", path}, TsharkChecks...), "-q", "-z", "expert")...)
	if !strings.Contains(all, "Thrift") {
		t.Skipf("this tshark does not take the payload for Thrift, so nothing is left out to check:\n%s", all)
	}
	e := TsharkExpert(t, path)
	errs := e["Errors"]
	if len(errs) != 2 || !strings.HasPrefix(errs[0], "Bad checksum") || !strings.HasPrefix(errs[1], "Bad checksum") {
		t.Errorf("errors %q: want the two bad checksums (IPv4, TCP) and nothing of Thrift's", e["Errors"])
	}
}
