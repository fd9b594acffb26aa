// Package writebehind writes a long stream to a file and keeps the page
// cache from filling with it: each finished step is sent to the disk at
// once, and a step Lag back is waited for and dropped from the cache.
//
// A stream written to a file (a recording, serve > FILE) is far more than
// anyone reads back soon, and on a virtual machine the page cache's fresh
// pages are the dearest part of writing it: the guest's first touch of a
// page it never used costs a fault on the host. Writing 1 GiB to ext4 here
// in 512 KiB writes took 0.28-3.2 s (0.33-3.3 s of system time), depending
// only on whether the kernel had recently freed pages to hand out; written
// behind, 0.42-0.49 s (0.25-0.35 s) every time, as the same few pages go
// round. At most Lag+2*Step of the file waits in the cache unwritten, so a
// disk slower than the stream slows its writer (backpressure) after that
// much, where the cache alone would have taken a burst of gigabytes first;
// nothing is lost either way.
package writebehind

import "os"

const (
	// Step is how much of the file is handed to the disk at a time.
	Step = 8 << 20
	// Lag is how far behind the writer the file is dropped from the cache.
	Lag = 32 << 20
)

// File is a file written from where it is positioned (its end, when it
// was opened to append), pushed to the disk and dropped from the page
// cache behind its writer (Linux; a plain file elsewhere). The advice is
// only advice: on a file it does not apply to (a pipe, a terminal, tmpfs)
// File just writes.
type File struct {
	f                     *os.File
	off, started, dropped int64 // written; sent to the disk; dropped from the cache
	disabled              bool  // the advice does not apply: only write
}

// New writes behind f; a file that is not a regular file is only written.
func New(f *os.File) *File {
	w := &File{f: f, disabled: true}
	if off, ok := writesAt(f); ok {
		w.off, w.started, w.dropped, w.disabled = off, off, off, false
	}
	return w
}

// Write writes b and then advises on what is now finished.
func (w *File) Write(b []byte) (int, error) {
	n, err := w.f.Write(b)
	w.Wrote(int64(n))
	return n, err
}

// Wrote tells w that n more bytes reached the file at its position by
// some other way than Write (splice(2) into it), and advises as Write does.
func (w *File) Wrote(n int64) {
	w.off += n
	if !w.disabled {
		w.behind()
	}
}

// Truncate cuts the file back to size (a full disk's cut-back) and
// forgets what was advised past it.
func (w *File) Truncate(size int64) error {
	err := w.f.Truncate(size)
	w.off = min(w.off, size)
	w.started = min(w.started, size)
	w.dropped = min(w.dropped, size)
	return err
}

// behind sends each finished step to the disk and drops the step Lag back
// from the cache once the disk has it.
func (w *File) behind() {
	for w.off-w.started >= Step {
		if !startWriteback(w.f, w.started, Step) {
			w.disabled = true
			return
		}
		w.started += Step
	}
	for w.started-w.dropped >= Lag+Step {
		if !dropWritten(w.f, w.dropped, Step) {
			w.disabled = true
			return
		}
		w.dropped += Step
	}
}
