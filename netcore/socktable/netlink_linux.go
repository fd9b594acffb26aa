package socktable

import (
	"errors"
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// sock_diag transport: one blocking NETLINK_SOCK_DIAG socket per request
// and one receive buffer for the whole reply, parsed in place. A listing
// of 20,000 sockets is about 160 reads; a fresh 64 KiB buffer and a copy
// per read (as vishvananda/netlink's transport does) touched 20 MB of new
// memory and half again as many page faults as the rest of the command.

const (
	nlHeaderLen = unix.NLMSG_HDRLEN // struct nlmsghdr
	// diagBufSize holds the largest dump batch the kernel sends (it fills
	// up to 32 KiB; ss reads with the same size).
	diagBufSize = 32 << 10
	diagTimeout = 60 // seconds to wait for the kernel, as before
)

// errDumpInterrupted marks a dump the kernel flagged NLM_F_DUMP_INTR: the
// table changed while it was being read, so rows may be missing or twice.
var errDumpInterrupted = errors.New("sock_diag dump interrupted by a change to the table")

// errNetlinkMalformed is a reply whose message headers do not add up.
var errNetlinkMalformed = errors.New("malformed netlink reply")

// diagRequest is a sock_diag request body.
type diagRequest interface {
	Serialize() []byte
}

// diagSock is one NETLINK_SOCK_DIAG socket and the buffer its answers are
// read into; a listing runs all its dumps (TCP and UDP, v4 and v6, Unix)
// through one, as ss does.
type diagSock struct {
	fd  int
	buf []byte
	seq uint32 // the last request's; a stray answer to an earlier one is skipped
}

func openDiag() (*diagSock, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_SOCK_DIAG)
	if err != nil {
		return nil, fmt.Errorf("open a sock_diag socket: %w", err)
	}
	tv := unix.Timeval{Sec: diagTimeout}
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("set the sock_diag socket's timeout: %w", err)
	}
	return &diagSock{fd: fd, buf: make([]byte, diagBufSize)}, nil
}

func (d *diagSock) close() { unix.Close(d.fd) }

// diagExec runs one request on a socket of its own (a lookup, a destroy).
func diagExec(msgType uint16, flags int, data diagRequest, reset func(), f func(msg []byte)) error {
	d, err := openDiag()
	if err != nil {
		return err
	}
	defer d.close()
	return d.exec(msgType, flags, data, reset, f)
}

// exec sends one request and calls f for each reply, retrying a dump the
// kernel marked as interrupted (the table changed under it) twice before
// keeping what it got, as ss does. f must copy what it keeps: the bytes it
// gets are reused for the next read.
func (d *diagSock) exec(msgType uint16, flags int, data diagRequest, reset func(), f func(msg []byte)) error {
	body := data.Serialize()
	for try := 0; try < 3; try++ {
		if try > 0 {
			reset()
		}
		err := d.once(msgType, uint16(flags), body, f)
		if !errors.Is(err, errDumpInterrupted) {
			return err
		}
	}
	return nil
}

// once sends the request and reads until the kernel says done.
func (d *diagSock) once(msgType, flags uint16, body []byte, f func(msg []byte)) error {
	d.seq++
	seq := d.seq
	req := make([]byte, nlHeaderLen+len(body))
	native.PutUint32(req[0:], uint32(len(req)))
	native.PutUint16(req[4:], msgType)
	native.PutUint16(req[6:], unix.NLM_F_REQUEST|flags)
	native.PutUint32(req[8:], seq)
	copy(req[nlHeaderLen:], body)
	kernel := &unix.SockaddrNetlink{Family: unix.AF_NETLINK}
	var err error
	for {
		err = unix.Sendto(d.fd, req, 0, kernel)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("send a sock_diag request: %w", err)
	}
	intr := false
	for {
		n, _, rflags, _, err := unix.Recvmsg(d.fd, d.buf, nil, 0)
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EAGAIN:
			return fmt.Errorf("the kernel gave no sock_diag answer in %d s: %w", diagTimeout, err)
		case err != nil:
			return fmt.Errorf("read a sock_diag answer: %w", err)
		case rflags&unix.MSG_TRUNC != 0:
			return fmt.Errorf("a sock_diag answer was longer than %d bytes: %w", len(d.buf), errNetlinkMalformed)
		}
		done, derr := eachNetlinkMsg(d.buf[:n], seq, func(flags uint16, msg []byte) {
			if flags&unix.NLM_F_DUMP_INTR != 0 {
				intr = true
			}
			f(msg)
		})
		if derr != nil {
			return derr
		}
		if done {
			break
		}
	}
	if intr {
		return errDumpInterrupted
	}
	return nil
}

// eachNetlinkMsg walks the netlink messages in one read, calling f with
// each data message that answers seq. done reports the end of the answer:
// NLMSG_DONE, an acknowledgement, or a message that is not part of a
// multi-part reply. A negative errno in NLMSG_ERROR (or in NLMSG_DONE)
// comes back as a syscall.Errno, so callers can match ENOENT or EPERM.
func eachNetlinkMsg(b []byte, seq uint32, f func(flags uint16, msg []byte)) (done bool, err error) {
	for len(b) > 0 {
		if len(b) < nlHeaderLen {
			return false, fmt.Errorf("a netlink message of %d bytes, shorter than its header: %w", len(b), errNetlinkMalformed)
		}
		l := int(native.Uint32(b[0:]))
		if l < nlHeaderLen || l > len(b) {
			return false, fmt.Errorf("a netlink message says it is %d bytes long, with %d left: %w", l, len(b), errNetlinkMalformed)
		}
		typ, flags := native.Uint16(b[4:]), native.Uint16(b[6:])
		data := b[nlHeaderLen:l]
		if native.Uint32(b[8:]) == seq {
			switch typ {
			case unix.NLMSG_DONE, unix.NLMSG_ERROR:
				if len(data) >= 4 {
					if errno := int32(native.Uint32(data)); errno < 0 {
						return true, syscall.Errno(-errno)
					}
				}
				return true, nil
			case unix.NLMSG_NOOP:
			default:
				f(flags, data)
				if flags&unix.NLM_F_MULTI == 0 {
					return true, nil
				}
			}
		}
		if l = (l + 3) &^ 3; l > len(b) {
			l = len(b)
		}
		b = b[l:]
	}
	return false, nil
}
