package netcore

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// ErrPathTaken is matched by the errors about a unix socket path that holds
// something sockplay will not remove: a file that is not a socket, or a
// socket somebody is listening on.
var ErrPathTaken = errors.New("unix socket path is taken")

type pathError struct{ msg string }

func (e *pathError) Error() string        { return e.msg }
func (e *pathError) Is(target error) bool { return target == ErrPathTaken }

// ErrNotSocket is matched by the error Dial and DialPacket return when a
// unix endpoint's path is a file of another kind (a regular file, a
// directory), which connect(2) reports only as "connection refused".
var ErrNotSocket = errors.New("not a socket")

type notSocketError struct{ path, kind string }

func (e *notSocketError) Error() string        { return e.path + " is " + e.kind + ", not a socket" }
func (e *notSocketError) Is(target error) bool { return target == ErrNotSocket }

// checkIsSocket returns a *notSocketError when path (followed through
// symlinks, as connect follows them) exists and is not a socket; nil when it
// is one, does not exist, cannot be looked at, or is an abstract name.
func checkIsSocket(path string) error {
	if path == "" || path[0] == '@' {
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode()&fs.ModeSocket != 0 {
		return nil
	}
	var kind string
	switch m := fi.Mode(); {
	case m.IsRegular():
		kind = "a regular file"
	case m.IsDir():
		kind = "a directory"
	case m&fs.ModeNamedPipe != 0:
		kind = "a named pipe (FIFO)"
	case m&fs.ModeCharDevice != 0:
		kind = "a character device"
	case m&fs.ModeDevice != 0:
		kind = "a block device"
	default:
		kind = "a file of another kind"
	}
	return &notSocketError{path: path, kind: kind}
}

// claimUnixPath makes path free for a new socket of the given network
// ("unix" or "unixgram"). It removes only a stale socket (one nobody is
// listening on: connecting is refused); anything else is an error and is
// never deleted.
func claimUnixPath(path, network string) error {
	if path == "" || path[0] == '@' {
		return nil
	}
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode()&fs.ModeSocket == 0 {
		if fi.IsDir() {
			return &pathError{fmt.Sprintf("%s exists and is a directory, not a socket; not removing it", path)}
		}
		return &pathError{fmt.Sprintf("%s exists and is not a socket; not removing it", path)}
	}
	c, err := net.DialTimeout(network, path, time.Second)
	if err == nil {
		c.Close()
		if network == "unixgram" {
			return &pathError{fmt.Sprintf("%s is in use by a bound datagram socket", path)}
		}
		return &pathError{fmt.Sprintf("%s is in use by a listening server", path)}
	}
	switch {
	case IsRefused(err):
		// Stale: left behind by a server that died without removing it.
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove stale socket: %w", err)
		}
		return nil
	case errors.Is(err, syscall.EPROTOTYPE):
		return &pathError{fmt.Sprintf("%s is in use by a socket of another type", path)}
	default:
		return fmt.Errorf("cannot tell whether %s is in use, so not removing it: %w", path, err)
	}
}

// ownedPath is a socket file this package created; it is removed on close,
// but only if it is still the same file (someone may have replaced it).
type ownedPath struct {
	path string
	fi   os.FileInfo
	once sync.Once
}

func newOwnedPath(path string) *ownedPath {
	if path == "" || path[0] == '@' {
		return nil
	}
	fi, err := os.Lstat(path)
	if err != nil {
		return nil
	}
	return &ownedPath{path: path, fi: fi}
}

func (p *ownedPath) remove() {
	if p == nil {
		return
	}
	p.once.Do(func() {
		if fi, err := os.Lstat(p.path); err == nil && os.SameFile(fi, p.fi) {
			os.Remove(p.path)
		}
	})
}

// tempSocketPath picks a fresh path for a unixgram client to bind, so the
// server's replies have somewhere to go. It stays under the sun_path limit
// even when TMPDIR is long.
func tempSocketPath() string {
	var b [6]byte
	rand.Read(b[:])
	name := fmt.Sprintf("sockplay-%d-%s.sock", os.Getpid(), hex.EncodeToString(b[:]))
	p := filepath.Join(os.TempDir(), name)
	if len(p) > maxUnixPath {
		p = filepath.Join("/tmp", name)
	}
	return p
}

// unixConn is a unix stream or datagram socket whose own path (a client's
// bound path, a unixgram server's path) is removed when it closes; Go
// removes only the paths of UnixListeners.
type unixConn struct {
	*net.UnixConn
	a    *asked
	path *ownedPath
}

func (c *unixConn) Close() error {
	err := c.UnixConn.Close()
	c.path.remove()
	return err
}

func (c *unixConn) askedOptions() *asked { return c.a }
