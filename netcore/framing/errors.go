package framing

import (
	"errors"
	"fmt"
)

// Sentinels for errors.Is. The errors this package returns read as one plain
// sentence naming the bad part; these only classify them.
var (
	// ErrBadSpec: a framing spec string that Parse cannot read.
	ErrBadSpec = errors.New("bad framing spec")
	// ErrFrameTooLarge: a frame (or a length field) over the maximum frame size.
	ErrFrameTooLarge = errors.New("frame too large")
	// ErrTruncated: the stream ended inside a frame.
	ErrTruncated = errors.New("truncated frame at end of stream")
	// ErrBadFrame: bytes that break the framing's rules (a bad escape, a
	// malformed HTTP message, a JSON header without a size...).
	ErrBadFrame = errors.New("malformed frame")
	// ErrStuck: the decoder cannot find the next frame after an error and
	// has stopped; show the rest of the connection raw.
	ErrStuck = errors.New("framing decoder stuck")
	// ErrCannotEncode: a payload this framing cannot carry as one message.
	ErrCannotEncode = errors.New("payload cannot be framed")
)

// kindError keeps the sentence of err while also matching its class (and,
// through err's own %w verbs, any underlying cause).
type kindError struct {
	kinds []error
	err   error
}

func (e *kindError) Error() string { return e.err.Error() }

func (e *kindError) Unwrap() []error {
	return append(append([]error(nil), e.kinds...), e.err)
}

// newError formats one sentence that matches kind with errors.Is; %w verbs in
// format keep their causes matchable too.
func newError(kind error, format string, args ...any) error {
	return &kindError{kinds: []error{kind}, err: fmt.Errorf(format, args...)}
}

// stuck marks err as one after which the decoder has stopped.
func stuck(err error) error {
	var k *kindError
	if errors.As(err, &k) {
		return &kindError{kinds: append(append([]error(nil), k.kinds...), ErrStuck), err: k.err}
	}
	return &kindError{kinds: []error{ErrStuck}, err: err}
}

// moreErrors reports the first error of a Feed call and how many more frames
// were dropped in the same call, so one sentence reaches the log per chunk.
type moreErrors struct {
	first error
	more  int
}

func (e *moreErrors) Error() string {
	return fmt.Sprintf("%s (and %d more in this chunk)", e.first, e.more)
}

func (e *moreErrors) Unwrap() error { return e.first }

// errList collects the errors of one Feed call.
type errList struct {
	first error
	more  int
}

func (l *errList) add(err error) {
	if err == nil {
		return
	}
	if l.first == nil {
		l.first = err
		return
	}
	l.more++
}

func (l *errList) err() error {
	if l.first == nil || l.more == 0 {
		return l.first
	}
	return &moreErrors{first: l.first, more: l.more}
}

// sizeText writes a byte count the way people read limits: "16 MiB", "300 bytes".
func sizeText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	case n == 1:
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

// SizeError is carried by a frame-too-large error whose needed size is
// known, so a front end can suggest the limit that would take it.
type SizeError struct {
	Need, Limit int64
}

func (e *SizeError) Error() string {
	return fmt.Sprintf("a frame of %d bytes exceeds the %s limit", e.Need, sizeText(e.Limit))
}

// tooLarge is newError(ErrFrameTooLarge, ...) that also matches *SizeError
// with errors.As.
func tooLarge(need, limit int64, format string, args ...any) error {
	return &kindError{kinds: []error{ErrFrameTooLarge, &SizeError{Need: need, Limit: limit}}, err: fmt.Errorf(format, args...)}
}
