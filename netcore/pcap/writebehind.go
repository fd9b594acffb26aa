package pcap

import "os"

// A recording streams far more than it will read back soon, and on a
// virtual machine the page cache's fresh pages are the dearest part of
// writing it: the guest's first touch of a page it never used costs a
// fault on the host. Writing 1 GiB to ext4 here in 512 KiB writes took
// 0.28-3.2 s (0.33-3.3 s of system time), depending only on whether the
// kernel had recently freed pages to hand out; the same writes with the
// finished part of the file handed to the disk and dropped from the cache
// a little behind the writer took 0.42-0.47 s (0.25-0.32 s of system time)
// every time, as the same few pages go round. So a recording file is
// written behind: each finished step is sent to the disk at once, and a
// step behindLag back is waited for and dropped from the cache. At most
// behindLag+2*behindStep of the file waits in the cache unwritten, so a
// disk slower than the traffic slows the reader (backpressure) after that
// much, where the cache alone would have taken a burst of gigabytes first;
// nothing is lost either way.
const (
	behindStep = 8 << 20
	behindLag  = 32 << 20
)

// writeBehind is a file written from its start, pushed to the disk and
// dropped from the page cache behind its writer (writebehind_linux.go; a
// plain file elsewhere). Its advice is only advice: a file it does not
// apply to (a pipe, tmpfs) is written all the same.
type writeBehind struct {
	f                     *os.File
	off, started, dropped int64 // written; sent to the disk; dropped from the cache
	disabled              bool  // the advice failed once: the file is only written
}

func newWriteBehind(f *os.File) *writeBehind { return &writeBehind{f: f} }

// Write writes b and then advises on what is now finished.
func (w *writeBehind) Write(b []byte) (int, error) {
	n, err := w.f.Write(b)
	w.off += int64(n)
	if !w.disabled {
		w.behind()
	}
	return n, err
}

// Truncate cuts the file back to size (a full disk's cut-back) and
// forgets what was advised past it.
func (w *writeBehind) Truncate(size int64) error {
	err := w.f.Truncate(size)
	w.off = min(w.off, size)
	w.started = min(w.started, size)
	w.dropped = min(w.dropped, size)
	return err
}

// behind sends each finished step to the disk and drops the step behindLag
// back from the cache once the disk has it.
func (w *writeBehind) behind() {
	for w.off-w.started >= behindStep {
		if !startWriteback(w.f, w.started, behindStep) {
			w.disabled = true
			return
		}
		w.started += behindStep
	}
	for w.started-w.dropped >= behindLag+behindStep {
		if !dropWritten(w.f, w.dropped, behindStep) {
			w.disabled = true
			return
		}
		w.dropped += behindStep
	}
}
