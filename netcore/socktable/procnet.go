package socktable

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
)

// The /proc/net text tables are Linux's older view of the same sockets; we
// read them when netlink sock_diag is refused. The parsers are plain
// functions of the bytes so they are tested (and fuzzed) on every system.

var errProcLine = errors.New("malformed line")

// ParseProcNetInet appends to dst the rows of /proc/net/tcp, tcp6, udp or
// udp6 (given as proto and family) for which keep returns true. A line it
// cannot read is an error naming its number; the header line is skipped.
func ParseProcNetInet(data []byte, proto Proto, family Family, dst []Socket, keep func(*Socket) bool) ([]Socket, error) {
	var s Socket
	n := 0
	for line := range bytes.Lines(data) {
		n++
		if n == 1 {
			continue // "  sl  local_address rem_address   st tx_queue ..."
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if err := parseInetLine(line, proto, family, &s); err != nil {
			return dst, fmt.Errorf("line %d: %w", n, err)
		}
		if keep == nil || keep(&s) {
			dst = append(dst, s)
		}
	}
	return dst, nil
}

// parseInetLine reads "sl: local rem st tx:rx tr:when retrnsmt uid timeout inode ...".
func parseInetLine(line []byte, proto Proto, family Family, s *Socket) error {
	var f [10][]byte
	if nf := fields(line, f[:]); nf < len(f) {
		return errProcLine
	}
	*s = Socket{Proto: proto, Family: family}
	var err error
	if s.Local, err = procEndpoint(f[1], family); err != nil {
		return err
	}
	if s.Peer, err = procEndpoint(f[2], family); err != nil {
		return err
	}
	st, err := strconv.ParseUint(string(f[3]), 16, 8)
	if err != nil {
		return errProcLine
	}
	s.State = State(st)
	if s.State == tcpNewSynRecvState {
		s.State = SynRecv
	}
	tx, rx, ok := bytes.Cut(f[4], []byte{':'})
	if !ok {
		return errProcLine
	}
	q1, err1 := strconv.ParseUint(string(tx), 16, 32)
	q2, err2 := strconv.ParseUint(string(rx), 16, 32)
	uid, err3 := strconv.ParseUint(string(f[7]), 10, 32)
	ino, err4 := strconv.ParseUint(string(f[9]), 10, 32)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
		return errProcLine
	}
	s.SendQ, s.RecvQ, s.UID, s.Inode = uint32(q1), uint32(q2), uint32(uid), uint32(ino)
	return nil
}

// tcpNewSynRecvState is TCP_NEW_SYN_RECV, which ss shows as SYN-RECV.
const tcpNewSynRecvState State = 12

// procEndpoint reads "0100007F:1F90": the address as 32-bit words printed
// in host byte order, then the port in hex.
func procEndpoint(b []byte, family Family) (netip.AddrPort, error) {
	hexAddr, hexPort, ok := bytes.Cut(b, []byte{':'})
	want := 8
	if family == IPv6 {
		want = 32
	}
	if !ok || len(hexAddr) != want {
		return netip.AddrPort{}, errProcLine
	}
	port, err := strconv.ParseUint(string(hexPort), 16, 16)
	if err != nil {
		return netip.AddrPort{}, errProcLine
	}
	var raw [16]byte
	for i := 0; i < want/8; i++ {
		w, err := strconv.ParseUint(string(hexAddr[i*8:i*8+8]), 16, 32)
		if err != nil {
			return netip.AddrPort{}, errProcLine
		}
		binary.NativeEndian.PutUint32(raw[i*4:], uint32(w))
	}
	if family == IPv4 {
		return netip.AddrPortFrom(netip.AddrFrom4([4]byte(raw[:4])), uint16(port)), nil
	}
	return netip.AddrPortFrom(netip.AddrFrom16(raw), uint16(port)), nil
}

// ParseProcNetUnix appends to dst the rows of /proc/net/unix for which keep
// returns true. /proc gives no queues, peer or uid: those stay 0 and NoUID.
// Connections still waiting in a listener's queue (inode 0) are skipped,
// as sock_diag does not report them either.
func ParseProcNetUnix(data []byte, dst []Socket, keep func(*Socket) bool) ([]Socket, error) {
	var s Socket
	n := 0
	for line := range bytes.Lines(data) {
		n++
		if n == 1 {
			continue // "Num       RefCount Protocol Flags    Type St Inode Path"
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if err := parseUnixLine(line, &s); err != nil {
			return dst, fmt.Errorf("line %d: %w", n, err)
		}
		if s.Inode != 0 && (keep == nil || keep(&s)) {
			dst = append(dst, s)
		}
	}
	return dst, nil
}

// parseUnixLine reads "Num: RefCount Protocol Flags Type St Inode [Path]".
func parseUnixLine(line []byte, s *Socket) error {
	var f [7][]byte
	rest := line
	for i := range f {
		rest = bytes.TrimLeft(rest, " ")
		end := bytes.IndexByte(rest, ' ')
		if end < 0 {
			end = len(rest)
		}
		f[i], rest = rest[:end], rest[end:]
		if len(f[i]) == 0 {
			return errProcLine
		}
	}
	path := rest
	if len(path) > 0 {
		path = path[1:] // the one space before the path; the path may hold spaces
	}
	flags, err1 := strconv.ParseUint(string(f[3]), 16, 32)
	typ, err2 := strconv.ParseUint(string(f[4]), 16, 16)
	st, err3 := strconv.ParseUint(string(f[5]), 16, 8)
	ino, err4 := strconv.ParseUint(string(f[6]), 10, 32)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
		return errProcLine
	}
	*s = Socket{Family: Unix, UID: NoUID, Inode: uint32(ino), Path: string(path)}
	switch typ {
	case 1:
		s.Proto = UnixStream
	case 2:
		s.Proto = UnixDgram
	case 5:
		s.Proto = UnixSeqpacket
	default:
		return fmt.Errorf("unknown unix socket type %d: %w", typ, errProcLine)
	}
	// St is derived from the kernel's sk_state (net/unix/af_unix.c,
	// unix_seq_show): SS_CONNECTED or SS_CONNECTING (not yet accepted)
	// mean TCP_ESTABLISHED, the others TCP_CLOSE; __SO_ACCEPTCON a listener.
	switch {
	case flags&0x10000 != 0:
		s.State = Listen
	case st == 2 || st == 3:
		s.State = Established
	default:
		s.State = Close
	}
	return nil
}

// fields splits line at runs of spaces into dst and returns how many
// fields it found, without allocating.
func fields(line []byte, dst [][]byte) int {
	n := 0
	for n < len(dst) {
		line = bytes.TrimLeft(line, " \t")
		if len(line) == 0 {
			break
		}
		end := bytes.IndexAny(line, " \t")
		if end < 0 {
			end = len(line)
		}
		dst[n], line = line[:end], line[end:]
		n++
	}
	return n
}
