// Command sockets_conns holds TCP connections open on loopback for
// bench/sockets.sh. Run once with -listen to accept them (it prints its
// address), once with -connect ADDR -n N to open them: each end lives in
// its own process, so neither needs more than N descriptors (the hard
// limit is often 20,000). Each prints "ready" when done and exits when its
// stdin closes. Keep-alive is off: Go's default sends a probe every 15 s on
// every connection, all at once, and loopback's backlog of 1,000 dropped
// most of them, so the kernel aborted the connections after nine misses
// (two and a half minutes) and the probes loaded the machine while it timed.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
)

func main() {
	listen := flag.Bool("listen", false, "accept connections on 127.0.0.1, printing the address")
	connect := flag.String("connect", "", "open connections to this address")
	n := flag.Int("n", 10000, "connections to open or accept")
	flag.Parse()
	var conns []net.Conn
	fail := func(err error) {
		fmt.Fprintf(os.Stderr, "sockets_conns: after %d connections: %v (raise ulimit -n)\n", len(conns), err)
		os.Exit(1)
	}
	switch {
	case *listen:
		ln, err := (&net.ListenConfig{KeepAlive: -1}).Listen(context.Background(), "tcp4", "127.0.0.1:0")
		if err != nil {
			fail(err)
		}
		fmt.Println("listening", ln.Addr())
		for len(conns) < *n {
			c, err := ln.Accept()
			if err != nil {
				fail(err)
			}
			conns = append(conns, c)
		}
	case *connect != "":
		for len(conns) < *n {
			c, err := (&net.Dialer{KeepAlive: -1}).Dial("tcp4", *connect)
			if err != nil {
				fail(err)
			}
			conns = append(conns, c)
		}
	default:
		fmt.Fprintln(os.Stderr, "usage: sockets_conns -listen | -connect ADDR [-n N]")
		os.Exit(2)
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	for _, c := range conns {
		c.Close()
	}
}
