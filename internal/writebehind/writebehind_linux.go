package writebehind

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// writesAt is where f's next write lands, if f is a regular file on a
// disk: its position, or its end when it was opened to append (`>>`). On
// tmpfs the pages are the file: there is nothing to write behind.
func writesAt(f *os.File) (int64, bool) {
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return 0, false
	}
	var fs unix.Statfs_t
	if unix.Fstatfs(int(f.Fd()), &fs) != nil || fs.Type == unix.TMPFS_MAGIC {
		return 0, false
	}
	if fl, err := unix.FcntlInt(f.Fd(), unix.F_GETFL, 0); err == nil && fl&unix.O_APPEND != 0 {
		return st.Size(), true
	}
	off, err := f.Seek(0, io.SeekCurrent)
	return off, err == nil
}

// startWriteback asks the kernel to start writing n bytes of f at off to
// the disk, without waiting; false if f does not take the advice.
func startWriteback(f *os.File, off, n int64) bool {
	return unix.SyncFileRange(int(f.Fd()), off, n, unix.SYNC_FILE_RANGE_WRITE) == nil
}

// dropWritten waits until n bytes of f at off are on the disk and drops
// them from the page cache; false if f does not take the advice. A write
// error of the disk is not lost: the kernel keeps it for Close's fsync
// and the next write, as it would without this.
func dropWritten(f *os.File, off, n int64) bool {
	fd := int(f.Fd())
	if unix.SyncFileRange(fd, off, n, unix.SYNC_FILE_RANGE_WAIT_BEFORE|unix.SYNC_FILE_RANGE_WRITE|unix.SYNC_FILE_RANGE_WAIT_AFTER) != nil {
		return false
	}
	return unix.Fadvise(fd, off, n, unix.FADV_DONTNEED) == nil
}
