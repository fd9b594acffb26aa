package sessions

import (
	"fmt"
	"time"
)

// EntryKind says what happened in one log entry.
type EntryKind uint8

// Entry kinds. Message is for decoded frames once a framing is chosen.
const (
	KindInfo EntryKind = iota
	KindListening
	KindAccepted
	KindConnected
	KindDataIn
	KindDataOut
	KindClosed
	KindError
	KindMessage
	// KindMessageOut is a message sent with a framing: the payload alone,
	// beside the data_out entry that holds the framed bytes on the wire.
	KindMessageOut
)

var kindNames = [...]string{"info", "listening", "accepted", "connected", "data_in", "data_out", "closed", "error", "message", "message_out"}

// String is the snake_case name used in JSON output and saved logs.
func (k EntryKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Data reports whether the kind carries payload bytes.
func (k EntryKind) Data() bool {
	return k == KindDataIn || k == KindDataOut || k == KindMessage || k == KindMessageOut
}

// Message reports whether the kind is a decoded or framed message.
func (k EntryKind) Message() bool { return k == KindMessage || k == KindMessageOut }

// PeerID names one peer of a session for its whole life; ids are never reused
// within a session so the log's lanes stay unambiguous across reconnects.
type PeerID uint64

// PeerAll addresses every current peer in Send; NoPeer marks session-wide
// entries (listening, accept errors).
const (
	PeerAll PeerID = 0
	NoPeer  PeerID = 0
)

// Message holds what a decoded frame has besides its data. Kept as a
// pointer in Entry so raw chunks pay nothing for it.
type Message struct {
	Header []byte // the JSON header of a jsonhdr frame, else nil
	// Saved is the file Config.SaveDir received the body as, or SaveErr
	// why it could not; both empty when nothing was to be saved.
	Saved, SaveErr string
}

// Entry is one event in a session's log.
type Entry struct {
	Seq    uint64    // increases by one per entry, never reused
	Micros int64     // Unix time in microseconds
	Kind   EntryKind //
	Peer   PeerID    // NoPeer for session-wide entries
	Addr   string    // the peer's address as text
	Data   []byte    // the chunk exactly as read/write returned it
	Text   string    // reason or error in words
	Msg    *Message  // non-nil for KindMessage

	// Local is our end of the peer's connection (the shared socket's
	// address for a datagram peer), on every entry of a peer, so that a
	// recording can show both ends of whichever entry it meets first.
	Local string

	// Note says what a non-data entry is about, for front ends that react
	// to it (the printer, the window) by field rather than by its words.
	Note Note
	// Err is the error behind a KindError or KindClosed entry (nil for a
	// clean close), matchable with errors.Is.
	Err error
	// Count and Bytes quantify a note: entries and bytes dropped from the
	// view, peers forgotten, bytes of stdin not sent to a stalled peer.
	Count, Bytes uint64
}

// Note classifies entries that front ends act on.
type Note uint8

// Notes.
const (
	NoteNone Note = iota
	// NoteFramingError: a frame was dropped or cut short; the decoder goes
	// on (KindError).
	NoteFramingError
	// NoteDecoderStuck: the decoder cannot find the next frame and stopped
	// for this peer (KindError, once). Data holds the bytes it had not
	// turned into messages; every later chunk of the peer comes as
	// KindDataIn with NoteUndecoded.
	// Text says what failed and, where known, how to avoid it.
	NoteDecoderStuck
	// NoteUndecoded marks a chunk that is no message: received after its
	// peer's decoder got stuck (KindDataIn), or sent raw past a framing
	// (KindDataOut). Show it as it is.
	NoteUndecoded
	// NoteViewDropped: Count entries holding Bytes bytes left the view
	// (the first row of a view that dropped; KindInfo).
	NoteViewDropped
	// NotePeersForgotten: Count quiet datagram peers were forgotten (KindInfo).
	NotePeersForgotten
	// NoteOutputStopped: an output (stdout, a recording) failed and gets
	// nothing more (KindError).
	NoteOutputStopped
	// NotePeerFinished: the peer half-closed (FIN) and the connection stays
	// open for sending (KindInfo).
	NotePeerFinished
	// NoteStalled: a peer stopped reading what is sent to all peers; Bytes
	// counts what it was not sent (KindError), or, with Count 0 after it
	// read again, the total it missed (KindInfo).
	NoteStalled
	// NoteTruncated: a datagram was longer than the read buffer and was
	// cut to the bytes shown (KindError, after the data entry).
	NoteTruncated
	// NoteHalfClosed: we half-closed a stream peer (sent FIN) and still
	// read from it (KindInfo).
	NoteHalfClosed
	// NoteRemark: a front end's line in the log (Session.Note), about
	// what it did with the session rather than its sockets (KindInfo, or
	// KindError to show it red).
	NoteRemark
	numNotes
)

var noteNames = [numNotes]string{"", "framing_error", "decoder_stuck", "undecoded", "view_dropped",
	"peers_forgotten", "output_stopped", "peer_finished", "stalled", "truncated", "half_closed", "remark"}

// String is the snake_case name used in JSON ("" for NoteNone).
func (n Note) String() string {
	if n < numNotes {
		return noteNames[n]
	}
	return "unknown"
}

// Time returns the entry's timestamp.
func (e Entry) Time() time.Time { return time.UnixMicro(e.Micros) }

// Plural is "1 byte", "2 bytes": counts in log lines read as words.
func Plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
