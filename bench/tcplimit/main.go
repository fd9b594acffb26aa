// Command tcplimit is the in-process loopback limit that bench/tcp.sh judges
// sockplay against: one Go process dials itself over 127.0.0.1 TCP and
// moves -size bytes from a sender goroutine to a receiver goroutine, each
// with a -buf buffer and nothing else to do (no file, no pipe, no copy).
// It prints the seconds from the dial to the receiver's EOF.
//
// With -file, the sender sends that file instead of one buffer written
// again and again: it maps the file and writes it -buf at a time, as
// sockplay's connect --send-file does when nobody looks at the bytes (with
// -read, it reads the file into its buffer and writes that). One buffer's
// bytes stay in the CPU's caches; a file's come from memory, so this is
// the limit for anything that sends a file, and the cache-hot one is the
// limit for loopback itself.
//
//	go run ./bench/tcplimit -size 4G -buf 256K
//	go run ./bench/tcplimit -file /dev/shm/4g -buf 1M
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	sizeFlag := flag.String("size", "4G", "bytes to move (K, M, G suffixes are powers of 1024)")
	bufFlag := flag.String("buf", "256K", "read and write size")
	fileFlag := flag.String("file", "", "send this file (its size is -size) instead of one buffer again and again")
	readFlag := flag.Bool("read", false, "with -file: read the file into the buffer instead of mapping it")
	flag.Parse()
	size, err1 := parseSize(*sizeFlag)
	bufSize, err2 := parseSize(*bufFlag)
	if err1 != nil || err2 != nil || bufSize <= 0 {
		fmt.Fprintln(os.Stderr, "tcplimit: bad -size or -buf")
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "tcplimit:", err)
		os.Exit(1)
	}
	got := make(chan int64, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- -1
			return
		}
		buf := make([]byte, bufSize)
		var n int64
		for {
			k, err := c.Read(buf)
			n += int64(k)
			if err == io.EOF {
				break
			}
			if err != nil {
				n = -1
				break
			}
		}
		c.Close()
		got <- n
	}()
	t0 := time.Now()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		fmt.Fprintln(os.Stderr, "tcplimit:", err)
		os.Exit(1)
	}
	var serr error
	if *fileFlag != "" {
		size, serr = sendFile(c, *fileFlag, bufSize, *readFlag)
	} else {
		serr = sendBuffer(c, size, bufSize)
	}
	if serr != nil {
		fmt.Fprintln(os.Stderr, "tcplimit:", serr)
		os.Exit(1)
	}
	c.(*net.TCPConn).CloseWrite()
	n := <-got
	d := time.Since(t0)
	if n != size {
		fmt.Fprintf(os.Stderr, "tcplimit: received %d of %d bytes\n", n, size)
		os.Exit(1)
	}
	fmt.Printf("%.3f\n", d.Seconds())
}

// sendBuffer writes size bytes of one bufSize buffer, again and again.
func sendBuffer(c net.Conn, size, bufSize int64) error {
	buf := make([]byte, bufSize)
	for left := size; left > 0; {
		k := min(left, int64(len(buf)))
		if _, err := c.Write(buf[:k]); err != nil {
			return err
		}
		left -= k
	}
	return nil
}

// sendFile writes the file at path, piece bytes at a time, from a mapping
// of it or, with read, through a buffer; it returns the file's size.
func sendFile(c net.Conn, path string, piece int64, read bool) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	size := st.Size()
	if read {
		_, err = io.CopyBuffer(struct{ io.Writer }{c}, struct{ io.Reader }{f}, make([]byte, piece))
		return size, err
	}
	m, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return 0, err
	}
	defer syscall.Munmap(m)
	for off := int64(0); off < size; off += piece {
		if _, err := c.Write(m[off:min(off+piece, size)]); err != nil {
			return 0, err
		}
	}
	return size, nil
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "K"):
		mult, s = 1<<10, strings.TrimSuffix(s, "K")
	case strings.HasSuffix(s, "M"):
		mult, s = 1<<20, strings.TrimSuffix(s, "M")
	case strings.HasSuffix(s, "G"):
		mult, s = 1<<30, strings.TrimSuffix(s, "G")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n * mult, err
}
