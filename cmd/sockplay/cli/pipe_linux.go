package cli

import (
	"os"

	"golang.org/x/sys/unix"
)

// stdinPipeSize is what a pipe on stdin is grown to: Linux's default of
// 64 KiB makes every read return at most that, and `cat FILE | sockplay
// connect` then spent its time in system calls.
const stdinPipeSize = 1 << 20

// growPipe asks the kernel for a bigger pipe when in is one; when it
// refuses (over /proc/sys/fs/pipe-max-size for an unprivileged user),
// the pipe stays as it was, which only costs speed.
func growPipe(in any) {
	f, ok := in.(*os.File)
	if !ok {
		return
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		return
	}
	_, _ = unix.FcntlInt(f.Fd(), unix.F_SETPIPE_SZ, stdinPipeSize)
}
