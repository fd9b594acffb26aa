//go:build !unix

package sessions

import (
	"errors"
	"os"
)

// mapping is not used here: files are read into a buffer and sent
// (sendfile_map_unix.go says why mapping helps where it exists).
type mapping struct{ bytes []byte }

var errNoMapping = errors.New("files are not mapped on this system")

func mapFile(*os.File, int64, int64) (mapping, error) { return mapping{}, errNoMapping }

func (mapping) unmap() {}

func mappedWriteErr(err error) error { return err }
