package sessions

import (
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkRecordIngest: one TCP peer streams 256 KiB writes into a
// server session whose 4 MiB view keeps the bytes (the window's smallest
// Keep; the command line's view is as big but keeps sizes only), without
// and with a recording to a file (the Go side of bench/pcap_overhead.sh,
// for pprof).
func BenchmarkRecordIngest(b *testing.B) {
	for _, rec := range []bool{false, true} {
		name := "plain"
		if rec {
			name = "pcap"
		}
		b.Run(name, func(b *testing.B) {
			srv, c := benchPeerBudget(b, 4<<20)
			var r *Recording
			if rec {
				var err error
				if r, err = srv.Record(filepath.Join(b.TempDir(), "bench.pcapng")); err != nil {
					b.Fatal(err)
				}
			}
			chunk := make([]byte, 256<<10)
			b.SetBytes(int64(len(chunk)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := c.Write(chunk); err != nil {
					b.Fatal(err)
				}
			}
			want := uint64(b.N) * uint64(len(chunk))
			for srv.Counters().BytesIn < want {
				time.Sleep(100 * time.Microsecond)
			}
			if r != nil {
				c.Close()
				if err := r.Stop(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
