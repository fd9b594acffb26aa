package gui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/sockplay/sockplay/netcore/pcap"
)

// captureStore reads each capture file once and shares it among the tabs
// that show it: its conversations tab, the conversations opened from it,
// the replays of them. A file changed on disk since it was read (same
// path, new size or time) is read again. Files no tab uses are let go
// (prune), so a closed capture's bytes do not stay in memory.
type captureStore struct {
	mu    sync.Mutex
	files map[string]*storedCapture // by absolute path
}

// storedCapture is one read of a file: in flight until done closes.
type storedCapture struct {
	done    chan struct{}
	size    int64
	modTime time.Time
	capture *pcap.Capture // nil when nothing could be read
	err     error         // with a partial capture: where the file went wrong
}

func captureKey(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return filepath.Clean(path)
}

// get returns the capture at path, reading it if no read of it (as it is
// now on disk) is kept or in flight. It blocks: call it off the UI
// goroutine. A file that went wrong part way comes with what was read
// before the problem and the error saying where (pcap.FormatError).
func (s *captureStore) get(ctx context.Context, path string) (*pcap.Capture, error) {
	key := captureKey(path)
	st, statErr := os.Stat(path)
	s.mu.Lock()
	if s.files == nil {
		s.files = map[string]*storedCapture{}
	}
	sc := s.files[key]
	if sc != nil && statErr == nil {
		select {
		case <-sc.done:
			if sc.size != st.Size() || !sc.modTime.Equal(st.ModTime()) {
				sc = nil // changed on disk: read it again
			}
		default: // in flight: share it
		}
	}
	if sc == nil {
		sc = &storedCapture{done: make(chan struct{})}
		if statErr == nil {
			sc.size, sc.modTime = st.Size(), st.ModTime()
		}
		s.files[key] = sc
		s.mu.Unlock()
		// The read is not cut short by this caller's ctx: others may be
		// waiting for it. A read that cannot even start is not kept.
		sc.capture, sc.err = pcap.OpenContext(context.Background(), path, pcap.Options{})
		if sc.capture == nil {
			s.mu.Lock()
			if s.files[key] == sc {
				delete(s.files, key)
			}
			s.mu.Unlock()
		}
		close(sc.done)
	} else {
		s.mu.Unlock()
	}
	select {
	case <-sc.done:
		return sc.capture, sc.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// conversation finds ref's conversation, reading its file if need be. A
// file damaged after the conversation is no error for it; a conversation
// the file does not hold (or no longer holds) is.
func (s *captureStore) conversation(ctx context.Context, ref CaptureRef) (*pcap.Conversation, error) {
	proto, id, err := pcap.ParseStream(ref.Stream)
	if err != nil {
		return nil, err
	}
	c, readErr := s.get(ctx, ref.File)
	if c == nil {
		return nil, readErr
	}
	conv, err := c.Find(proto, id)
	if err != nil {
		if readErr != nil {
			return nil, fmt.Errorf("%w; reading stopped early: %v", err, readErr)
		}
		return nil, err
	}
	return conv, nil
}

// prune lets go of every file not in use.
func (s *captureStore) prune(inUse []string) {
	keep := make(map[string]bool, len(inUse))
	for _, p := range inUse {
		keep[captureKey(p)] = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, sc := range s.files {
		select {
		case <-sc.done:
			if !keep[k] {
				delete(s.files, k)
			}
		default: // still being read for someone
		}
	}
}

// loaded is ref's conversation if its file has been read, without reading
// or waiting: what a dialog on the UI goroutine may use for its defaults.
func (s *captureStore) loaded(ref CaptureRef) *pcap.Conversation {
	proto, id, err := pcap.ParseStream(ref.Stream)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	sc := s.files[captureKey(ref.File)]
	s.mu.Unlock()
	if sc == nil {
		return nil
	}
	select {
	case <-sc.done:
	default:
		return nil
	}
	if sc.capture == nil {
		return nil
	}
	c, err := sc.capture.Find(proto, id)
	if err != nil {
		return nil
	}
	return c
}
