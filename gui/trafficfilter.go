package gui

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"

	"github.com/sockplay/sockplay/sessions"
)

// Direction choices of the traffic filter, as the select shows them.
const (
	dirAll    = "All"
	dirIn     = "In"
	dirOut    = "Out"
	dirEvents = "Events"
)

// trafficFilter decides which log entries a traffic view shows. The zero
// value shows raw chunks and events in both directions.
type trafficFilter struct {
	// Messages shows messages both ways (payload only) instead of chunks;
	// chunks no framing will decode (a raw session's, a stuck decoder's,
	// bytes sent raw) are shown as they are.
	Messages bool
	Framed   bool            // the session frames now (else Messages shows chunks)
	Dir      string          // dirAll, dirIn, dirOut, dirEvents
	Peer     sessions.PeerID // 0: every peer
	Text     string          // substring of the data (as bytes) or of the event text
	Regex    bool            // Text is a regular expression
	re       *regexp.Regexp
	needle   []byte
}

// compile prepares the text match; a bad regular expression is an error
// naming it, shown under the filter field.
func (f *trafficFilter) compile() error {
	f.re = nil
	f.needle = []byte(f.Text)
	if f.Regex && f.Text != "" {
		re, err := regexp.Compile(f.Text)
		if err != nil {
			return fmt.Errorf("regular expression %q: %w", f.Text, unwrapRegexp(err))
		}
		f.re = re
	}
	return nil
}

// unwrapRegexp keeps regexp's reason ("missing closing )") without repeating the pattern.
func unwrapRegexp(err error) error {
	var se *syntax.Error
	if errors.As(err, &se) {
		return errors.New(string(se.Code))
	}
	return err
}

// match is called under the log's lock for every new entry: keep it cheap.
func (f *trafficFilter) match(e *sessions.Entry) bool {
	in, out := false, false
	switch e.Kind {
	case sessions.KindDataIn, sessions.KindDataOut:
		if f.Messages && f.Framed && e.Note != sessions.NoteUndecoded {
			return false
		}
		in, out = e.Kind == sessions.KindDataIn, e.Kind == sessions.KindDataOut
	case sessions.KindMessage, sessions.KindMessageOut:
		if !f.Messages {
			return false
		}
		in, out = e.Kind == sessions.KindMessage, e.Kind == sessions.KindMessageOut
	}
	switch f.Dir {
	case dirIn, dirToTarget:
		if !in {
			return false
		}
	case dirOut, dirToClient:
		if !out {
			return false
		}
	case dirEvents:
		if in || out {
			return false
		}
	}
	if f.Peer != 0 && e.Peer != f.Peer && e.Peer != sessions.NoPeer {
		return false
	}
	if f.Text == "" {
		return true
	}
	if f.re != nil {
		return f.re.Match(e.Data) || f.re.MatchString(e.Text) || f.re.MatchString(e.Addr)
	}
	return bytes.Contains(e.Data, f.needle) || strings.Contains(e.Text, f.Text) || strings.Contains(e.Addr, f.Text)
}
