package writebehind

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// resident is how many bytes of path from off, n long, are in the page cache.
func resident(t *testing.T, path string, off, n int64) int64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := unix.Mmap(int(f.Fd()), off, int(n), unix.PROT_READ, unix.MAP_SHARED)
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

// diskDir is a temporary folder on a disk, not tmpfs (whose pages are the
// file: nothing to drop).
func diskDir(t *testing.T) string {
	dir := t.TempDir()
	var fs unix.Statfs_t
	if err := unix.Statfs(dir, &fs); err != nil {
		t.Fatal(err)
	}
	if fs.Type == unix.TMPFS_MAGIC {
		t.Skip("the temporary folder is tmpfs")
	}
	return dir
}

// pattern is n bytes that differ from one offset to the next.
func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7) ^ byte(i>>12) ^ seed
	}
	return b
}

// A long stream, written fresh or appended after what a file held, or
// put into the file some other way and told with Wrote, lands whole, and
// what lies more than Lag+Step behind the writer has left the page cache.
func TestWritesBehind(t *testing.T) {
	tests := []struct {
		name   string
		before int  // bytes the file holds first
		flag   int  // how it is opened
		told   bool // written to the file directly, then told with Wrote
	}{
		{"created", 0, os.O_CREATE | os.O_TRUNC | os.O_WRONLY, false},
		{"appended", 3<<20 + 5, os.O_APPEND | os.O_WRONLY, false},
		{"written at its start", 3<<20 + 5, os.O_WRONLY, false},
		{"written another way and told", 0, os.O_CREATE | os.O_TRUNC | os.O_WRONLY, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(diskDir(t), "stream")
			head := pattern(tt.before, 1)
			if err := os.WriteFile(path, head, 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := os.OpenFile(path, tt.flag, 0o644)
			if err != nil {
				t.Fatal(err)
			}
			w := New(f)
			if w.disabled {
				t.Fatal("a regular file is not written behind")
			}
			body := pattern(Lag+4*Step+12345, 2)
			for rest := body; len(rest) > 0; {
				piece := rest[:min(len(rest), 1<<20+17)]
				var n int
				var err error
				if tt.told {
					n, err = f.Write(piece)
					w.Wrote(int64(n))
				} else {
					n, err = w.Write(piece)
				}
				if err != nil {
					t.Fatal(err)
				}
				rest = rest[n:]
			}
			if w.disabled {
				t.Skip("this file system refused the advice (sync_file_range, fadvise)")
			}
			start := int64(0)
			if tt.flag&os.O_APPEND != 0 {
				start = int64(tt.before)
			}
			if in := resident(t, path, start&^(Step-1)+Step, Step); in > Step/4 {
				t.Errorf("%d of the %d bytes one step into the stream are still in the page cache", in, Step)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			want := body
			if tt.flag&os.O_APPEND != 0 {
				want = append(head, body...)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("the file holds %d bytes, not the %d written", len(got), len(want))
			}
		})
	}
}

// A file on tmpfs is only written: its pages are the file.
func TestTmpfsIsOnlyWritten(t *testing.T) {
	var fs unix.Statfs_t
	if err := unix.Statfs("/dev/shm", &fs); err != nil || fs.Type != unix.TMPFS_MAGIC {
		t.Skip("no tmpfs at /dev/shm")
	}
	f, err := os.CreateTemp("/dev/shm", "writebehind-test")
	if err != nil {
		t.Skip(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if w := New(f); !w.disabled {
		t.Error("a tmpfs file is written behind")
	}
}

// A pipe is only written.
func TestPipeIsOnlyWritten(t *testing.T) {
	r, wf, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer wf.Close()
	if w := New(wf); !w.disabled {
		t.Error("a pipe is written behind")
	}
}
