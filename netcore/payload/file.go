package payload

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync/atomic"
)

// ErrNotRegularFile is wrapped when File mode is given a directory, device or
// pipe: their size is unknown or endless, so they cannot be sent as a payload.
var ErrNotRegularFile = errors.New("not a regular file")

// MaxRenderFileSize bounds how much Render loads into memory for File mode.
// Bigger files are sent with Open, which streams them.
const MaxRenderFileSize = 64 << 20

// OpenFile opens a regular file for sending and reports its size, so the
// sender can show progress (wrap the reader in a ProgressReader). Errors
// name the path and wrap the os error (errors.Is(err, fs.ErrNotExist) works).
func OpenFile(path string) (io.ReadCloser, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("payload file: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("payload file: %w", err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("payload file: %w", &fs.PathError{Op: "open", Path: path, Err: ErrNotRegularFile})
	}
	return f, st.Size(), nil
}

// readFile loads a whole file for Render, refusing sizes that belong in a
// stream.
func readFile(path string) ([]byte, error) {
	r, size, err := OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if size > MaxRenderFileSize {
		return nil, fmt.Errorf("payload file: %w", &fs.PathError{Op: "read", Path: path, Err: ErrFileTooBig})
	}
	b, err := io.ReadAll(io.LimitReader(r, MaxRenderFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("payload file: %w", err)
	}
	if len(b) > MaxRenderFileSize { // grew since Stat
		return nil, fmt.Errorf("payload file: %w", &fs.PathError{Op: "read", Path: path, Err: ErrFileTooBig})
	}
	return b, nil
}

// ErrFileTooBig is wrapped when Render is asked for a file larger than
// MaxRenderFileSize.
var ErrFileTooBig = errors.New("file too big to load at once (over 64 MiB)")

// ProgressReader counts the bytes read through it, so a GUI goroutine can
// show progress of a long send while another goroutine reads.
type ProgressReader struct {
	r io.Reader
	n atomic.Int64
}

// NewProgressReader wraps r; closing r stays the caller's job.
func NewProgressReader(r io.Reader) *ProgressReader { return &ProgressReader{r: r} }

func (p *ProgressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n.Add(int64(n))
	return n, err
}

// N is how many bytes have been read so far; safe to call from any goroutine.
func (p *ProgressReader) N() int64 { return p.n.Load() }

// suffixReader streams a body, then its checksum and line ending, summing
// the body as it passes so a big file is read only once.
type suffixReader struct {
	body   io.Reader
	closer io.Closer
	sum    checksumState
	le     LineEnding
	suffix []byte
	done   bool // body reached EOF; suffix holds what is left to send
}

func (s *suffixReader) Read(p []byte) (int, error) {
	if !s.done {
		n, err := s.body.Read(p)
		s.sum.write(p[:n])
		if err == io.EOF {
			s.done = true
			s.suffix = append(s.sum.appendSum(nil), s.le.Bytes()...)
			err = nil
		}
		if n > 0 || err != nil {
			return n, err
		}
	}
	if len(s.suffix) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.suffix)
	s.suffix = s.suffix[n:]
	return n, nil
}

func (s *suffixReader) Close() error { return s.closer.Close() }
