package sessions

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore/framing"
)

// pySink receives one connection to its end and prints the byte count
// and sha256 of what it got; it prints its port first.
const pySink = `
import hashlib, socket
ln = socket.create_server(("127.0.0.1", 0))
print(ln.getsockname()[1], flush=True)
c, _ = ln.accept()
h, n = hashlib.sha256(), 0
while True:
    b = c.recv(1 << 20)
    if not b:
        break
    h.update(b); n += len(b)
print(n, h.hexdigest(), flush=True)
`

// A file goes from a mapping straight to the socket only when nobody looks
// at its bytes, and python3 receives every byte either way; the counters
// and the log's sizes say the same.
func TestSendFileDirectOnlyWhenNobodyLooks(t *testing.T) {
	const size = 40<<20 + 12345 // three mappings, the last short and not a whole page
	path, _ := randomFile(t, size)
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	tests := []struct {
		name      string
		sizesOnly bool
		output    bool
		spec      string
		direct    bool
	}{
		{"sizes only, no output", true, false, "raw", true},
		{"jsonhdr body", true, false, "jsonhdr", true},
		{"an output wants the bytes", true, true, "raw", false},
		{"the log keeps bytes", false, false, "raw", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			py := testkit.StartPython(t, "", pySink)
			cli := start(t, Config{Role: Client, Endpoint: ep(t, "tcp://127.0.0.1:"+py.Next(t, "its port")), LogSizesOnly: tt.sizesOnly})
			var col *dataCollector
			var colh *OutputHandle
			if tt.output {
				col = &dataCollector{kind: KindDataOut}
				colh = cli.AddOutput(col, OutputOptions{Name: "collector"})
			}
			spec, err := framing.Parse(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			f, err := OpenOutgoingFile(path, spec, tcpEP)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			before := directPieces.Load()
			var last int64
			if err := f.Send(context.Background(), cli, PeerAll, func(n int64) { last = n }); err != nil {
				t.Fatal(err)
			}
			if err := cli.CloseWrite(cli.Peers()[0].ID); err != nil {
				t.Fatal(err)
			}
			wire := int64(size)
			want := hex.EncodeToString(sum[:])
			if tt.spec == "jsonhdr" {
				hdr := framing.AppendJSONHdrHeader(nil, filepath.Base(path), size)
				all := sha256.Sum256(append(hdr, body...))
				want, wire = hex.EncodeToString(all[:]), int64(len(hdr))+size
			}
			if got, w := py.Next(t, "what it got"), fmt.Sprintf("%d %s", wire, want); got != w {
				t.Fatalf("python3 got %q, want %q", got, w)
			}
			if last != size {
				t.Errorf("progress ended at %d of %d", last, size)
			}
			if direct := directPieces.Load() > before; direct != tt.direct {
				t.Errorf("sent from a mapping: %v, want %v", direct, tt.direct)
			}
			if c := cli.Counters(); int64(c.BytesOut) != wire {
				t.Errorf("counted %d bytes out, want %d", c.BytesOut, wire)
			}
			if logged := loggedBytes(cli, KindDataOut); logged != wire {
				t.Errorf("the log holds %d bytes out, want %d", logged, wire)
			}
			if col != nil {
				if err := colh.Close(); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(col.bytes(), body) {
					t.Error("the output did not get the file's bytes")
				}
			}
		})
	}
}

// A file that gets shorter while it is sent from a mapping is an error
// that says so, not a crash: only the kernel reads the mapping, and it
// answers EFAULT where the file ended.
func TestSendFileDirectFileShrinks(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("files are not mapped on Windows")
	}
	path, _ := randomFile(t, 20<<20)
	py := testkit.StartPython(t, "", pySink)
	cli := start(t, Config{Role: Client, Endpoint: ep(t, "tcp://127.0.0.1:"+py.Next(t, "its port")), LogSizesOnly: true})
	f, err := OpenOutgoingFile(path, framing.Spec{}, tcpEP)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := os.Truncate(path, 3<<20+100); err != nil {
		t.Fatal(err)
	}
	err = f.Send(context.Background(), cli, PeerAll, nil)
	if err == nil || !strings.Contains(err.Error(), "the file got shorter while it was being sent") {
		t.Fatalf("Send = %v, want the sentence about the file getting shorter", err)
	}
	t.Log(err)
}
