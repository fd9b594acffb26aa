package sessions

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// entryJSON is the one JSON form of an Entry: a line of `sockplay serve
// --json` and of the GUI's .jsonl export.
type entryJSON struct {
	Seq  uint64 `json:"seq"`
	Time string `json:"time"`
	Kind string `json:"kind"`
	Peer uint64 `json:"peer,omitempty"`
	Addr string `json:"addr,omitempty"`
	Len  *int   `json:"len,omitempty"`
	Data string `json:"data,omitempty"` // the bytes when they are UTF-8
	Hex  string `json:"hex,omitempty"`  // the bytes otherwise
	Text string `json:"text,omitempty"` // reason or error in words
	Note string `json:"note,omitempty"` // what the entry is about (decoder_stuck, view_dropped, ...)
	// Count and Bytes quantify a note (entries or peers, and bytes).
	Count uint64 `json:"count,omitempty"`
	Bytes uint64 `json:"bytes,omitempty"`

	Header    json.RawMessage `json:"header,omitempty"`     // a jsonhdr message's JSON header
	Saved     string          `json:"saved,omitempty"`      // where Config.SaveDir put its body
	SaveError string          `json:"save_error,omitempty"` // or why it could not

	// Local is our end of the connection, on accepted and connected lines
	// only (Entry has it on every entry of a peer, for recordings).
	Local string `json:"local,omitempty"`
}

// AppendJSON appends e as one line of JSON (with its newline) to b.
func AppendJSON(b []byte, e Entry) []byte {
	j := entryJSON{Seq: e.Seq, Time: e.Time().UTC().Format("2006-01-02T15:04:05.000000Z07:00"),
		Kind: e.Kind.String(), Peer: uint64(e.Peer), Addr: e.Addr, Text: e.Text,
		Note: e.Note.String(), Count: e.Count, Bytes: e.Bytes}
	if e.Kind == KindAccepted || e.Kind == KindConnected {
		j.Local = e.Local
	}
	if e.Kind.Data() || len(e.Data) > 0 { // a stuck decoder's entry carries what it had not decoded
		n := len(e.Data)
		j.Len = &n
		if utf8.Valid(e.Data) {
			j.Data = string(e.Data)
		} else {
			j.Hex = fmt.Sprintf("%x", e.Data)
		}
	}
	if m := e.Msg; m != nil {
		j.Header = m.Header
		if m.Header != nil && !json.Valid(m.Header) {
			j.Header, _ = json.Marshal(string(m.Header))
		}
		j.Saved, j.SaveError = m.Saved, m.SaveErr
	}
	out, _ := json.Marshal(j)
	b = append(b, out...)
	return append(b, '\n')
}
