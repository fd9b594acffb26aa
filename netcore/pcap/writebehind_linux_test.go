package pcap

import (
	"bytes"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// resident is how many of the first n bytes of path are in the page cache.
func resident(t *testing.T, path string, n int64) int64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := unix.Mmap(int(f.Fd()), 0, int(n), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(m)
	page := int64(os.Getpagesize())
	vec := make([]byte, (n+page-1)/page)
	if _, _, e := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&m[0])), uintptr(len(m)), uintptr(unsafe.Pointer(&vec[0]))); e != 0 {
		t.Fatal(e)
	}
	var in int64
	for _, v := range vec {
		if v&1 != 0 {
			in += page
		}
	}
	return in
}

// A long recording leaves the disk's part of the file out of the page
// cache, a little behind the writer, and every byte is in the file.
func TestRecordingIsWrittenBehind(t *testing.T) {
	dir := t.TempDir()
	var fs unix.Statfs_t
	if err := unix.Statfs(dir, &fs); err != nil {
		t.Fatal(err)
	}
	if fs.Type == unix.TMPFS_MAGIC {
		t.Skip("the temporary folder is tmpfs: its pages are the file, nothing to drop")
	}
	path := filepath.Join(dir, "long.pcapng")
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
	for int64(len(sent)) < behindLag+4*behindStep {
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
	if w.f.w.(*writeBehind).disabled {
		t.Skip("this file system refused the advice (sync_file_range, fadvise)")
	}
	if in := resident(t, path, behindStep); in > behindStep/4 {
		t.Errorf("%d of the file's first %d bytes are still in the page cache", in, behindStep)
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
