package cli

import (
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// A pipe on stdin is grown so one read can take up to 1 MiB; a file that
// is not a pipe is left alone.
func TestGrowPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	before, err := unix.FcntlInt(r.Fd(), unix.F_GETPIPE_SZ, 0)
	if err != nil {
		t.Fatal(err)
	}
	growPipe(r)
	after, err := unix.FcntlInt(r.Fd(), unix.F_GETPIPE_SZ, 0)
	if err != nil {
		t.Fatal(err)
	}
	if after < stdinPipeSize {
		t.Errorf("pipe of %d bytes after growPipe (was %d), want %d", after, before, stdinPipeSize)
	}
	f, err := os.CreateTemp(t.TempDir(), "notapipe")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	growPipe(f) // nothing to do, and nothing to fail
	growPipe(nil)
}
