package decode

import (
	"context"
	"encoding/hex"
	"errors"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/sockplay/sockplay/internal/testkit"
)

// catch runs a peer that sends to a UDP or TCP socket of the test's, and
// returns the first message it sent.
func catch(t *testing.T, network string, peer func(port int) *exec.Cmd) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got := make(chan []byte, 1)
	var port int
	switch network {
	case "udp":
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer pc.Close()
		port = pc.LocalAddr().(*net.UDPAddr).Port
		go func() {
			buf := make([]byte, 65536)
			n, _, err := pc.ReadFrom(buf)
			if err == nil {
				got <- buf[:n]
			}
		}()
	default:
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		port = l.Addr().(*net.TCPAddr).Port
		go func() {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
			buf := make([]byte, 65536)
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			n, err := c.Read(buf)
			if err == nil {
				got <- buf[:n]
			}
		}()
	}
	cmd := peer(port)
	cmd.Start()
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	select {
	case b := <-got:
		return b
	case <-ctx.Done():
		t.Fatalf("%s sent nothing", cmd.Path)
	}
	return nil
}

func lines(t *testing.T, proto string, data []byte) string {
	t.Helper()
	n, err := Decode(proto, data)
	if err != nil {
		t.Fatalf("decode %s: %v", proto, err)
	}
	return strings.Join(n.Lines(), "\n")
}

func TestDNSFromDig(t *testing.T) {
	testkit.Need(t, "dig")
	q := catch(t, "udp", func(port int) *exec.Cmd {
		return exec.Command("dig", "@127.0.0.1", "-p", strconv.Itoa(port), "+tries=1", "+time=3", "device.example.org", "AAAA")
	})
	got := lines(t, DNS, q)
	id := int(q[0])<<8 | int(q[1])
	for _, want := range []string{"DNS: query", "  id: " + strconv.Itoa(id), "  question: device.example.org", "    type: AAAA", "    class: IN", "  flags: rd"} {
		if !strings.Contains(got, want) {
			t.Errorf("dig's query lacks %q:\n%s", want, got)
		}
	}
}

func TestModbusFromMbpoll(t *testing.T) {
	testkit.Need(t, "mbpoll")
	q := catch(t, "tcp", func(port int) *exec.Cmd {
		return exec.Command("mbpoll", "-m", "tcp", "-a", "7", "-r", "11", "-c", "3", "-t", "4", "-1", "-o", "1", "-p", strconv.Itoa(port), "127.0.0.1")
	})
	got := lines(t, Modbus, q)
	// mbpoll's -r is 1-based: register 11 is address 10.
	for _, want := range []string{"Modbus/TCP: request", "  unit: 7", "  function: 3 (read holding registers)", "  address: 10", "  quantity: 3"} {
		if !strings.Contains(got, want) {
			t.Errorf("mbpoll's request lacks %q:\n%s", want, got)
		}
	}
	resp, _ := hex.DecodeString("0001000000090703060000002a01f4")
	got = lines(t, Modbus, resp)
	for _, want := range []string{"Modbus/TCP: response", "  byte count: 6", "    [1]: 42 (0x002a)", "    [2]: 500 (0x01f4)"} {
		if !strings.Contains(got, want) {
			t.Errorf("the response lacks %q:\n%s", want, got)
		}
	}
	exc, _ := hex.DecodeString("000100000003078302")
	if got := lines(t, Modbus, exc); !strings.Contains(got, "exception: 2 (illegal data address)") {
		t.Errorf("exception:\n%s", got)
	}
}

func TestNTPFromPython(t *testing.T) {
	testkit.Need(t, "python3")
	// The client request every SNTP example sends: LI 0, VN 3, mode 3.
	q := catch(t, "udp", func(port int) *exec.Cmd {
		return exec.Command("python3", "-c", `
import socket, struct, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
pkt = b"\x1b" + 39 * b"\0" + struct.pack("!II", int(time.time()) + 2208988800, 0)
s.sendto(pkt, ("127.0.0.1", int(sys.argv[1])))
`, strconv.Itoa(port))
	})
	got := lines(t, NTP, q)
	for _, want := range []string{"NTP: client", "  version: 3", "  mode: 3 (client)", "  transmit time: 1"} {
		if !strings.Contains(got, want) {
			t.Errorf("the SNTP request lacks %q:\n%s", want, got)
		}
	}
}

func TestDHCPAndSIP(t *testing.T) {
	mac, _ := net.ParseMAC("02:00:00:aa:bb:cc")
	d := &layers.DHCPv4{Operation: layers.DHCPOpRequest, HardwareType: layers.LinkTypeEthernet, HardwareLen: 6, Xid: 0x1234abcd,
		ClientHWAddr: mac, Options: layers.DHCPOptions{
			layers.NewDHCPOption(layers.DHCPOptMessageType, []byte{byte(layers.DHCPMsgTypeDiscover)}),
			layers.NewDHCPOption(layers.DHCPOptHostname, []byte("sensor-7")),
		}}
	buf := gopacket.NewSerializeBuffer()
	if err := d.SerializeTo(buf, gopacket.SerializeOptions{FixLengths: true}); err != nil {
		t.Fatal(err)
	}
	got := lines(t, DHCPv4, buf.Bytes())
	for _, want := range []string{"DHCPv4: Discover", "  xid: 0x1234abcd", "  client hardware address: 02:00:00:aa:bb:cc", "    Hostname: sensor-7"} {
		if !strings.Contains(got, want) {
			t.Errorf("DHCP lacks %q:\n%s", want, got)
		}
	}
	invite := "INVITE sip:bob@192.0.2.4 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060\r\nFrom: <sip:alice@192.0.2.1>;tag=1\r\nTo: <sip:bob@192.0.2.4>\r\nCall-ID: a84b4c76e66710\r\nCSeq: 314159 INVITE\r\nContent-Length: 0\r\n\r\n"
	got = lines(t, SIP, []byte(invite))
	for _, want := range []string{"SIP: request INVITE", "  uri: sip:bob@192.0.2.4", "    call-id: a84b4c76e66710"} {
		if !strings.Contains(got, want) {
			t.Errorf("SIP lacks %q:\n%s", want, got)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, tt := range []struct {
		proto string
		data  string
		want  string
	}{
		{DNS, "0001", "cannot decode as DNS: 2 bytes: DNS packet too short"},
		{Modbus, "00010000", "cannot decode as Modbus/TCP: the message has 4 bytes; it takes at least 8 (a 7-byte header and a function code)"},
		{Modbus, "0001000000090703", "cannot decode as Modbus/TCP: the length field (offset 4) says 9 bytes follow it, and 2 do"},
		{NTP, "1b00", "cannot decode as NTP: 2 bytes"},
		{"telnet", "00", `cannot decode: "telnet" is not a protocol sockplay decodes (dhcp, dns, modbus, ntp, sip)`},
	} {
		b, _ := hex.DecodeString(tt.data)
		_, err := Decode(tt.proto, b)
		if err == nil || !errors.Is(err, ErrDecode) || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("Decode(%s, %s) = %v, want %s", tt.proto, tt.data, err, tt.want)
		}
	}
	if ByPort(502) != Modbus || ByPort(53) != DNS || ByPort(8080) != "" {
		t.Error("ByPort")
	}
}

func FuzzDecode(f *testing.F) {
	seeds := []string{"0001000000060103000a0003", "0001000000090703060000002a01f4", "1b" + strings.Repeat("00", 47),
		"abcd01000001000000000000066465766963650765786d706c65036f72670000010001"}
	for _, s := range seeds {
		b, _ := hex.DecodeString(s)
		for _, p := range Protocols {
			f.Add(p, b)
		}
	}
	f.Add(SIP, []byte("SIP/2.0 200 OK\r\nCSeq: 1 INVITE\r\n\r\n"))
	f.Fuzz(func(t *testing.T, proto string, data []byte) {
		n, err := Decode(proto, data)
		if err != nil {
			if !errors.Is(err, ErrDecode) {
				t.Fatalf("error %v does not match ErrDecode", err)
			}
			return
		}
		if n == nil {
			t.Fatal("no tree and no error")
		}
		n.Lines()
		n.Flat()
	})
}
