package framing

import (
	"bytes"
	"testing"
)

// BenchmarkDecode feeds 64 KiB reads of 100-byte messages, the common case
// of a device streaming small frames.
func BenchmarkDecode(b *testing.B) {
	payload := bytes.Repeat([]byte("0123456789"), 10)
	for _, spec := range []string{"line", "len:4:le", "delim:0d0a", "stx-etx", "slip", "cobs", "jsonhdr", "fixed:100"} {
		s, err := Parse(spec)
		if err != nil {
			b.Fatal(err)
		}
		var stream []byte
		for len(stream) < 1<<20 {
			if stream, err = s.Encode(stream, payload); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(spec, func(b *testing.B) {
			b.SetBytes(int64(len(stream)))
			b.ReportAllocs()
			for b.Loop() {
				d := s.NewDecoder(Options{})
				for off := 0; off < len(stream); off += 64 << 10 {
					if _, err := d.Feed(stream[off:min(off+64<<10, len(stream))]); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
