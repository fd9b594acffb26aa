package testkit

import (
	"encoding/binary"
	"io"
	"net"
	"sync"
	"testing"
)

// ServeTCP runs a server on 127.0.0.1 that hands each connection to serve
// on a goroutine of its own, until the test ends, and returns its address.
// At the end it stops accepting, closes every connection still open and
// waits for each serve to return (serve closes its connection too, or
// leaves it to this).
func ServeTCP(t testing.TB, serve func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("a server on loopback: %v", err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	conns := map[net.Conn]bool{}
	accepting := make(chan struct{})
	go func() { // ends when cleanup closes ln
		defer close(accepting)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[c] = true
			mu.Unlock()
			wg.Add(1)
			go func() { // ends when the peer or cleanup closes c
				defer wg.Done()
				defer func() {
					mu.Lock()
					delete(conns, c)
					mu.Unlock()
					c.Close()
				}()
				serve(c)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-accepting // no connection comes after this
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// ReadFrame16 reads one message framed by its two-byte big-endian length,
// as DNS over TCP and the len:2:be framing send them.
func ReadFrame16(r io.Reader) ([]byte, error) {
	var n [2]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, err
	}
	b := make([]byte, binary.BigEndian.Uint16(n[:]))
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, err
	}
	return b, nil
}
