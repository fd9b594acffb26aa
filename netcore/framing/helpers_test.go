package framing

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// outcome is everything a decoder said about one stream.
type outcome struct {
	msgs     []Message
	errs     []error // errors from Feed, in order
	flushErr error
	stuck    bool
}

// decodeChunks feeds the chunks one by one, then flushes; like the session,
// it stops feeding a stuck decoder.
func decodeChunks(s Spec, opt Options, chunks ...[]byte) outcome {
	d := s.NewDecoder(opt)
	var o outcome
	for _, c := range chunks {
		msgs, err := d.Feed(c)
		o.msgs = append(o.msgs, msgs...)
		if err != nil {
			o.errs = append(o.errs, err)
		}
		if d.Stuck() {
			break
		}
	}
	msgs, err := d.Flush()
	o.msgs = append(o.msgs, msgs...)
	o.flushErr = err
	o.stuck = d.Stuck()
	return o
}

// splitAt cuts b into chunks at the given offsets.
func splitAt(b []byte, cuts ...int) [][]byte {
	var out [][]byte
	prev := 0
	for _, c := range cuts {
		out = append(out, b[prev:c])
		prev = c
	}
	return append(out, b[prev:])
}

func mustParse(t testing.TB, spec string) Spec {
	t.Helper()
	s, err := Parse(spec)
	if err != nil {
		t.Fatalf("Parse(%q): %v", spec, err)
	}
	return s
}

func msgsText(msgs []Message) string {
	var b strings.Builder
	for i, m := range msgs {
		if i > 0 {
			b.WriteString(" ")
		}
		if m.Header != nil {
			fmt.Fprintf(&b, "%q+", m.Header)
		}
		fmt.Fprintf(&b, "%q", m.Data)
	}
	return "[" + b.String() + "]"
}

func sameMessages(a, b []Message) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i].Data, b[i].Data) || !bytes.Equal(a[i].Header, b[i].Header) || (a[i].Header == nil) != (b[i].Header == nil) {
			return false
		}
	}
	return true
}

// errCount counts dropped frames in Feed errors, "(and N more)" included.
func errCount(errs []error) int {
	n := 0
	for _, err := range errs {
		n++
		var m *moreErrors
		if errors.As(err, &m) {
			n += m.more
		}
	}
	return n
}
