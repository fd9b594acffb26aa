package experiment

import (
	"context"
	"net"
	"net/netip"
	"time"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/socktable"
)

var timeWaitInfo = Info{
	Name:  "time-wait",
	Title: "TIME_WAIT: whoever closes first waits",
	Explain: "The side that closes a TCP connection first ends in TIME_WAIT, for about a minute on " +
		"Linux, so that a late packet of the old connection cannot be taken for part of a new one " +
		"on the same ports. The other side, once it has closed too, is gone at once. When the " +
		"server closes first, the leftover holds the server's own port, and a server restarted " +
		"on that port cannot bind it unless SO_REUSEADDR is on (on both the old socket and the new).",
}

// settle is how long an observation waits for the states to stop moving.
const settle = 2 * time.Second

func runTimeWait(r *run) error {
	if err := r.Step("open a server (SO_REUSEADDR on, as servers usually have it) and connect a client"); err != nil {
		return err
	}
	ln, client, server, err := r.pair(netcore.Options{ReuseAddr: boolp(true)}, netcore.Options{})
	if err != nil {
		return err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if err := r.Observe("after connecting"); err != nil {
		return err
	}

	if err := r.Step("the client closes first"); err != nil {
		return err
	}
	client.Close()
	r.Did("client", "client closed its socket (sends FIN)")
	if err := r.ObserveUntil("after the client's close", settle,
		func(m map[string]End) bool {
			return in(m, "server", socktable.CloseWait) && in(m, "client", socktable.FinWait2)
		}); err != nil {
		return err
	}

	if err := r.Step("the server reads the end of stream and closes too"); err != nil {
		return err
	}
	n, rerr := readFor(server, make([]byte, 16), ioTimeout)
	r.Did("server", "server: %s", readEnd(n, rerr))
	server.Close()
	r.Did("server", "server closed its socket (sends FIN)")
	if err := r.ObserveUntil("after the server's close", settle,
		func(m map[string]End) bool { return in(m, "client", socktable.TimeWait) && in(m, "server", 0) }); err != nil {
		return err
	}
	r.unwatch("client", "server")

	if err := r.Step("a new connection; this time the server closes first"); err != nil {
		return err
	}
	client2, err := r.dial(port, netcore.Options{})
	if err != nil {
		return err
	}
	server2, err := r.accept(ln)
	if err != nil {
		return err
	}
	r.watchConn("client 2", "server 2", client2)
	r.watchConn("server 2", "client 2", server2)
	r.Did("client 2", "client 2 %s connected", client2.LocalAddr())
	server2.Close()
	r.Did("server 2", "server closed its socket first (sends FIN)")
	if err := r.ObserveUntil("after the server's close", settle,
		func(m map[string]End) bool {
			return in(m, "client 2", socktable.CloseWait) && in(m, "server 2", socktable.FinWait2)
		}); err != nil {
		return err
	}
	n, rerr = readFor(client2, make([]byte, 16), ioTimeout)
	r.Did("client 2", "client 2: %s", readEnd(n, rerr))
	client2.Close()
	r.Did("client 2", "client 2 closed its socket")
	if err := r.ObserveUntil("after the client's close", settle,
		func(m map[string]End) bool { return in(m, "server 2", socktable.TimeWait) && in(m, "client 2", 0) }); err != nil {
		return err
	}

	if err := r.Step("stop the server and start it again on the same port, without SO_REUSEADDR"); err != nil {
		return err
	}
	ln.Close()
	r.unwatch("listener")
	r.Did("server", "server stopped listening on port %d", port)
	if ln2, err := r.listen(port, netcore.Options{ReuseAddr: boolp(false)}); err != nil {
		why := explain(r.ctx, port, err)
		r.Failed("server", err, "listen without SO_REUSEADDR failed: %s", why)
	} else {
		r.Did("server", "listen without SO_REUSEADDR succeeded on %s (the TIME-WAIT did not block it here)", ln2.Addr())
		ln2.Close()
		r.unwatch("listener")
	}
	if err := r.Observe("after the restart without SO_REUSEADDR"); err != nil {
		return err
	}

	if err := r.Step("start it again with SO_REUSEADDR"); err != nil {
		return err
	}
	if ln3, err := r.listen(port, netcore.Options{ReuseAddr: boolp(true)}); err != nil {
		r.Failed("server", err, "listen with SO_REUSEADDR failed too: %s", explain(r.ctx, port, err))
	} else {
		r.Did("server", "listen with SO_REUSEADDR succeeded on %s, beside the TIME-WAIT connection", ln3.Addr())
	}
	return r.Observe("after the restart with SO_REUSEADDR")
}

// explain names who holds port, as serve does ("127.0.0.1:9000 is in use
// by a socket in TIME_WAIT; enable SO_REUSEADDR").
func explain(ctx context.Context, port int, err error) string {
	if !netcore.IsAddrInUse(err) {
		return errWords(err)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	addr := netip.AddrPortFrom(netip.MustParseAddr(loopback), uint16(port))
	return socktable.ExplainAddrInUse(ctx, "tcp", addr, err).Error()
}
