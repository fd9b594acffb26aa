package sessions

// Recording a session to a pcapng file. The recorder is an Output: it is
// handed every entry in order on its own goroutine, outside the log's
// lock, whatever the view has dropped, and when the disk is slower than
// the peers, the peers wait (the backpressure every output gives). It
// turns entries into packets with netcore/pcap: a connection's accept or
// connect into a TCP handshake, its chunks into segments, its end into
// FINs or a RST; datagrams into UDP; unix sockets into TCP or UDP between
// made-up loopback addresses (see pcap.UnixSocketAddr).
//
// Stopping and starting again makes a new file: each Record is a whole
// capture that opens on its own, and a connection already open when it
// starts gets a handshake made up at its first packet in the file, which
// says so. NextRecordingPath proposes a name that does not overwrite the
// last one.

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/pcap"
)

// ErrAlreadyRecording: a recording to that file is already running.
var ErrAlreadyRecording = errors.New("already recording to this file")

// Recording is one running (or ended) recording of a session to a file.
// Its methods are safe from any goroutine: the window shows Path and Size
// while the recorder writes.
type Recording struct {
	path string
	key  string // the absolute path, in the running set
	w    *pcap.Writer
	h    *OutputHandle
	s    *Session

	done chan struct{} // closed when the file is closed
	err  error         // the first error, set before done closes

	stopOnce sync.Once
}

// recordingFiles are the files being recorded to now, so that two
// recordings never write one file.
var recordingFiles = struct {
	sync.Mutex
	m map[string]bool
}{m: map[string]bool{}}

// Record starts recording the session's traffic to a new pcapng file at
// path (an existing file is replaced), from now on: attach it before
// Start to have the session from its first packet. When the file cannot
// be made, or a write fails later (a full disk), the log says so in one
// sentence (KindError, NoteOutputStopped, which the command line prints),
// recording stops and the session goes on. Stop ends it; so does the
// session's Close, after writing everything the session logged.
func (s *Session) Record(path string) (*Recording, error) {
	key, err := filepath.Abs(path)
	if err != nil {
		key = filepath.Clean(path)
	}
	name := "recording to " + path
	fail := func(err error) (*Recording, error) {
		s.emit(Entry{Kind: KindError, Note: NoteOutputStopped, Err: err,
			Text: fmt.Sprintf("%s: %v; nothing is recorded", name, err)})
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	recordingFiles.Lock()
	if recordingFiles.m[key] {
		recordingFiles.Unlock()
		return fail(ErrAlreadyRecording)
	}
	recordingFiles.m[key] = true
	recordingFiles.Unlock()

	comment := "Recorded by sockplay. " + recordingHow
	if s.cfg.Endpoint.TLS() {
		comment += " " + recordingTLS
	}
	w, err := pcap.Create(path, pcap.WriterOptions{Comment: comment})
	if err != nil {
		forgetRecordingFile(key)
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fail(err)
	}
	r := &Recording{path: path, key: key, w: w, s: s, done: make(chan struct{})}
	rec := newRecorder(s, w)
	r.h = s.AddOutput(rec, OutputOptions{Name: name, Wants: rec.wants})
	go r.finish()
	s.mu.Lock()
	closed = s.closed
	s.mu.Unlock()
	if closed { // Close ran meanwhile and may not have seen this output
		r.h.Close()
	}
	s.emit(Entry{Kind: KindInfo, Text: name})
	return r, nil
}

// recordingHow is what every recording says about itself, in the file.
const recordingHow = "Packets are made from what the session's sockets read and wrote: the bytes, their chunks, order and times are real; " +
	"TCP handshakes, sequence and acknowledgement numbers, and checksums are synthesized from them."

// recordingRelay is what a relay's recording says about what it holds.
const recordingRelay = "The file holds each client's side of the relay as one conversation between the client and the relay's listening address: " +
	"what the client sent, and what the target sent back as the relay passed it on; the connections to the target are not in it."

// recordingTLS is what a tls:// session's recording says: its TCP carries
// what TLS decrypted, not what crossed the wire.
const recordingTLS = "This is a TLS session: its TCP payload is the decrypted application data; the TLS handshake and records are not in this file (use --tls-keylog with a separate capture to see them)."

// finish closes the file once the output has ended (stopped, failed, or
// the session closed) and frees its name.
func (r *Recording) finish() {
	<-r.h.Done()
	err := r.h.Err()
	if cerr := r.w.Close(); err == nil && cerr != nil { // the output's own errors were logged by it
		err = fmt.Errorf("recording to %s: %w", r.path, describeWriteErr(r.w, cerr))
		r.s.emit(Entry{Kind: KindError, Note: NoteOutputStopped, Err: err, Text: err.Error()})
	}
	r.err = err
	forgetRecordingFile(r.key)
	close(r.done)
}

func forgetRecordingFile(key string) {
	recordingFiles.Lock()
	delete(recordingFiles.m, key)
	recordingFiles.Unlock()
}

// Stop ends the recording: everything the session logged until now is
// written, the file is closed, and the log says where it went. It returns
// the recording's first error (also after a failure that stopped it).
func (r *Recording) Stop() error {
	r.stopOnce.Do(func() {
		r.h.Close()
		<-r.done
		if r.err == nil {
			r.s.emit(Entry{Kind: KindInfo, Text: fmt.Sprintf("recording stopped: %s, %d packets, %d bytes", r.path, r.w.Packets(), r.w.Size())})
		}
	})
	<-r.done
	return r.err
}

// Path is the file being recorded to.
func (r *Recording) Path() string { return r.path }

// Size is how many bytes the file has so far; it grows while recording.
func (r *Recording) Size() int64 { return r.w.Size() }

// Packets is how many packets were recorded so far.
func (r *Recording) Packets() uint64 { return r.w.Packets() }

// Done is closed once the recording has ended and its file is closed:
// stopped, failed, or its session closed.
func (r *Recording) Done() <-chan struct{} { return r.done }

// Err is why the recording stopped on its own (a full disk), once Done is
// closed; nil while it runs and after a clean stop.
func (r *Recording) Err() error {
	select {
	case <-r.done:
		return r.err
	default:
		return nil
	}
}

// NextRecordingPath is path if no file has that name, else the first of
// "NAME-2.EXT", "NAME-3.EXT", ... that is free: what the window proposes
// when a recording is started again (Record replaces the file it is given).
func NextRecordingPath(path string) string {
	if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
		return path
	}
	ext := filepath.Ext(path)
	base := strings.TrimSuffix(path, ext)
	for i := 2; ; i++ {
		p := base + "-" + strconv.Itoa(i) + ext
		if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
			return p
		}
	}
}

// RecordPathError says why a file cannot be recorded to; it matches the
// cause.
type RecordPathError struct {
	Path, Problem string
	Err           error
}

func (e *RecordPathError) Error() string { return "recording file " + e.Path + " " + e.Problem }
func (e *RecordPathError) Unwrap() error { return e.Err }

// CheckRecordPath reports, in one sentence, whether path can be recorded
// to: its folder must exist and take new files (tried by making one), and
// it must not be a folder. Spec.Config checks it; the file itself is made
// (or replaced) only when recording starts.
func CheckRecordPath(path string) error {
	if strings.TrimSpace(path) == "" {
		return &RecordPathError{path, "is empty; give a file name such as session.pcapng", os.ErrInvalid}
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return &RecordPathError{path, "is a folder; give a file name in it", syscall.EISDIR}
	}
	dir := filepath.Dir(path)
	if err := CheckSaveDir(dir); err != nil {
		var sd *SaveDirError
		if errors.As(err, &sd) {
			return &RecordPathError{path, "cannot be made: its folder " + sd.Dir + " " + sd.Problem, sd.Err}
		}
		return &RecordPathError{path, "cannot be made: " + err.Error(), err}
	}
	return nil
}

// describeWriteErr says what a failed write of the capture means for the
// file, keeping the cause for errors.Is.
func describeWriteErr(w *pcap.Writer, err error) error {
	kept := fmt.Sprintf("the file keeps the %d bytes written before", w.Size())
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return fmt.Errorf("the disk is full, recording stopped and %s (%w)", kept, err)
	case errors.Is(err, syscall.EDQUOT):
		return fmt.Errorf("the disk quota is used up, recording stopped and %s (%w)", kept, err)
	}
	return fmt.Errorf("recording stopped and %s (%w)", kept, err)
}

// recorder turns a session's entries into packets; it runs on its
// output's goroutine only.
type recorder struct {
	s         *Session
	w         *pcap.Writer
	ep        netcore.Endpoint
	server    bool
	described bool
	listening string // the listener's address, once seen
	conns     map[PeerID]*recConn
	ended     map[PeerID]bool // peers whose end is in the file (recent ones)
	firstNew  PeerID          // the first peer made after the recording began
	madeUp    uint16          // made-up local ports of refused connects so far
}

// recConn is one peer in the file: a TCP connection or a UDP flow.
type recConn struct {
	tcp     *pcap.TCPConn
	udp     *pcap.UDPFlow
	comment string // for the first datagram of a flow
}

func newRecorder(s *Session, w *pcap.Writer) *recorder {
	return &recorder{s: s, w: w, ep: s.cfg.Endpoint, server: s.cfg.Role != Client, conns: map[PeerID]*recConn{},
		ended: map[PeerID]bool{}, firstNew: PeerID(s.nextID.Load() + 1)}
}

// wants picks the entries that make packets: no messages (the bytes on
// the wire are the data entries), no view notes.
func (r *recorder) wants(e *Entry) bool {
	switch e.Kind {
	case KindDataIn, KindDataOut, KindAccepted, KindConnected, KindClosed, KindListening:
		return true
	case KindInfo:
		return e.Note == NotePeerFinished || e.Note == NoteHalfClosed
	case KindError:
		return e.Err != nil && netcore.IsRefused(e.Err)
	}
	return false
}

// WriteEntry writes the packets of one entry (Output).
func (r *recorder) WriteEntry(e Entry) error {
	if !r.described {
		r.describe(e)
	}
	if err := r.write(e); err != nil {
		if r.w.Err() != nil { // the file failed: say what that leaves
			return describeWriteErr(r.w, err)
		}
		return err
	}
	return nil
}

// Flush hands what is buffered to the file (Output).
func (r *recorder) Flush() error {
	if !r.described {
		r.describe(Entry{})
	}
	if err := r.w.Flush(); err != nil {
		return describeWriteErr(r.w, err)
	}
	return nil
}

func (r *recorder) write(e Entry) error {
	t := e.Time()
	switch e.Kind {
	case KindListening:
		r.listening = e.Addr
		return nil
	case KindAccepted, KindConnected:
		if r.conns[e.Peer] != nil || r.ended[e.Peer] {
			return nil // seen first through an earlier entry
		}
		_, err := r.open(e, r.eventComment(e))
		return err
	case KindDataIn, KindDataOut:
		c, err := r.conn(e)
		if c == nil || err != nil {
			return err
		}
		out := e.Kind == KindDataOut
		if c.tcp != nil {
			return c.tcp.Data(t, out, e.Data, "")
		}
		comment := c.comment
		c.comment = ""
		return c.udp.Data(t, out, e.Data, comment)
	case KindInfo:
		c, err := r.conn(e)
		if c == nil || c.tcp == nil || err != nil {
			return err
		}
		return c.tcp.Fin(t, e.Note == NoteHalfClosed, r.eventComment(e))
	case KindClosed:
		return r.closed(e)
	case KindError:
		return r.refused(e)
	}
	return nil
}

// eventComment is what the log said, as the command line words it.
func (r *recorder) eventComment(e Entry) string {
	who := fmt.Sprintf("%s (peer %d)", e.Addr, e.Peer)
	var s string
	switch e.Kind {
	case KindAccepted:
		s = "accepted " + who
	case KindConnected:
		s = "connected to " + who
	case KindClosed:
		s = "closed " + who
	default:
		s = who
	}
	if e.Text != "" {
		s += ": " + e.Text
	}
	if r.ep.IsUnix() {
		s += fmt.Sprintf(" [unix socket %s; this peer is shown as %s]", r.ep.Path, pcap.UnixPeerAddr(uint64(e.Peer)))
	}
	return s
}

// open starts the peer's connection (a handshake) or flow in the file.
func (r *recorder) open(e Entry, comment string) (*recConn, error) {
	local, remote, err := r.ends(e)
	if err != nil {
		return nil, nil // an address the file cannot show (none known): its packets are left out
	}
	c := &recConn{}
	if r.ep.Stream() {
		c.tcp, err = r.w.OpenTCP(e.Time(), local, remote, !r.server, comment)
	} else {
		c.udp, err = r.w.UDP(local, remote)
		c.comment = comment
	}
	if c.tcp == nil && c.udp == nil {
		return nil, nil
	}
	r.conns[e.Peer] = c
	return c, err
}

// conn is the peer's connection or flow, opened now for a peer first met
// through a later entry: one that was there before the recording began
// (its handshake is made up, and says so), or one whose first send (from
// another goroutine) was logged before its accept. Nothing is opened for
// an entry logged after the peer's end (a half-close racing the peer's
// close): its connection is over in the file.
func (r *recorder) conn(e Entry) (*recConn, error) {
	if e.Peer == NoPeer || r.ended[e.Peer] {
		return nil, nil
	}
	if c := r.conns[e.Peer]; c != nil {
		return c, nil
	}
	if e.Peer >= r.firstNew {
		k := KindAccepted
		if !r.server {
			k = KindConnected
		}
		return r.open(e, r.eventComment(Entry{Kind: k, Peer: e.Peer, Addr: e.Addr}))
	}
	what := "already connected when the recording began; this handshake stands for its start"
	if !r.ep.Stream() {
		what = "already a peer when the recording began"
	}
	return r.open(e, fmt.Sprintf("%s (peer %d): %s", e.Addr, e.Peer, what))
}

// end notes that a peer's end is in the file; the set keeps the recent
// ones only (late entries come right after the end), so it stays small.
func (r *recorder) end(id PeerID) {
	delete(r.conns, id)
	r.ended[id] = true
	if len(r.ended) > 4096 {
		for k := range r.ended {
			if k+2048 < id {
				delete(r.ended, k)
			}
		}
	}
}

// closed ends a connection as it really ended: our RST, the peer's RST,
// the peer's FIN (and ours after it), or our FIN.
func (r *recorder) closed(e Entry) error {
	c := r.conns[e.Peer]
	if c == nil && r.ep.Stream() {
		var err error
		if c, err = r.conn(e); c == nil || err != nil {
			return err
		}
	}
	r.end(e.Peer)
	if c == nil || c.tcp == nil {
		return nil // a datagram peer ends without a packet
	}
	t, comment := e.Time(), r.eventComment(e)
	switch {
	case e.Text == reasonResetByYou || e.Text == reasonTargetReset:
		return c.tcp.Reset(t, true, comment)
	case e.Err != nil && netcore.IsReset(e.Err):
		return c.tcp.Reset(t, false, comment)
	case e.Err == nil && e.Text != reasonClosedByYou: // the peer's FIN (EOF) ended it
		if !c.tcp.Finished(false) {
			if err := c.tcp.Fin(t, false, comment); err != nil {
				return err
			}
			comment = ""
		}
	}
	return c.tcp.Fin(t, true, comment) // we closed our end (nothing, if we had half-closed)
}

// refused writes a refusal: a datagram peer's ICMP port unreachable, or a
// connect answered by RST.
func (r *recorder) refused(e Entry) error {
	if e.Peer != NoPeer {
		if c := r.conns[e.Peer]; c != nil && c.udp != nil {
			return c.udp.Unreachable(e.Time(), r.eventComment(e))
		}
		return nil
	}
	if !r.ep.Stream() || r.server {
		return nil
	}
	var remote, local netip.AddrPort
	if r.ep.IsUnix() {
		remote, local = pcap.UnixSocketAddr, pcap.UnixPeerAddr(uint64(r.s.PeersSeen())+1)
	} else {
		var oe *net.OpError
		if !errors.As(e.Err, &oe) || oe.Addr == nil {
			return nil
		}
		var err error
		if remote, err = netip.ParseAddrPort(oe.Addr.String()); err != nil {
			return nil
		}
		local = netip.AddrPortFrom(sourceFor(remote.Addr()), 32768+r.madeUp%28232)
		r.madeUp++
	}
	return r.w.RefusedTCP(e.Time(), local, remote, e.Text+" (the kernel does not say which local port a refused connect had: this one is made up)")
}

// sourceFor is the address this host sends from to reach dst: the
// loopback for a loopback dst, else what routing picks (a connected UDP
// socket sends nothing); unknown is left to the writer.
func sourceFor(dst netip.Addr) netip.Addr {
	if dst.IsLoopback() {
		return dst
	}
	c, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(netip.AddrPortFrom(dst, 9)))
	if err != nil {
		return netip.Addr{}
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).AddrPort().Addr()
}

// ends are the peer's two ends as the file shows them: its real
// addresses, or for a unix socket the made-up ones.
func (r *recorder) ends(e Entry) (local, remote netip.AddrPort, err error) {
	if r.ep.IsUnix() {
		sock, peer := pcap.UnixSocketAddr, pcap.UnixPeerAddr(uint64(e.Peer))
		if r.server {
			return sock, peer, nil
		}
		return peer, sock, nil
	}
	if remote, err = netip.ParseAddrPort(e.Addr); err != nil {
		return local, remote, err
	}
	for _, l := range []string{e.Local, r.listening} {
		if local, err = netip.ParseAddrPort(l); err == nil {
			return local, remote, nil
		}
	}
	if a := r.s.Addr(); a != nil {
		if local, err = netip.ParseAddrPort(a.String()); err == nil {
			return local, remote, nil
		}
	}
	return netip.AddrPortFrom(netip.Addr{}, 0), remote, nil // the writer shows an unknown end
}

// describe names the file's interface after the session, once, with the
// address it really has (a port the kernel chose) when known.
func (r *recorder) describe(e Entry) {
	r.described = true
	addr := r.ep.ShortAddr()
	if r.server && !r.ep.IsUnix() {
		switch {
		case e.Kind == KindListening:
			addr = e.Addr
		case r.s.Addr() != nil:
			addr = r.s.Addr().String()
		}
	}
	name := r.ep.KindName(r.server) + " " + addr
	desc := fmt.Sprintf("sockplay session %s (%s).", name, r.ep)
	if r.s.cfg.Role == Relay {
		name = strings.TrimSuffix(r.ep.KindName(true), " server") + " relay " + addr + " to " + r.s.cfg.Target.ShortAddr()
		desc = fmt.Sprintf("sockplay relay session %s (%s to %s). %s", name, r.ep, r.s.cfg.Target, recordingRelay)
	}
	if r.ep.IsUnix() {
		proto := "TCP"
		if r.ep.Datagram() {
			proto = "UDP"
		}
		desc += fmt.Sprintf(" A unix socket, shown as %s over IPv4: the socket %s is %s, and its peer N is %s for N=1, counting up by port (%s for N=2, ...), each peer its own conversation.",
			proto, r.ep.Path, pcap.UnixSocketAddr, pcap.UnixPeerAddr(1), pcap.UnixPeerAddr(2))
	}
	if r.ep.TLS() {
		desc += " " + recordingTLS
	}
	r.w.Describe(name, desc+" "+recordingHow)
}
