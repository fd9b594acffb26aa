package experiment

import (
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/framing"
)

var stickyInfo = Info{
	Name:  "sticky",
	Title: "Sticky packets: TCP is a stream, not messages",
	Explain: "TCP delivers bytes in order, but not the boundaries of the sends that made them: " +
		"fifty small sends can come out of one read, or of a few, and a large one can be split. " +
		"The kernel keeps the bytes in one receive queue, and a read takes whatever is there. " +
		"A framing (here a 2-byte length before each message) puts the boundaries back. " +
		"Nagle's algorithm (on when TCP_NODELAY is off) holds small sends back while earlier data " +
		"is unacknowledged, so with it on the sends merge even more, and a request sent in two " +
		"writes waits for the peer's delayed ACK.",
}

const (
	stickyCount = 50
	nagleRounds = 10
)

func stickyMessage(i int) []byte { return fmt.Appendf(nil, "msg-%02d\n", i) }

func runSticky(r *run) error {
	if err := r.Step("open a server and connect a client (TCP_NODELAY on, Go's default)"); err != nil {
		return err
	}
	_, client, server, err := r.pair(netcore.Options{}, netcore.Options{})
	if err != nil {
		return err
	}
	if err := r.Observe("after connecting"); err != nil {
		return err
	}

	if err := r.Step(fmt.Sprintf("the client sends %d small messages, one send each; the server reads only after they are all sent", stickyCount)); err != nil {
		return err
	}
	total := 0
	for i := 0; i < stickyCount; i++ {
		n, err := writeFor(client, stickyMessage(i), ioTimeout)
		total += n
		if err != nil {
			return fmt.Errorf("send: %w", err)
		}
	}
	r.emit(Event{Kind: KindAction, Side: "client", Sends: stickyCount, What: fmt.Sprintf("client made %d sends, %d bytes in all", stickyCount, total)})
	if err := r.ObserveUntil("after the sends, before any read", time.Second,
		func(m map[string]End) bool { return m["server"].RecvQ >= uint32(total) }); err != nil {
		return err
	}
	sizes, err := readAll(server, total, nil)
	if err != nil {
		return err
	}
	r.Result(Event{Side: "server", Sends: stickyCount, Reads: len(sizes),
		What: fmt.Sprintf("%d sends arrived in %s (%s bytes)", stickyCount, count(len(sizes), "read"), joinInts(sizes))})

	if err := r.Step("the same with a 2-byte length before each message (framing len:2:be)"); err != nil {
		return err
	}
	spec, err := framing.Parse("len:2:be")
	if err != nil {
		return err
	}
	total = 0
	for i := 0; i < stickyCount; i++ {
		frame, err := spec.Encode(nil, stickyMessage(i))
		if err != nil {
			return err
		}
		n, err := writeFor(client, frame, ioTimeout)
		total += n
		if err != nil {
			return fmt.Errorf("send: %w", err)
		}
	}
	r.emit(Event{Kind: KindAction, Side: "client", Sends: stickyCount, What: fmt.Sprintf("client made %d sends of framed messages, %d bytes in all", stickyCount, total)})
	if err := r.ObserveUntil("after the framed sends, before any read", time.Second,
		func(m map[string]End) bool { return m["server"].RecvQ >= uint32(total) }); err != nil {
		return err
	}
	dec := spec.NewDecoder(framing.Options{})
	messages := 0
	sizes, err = readAll(server, total, func(p []byte) error {
		ms, err := dec.Feed(p)
		messages += len(ms)
		return err
	})
	if err != nil {
		return err
	}
	r.Result(Event{Side: "server", Sends: stickyCount, Reads: len(sizes), Messages: messages,
		What: fmt.Sprintf("%d sends arrived in %s, and the len:2:be decoder gave %d messages", stickyCount, count(len(sizes), "read"), messages)})

	if err := r.Step(fmt.Sprintf("Nagle: %d sends while the server reads as bytes arrive, with TCP_NODELAY on, then off", stickyCount)); err != nil {
		return err
	}
	for _, noDelay := range []bool{true, false} {
		netcore.SetNoDelay(client, noDelay)
		reads, elapsed, err := streamWhileReading(r, client, server)
		if err != nil {
			return err
		}
		r.Result(Event{Side: "server", Sends: stickyCount, Reads: reads, Elapsed: elapsed,
			What: fmt.Sprintf("TCP_NODELAY %s (Nagle %s): %d sends arrived in %s, in %s", onOff(noDelay), onOff(!noDelay), stickyCount, count(reads, "read"), ms(elapsed))})
	}

	if err := r.Step(fmt.Sprintf("Nagle and delayed ACK: %d requests sent in two writes each, each answered by the server, TCP_NODELAY on, then off", nagleRounds)); err != nil {
		return err
	}
	for _, noDelay := range []bool{true, false} {
		netcore.SetNoDelay(client, noDelay)
		elapsed, err := writeWriteRead(r, client, server)
		if err != nil {
			return err
		}
		r.Result(Event{Side: "client", Sends: 2 * nagleRounds, Elapsed: elapsed,
			What: fmt.Sprintf("TCP_NODELAY %s (Nagle %s): %d request-reply rounds took %s, %s a round", onOff(noDelay), onOff(!noDelay), nagleRounds, ms(elapsed), ms(elapsed/nagleRounds))})
	}
	netcore.SetNoDelay(client, true)
	return r.Observe("at the end")
}

// readAll reads total bytes from c, returning each read's size; feed, when
// set, gets every chunk.
func readAll(c net.Conn, total int, feed func([]byte) error) ([]int, error) {
	buf := make([]byte, 64<<10)
	var sizes []int
	for got := 0; got < total; {
		n, err := readFor(c, buf, ioTimeout)
		if n > 0 {
			sizes = append(sizes, n)
			got += n
			if feed != nil {
				if ferr := feed(buf[:n]); ferr != nil {
					return sizes, ferr
				}
			}
		}
		if err != nil {
			return sizes, fmt.Errorf("read after %d of %d bytes: %w", got, total, err)
		}
	}
	return sizes, nil
}

// streamWhileReading sends stickyCount messages while the server reads.
func streamWhileReading(r *run, client, server net.Conn) (reads int, elapsed time.Duration, err error) {
	total := stickyCount * len(stickyMessage(0))
	type result struct {
		sizes []int
		err   error
	}
	done := make(chan result, 1)
	start := time.Now()
	r.goFn(func() {
		sizes, err := readAll(server, total, nil)
		done <- result{sizes, err}
	})
	for i := 0; i < stickyCount; i++ {
		if _, err := writeFor(client, stickyMessage(i), ioTimeout); err != nil {
			<-done
			return 0, 0, fmt.Errorf("send: %w", err)
		}
	}
	res := <-done
	return len(res.sizes), time.Since(start), res.err
}

// writeWriteRead sends nagleRounds requests in two writes each ("head",
// then "body"), waiting each time for the server's one-byte reply.
func writeWriteRead(r *run, client, server net.Conn) (time.Duration, error) {
	errc := make(chan error, 1)
	r.goFn(func() {
		buf := make([]byte, 8)
		for i := 0; i < nagleRounds; i++ {
			server.SetReadDeadline(time.Now().Add(ioTimeout))
			if _, err := io.ReadFull(server, buf); err != nil {
				errc <- err
				return
			}
			if _, err := writeFor(server, []byte{'k'}, ioTimeout); err != nil {
				errc <- err
				return
			}
		}
		server.SetReadDeadline(time.Time{})
		errc <- nil
	})
	start := time.Now()
	reply := make([]byte, 1)
	for i := 0; i < nagleRounds; i++ {
		if _, err := writeFor(client, []byte("head"), ioTimeout); err != nil {
			return 0, err
		}
		if _, err := writeFor(client, []byte("body"), ioTimeout); err != nil {
			return 0, err
		}
		if _, err := readFor(client, reply, ioTimeout); err != nil {
			return 0, err
		}
	}
	elapsed := time.Since(start)
	return elapsed, <-errc
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	if len(s) > 12 {
		return strings.Join(s[:12], ", ") + fmt.Sprintf(", ... (%d more)", len(s)-12)
	}
	return strings.Join(s, ", ")
}

// count says "1 read", "3 reads".
func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
