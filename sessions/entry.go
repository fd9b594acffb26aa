package sessions

import "time"

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
)

var kindNames = [...]string{"info", "listening", "accepted", "connected", "data_in", "data_out", "closed", "error", "message"}

// String is the snake_case name used in JSON output and saved logs.
func (k EntryKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Data reports whether the kind carries payload bytes.
func (k EntryKind) Data() bool { return k == KindDataIn || k == KindDataOut || k == KindMessage }

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
}

// Time returns the entry's timestamp.
func (e Entry) Time() time.Time { return time.UnixMicro(e.Micros) }

// Recorder receives every entry as it is logged, including every byte sent or
// received, whatever the bounded view keeps (pcap and raw files hook in here).
// It is called on socket goroutines, possibly concurrently; e.Data is only
// valid during the call.
type Recorder interface {
	Record(e Entry)
}
