package experiment

import (
	"fmt"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/socktable"
)

var resetInfo = Info{
	Name:  "reset",
	Title: "Reset: SO_LINGER 0 closes with RST",
	Explain: "With SO_LINGER set to 0 seconds, close does not send a FIN and wait: it throws the " +
		"connection away and sends a reset (RST). The peer's next read fails with \"connection " +
		"reset by peer\" instead of reading an end of stream, and neither side keeps a TIME-WAIT: " +
		"the connection is simply gone. The first call after the reset, a send or a read, reports " +
		"it; a send after that fails with \"broken pipe\".",
}

func runReset(r *run) error {
	if err := r.Step("open a server and connect a client"); err != nil {
		return err
	}
	_, client, server, err := r.pair(netcore.Options{}, netcore.Options{})
	if err != nil {
		return err
	}
	if err := r.Observe("after connecting"); err != nil {
		return err
	}

	if err := r.Step("the client sets SO_LINGER 0 and closes"); err != nil {
		return err
	}
	if !netcore.SetLinger(client, 0) {
		return fmt.Errorf("SO_LINGER cannot be set on this connection")
	}
	client.Close()
	r.Did("client", "client set SO_LINGER to 0 and closed: a RST goes to the server, no FIN")
	if err := r.ObserveUntil("after the client's close with SO_LINGER 0", settle,
		func(m map[string]End) bool { return in(m, "client", 0) && !in(m, "server", socktable.Established) }); err != nil {
		return err
	}

	if err := r.Step("the server reads"); err != nil {
		return err
	}
	n, rerr := readFor(server, make([]byte, 64), ioTimeout)
	if rerr != nil && netcore.IsReset(rerr) {
		r.Failed("server", rerr, "server's read failed: connection reset by peer")
	} else {
		r.Did("server", "server: %s", readEnd(n, rerr))
	}

	if err := r.Step("the server sends on the reset connection, twice, then reads again"); err != nil {
		return err
	}
	for i := 1; i <= 2; i++ {
		if _, err := writeFor(server, []byte("anyone there?\n"), ioTimeout); err != nil {
			r.Failed("server", err, "server's send %d failed: %s", i, errWords(err))
		} else {
			r.Did("server", "server's send %d was accepted by the kernel", i)
		}
	}
	n, rerr = readFor(server, make([]byte, 64), ioTimeout)
	r.Did("server", "server's read after the reset was reported: %s", readEnd(n, rerr))
	server.Close()
	r.Did("server", "server closed its socket")
	return r.ObserveUntil("after the server closed too", settle,
		func(m map[string]End) bool { return in(m, "client", 0) && in(m, "server", 0) })
}
