package cli

import (
	"bufio"
	"io"
	"net/netip"
	"testing"

	"github.com/sockplay/sockplay/netcore/socktable"
)

// BenchmarkWriteSocketTable is `sockets -tan`'s printing of 20,000
// established loopback connections (bench/sockets.sh's table), without
// the listing: the columns measured, then every row padded and written.
func BenchmarkWriteSocketTable(b *testing.B) {
	socks := make([]socktable.Socket, 20000)
	lo := netip.AddrFrom4([4]byte{127, 0, 0, 1})
	for i := range socks {
		socks[i] = socktable.Socket{Proto: socktable.TCP, Family: socktable.IPv4, State: socktable.Established,
			Local: netip.AddrPortFrom(lo, uint16(30000+i%30000)), Peer: netip.AddrPortFrom(lo, 45333)}
	}
	layout := tableLayout{state: true}
	b.ReportAllocs()
	for b.Loop() {
		w := bufio.NewWriterSize(io.Discard, 64<<10)
		if err := writeSocketTable(w, socks, layout); err != nil {
			b.Fatal(err)
		}
		w.Flush()
	}
}
