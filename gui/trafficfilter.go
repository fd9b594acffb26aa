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
	Messages bool            // decoded messages instead of raw chunks in
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
	switch e.Kind {
	case sessions.KindDataIn:
		if f.Messages || f.Dir == dirOut || f.Dir == dirEvents {
			return false
		}
	case sessions.KindMessage:
		if !f.Messages || f.Dir == dirOut || f.Dir == dirEvents {
			return false
		}
	case sessions.KindDataOut:
		if f.Dir == dirIn || f.Dir == dirEvents {
			return false
		}
	default: // events
		if f.Dir == dirIn || f.Dir == dirOut {
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
