package socktable

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"
)

// attachOwners fills Owners by one walk of /proc/*/fd, as ss -p does:
// each "socket:[INODE]" link names a (pid, fd) that holds the socket. It
// reads a process's name only when one of its sockets is in socks, and its
// command line only when cmdline is set. Processes of other users are
// skipped silently when we may not read them (ss does the same).
func attachOwners(ctx context.Context, socks []Socket, cmdline bool) error {
	if len(socks) == 0 {
		return nil
	}
	index := make(map[uint32]int32, len(socks))
	for i := range socks {
		if socks[i].Inode != 0 {
			index[socks[i].Inode] = int32(i)
		}
	}
	proc, err := os.Open("/proc")
	if err != nil {
		return fmt.Errorf("read socket owners: %w", err)
	}
	defer proc.Close()
	w := fdWalker{index: index, socks: socks, cmdline: cmdline,
		dents: make([]byte, 32<<10), link: make([]byte, 64), path: make([]byte, 0, 32)}
	for {
		names, err := proc.Readdirnames(512)
		for _, name := range names {
			pid, perr := strconv.Atoi(name)
			if perr != nil || pid <= 0 {
				continue
			}
			w.walkPid(pid)
		}
		if err != nil || len(names) == 0 {
			break // io.EOF: done; any other error: keep what we found
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("read socket owners: %w", err)
		}
	}
	return nil
}

// fdWalker holds the buffers reused across every process and descriptor,
// so the walk allocates only for the owners it finds.
type fdWalker struct {
	index   map[uint32]int32
	socks   []Socket
	cmdline bool
	dents   []byte // getdents64 buffer
	link    []byte // readlinkat buffer
	path    []byte // "/proc/PID/fd\x00"
}

func (w *fdWalker) walkPid(pid int) {
	w.path = append(strconv.AppendInt(append(w.path[:0], "/proc/"...), int64(pid), 10), "/fd"...)
	dirfd, err := unix.Open(string(w.path), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return // gone, or not ours to read
	}
	defer unix.Close(dirfd)
	var name string // the process's name, read at its first socket of interest
	var cmd []string
	for {
		n, err := unix.Getdents(dirfd, w.dents)
		if err != nil || n <= 0 {
			return
		}
		for b := w.dents[:n]; len(b) >= 19; {
			reclen := int(native.Uint16(b[16:]))
			if reclen < 19 || reclen > len(b) {
				return
			}
			ent := b[19:reclen] // d_name, NUL-terminated, then padding
			b = b[reclen:]
			if ent[0] < '0' || ent[0] > '9' {
				continue // "." and ".."
			}
			inode, ok := w.socketInode(dirfd, &ent[0])
			if !ok {
				continue
			}
			i, ok := w.index[inode]
			if !ok {
				continue
			}
			if name == "" {
				name = readComm(pid)
				if w.cmdline {
					cmd = readCmdline(pid)
				}
			}
			fd, _ := atoiNUL(ent)
			w.socks[i].Owners = append(w.socks[i].Owners, Owner{PID: pid, FD: fd, Name: name, Cmdline: cmd})
		}
	}
}

// socketInode reads the link at the NUL-terminated name in dirfd and
// returns N of "socket:[N]". It calls readlinkat directly with the name
// still inside the getdents buffer, to spare one allocation per fd.
func (w *fdWalker) socketInode(dirfd int, name *byte) (uint32, bool) {
	r, _, errno := unix.Syscall6(unix.SYS_READLINKAT, uintptr(dirfd), uintptr(unsafe.Pointer(name)),
		uintptr(unsafe.Pointer(&w.link[0])), uintptr(len(w.link)), 0, 0)
	if errno != 0 {
		return 0, false
	}
	l := w.link[:r]
	const prefix = "socket:["
	if len(l) < len(prefix)+2 || string(l[:len(prefix)]) != prefix || l[len(l)-1] != ']' {
		return 0, false
	}
	var v uint64
	for _, c := range l[len(prefix) : len(l)-1] {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return uint32(v), v <= 0xffffffff
}

// atoiNUL reads the decimal number at the start of a NUL-terminated name.
func atoiNUL(b []byte) (int, bool) {
	v := 0
	for _, c := range b {
		if c == 0 {
			break
		}
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// readComm returns /proc/PID/comm without its newline, "?" when unreadable.
func readComm(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	if err != nil {
		return "?"
	}
	return string(bytes.TrimSuffix(b, []byte{'\n'}))
}

// readCmdline returns the NUL-separated arguments of /proc/PID/cmdline.
func readCmdline(pid int) []string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil || len(b) == 0 {
		return nil
	}
	var args []string
	for arg := range bytes.SplitSeq(bytes.TrimSuffix(b, []byte{0}), []byte{0}) {
		args = append(args, string(arg))
	}
	return args
}
