package hexdump

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"testing"

	"github.com/sockplay/sockplay/internal/testkit"
)

// realHexdump runs the system's hexdump on data, shown from offset base
// (written at that offset into a sparse file and skipped with -s), and
// returns its output. It skips the test when hexdump is not installed.
func realHexdump(t testing.TB, data []byte, opt Options) []byte {
	t.Helper()
	path, err := exec.LookPath("hexdump")
	if err != nil {
		t.Skip("hexdump is not installed (Debian: bsdextrautils), nothing to compare with")
	}
	f, err := os.CreateTemp(testkit.TempDir(t), "in")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(int64(opt.Offset)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(data, int64(opt.Offset)); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	args := []string{"-C"}
	if opt.Verbose {
		args = append(args, "-v")
	}
	if opt.Offset > 0 {
		args = append(args, "-s", fmt.Sprint(opt.Offset))
	}
	cmd := exec.Command(path, append(args, f.Name())...)
	cmd.Env = append(os.Environ(), "LC_ALL=C") // isprint in the C locale
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("hexdump %v: %v: %s", args, err, stderr.Bytes())
	}
	return out
}

// rep returns n copies of s.
func rep(s string, n int) []byte { return bytes.Repeat([]byte(s), n) }

// cat joins byte slices.
func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func allBytes() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

// craftedInputs are the edges of the format: line lengths around 16 and
// 32, runs of repeated lines in every position, and every byte value.
func craftedInputs() map[string][]byte {
	line := []byte("0123456789abcdef")
	return map[string][]byte{
		"empty":                   {},
		"1 byte":                  {'A'},
		"15 bytes":                rep("x", 15),
		"16 bytes":                line,
		"17 bytes":                cat(line, []byte("g")),
		"31 bytes":                rep("y", 31),
		"32 bytes":                rep("z", 32),
		"33 bytes":                cat(line, line, []byte{0}),
		"8 and 9 bytes":           []byte("123456789"),
		"http":                    []byte("GET / HTTP/1.1\r\nHost: example\r\n\r\n"),
		"two equal lines":         rep("\x00", 32),
		"run of repeats":          cat(line, rep("\x00", 16*5), line),
		"repeats at the end":      cat(line, rep("\xff", 16*4)),
		"repeats then start":      cat(rep("\x00", 48), []byte{0, 0, 0}),
		"repeats then other":      cat(rep("\x00", 48), []byte("x"), rep("\x00", 31)),
		"two runs":                cat(rep("a", 64), rep("b", 64), rep("a", 64)),
		"alternating":             rep("aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb", 4),
		"run after first line":    cat(rep("q", 16), rep("q", 16), rep("r", 5)),
		"all 256 byte values":     allBytes(),
		"all values twice":        cat(allBytes(), allBytes()),
		"repeat of 15 byte cycle": rep("abcdefghijklmno", 20),
	}
}

// randomInputs returns a bounded number of inputs from a fixed seed, built
// from a few blocks so that repeated lines are likely.
func randomInputs(n int) [][]byte {
	r := rand.New(rand.NewPCG(4, 2))
	blocks := [][]byte{rep("\x00", 16), rep("\xff", 16), []byte("0123456789abcdef")}
	var ins [][]byte
	for range n {
		var b []byte
		for size := r.IntN(1500); len(b) < size; {
			switch r.IntN(4) {
			case 0:
				b = append(b, blocks[r.IntN(len(blocks))]...)
			case 1:
				b = append(b, byte(r.Uint32()))
			default:
				for range r.IntN(40) {
					b = append(b, byte(r.Uint32()))
				}
			}
		}
		ins = append(ins, b)
	}
	return ins
}

// streamDump feeds data to a Writer in pieces of the given sizes (cycled).
func streamDump(t testing.TB, data []byte, opt Options, sizes []int) []byte {
	t.Helper()
	var out bytes.Buffer
	w := NewWriter(&out, opt)
	for i := 0; len(data) > 0; i++ {
		n := min(sizes[i%len(sizes)], len(data))
		m, err := w.Write(data[:n])
		if err != nil || m != n {
			t.Fatalf("Write(%d bytes) = %d, %v", n, m, err)
		}
		data = data[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// checkAll compares every way of dumping data with the real hexdump.
func checkAll(t *testing.T, data []byte, opt Options) {
	t.Helper()
	want := realHexdump(t, data, opt)
	if got := AppendDump(nil, data, opt); !bytes.Equal(got, want) {
		t.Fatalf("AppendDump(%d bytes, %+v):\n%s\nhexdump:\n%s", len(data), opt, got, want)
	}
	for _, sizes := range [][]int{{1 << 20}, {1}, {7, 16, 3, 33}, {15, 17}} {
		if got := streamDump(t, data, opt, sizes); !bytes.Equal(got, want) {
			t.Fatalf("Writer in pieces %v (%d bytes, %+v):\n%s\nhexdump:\n%s", sizes, len(data), opt, got, want)
		}
	}
}

func TestMatchesHexdumpCrafted(t *testing.T) {
	for name, data := range craftedInputs() {
		for _, v := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/v=%v", name, v), func(t *testing.T) {
				checkAll(t, data, Options{Verbose: v})
			})
		}
	}
}

func TestMatchesHexdumpRandom(t *testing.T) {
	for i, data := range randomInputs(30) {
		for _, v := range []bool{false, true} {
			t.Run(fmt.Sprintf("%d/v=%v", i, v), func(t *testing.T) {
				checkAll(t, data, Options{Verbose: v})
			})
		}
	}
}

// The starting offset must print as `hexdump -C -s OFFSET` prints the same
// bytes at that offset of a file, including offsets past 32 bits.
func TestOffsetMatchesHexdumpSkip(t *testing.T) {
	ins := craftedInputs()
	for _, name := range []string{"empty", "1 byte", "17 bytes", "run of repeats", "repeats then start", "all 256 byte values"} {
		for _, base := range []uint64{1, 5, 16, 0x1000, 0xfffffff8, 0x123456789} {
			for _, v := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%#x/v=%v", name, base, v), func(t *testing.T) {
					checkAll(t, ins[name], Options{Verbose: v, Offset: base})
				})
			}
		}
	}
}

func TestCanonicalLine(t *testing.T) {
	got := Dump([]byte("GET / HTTP/1.1\r\n"), Options{})
	want := "00000000  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  |GET / HTTP/1.1..|\n00000010\n"
	if got != want {
		t.Fatalf("got %q\nwant %q", got, want)
	}
}

func TestWriteAfterClose(t *testing.T) {
	w := NewWriter(io.Discard, Options{})
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Write after Close: %v, want ErrClosed", err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

type failWriter struct{ err error }

func (f failWriter) Write([]byte) (int, error) { return 0, f.err }

func TestWriteErrorIsWrappedAndSticky(t *testing.T) {
	boom := errors.New("disk full")
	w := NewWriter(failWriter{boom}, Options{Verbose: true})
	_, err := w.Write(make([]byte, 1<<20)) // more than one flush
	if !errors.Is(err, boom) {
		t.Fatalf("Write: %v, want it to wrap %v", err, boom)
	}
	if _, err := w.Write([]byte("x")); !errors.Is(err, boom) {
		t.Fatalf("second Write: %v", err)
	}
	if err := w.Close(); !errors.Is(err, boom) || err.Error() != "write dump: disk full" {
		t.Fatalf("Close: %v", err)
	}
}

// mixed returns n bytes of pseudo-random data with runs of zeros in it,
// like a capture with padding.
func mixed(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		if i%4096 < 3072 {
			b[i] = byte(r.Uint32())
		}
	}
	return b
}

func TestNoAllocationPerLine(t *testing.T) {
	data := mixed(64 << 10)
	for _, v := range []bool{false, true} {
		dst := make([]byte, 0, 2*len(data)*lineLen/16)
		if n := testing.AllocsPerRun(20, func() { dst = AppendDump(dst[:0], data, Options{Verbose: v}) }); n != 0 {
			t.Errorf("AppendDump (v=%v): %v allocations per run, want 0", v, n)
		}
		w := NewWriter(io.Discard, Options{Verbose: v})
		if n := testing.AllocsPerRun(20, func() { w.Write(data[:len(data)-5]) }); n != 0 {
			t.Errorf("Writer.Write (v=%v): %v allocations per run, want 0", v, n)
		}
	}
}

func BenchmarkAppendDump(b *testing.B) {
	data := mixed(1 << 20)
	dst := AppendDump(nil, data, Options{Verbose: true})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		dst = AppendDump(dst[:0], data, Options{})
	}
}

func BenchmarkWriter(b *testing.B) {
	data := mixed(1 << 20)
	w := NewWriter(io.Discard, Options{})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		for c := range slices.Chunk(data, 32<<10) {
			w.Write(c)
		}
	}
}

// splitSizes turns a seed into the piece sizes a stream arrives in.
func splitSizes(seed uint64) []int {
	r := rand.New(rand.NewPCG(seed, seed>>32))
	sizes := make([]int, 1+r.IntN(8))
	for i := range sizes {
		sizes[i] = 1 + r.IntN(40)
	}
	return sizes
}

var fuzzRuns int

// FuzzHexdump checks that the streaming Writer, fed in arbitrary pieces,
// prints what AppendDump prints, and on a sample of inputs (the seeds and
// then one run in 200) that both print what the real hexdump prints.
func FuzzHexdump(f *testing.F) {
	for _, data := range craftedInputs() {
		f.Add(data, uint64(len(data)), false, uint32(0))
	}
	f.Add(rep("\x00", 100), uint64(3), true, uint32(0))
	f.Add(rep("ab", 40), uint64(9), false, uint32(7))
	f.Fuzz(func(t *testing.T, data []byte, seed uint64, verbose bool, base uint32) {
		opt := Options{Verbose: verbose, Offset: uint64(base)}
		want := AppendDump(nil, data, opt)
		if got := streamDump(t, data, opt, splitSizes(seed)); !bytes.Equal(got, want) {
			t.Fatalf("Writer and AppendDump differ for %q (%+v):\n%s\nvs\n%s", data, opt, got, want)
		}
		fuzzRuns++
		if fuzzRuns <= 40 || fuzzRuns%200 == 0 {
			if real := realHexdump(t, data, opt); !bytes.Equal(want, real) {
				t.Fatalf("AppendDump differs from hexdump for %q (%+v):\n%s\nvs\n%s", data, opt, want, real)
			}
		}
	})
}
