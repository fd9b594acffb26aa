package testkit

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// PacketSource is a capture file's packets, read with gopacket's pcapgo.
type PacketSource interface {
	ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
}

// OpenCapture opens a pcapng file (by its extension) or a pcap file for
// reading its packets one by one, as a test that rewrites a capture does;
// the file is closed when the test ends.
func OpenCapture(t testing.TB, file string) (PacketSource, layers.LinkType) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if strings.HasSuffix(file, ".pcapng") {
		r, err := pcapgo.NewNgReader(f, pcapgo.DefaultNgReaderOptions)
		if err != nil {
			t.Fatal(err)
		}
		return r, r.LinkType()
	}
	r, err := pcapgo.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	return r, r.LinkType()
}

// TsharkSize prints a byte count as tshark 4's conversation table does
// (wsutil's format_size: a unit once the count passes 10 of it, cut, not
// rounded), to compare with its -z conv output.
func TsharkSize(n int64) string {
	for _, u := range []struct {
		div  int64
		name string
	}{{1e12, "TB"}, {1e9, "GB"}, {1e6, "MB"}, {1e3, "kB"}} {
		if n/u.div > 10 {
			return fmt.Sprintf("%d %s", n/u.div, u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}
