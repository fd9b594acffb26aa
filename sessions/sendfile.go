package sessions

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/netcore/payload"
)

// OutgoingFile is a file opened to be sent with a framing. It is sent the
// way that framing needs, the same from the CLI and the GUI:
//
//   - raw: its bytes, streamed in pieces (a big file never sits in memory);
//   - jsonhdr: a header naming the file, then exactly its size in bytes,
//     streamed;
//   - any other framing: the whole file as one message, so at most
//     payload.MaxRenderFileSize bytes, refused when opened rather than
//     half sent;
//   - on a datagram socket (udp, unixgram): the whole file as one
//     datagram, whatever the framing, so a file larger than one datagram
//     can carry is refused when opened (see OpenOutgoingFile).
type OutgoingFile struct {
	Path string
	Size int64

	r        io.ReadCloser
	spec     framing.Spec
	datagram bool
}

// fileChunk is the size of each write when a file is streamed.
const fileChunk = 256 << 10

// OpenOutgoingFile opens path for sending with spec to ep. A missing file,
// one too big to be a single message of spec, or, on a datagram endpoint,
// one larger than a datagram can carry, is an error here, before anything
// is sent.
func OpenOutgoingFile(path string, spec framing.Spec, ep netcore.Endpoint) (*OutgoingFile, error) {
	r, size, err := payload.OpenFile(path)
	if err != nil {
		return nil, err
	}
	return NewOutgoingFile(path, r, size, spec, ep)
}

// NewOutgoingFile is OpenOutgoingFile for a stream of size bytes already
// open, such as a payload's file with its checksum (payload.Payload.Open);
// path names it in a jsonhdr header and in errors. It takes r over and
// closes it when refusing.
func NewOutgoingFile(path string, r io.ReadCloser, size int64, spec framing.Spec, ep netcore.Endpoint) (*OutgoingFile, error) {
	if ep.Datagram() {
		framed := size
		if spec.Kind != framing.KindRaw {
			// What the framing adds: frame an empty payload.
			if hdr, err := spec.Encode(nil, nil); err == nil {
				framed += int64(len(hdr))
			}
		}
		if limit := ep.MaxDatagram(); limit > 0 && framed > int64(limit) {
			r.Close()
			return nil, tooBig(fmt.Sprintf("%s is %d bytes, more than the %d bytes one %s datagram can carry; a file goes as one datagram, so send a smaller one or use a stream (tcp, unix)",
				path, size, limit, ep.Scheme))
		}
		if size > payload.MaxRenderFileSize {
			r.Close()
			return nil, tooBig(fmt.Sprintf("%s is %d bytes, more than any datagram can carry", path, size))
		}
		return &OutgoingFile{Path: path, Size: size, r: r, spec: spec, datagram: true}, nil
	}
	if spec.Kind != framing.KindRaw && spec.Kind != framing.KindJSONHdr && size > payload.MaxRenderFileSize {
		r.Close()
		return nil, fmt.Errorf("%s is %d bytes, more than the %d MiB one %s message can carry here; send it raw or with jsonhdr: %w",
			path, size, payload.MaxRenderFileSize>>20, spec.Kind, payload.ErrFileTooBig)
	}
	return &OutgoingFile{Path: path, Size: size, r: r, spec: spec}, nil
}

// Close releases the file; Send does not.
func (f *OutgoingFile) Close() error { return f.r.Close() }

// FileSink is where an OutgoingFile goes; *Session is one.
type FileSink interface {
	SendRaw(id PeerID, data []byte, endsMessage bool) error
	SendFramed(id PeerID, data []byte, spec framing.Spec) error
}

// Send writes the file to peer id (or PeerAll), reporting the bytes of the
// file sent so far to progress (may be nil). A cancelled ctx stops a stream
// between pieces and returns nil. A jsonhdr file that shrank while being
// sent is an error, because the receiver would wait for the rest.
func (f *OutgoingFile) Send(ctx context.Context, to FileSink, id PeerID, progress func(sent int64)) error {
	report := func(n int64) {
		if progress != nil {
			progress(n)
		}
	}
	switch {
	case f.datagram:
		b, err := io.ReadAll(io.LimitReader(f.r, payload.MaxRenderFileSize+1))
		if err != nil {
			return fmt.Errorf("send %s: %w", f.Path, err)
		}
		if err := to.SendFramed(id, b, f.spec); err != nil {
			return err
		}
		report(int64(len(b)))
		return nil
	case f.spec.Kind == framing.KindRaw:
	case f.spec.Kind == framing.KindJSONHdr:
		h := framing.AppendJSONHdrHeader(nil, filepath.Base(f.Path), f.Size)
		if err := to.SendRaw(id, h, f.Size == 0); err != nil {
			return err
		}
	default:
		b, err := io.ReadAll(io.LimitReader(f.r, payload.MaxRenderFileSize+1))
		if err != nil {
			return fmt.Errorf("send %s: %w", f.Path, err)
		}
		if len(b) > payload.MaxRenderFileSize {
			return fmt.Errorf("send %s: the file grew past %d MiB while sending: %w", f.Path, payload.MaxRenderFileSize>>20, payload.ErrFileTooBig)
		}
		if err := to.SendFramed(id, b, f.spec); err != nil {
			return err
		}
		report(int64(len(b)))
		return nil
	}
	var sent int64
	if file, ok := f.r.(*os.File); ok {
		if s, ok := to.(*Session); ok {
			var err error
			if sent, err = s.sendFileDirect(ctx, id, file, f.Size, f.spec.Kind == framing.KindJSONHdr, progress); err != nil {
				return err
			}
		}
	}
	buf := make([]byte, fileChunk)
	for sent < f.Size {
		if ctx.Err() != nil {
			return nil
		}
		n, err := f.r.Read(buf[:min(int64(len(buf)), f.Size-sent)])
		if n > 0 {
			sent += int64(n)
			if serr := to.SendRaw(id, buf[:n], f.spec.Kind == framing.KindJSONHdr && sent == f.Size); serr != nil {
				return serr
			}
			report(sent)
		}
		if err == io.EOF {
			if sent < f.Size && f.spec.Kind == framing.KindJSONHdr {
				return fmt.Errorf("send %s: the file shrank to %d of its %d bytes while sending", f.Path, sent, f.Size)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("send %s: %w", f.Path, err)
		}
	}
	return nil
}

// tooBig is a sentence that matches payload.ErrFileTooBig without
// repeating its words (which are about loading, not about datagrams).
type tooBig string

func (e tooBig) Error() string        { return string(e) }
func (e tooBig) Is(target error) bool { return target == payload.ErrFileTooBig }
