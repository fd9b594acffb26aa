package payload

import (
	"strings"
	"testing"
)

// BenchmarkRenderText measures one send of a typical composer line with
// macros, the per-send cost that compiling once is meant to keep small.
func BenchmarkRenderText(b *testing.B) {
	p, err := Compile(Spec{Mode: Text, Source: `SET {{counter:1:6}} at {{time}}\r\n`, Checksum: CRC16Modbus})
	if err != nil {
		b.Fatal(err)
	}
	var c Counter
	b.ReportAllocs()
	for b.Loop() {
		p.Render(&c, fixedNow)
	}
}

// BenchmarkCompileHex measures parsing a pasted 64 KiB hex dump.
func BenchmarkCompileHex(b *testing.B) {
	src := strings.Repeat("de ad be ef 0x01, 02:03-04\n", 64<<10/8)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := Compile(Spec{Mode: Hex, Source: src}); err != nil {
			b.Fatal(err)
		}
	}
}
