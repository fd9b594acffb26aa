//go:build linux

// Command recfloor is the floor that bench/pcap_overhead.sh sets beside
// sockplay's recording: the least work any recorder of a TCP stream into
// a pcapng file does on this machine. It accepts one connection on
// -listen and writes what it receives to -o as a capture, one packet per
// at most 65483 bytes (as sockplay's recorder cuts them), and never
// brings the bytes into its own memory: each packet's payload is spliced
// from the socket into a pipe, then into a second pipe between the
// packet's headers (vmspliced), and that pipe into the file eight packets
// at a time. Like sockplay's recorder, it writes the file behind with
// internal/writebehind (each 8 MiB sent to the disk at once, 32 MiB back
// dropped from the page cache); unlike it, it puts no checksum in the TCP header (which needs the
// bytes), shows no handshake, no ACKs and no comments. tshark reads the
// file. It prints the bytes it received.
//
//	go run ./bench/recfloor -listen 127.0.0.1:9000 -o /tmp/floor.pcapng
package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/sockplay/sockplay/internal/writebehind"
)

const (
	mss   = 65483   // the most payload in one packet, as sockplay's recorder
	batch = 1 << 20 // mid's size: 256 slots of a page
	// perBatch is how many packets wait in mid before it goes to the file.
	// A packet takes at most 20 of mid's slots: in's 16 (a pipe's default
	// 64 KiB, so a packet of small segments stops there) and two each for
	// its headers and trailer, which may cross a page. Eight always fit,
	// so no splice into mid waits for a reader that is this goroutine.
	perBatch = 8
	headLen  = 28 + 20 + 20 // the packet block's header, IPv4, TCP
)

func main() {
	listen := flag.String("listen", "127.0.0.1:9000", "address to accept one TCP connection on")
	out := flag.String("o", "floor.pcapng", "the capture to write")
	flag.Parse()
	n, err := run(*listen, *out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "recfloor:", err)
		os.Exit(1)
	}
	fmt.Println(n)
}

// recorder holds the two pipes and the file: a payload goes socket -> in,
// then in -> mid between its headers, and mid -> file.
type recorder struct {
	in, mid [2]int // read end, write end
	f       *os.File
	wb      *writebehind.File // f, told what each splice put in it
	inMid   int               // bytes waiting in mid
	pkts    int               // packets waiting in mid
	heads   []byte            // the headers in mid point here: reused once mid is empty
	seq     uint32
	ipID    uint16
}

func run(listen, path string) (int64, error) {
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return 0, err
	}
	c, err := ln.Accept()
	ln.Close()
	if err != nil {
		return 0, err
	}
	defer c.Close()
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r := &recorder{f: f, wb: writebehind.New(f), heads: make([]byte, 0, 64<<10)}
	for _, p := range []*[2]int{&r.in, &r.mid} {
		if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
			return 0, err
		}
	}
	if _, err := unix.FcntlInt(uintptr(r.mid[1]), unix.F_SETPIPE_SZ, batch); err != nil {
		return 0, fmt.Errorf("pipe size: %w", err)
	}
	if err := r.fileHeader(); err != nil {
		return 0, err
	}
	rc, err := c.(*net.TCPConn).SyscallConn()
	if err != nil {
		return 0, err
	}
	var total int64
	for {
		var n int64
		var serr error
		if err := rc.Read(func(fd uintptr) bool {
			n, serr = unix.Splice(int(fd), nil, r.in[1], nil, mss, unix.SPLICE_F_MOVE|unix.SPLICE_F_NONBLOCK)
			return serr != unix.EAGAIN
		}); err != nil {
			return total, err
		}
		if serr != nil {
			return total, fmt.Errorf("splice from the socket: %w", serr)
		}
		if n == 0 {
			break // the end of the stream
		}
		if err := r.packet(int(n)); err != nil {
			return total, err
		}
		total += n
	}
	return total, r.flush()
}

// fileHeader writes a section header and one raw-IP interface.
func (r *recorder) fileHeader() error {
	b := binary.LittleEndian.AppendUint32(nil, 0x0A0D0D0A)
	b = binary.LittleEndian.AppendUint32(b, 28)
	b = binary.LittleEndian.AppendUint32(b, 0x1A2B3C4D)
	b = binary.LittleEndian.AppendUint32(b, 1) // version 1.0
	b = binary.LittleEndian.AppendUint64(b, ^uint64(0))
	b = binary.LittleEndian.AppendUint32(b, 28)
	b = binary.LittleEndian.AppendUint32(b, 1) // interface description
	b = binary.LittleEndian.AppendUint32(b, 20)
	b = binary.LittleEndian.AppendUint32(b, 101) // LINKTYPE_RAW, no reserved bits
	b = binary.LittleEndian.AppendUint32(b, 65535)
	b = binary.LittleEndian.AppendUint32(b, 20)
	_, err := r.wb.Write(b)
	return err
}

// packet puts the headers of an n-byte packet into mid, the payload waiting
// in in after them, and the block's trailer.
func (r *recorder) packet(n int) error {
	pad := (4 - (40+n)%4) % 4
	total := 32 + 40 + n + pad
	if r.pkts == perBatch || len(r.heads)+headLen+8 > cap(r.heads) {
		if err := r.flush(); err != nil {
			return err
		}
	}
	us := uint64(time.Now().UnixMicro())
	h := r.heads[len(r.heads):]
	h = binary.LittleEndian.AppendUint32(h, 6) // enhanced packet block
	h = binary.LittleEndian.AppendUint32(h, uint32(total))
	h = binary.LittleEndian.AppendUint32(h, 0)
	h = binary.LittleEndian.AppendUint32(h, uint32(us>>32))
	h = binary.LittleEndian.AppendUint32(h, uint32(us))
	h = binary.LittleEndian.AppendUint32(h, uint32(40+n))
	h = binary.LittleEndian.AppendUint32(h, uint32(40+n))
	ip := len(h)
	h = append(h, 0x45, 0)
	h = binary.BigEndian.AppendUint16(h, uint16(40+n))
	h = binary.BigEndian.AppendUint16(h, r.ipID)
	h = append(h, 0x40, 0, 64, 6, 0, 0, 127, 0, 0, 2, 127, 0, 0, 1) // DF, TTL 64, TCP
	binary.BigEndian.PutUint16(h[ip+10:], ipSum(h[ip:ip+20]))
	h = binary.BigEndian.AppendUint16(h, 40000)
	h = binary.BigEndian.AppendUint16(h, 9000)
	h = binary.BigEndian.AppendUint32(h, r.seq)
	h = binary.BigEndian.AppendUint32(h, 1)
	h = append(h, 5<<4, 0x18, 0xff, 0xff, 0, 0, 0, 0) // ACK|PSH; checksum left 0
	r.ipID++
	r.seq += uint32(n)
	r.pkts++
	if err := r.vmsplice(h); err != nil {
		return err
	}
	for left := n; left > 0; {
		k, err := unix.Splice(r.in[0], nil, r.mid[1], nil, left, unix.SPLICE_F_MOVE)
		if err != nil {
			return fmt.Errorf("splice between the pipes: %w", err)
		}
		left -= int(k)
		r.inMid += int(k)
	}
	t := r.heads[len(r.heads):]
	t = append(t, make([]byte, pad)...)
	t = binary.LittleEndian.AppendUint32(t, uint32(total))
	return r.vmsplice(t)
}

// vmsplice puts b, which stays in r.heads until mid is empty, into mid.
func (r *recorder) vmsplice(b []byte) error {
	r.heads = r.heads[:len(r.heads)+len(b)]
	for len(b) > 0 {
		iov := unix.Iovec{Base: &b[0]}
		iov.SetLen(len(b))
		k, err := unix.Vmsplice(r.mid[1], []unix.Iovec{iov}, 0)
		if err != nil {
			return fmt.Errorf("vmsplice: %w", err)
		}
		b = b[k:]
		r.inMid += k
	}
	return nil
}

// flush moves mid into the file, which is written behind.
func (r *recorder) flush() error {
	for r.inMid > 0 {
		k, err := unix.Splice(r.mid[0], nil, int(r.f.Fd()), nil, r.inMid, unix.SPLICE_F_MOVE)
		if err != nil {
			return fmt.Errorf("splice into the file: %w", err)
		}
		if k == 0 {
			return errors.New("splice into the file wrote nothing")
		}
		r.inMid -= int(k)
		r.wb.Wrote(k)
	}
	r.heads, r.pkts = r.heads[:0], 0
	return nil
}

// ipSum is the IPv4 header checksum of h.
func ipSum(h []byte) uint16 {
	var s uint32
	for i := 0; i+1 < len(h); i += 2 {
		s += uint32(h[i])<<8 | uint32(h[i+1])
	}
	for s > 0xffff {
		s = s>>16 + s&0xffff
	}
	return ^uint16(s)
}
