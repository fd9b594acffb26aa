package pcap

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkWriterTCPData is what a recording costs per chunk read: a
// chunk's segments and the receiver's ACK written to a file, as the
// recorder writes them between two entries (Flush when its queue is
// empty). It writes to /dev/null, so what it measures is the writer's
// own work and its system calls, not the page cache (whose cost per byte
// is the same whatever the writer does, and on a VM varies tenfold with
// whether the host still backs the pages); PCAP_BENCH_DIR makes it write a
// file there instead.
func BenchmarkWriterTCPData(b *testing.B) {
	for _, size := range []int{4 << 10, 32 << 10, 128 << 10} {
		b.Run(fmt.Sprintf("%dK", size>>10), func(b *testing.B) {
			path := os.DevNull
			if dir := os.Getenv("PCAP_BENCH_DIR"); dir != "" {
				path = filepath.Join(dir, "bench.pcapng")
				defer os.Remove(path)
			}
			w, err := Create(path, WriterOptions{})
			if err != nil {
				b.Fatal(err)
			}
			at := time.Now()
			c, err := w.OpenTCP(at, netip.MustParseAddrPort("127.0.0.1:9000"), netip.MustParseAddrPort("127.0.0.1:40000"), false, "")
			if err != nil {
				b.Fatal(err)
			}
			chunk := make([]byte, size)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				if err := c.Data(at, false, chunk, ""); err != nil {
					b.Fatal(err)
				}
				if err := w.Flush(); err != nil {
					b.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
		})
	}
}
