package replay

import (
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"
)

// Step kinds: what a Step reports.
const (
	// Replay (as the client).
	KindGreeting = "greeting" // waited for what the server says first
	KindSend     = "send"     // sent a request, compared the reply
	// Stand-in (as the server).
	KindClient  = "client"  // a client came (Sent: the greeting, if any)
	KindRequest = "request" // a request matched a turn of the capture and was answered
	KindUnknown = "unknown" // a request the capture has no answer for
	KindDone    = "done"    // a client left, or asked everything the capture holds
	KindError   = "error"   // something went wrong with one client (Note says what)
	// Both, last: the totals.
	KindSummary = "summary"
)

// Step statuses.
const (
	StatusMatch     = "match"     // the reply is what the capture had
	StatusDiffer    = "differ"    // it is not (Diff says how)
	StatusTimeout   = "timeout"   // less than the capture had came in time
	StatusClosed    = "closed"    // the connection ended before the reply was whole
	StatusError     = "error"     // the request could not be sent (Note says why)
	StatusUnchecked = "unchecked" // the capture lost part of the reply: not compared
	StatusAnswered  = "answered"  // stand-in: answered as the capture did
	StatusNoReply   = "no_reply"  // stand-in: the capture's server said nothing, or an unknown request without --unknown-reply
)

// Step is one thing a replay or a stand-in did, as it reports it: sent,
// expected and got are the bytes (a list of messages; one element for raw
// TCP, where the bytes count, not how the peer cut them).
type Step struct {
	Kind string `json:"kind"`
	// Step numbers the steps of a replay, or of one client of a
	// stand-in, from 1.
	Step int `json:"step"`
	// Turn is the capture's request this step played (0: the greeting,
	// or none for an unknown request).
	Turn int `json:"turn"`
	// Peer and Client name the client of a stand-in (its session peer).
	Peer   uint64 `json:"peer,omitempty"`
	Client string `json:"client,omitempty"`
	// At is when the step's request went out (replay) or came in
	// (stand-in), since the start.
	At       Millis `json:"at_ms"`
	Sent     Data   `json:"sent"`
	Expected Data   `json:"expected"`
	Got      Data   `json:"got"`
	Status   string `json:"status,omitempty"`
	Match    bool   `json:"match"`
	Diff     string `json:"diff,omitempty"`
	Note     string `json:"note,omitempty"`
}

// Summary is the end of a replay or a stand-in, counted.
type Summary struct {
	Kind    string `json:"kind"` // KindSummary
	Steps   int    `json:"steps"`
	Turns   int    `json:"turns"`   // replay: turns in the plan
	Matched int    `json:"matched"` // replay: replies as captured; stand-in: requests as captured
	// Differed lists the steps whose reply differed (replay), or the
	// capture's requests a client asked differently (stand-in, by order).
	Differed []int `json:"differed,omitempty"`
	// Unchecked counts replies the capture lost bytes of.
	Unchecked int `json:"unchecked,omitempty"`
	// Stand-in only.
	Clients  int `json:"clients,omitempty"`
	Answered int `json:"answered,omitempty"`
	Unknown  int `json:"unknown,omitempty"`
	// Stopped says why a replay ended before its last turn.
	Stopped string `json:"stopped,omitempty"`
	// OK: every reply matched (replay); the stand-in ran (stand-in).
	OK bool `json:"ok"`
}

// Millis is a duration written in JSON as milliseconds with microseconds.
type Millis time.Duration

// MarshalJSON writes the milliseconds, e.g. 1500.25.
func (m Millis) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf("%.3f", float64(m)/float64(time.Millisecond))), nil
}

// Data is a list of messages (or, raw TCP, one run of bytes). In JSON
// each is {"len":N,"data":"..."} when it is UTF-8, else {"len":N,"hex":"..."},
// as the session's JSON lines write bytes.
type Data [][]byte

type dataJSON struct {
	Len  int    `json:"len"`
	Data string `json:"data,omitempty"`
	Hex  string `json:"hex,omitempty"`
}

// MarshalJSON writes the list, [] when empty.
func (d Data) MarshalJSON() ([]byte, error) {
	out := make([]dataJSON, len(d))
	for i, b := range d {
		out[i].Len = len(b)
		if utf8.Valid(b) {
			out[i].Data = string(b)
		} else {
			out[i].Hex = fmt.Sprintf("%x", b)
		}
	}
	return json.Marshal(out)
}

// Len is the bytes in all messages.
func (d Data) Len() int {
	n := 0
	for _, b := range d {
		n += len(b)
	}
	return n
}
