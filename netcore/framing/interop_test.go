package framing

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"io"
	"os/exec"
	"path/filepath"
	"testing"
)

// The messages testdata/interop.py knows too.
var (
	interopNames = []string{"a.txt", "", "日本語.txt", "../../etc/passwd", "quote\"back\\slash", "big.bin"}
	interopSizes = []int{5, 0, 1, 255, 256, 70000}
)

func interopBody(i, n int) []byte {
	b := make([]byte, n)
	for j := range b {
		b[j] = byte((j*7 + i) % 256)
	}
	return b
}

func python(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed; the interop test needs it as the peer")
	}
	return py
}

// TestInteropFromPython: python3 frames messages the tutorial way and our
// decoders read them from its stdout in whatever chunks the pipe gives.
func TestInteropFromPython(t *testing.T) {
	py := python(t)
	for _, scheme := range []string{"jsonhdr", "len4le"} {
		t.Run(scheme, func(t *testing.T) {
			cmd := exec.Command(py, filepath.Join("testdata", "interop.py"), "encode", scheme)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			spec := "jsonhdr"
			if scheme == "len4le" {
				spec = "len:4:le"
			}
			d := mustParse(t, spec).NewDecoder(Options{})
			var msgs []Message
			buf := make([]byte, 4096)
			reads := 0
			for {
				// Alternate tiny and large reads to split frames.
				n, err := out.Read(buf[:[]int{3, 4096, 17, 1000}[reads%4]])
				reads++
				got, ferr := d.Feed(buf[:n])
				if ferr != nil {
					t.Fatalf("Feed: %v", ferr)
				}
				msgs = append(msgs, got...)
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if err := cmd.Wait(); err != nil {
				t.Fatalf("python3: %v: %s", err, stderr.Bytes())
			}
			if rest, err := d.Flush(); err != nil || len(rest) != 0 {
				t.Fatalf("Flush: %d messages, %v", len(rest), err)
			}
			if len(msgs) != len(interopSizes) {
				t.Fatalf("got %d messages, want %d", len(msgs), len(interopSizes))
			}
			for i, m := range msgs {
				if !bytes.Equal(m.Data, interopBody(i, interopSizes[i])) {
					t.Errorf("message %d: %d bytes differ from python's %d", i, len(m.Data), interopSizes[i])
				}
				if scheme != "jsonhdr" {
					continue
				}
				var h struct {
					Filename string `json:"filename"`
					Filesize int    `json:"filesize"`
				}
				if err := json.Unmarshal(m.Header, &h); err != nil || h.Filename != interopNames[i] || h.Filesize != interopSizes[i] {
					t.Errorf("message %d header %s: %+v, %v", i, m.Header, h, err)
				}
			}
			if reads < 10 {
				t.Errorf("only %d reads; the stream was not split", reads)
			}
		})
	}
}

// TestInteropToPython: our encoders frame the messages and python3 decodes
// them the tutorial way and prints what it got.
func TestInteropToPython(t *testing.T) {
	py := python(t)
	for _, scheme := range []string{"jsonhdr", "len4le"} {
		t.Run(scheme, func(t *testing.T) {
			var stream []byte
			s := mustParse(t, "len:4:le")
			for i, size := range interopSizes {
				if scheme == "jsonhdr" {
					stream = AppendJSONHdr(stream, interopNames[i], interopBody(i, size))
					continue
				}
				var err error
				if stream, err = s.Encode(stream, interopBody(i, size)); err != nil {
					t.Fatal(err)
				}
			}
			cmd := exec.Command(py, filepath.Join("testdata", "interop.py"), "decode", scheme)
			cmd.Stdin = bytes.NewReader(stream)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("python3: %v: %s", err, stderr.Bytes())
			}
			sc := bufio.NewScanner(bytes.NewReader(out))
			sc.Buffer(nil, 1<<20)
			i := 0
			for ; sc.Scan(); i++ {
				var got struct {
					Filename string `json:"filename"`
					Filesize int    `json:"filesize"`
					Hex      string `json:"hex"`
				}
				if err := json.Unmarshal(sc.Bytes(), &got); err != nil {
					t.Fatalf("python printed %q: %v", sc.Bytes(), err)
				}
				if i >= len(interopSizes) {
					t.Fatalf("python printed more than %d messages", len(interopSizes))
				}
				if got.Hex != hex.EncodeToString(interopBody(i, interopSizes[i])) {
					t.Errorf("message %d: python read a different body", i)
				}
				if scheme == "jsonhdr" && (got.Filename != interopNames[i] || got.Filesize != interopSizes[i]) {
					t.Errorf("message %d: python read name %q size %d", i, got.Filename, got.Filesize)
				}
			}
			if i != len(interopSizes) {
				t.Fatalf("python read %d messages, want %d: %s", i, len(interopSizes), stderr.Bytes())
			}
		})
	}
}
