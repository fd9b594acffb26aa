//go:build unix

package sessions

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// mapping is part of a file mapped read-only; bytes starts at the offset
// asked for (the mapping itself starts at a page boundary before it).
type mapping struct {
	whole []byte
	bytes []byte
}

// mapFile maps n bytes of f from off.
func mapFile(f *os.File, off, n int64) (mapping, error) {
	page := int64(os.Getpagesize())
	base := off &^ (page - 1)
	whole, err := unix.Mmap(int(f.Fd()), base, int(off-base+n), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return mapping{}, fmt.Errorf("map %s: %w", f.Name(), err)
	}
	_ = unix.Madvise(whole, unix.MADV_SEQUENTIAL) // read ahead on disks; only advice
	return mapping{whole: whole, bytes: whole[off-base:]}, nil
}

func (m mapping) unmap() { _ = unix.Munmap(m.whole) }

// mappedWriteErr names the cause of EFAULT: the kernel found the mapping
// past the file's end, because the file got shorter while being sent.
func mappedWriteErr(err error) error {
	if errors.Is(err, unix.EFAULT) {
		return fmt.Errorf("the file got shorter while it was being sent: %w", err)
	}
	return err
}
