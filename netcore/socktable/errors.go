package socktable

import (
	"errors"

	"github.com/sockplay/sockplay/netcore"
)

// ErrBadFilter is matched by every error that parsing a filter returns.
var ErrBadFilter = errors.New("bad socket filter")

// ErrNotFound is returned when the socket asked about does not exist (any
// more): a connection that closed, or an address nobody holds.
var ErrNotFound = errors.New("no such socket")

// ErrListUnsupported is returned by List on systems without a backend yet.
// It matches netcore.ErrUnsupported, so the GUI shows it as such.
var ErrListUnsupported error = unsupportedError{"listing sockets is not supported on this system yet"}

// unsupportedError is a sentence that matches netcore.ErrUnsupported
// without repeating its words.
type unsupportedError struct{ msg string }

func (e unsupportedError) Error() string { return e.msg }
func (e unsupportedError) Unwrap() error { return netcore.ErrUnsupported }
