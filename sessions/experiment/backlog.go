package experiment

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/socktable"
)

var backlogInfo = Info{
	Name:  "backlog",
	Title: "Backlog: connections wait in the accept queue",
	Explain: "The kernel completes a TCP handshake by itself, before the program calls accept: " +
		"the new connection waits in the listener's accept queue, and the client already sees it " +
		"as established. listen's backlog limits that queue (Linux takes one more than asked). " +
		"When the queue is full, the kernel ignores new SYNs, so later clients stay in SYN-SENT and " +
		"try again after one second, then three, ... Each accept takes one connection off the queue.",
}

const (
	backlogAsked   = 1
	backlogClients = 3
	// backlogDialWait bounds a queued client's connect: the SYN is sent
	// again after 1 s, 3 s and 7 s, so 8 s sees three retries.
	backlogDialWait = 8 * time.Second
)

func runBacklog(r *run) error {
	if err := r.Step(fmt.Sprintf("open a server with backlog %d that does not accept", backlogAsked)); err != nil {
		return err
	}
	if err := netcore.BacklogUnsupported(); err != nil {
		r.Skip("the backlog cannot be set here (%v); the system's default applies", err)
	}
	ln, err := r.listen(0, netcore.Options{Backlog: backlogAsked})
	if err != nil {
		return err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	r.Did("server", "server listens on %s with backlog %d and does not call accept", ln.Addr(), backlogAsked)
	if err := r.Observe("before any client"); err != nil {
		return err
	}

	if err := r.Step(fmt.Sprintf("%d clients connect, one after the other", backlogClients)); err != nil {
		return err
	}
	type dialed struct {
		i       int
		c       net.Conn
		err     error
		elapsed time.Duration
	}
	results := make(chan dialed, backlogClients)
	pending := map[int]bool{}
	for i := 1; i <= backlogClients; i++ {
		side := fmt.Sprintf("client %d", i)
		local, err := reservePort()
		if err != nil {
			return err
		}
		// Both ends are watched from the start: the server's end exists
		// (in the accept queue) as soon as the handshake is done, before
		// any accept.
		r.watch(&watched{side: side, peer: "server for " + side, proto: socktable.TCP, local: local,
			remote: addrPort(ln.Addr())})
		r.watch(&watched{side: "server for " + side, peer: side, proto: socktable.TCP, local: addrPort(ln.Addr()),
			remote: local})
		o := netcore.Options{LocalAddr: local.String(), ConnectTimeout: backlogDialWait}
		start := time.Now()
		ch := make(chan dialed, 1)
		r.goFn(func() {
			c, err := netcore.Dial(r.ctx, tcpEndpoint(port), o)
			if c != nil {
				r.own(c)
			}
			d := dialed{i, c, err, time.Since(start)}
			ch <- d
			results <- d
		})
		select {
		case d := <-ch:
			if d.err != nil {
				r.Failed(side, d.err, "%s's connect failed after %s", side, ms(d.elapsed))
			} else {
				r.Did(side, "%s from %s: connect returned in %s, before any accept", side, local, ms(d.elapsed))
			}
		case <-time.After(300 * time.Millisecond):
			pending[i] = true
			r.Did(side, "%s from %s: connect has not returned after 300 ms", side, local)
		}
	}
	if err := r.Observe("with the clients connecting and nobody accepting"); err != nil {
		return err
	}

	if err := r.Step("the server accepts one connection"); err != nil {
		return err
	}
	if c, err := r.accept(ln); err != nil {
		r.Failed("server", err, "accept failed")
	} else {
		r.watchAccepted(c)
		r.Did("server", "server accepted the connection from %s", c.RemoteAddr())
	}
	if len(pending) > 0 {
		r.Did("client", "waiting for a waiting client's next SYN to find room in the queue")
	}
	waited := time.Now()
	for len(pending) > 0 {
		select {
		case d := <-results:
			if !pending[d.i] {
				continue
			}
			delete(pending, d.i)
			side := fmt.Sprintf("client %d", d.i)
			if d.err != nil {
				r.Failed(side, d.err, "%s's connect failed after %s", side, ms(d.elapsed))
			} else {
				r.Did(side, "%s's connect returned after %s (%s after the accept)", side, ms(d.elapsed), ms(time.Since(waited)))
			}
		case <-r.ctx.Done():
			return r.ctx.Err()
		}
	}
	if err := r.Observe("after one accept"); err != nil {
		return err
	}

	if err := r.Step("the server accepts the rest"); err != nil {
		return err
	}
	for i := 0; i < backlogClients; i++ {
		if e := bySideNow(r)["listener"]; e.AcceptQueue == 0 {
			break
		}
		c, err := r.accept(ln)
		if err != nil {
			r.Failed("server", err, "accept failed")
			break
		}
		r.watchAccepted(c)
		r.Did("server", "server accepted the connection from %s", c.RemoteAddr())
	}
	return r.Observe("after accepting the rest")
}

// watchAccepted follows an accepted connection as "server for client N",
// N being the watched client whose address it came from.
func (r *run) watchAccepted(c net.Conn) {
	from := addrPort(c.RemoteAddr())
	peer := "client " + from.String()
	for _, w := range r.ends {
		if w.local == from {
			peer = w.side
			side := "server for " + w.side
			w.peer = side
			r.watchConn(side, peer, c)
			return
		}
	}
	r.watchConn("server for "+peer, peer, c)
}

// bySideNow reads the table without reporting.
func bySideNow(r *run) map[string]End {
	ends, err := r.look()
	if err != nil {
		return nil
	}
	return bySide(ends)
}

// reservePort finds a free loopback port for a client to bind, so its end
// can be watched before its connect returns.
func reservePort() (netip.AddrPort, error) {
	var lc net.ListenConfig
	l, err := lc.Listen(context.Background(), "tcp4", loopback+":0")
	if err != nil {
		return netip.AddrPort{}, err
	}
	defer l.Close()
	return addrPort(l.Addr()), nil
}
