package sessions

import (
	"context"
	"io"
	"net"
	"os"
	"sync/atomic"
)

// A file sent where nobody looks at its bytes (the command line's --quiet
// log, no output that wants them) is mapped into memory and written to the
// socket from the mapping, so its bytes are copied once, by the kernel,
// instead of read into a buffer and copied again. sendfile(2) was measured
// too and lost over loopback: it moves the copy to the receiver, which then
// reads the page cache cold (1 GiB: the receiver's CPU went from 0.2 to
// 0.5 s, socat's and ours alike). The mapping keeps the copy on the sender,
// where it leaves the bytes warm in the cache for the receiver.

const (
	// directWindow is how much of the file is mapped at a time.
	directWindow = 16 << 20
	// directPiece is one write: big, so system calls are rare, small
	// enough that progress, cancelling and a slow output are seen many
	// times a second.
	directPiece = 1 << 20
)

// directPieces counts pieces written from a mapping, for tests.
var directPieces atomic.Int64

// canSendDirect says whether a file's bytes for p may skip our buffers:
// p is a plain TCP or unix stream (TLS must encrypt them in memory we
// touch, which a file shrinking under the mapping would fault), the log
// keeps sizes only (the command line's), and no output wants p's outgoing
// data (--hex, --json, a recording). The kernel then is the only reader of
// the mapping, and a file that shrinks makes the write fail instead of
// faulting.
func (s *Session) canSendDirect(p *peer) bool {
	if !p.stream || !s.log.sizesOnly.Load() {
		return false
	}
	switch p.conn.(type) {
	case *net.TCPConn, *net.UnixConn:
	default:
		return false
	}
	return !s.outputWants(Entry{Kind: KindDataOut, Peer: p.id, Addr: p.addr, Local: p.local, Data: []byte{}})
}

// sendFileDirect sends up to size bytes of f, from its position, to peer
// id (or to PeerAll's only peer) from a mapping of the file, for as long as
// canSendDirect allows, and returns what it sent: 0 when it may not start
// (or the file cannot be mapped, as on Windows), less than size when an
// output that wants the bytes was added meanwhile or ctx was cancelled.
// f's position is then just past what was sent, so the caller sends the
// rest, if any, the ordinary way. Each write is logged as its size and
// counted like write's; endsMessage counts one message out with the last
// byte of size.
func (s *Session) sendFileDirect(ctx context.Context, id PeerID, f *os.File, size int64, endsMessage bool, report func(sent int64)) (int64, error) {
	p, ok := s.directPeer(id)
	if !ok || size <= 0 || !s.canSendDirect(p) {
		return 0, nil
	}
	start, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, nil
	}
	var sent int64
	defer func() { f.Seek(start+sent, io.SeekStart) }()
	for sent < size && ctx.Err() == nil && s.canSendDirect(p) {
		m, err := mapFile(f, start+sent, min(directWindow, size-sent))
		if err != nil {
			break // the ordinary way sends the rest, and says what is wrong
		}
		n, werr := s.writeMapped(ctx, p, m.bytes, endsMessage && sent+int64(len(m.bytes)) == size, func(k int64) {
			if report != nil {
				report(sent + k)
			}
		})
		m.unmap()
		sent += n
		if werr != nil {
			return sent, werr
		}
		if n < int64(len(m.bytes)) {
			break // cancelled
		}
	}
	return sent, nil
}

// writeMapped writes b to p in pieces, logging and counting each.
func (s *Session) writeMapped(ctx context.Context, p *peer, b []byte, endsMessage bool, report func(int64)) (int64, error) {
	var sent int64
	for sent < int64(len(b)) && ctx.Err() == nil {
		s.waitOutputs()
		piece := b[sent:min(sent+directPiece, int64(len(b)))]
		n, err := p.conn.Write(piece)
		sent += int64(n)
		if n > 0 {
			directPieces.Add(1)
			// Logged after the write, as its size: nobody sees it before,
			// and the size is then what the kernel took.
			s.emit(Entry{Kind: KindDataOut, Peer: p.id, Addr: p.addr, Local: p.local, Data: []byte{}, Bytes: uint64(n)})
		}
		if endsMessage && sent == int64(len(b)) {
			p.c.msgsOut.Add(1)
			s.c.msgsOut.Add(1)
		}
		if err != nil {
			want := int64(len(piece))
			if werr := mappedWriteErr(err); werr != err {
				err, want = werr, int64(n) // the file's end, not the piece, is the news
			}
			return sent, s.wrote(p, int64(n), want, err)
		}
		s.wrote(p, int64(n), int64(len(piece)), nil)
		report(sent)
	}
	return sent, nil
}

// directPeer is the one peer a direct send goes to: id's, or with PeerAll
// the only current peer (a file read once cannot go to several).
func (s *Session) directPeer(id PeerID) (*peer, bool) {
	if id != PeerAll {
		p, err := s.peer(id)
		return p, err == nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || len(s.peers) != 1 {
		return nil, false
	}
	for _, p := range s.peers {
		return p, true
	}
	return nil, false
}
