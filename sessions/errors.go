package sessions

import "errors"

// Errors callers match with errors.Is.
var (
	ErrNoPeer     = errors.New("no such peer")
	ErrNoPeers    = errors.New("no peer to send to")
	ErrClosed     = errors.New("session is closed")
	ErrNotStarted = errors.New("session is not started")
	ErrStarted    = errors.New("session is already started")
	ErrNotClient  = errors.New("only a client session can reconnect")
	ErrNotStream  = errors.New("only a stream socket (tcp, unix) can do that")
	ErrNoAddress  = errors.New("peer has no address to send to (unbound unixgram client)")
	ErrBadConfig  = errors.New("bad session config")
	ErrNotRelay   = errors.New("only a relay session holds and releases what it forwards")
)
