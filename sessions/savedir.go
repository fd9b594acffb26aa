package sessions

import (
	"errors"
	"io/fs"
	"os"
	"syscall"

	"github.com/sockplay/sockplay/netcore/framing"
)

// SaveDirError says why a folder cannot be Config.SaveDir; it matches the
// cause (fs.ErrNotExist, syscall.ENOTDIR, a permission error).
type SaveDirError struct {
	Dir, Problem string
	Err          error
}

func (e *SaveDirError) Error() string { return "save folder " + e.Dir + " " + e.Problem }
func (e *SaveDirError) Unwrap() error { return e.Err }

// CheckSaveDir reports whether dir can be Config.SaveDir, in one sentence:
// it must be a folder that takes new files (checked by making one). New
// checks it, and the GUI checks it as the folder is typed.
func CheckSaveDir(dir string) error {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &SaveDirError{dir, "does not exist", err}
	case err != nil:
		return &SaveDirError{dir, "cannot be opened: " + err.Error(), err}
	case !st.IsDir():
		return &SaveDirError{dir, "is a file, not a folder", syscall.ENOTDIR}
	}
	// Permissions say little (root, ACLs, read-only mounts): try it.
	f, err := os.CreateTemp(dir, ".sockplay-check-*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return &SaveDirError{dir, "does not take new files: " + err.Error(), err}
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// save writes a received jsonhdr file into Config.SaveDir and notes where
// (or why not) in msg. It runs on the peer's reader, before the message is
// logged, so the file exists once its row is seen.
func (s *Session) save(m framing.Message, msg *Message) {
	path, err := framing.SaveJSONHdrFile(s.cfg.SaveDir, m)
	if err != nil {
		msg.SaveErr = err.Error()
		return
	}
	msg.Saved = path
}
