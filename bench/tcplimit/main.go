// Command tcplimit is the in-process loopback limit that bench/tcp.sh judges
// sockplay against: one Go process dials itself over 127.0.0.1 TCP and
// moves -size bytes from a sender goroutine to a receiver goroutine, each
// with a -buf buffer and nothing else to do (no file, no pipe, no copy).
// It prints the seconds from the dial to the receiver's EOF.
//
//	go run ./bench/tcplimit -size 4G -buf 256K
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	sizeFlag := flag.String("size", "4G", "bytes to move (K, M, G suffixes are powers of 1024)")
	bufFlag := flag.String("buf", "256K", "read and write size")
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
	buf := make([]byte, bufSize)
	for left := size; left > 0; {
		k := min(left, int64(len(buf)))
		if _, err := c.Write(buf[:k]); err != nil {
			fmt.Fprintln(os.Stderr, "tcplimit:", err)
			os.Exit(1)
		}
		left -= k
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
