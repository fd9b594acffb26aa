package cli

// What connect sends instead of stdin: the --send payloads, each --repeat
// times, then the --send-file.

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/sessions"
)

// sendPlan is everything connect sends on its own.
type sendPlan struct {
	payloads []*payload.Payload
	repeat   int           // sends of each payload
	gap      time.Duration // between two writes; 0 writes them back to back
	file     *sendingFile
}

func (s sendPlan) active() bool { return len(s.payloads) > 0 || s.file != nil }

// run sends the plan. Each payload is rendered per send (macros change) and
// written as its own write: with --gap 0 the writes follow each other with
// nothing in between, so a raw receiver sees them merge ("sticky packets")
// while a framing gives them back whole.
func (s sendPlan) run(ctx context.Context, sess *sessions.Session) error {
	var counter payload.Counter
	first := true
	for _, pl := range s.payloads {
		for range s.repeat {
			if !first && s.gap > 0 {
				t := time.NewTimer(s.gap)
				select {
				case <-t.C:
				case <-ctx.Done():
					t.Stop()
					return nil
				}
			}
			first = false
			b, err := pl.Render(&counter, time.Now())
			if err == nil {
				err = sess.Send(sessions.PeerAll, b)
			}
			if err != nil {
				return err
			}
		}
	}
	if s.file != nil {
		return s.file.send(ctx, sess)
	}
	return nil
}

// sendingFile is a --send-file opened before connecting, so a missing file
// is a usage error and not a connection that sends nothing.
type sendingFile struct {
	path  string
	r     io.ReadCloser
	size  int64
	whole *payload.Payload // framings other than raw and jsonhdr: the file is one message
	hdr   bool             // jsonhdr: a header naming the file, then its bytes
}

func openSendFile(path string, sc sendConfig) (*sendingFile, error) {
	r, size, err := payload.OpenFile(path)
	if err != nil {
		return nil, err
	}
	f := &sendingFile{path: path, r: r, size: size, hdr: sc.framing.Kind == framing.KindJSONHdr}
	if sc.framed() && !f.hdr {
		if size > payload.MaxRenderFileSize {
			r.Close()
			return nil, fmt.Errorf("%s: %w; send it with --framing raw or jsonhdr", path, payload.ErrFileTooBig)
		}
		if f.whole, err = payload.Compile(payload.Spec{Mode: payload.File, Source: path}); err != nil {
			r.Close()
			return nil, err
		}
	}
	return f, nil
}

func (f *sendingFile) Close() error { return f.r.Close() }

// send writes the file. With jsonhdr and raw it is streamed in pieces
// through SendRaw, so a big file never sits in memory; exactly size bytes
// follow a jsonhdr header, and a file that shrank meanwhile is an error
// because the receiver would wait for the rest.
func (f *sendingFile) send(ctx context.Context, sess *sessions.Session) error {
	if f.whole != nil {
		b, err := f.whole.Render(nil, time.Now())
		if err != nil {
			return err
		}
		return sess.Send(sessions.PeerAll, b)
	}
	if f.hdr {
		h := framing.AppendJSONHdrHeader(nil, filepath.Base(f.path), f.size)
		if err := sess.SendRaw(sessions.PeerAll, h, f.size == 0); err != nil {
			return err
		}
	}
	buf := make([]byte, 64<<10)
	var sent int64
	for sent < f.size {
		if ctx.Err() != nil {
			return nil
		}
		n, err := f.r.Read(buf[:min(int64(len(buf)), f.size-sent)])
		if n > 0 {
			sent += int64(n)
			if serr := sess.SendRaw(sessions.PeerAll, buf[:n], f.hdr && sent == f.size); serr != nil {
				return serr
			}
		}
		if err == io.EOF {
			if sent < f.size && f.hdr {
				return fmt.Errorf("send %s: the file shrank to %d of its %d bytes while sending", f.path, sent, f.size)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("send %s: %w", f.path, err)
		}
	}
	return nil
}
