package experiment

import (
	"fmt"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/socktable"
)

var halfCloseInfo = Info{
	Name:  "half-close",
	Title: "Half-close: shutdown(SHUT_WR) ends one direction only",
	Explain: "shutdown(SHUT_WR) sends a FIN, which says \"I will send no more\", and nothing else: " +
		"the socket stays open for reading. The side that shut down waits in FIN-WAIT-2, the other " +
		"reads the end of stream and is in CLOSE-WAIT, and it may go on sending for as long as it " +
		"likes. This is how a client says \"that was my whole request\" and still reads the answer. " +
		"When the other side closes as well, the first one, having closed first, ends in TIME-WAIT.",
}

func runHalfClose(r *run) error {
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

	if err := r.Step("the client shuts down its sending half: shutdown(SHUT_WR)"); err != nil {
		return err
	}
	if err := netcore.CloseWrite(client); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	r.Did("client", "client called shutdown(SHUT_WR): a FIN goes to the server")
	n, rerr := readFor(server, make([]byte, 64), ioTimeout)
	r.Did("server", "server: %s", readEnd(n, rerr))
	if err := r.ObserveUntil("after the client's shutdown(SHUT_WR)", settle,
		func(m map[string]End) bool {
			return in(m, "client", socktable.FinWait2) && in(m, "server", socktable.CloseWait)
		}); err != nil {
		return err
	}

	if err := r.Step("the server keeps sending; the client keeps reading"); err != nil {
		return err
	}
	buf := make([]byte, 64)
	for i := 1; i <= 3; i++ {
		msg := fmt.Sprintf("reply %d after your FIN\n", i)
		if _, err := writeFor(server, []byte(msg), ioTimeout); err != nil {
			r.Failed("server", err, "server's send %d failed", i)
			continue
		}
		n, err := readFor(client, buf, ioTimeout)
		if err != nil {
			r.Failed("client", err, "client's read %d failed: %s", i, readEnd(n, err))
			continue
		}
		r.Did("client", "server sent %d bytes, the client read %q", len(msg), buf[:n])
	}
	if err := r.Observe("after the server's sends"); err != nil {
		return err
	}

	if err := r.Step("the server closes; then the client closes"); err != nil {
		return err
	}
	server.Close()
	r.Did("server", "server closed its socket (sends its FIN)")
	n, rerr = readFor(client, buf, ioTimeout)
	r.Did("client", "client: %s", readEnd(n, rerr))
	client.Close()
	r.Did("client", "client closed its socket")
	return r.ObserveUntil("after both closed", settle,
		func(m map[string]End) bool { return in(m, "client", socktable.TimeWait) && in(m, "server", 0) })
}
