package experiment

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/socktable"
)

// loopback is where every experiment's sockets live.
const loopback = "127.0.0.1"

// ioTimeout bounds every read and write an experiment waits on, so a run
// that sees something unexpected ends instead of hanging.
const ioTimeout = 5 * time.Second

func tcpEndpoint(port int) netcore.Endpoint {
	return netcore.Endpoint{Scheme: netcore.SchemeTCP, Host: loopback, Port: port}
}

func boolp(b bool) *bool { return &b }

// listen opens a TCP server on loopback (port 0: any) through netcore,
// watched as "listener".
func (r *run) listen(port int, o netcore.Options) (net.Listener, error) {
	ln, err := netcore.Listen(r.ctx, tcpEndpoint(port), o)
	if err != nil {
		return nil, err
	}
	r.own(ln)
	r.watchLocal("listener", socktable.TCP, ln.Addr())
	return ln, nil
}

// dial connects a TCP client through netcore.
func (r *run) dial(port int, o netcore.Options) (net.Conn, error) {
	c, err := netcore.Dial(r.ctx, tcpEndpoint(port), o)
	if err != nil {
		return nil, err
	}
	r.own(c)
	return c, nil
}

// accept waits for one connection, bounded by ioTimeout and the run.
func (r *run) accept(ln net.Listener) (net.Conn, error) {
	type deadliner interface{ SetDeadline(time.Time) error }
	if d, ok := ln.(deadliner); ok {
		d.SetDeadline(time.Now().Add(ioTimeout))
		defer d.SetDeadline(time.Time{})
	}
	c, err := ln.Accept()
	if err != nil {
		return nil, fmt.Errorf("accept: %w", err)
	}
	r.own(c)
	return c, nil
}

// pair opens a server with o and connects a client with co: the listener,
// the client's connection and the server's, each watched.
func (r *run) pair(o, co netcore.Options) (ln net.Listener, client, server net.Conn, err error) {
	ln, err = r.listen(0, o)
	if err != nil {
		return nil, nil, nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	r.Did("server", "server listens on %s", ln.Addr())
	client, err = r.dial(port, co)
	if err != nil {
		return nil, nil, nil, err
	}
	server, err = r.accept(ln)
	if err != nil {
		return nil, nil, nil, err
	}
	r.watchConn("client", "server", client)
	r.watchConn("server", "client", server)
	r.Did("client", "client %s connected; the server accepted it", client.LocalAddr())
	return ln, client, server, nil
}

// readFor reads from c into buf with a deadline of d.
func readFor(c net.Conn, buf []byte, d time.Duration) (int, error) {
	c.SetReadDeadline(time.Now().Add(d))
	defer c.SetReadDeadline(time.Time{})
	return c.Read(buf)
}

// writeFor writes p to c with a deadline of d.
func writeFor(c net.Conn, p []byte, d time.Duration) (int, error) {
	c.SetWriteDeadline(time.Now().Add(d))
	defer c.SetWriteDeadline(time.Time{})
	return c.Write(p)
}

// readEnd says how a read ended, in the log's words and the system's.
func readEnd(n int, err error) string {
	switch {
	case err == nil:
		return fmt.Sprintf("read %d bytes", n)
	case errors.Is(err, io.EOF):
		return "read returned 0 bytes: end of stream"
	case errors.Is(err, os.ErrDeadlineExceeded):
		return "read found nothing (timed out)"
	}
	return fmt.Sprintf("read failed: %s (%s)", errWords(err), netcore.CloseReason(err))
}
