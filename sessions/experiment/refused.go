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

var refusedInfo = Info{
	Name:  "refused",
	Title: "Refused or silent: how a connect fails",
	Explain: "A connect to a port where nothing listens fails at once: the host answers the SYN " +
		"with a reset, and connect reports \"connection refused\" in well under a millisecond on " +
		"loopback. A host that answers nothing (switched off, or a firewall that drops) gives no " +
		"such answer: the client sends its SYN again after 1 s, 3 s, 7 s, ... and connect ends only " +
		"when it gives up, or when the program's own timeout ends it. The silent host is made in a " +
		"network namespace, which needs root.",
}

const silentTimeout = 3 * time.Second

func runRefused(r *run) error {
	if err := r.Step("connect to a loopback port where nothing listens"); err != nil {
		return err
	}
	closed, err := reservePort()
	if err != nil {
		return err
	}
	local, err := reservePort()
	if err != nil {
		return err
	}
	r.watch(&watched{side: "client", peer: "", proto: socktable.TCP, local: local, remote: closed})
	start := time.Now()
	c, err := netcore.Dial(r.ctx, tcpEndpoint(int(closed.Port())), netcore.Options{LocalAddr: local.String()})
	elapsed := time.Since(start)
	if err == nil {
		r.own(c)
		r.Did("client", "connect to %s succeeded in %s: something listens there after all", closed, ms(elapsed))
	} else {
		r.Result(Event{Side: "client", Elapsed: elapsed, Err: errWords(err),
			What: fmt.Sprintf("connect to %s failed after %s: %s", closed, ms(elapsed), errWords(err))})
	}
	if err := r.Observe("after the refused connect"); err != nil {
		return err
	}
	r.unwatch("client")

	if err := r.Step(fmt.Sprintf("connect to a silent host, with a %s timeout", ms(silentTimeout))); err != nil {
		return err
	}
	if r.opt.NoNamespace {
		r.Skip("the silent host was skipped: it was asked to make no network namespace")
		return nil
	}
	h, err := newSilentHost(r.ctx)
	if err != nil {
		r.Skip("the silent host was skipped: %v", err)
		return nil
	}
	defer h.Close()
	r.Did("client", "made a network namespace whose host %s takes packets and answers none", h.Addr)
	local2, err := reserveOn(h.Local)
	if err != nil {
		return err
	}
	silent := netip.AddrPortFrom(h.Addr, 9)
	r.watch(&watched{side: "client", peer: "", proto: socktable.TCP, local: local2, remote: silent})
	type dialed struct {
		err     error
		elapsed time.Duration
	}
	done := make(chan dialed, 1)
	start = time.Now()
	r.goFn(func() {
		ep := netcore.Endpoint{Scheme: netcore.SchemeTCP, Host: h.Addr.String(), Port: int(silent.Port())}
		c, err := netcore.Dial(r.ctx, ep, netcore.Options{LocalAddr: local2.String(), ConnectTimeout: silentTimeout})
		if c != nil {
			c.Close()
		}
		done <- dialed{err, time.Since(start)}
	})
	if err := r.sleep(500 * time.Millisecond); err != nil {
		return err
	}
	if err := r.Observe("while connect waits"); err != nil {
		return err
	}
	var d dialed
	select {
	case d = <-done:
	case <-r.ctx.Done():
		return r.ctx.Err()
	}
	if d.err == nil {
		r.Did("client", "connect to the silent host succeeded in %s: it was not silent", ms(d.elapsed))
	} else {
		r.Result(Event{Side: "client", Elapsed: d.elapsed, Err: errWords(d.err),
			What: fmt.Sprintf("connect to %s gave up after %s: %s", silent, ms(d.elapsed), d.err)})
	}
	return r.Observe("after the connect gave up")
}

// reserveOn finds a free TCP port on addr.
func reserveOn(addr netip.Addr) (netip.AddrPort, error) {
	var lc net.ListenConfig
	l, err := lc.Listen(context.Background(), "tcp", netip.AddrPortFrom(addr, 0).String())
	if err != nil {
		return netip.AddrPort{}, err
	}
	defer l.Close()
	return addrPort(l.Addr()), nil
}
