package pcap

import (
	"bytes"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/internal/writebehind"
)

// A recording file is written behind (internal/writebehind), and every
// byte of a long recording is in it.
func TestRecordingIsWrittenBehind(t *testing.T) {
	path := filepath.Join(testkit.TempDir(t), "long.pcapng")
	w, err := Create(path, WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := w.OpenTCP(time.Now(), netip.MustParseAddrPort("127.0.0.1:1"), netip.MustParseAddrPort("127.0.0.1:2"), false, "")
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 60000)
	rng := rand.New(rand.NewPCG(1, 2))
	var sent []byte
	for int64(len(sent)) < writebehind.Lag+4*writebehind.Step {
		for i := range chunk {
			chunk[i] = byte(rng.Uint32())
		}
		if err := c.Data(time.Now(), false, chunk, ""); err != nil {
			t.Fatal(err)
		}
		sent = append(sent, chunk...)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, ok := w.f.w.(*writebehind.File); !ok {
		t.Error("the recording file is not written behind")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, in := checkTCPFile(t, file, "127.0.0.1:1")
	if !bytes.Equal(in, sent) {
		t.Errorf("the file holds %d bytes in, %d were recorded", len(in), len(sent))
	}
}
