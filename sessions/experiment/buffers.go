package experiment

import (
	"fmt"
	"net"
	"syscall"
	"time"

	"github.com/sockplay/sockplay/netcore"
)

var buffersInfo = Info{
	Name:  "buffers",
	Title: "Buffers: a peer that does not read stops the sender",
	Explain: "Every TCP socket has a receive buffer and a send buffer in the kernel. When the " +
		"receiver does not read, its receive queue fills, its window closes, and the sender's bytes " +
		"pile up in the sender's send queue until that is full too. Then a non-blocking send takes " +
		"only what fits, or nothing (\"resource temporarily unavailable\"), and a blocking send " +
		"waits. As soon as the receiver reads, the queues drain and the waiting send goes on. " +
		"Small SO_SNDBUF and SO_RCVBUF make this happen after a few kilobytes.",
}

const (
	smallBuffer   = 4096
	nonBlockAsk   = 1 << 20
	blockingAsk   = 64 << 10
	blockingPause = 300 * time.Millisecond
)

func runBuffers(r *run) error {
	if err := r.Step(fmt.Sprintf("open a server with SO_RCVBUF %d and connect a client with SO_SNDBUF %d; the server will not read", smallBuffer, smallBuffer)); err != nil {
		return err
	}
	_, client, server, err := r.pair(netcore.Options{RecvBuffer: smallBuffer}, netcore.Options{SendBuffer: smallBuffer})
	if err != nil {
		return err
	}
	r.Did("client", "client's %s; server's %s", effective(client, "SO_SNDBUF"), effective(server, "SO_RCVBUF"))
	if err := r.Observe("after connecting"); err != nil {
		return err
	}

	if err := r.Step(fmt.Sprintf("the client makes one non-blocking send of %d bytes", nonBlockAsk)); err != nil {
		return err
	}
	sent := 0
	if send := nonBlockingSend(client); send == nil {
		r.Skip("%s", nonBlockingUnsupported)
	} else {
		for i := 1; i <= 2; i++ {
			n, err := send(make([]byte, nonBlockAsk))
			sent += n
			e := Event{Side: "client", Asked: nonBlockAsk, Sent: n,
				What: fmt.Sprintf("non-blocking send %d: asked %d bytes, sent %d", i, nonBlockAsk, n)}
			if err != nil {
				e.Err = err.Error()
				if wouldBlock(err) {
					e.What += " (the kernel would have had to wait: " + err.Error() + ")"
				}
			}
			r.Result(e)
			if i == 1 {
				if err := r.ObserveUntil("after the first non-blocking send", time.Second, func(m map[string]End) bool {
					return m["server"].RecvQ > 0 && m["client"].SendQ > 0
				}); err != nil {
					return err
				}
			}
		}
	}

	if err := r.Step(fmt.Sprintf("the client makes a blocking send of %d bytes", blockingAsk)); err != nil {
		return err
	}
	type result struct {
		n   int
		err error
		at  time.Time
	}
	done := make(chan result, 1)
	start := time.Now()
	r.goFn(func() {
		n, err := writeFor(client, make([]byte, blockingAsk), ioTimeout)
		done <- result{n, err, time.Now()}
	})
	var blocking *result
	select {
	case res := <-done:
		blocking = &res
		r.Did("client", "the blocking send returned at once: %d bytes in %s (the queues had room)", res.n, ms(res.at.Sub(start)))
	case <-time.After(blockingPause):
		r.Did("client", "the blocking send is still waiting after %s", ms(blockingPause))
	}
	if err := r.Observe("while the blocking send waits"); err != nil {
		return err
	}

	if err := r.Step("the server reads everything"); err != nil {
		return err
	}
	want := sent + blockingAsk
	readStart := time.Now()
	sizes, rerr := readAll(server, want, nil)
	got := 0
	for _, n := range sizes {
		got += n
	}
	if rerr != nil {
		r.Failed("server", rerr, "server read %d of %d bytes in %d reads", got, want, len(sizes))
	} else {
		r.Result(Event{Side: "server", Reads: len(sizes), Elapsed: time.Since(readStart),
			What: fmt.Sprintf("server read %d bytes in %s, in %s", got, count(len(sizes), "read"), ms(time.Since(readStart)))})
	}
	if blocking == nil {
		res := <-done
		blocking = &res
		if res.err != nil {
			r.Failed("client", res.err, "the blocking send ended after %s with %d bytes sent", ms(res.at.Sub(start)), res.n)
		} else {
			r.Result(Event{Side: "client", Asked: blockingAsk, Sent: res.n, Elapsed: res.at.Sub(start),
				What: fmt.Sprintf("the blocking send returned once the server read: asked %d, sent %d, after waiting %s", blockingAsk, res.n, ms(res.at.Sub(start)))})
		}
	}
	return r.ObserveUntil("after the server read", settle, func(m map[string]End) bool {
		return m["server"].RecvQ == 0 && m["client"].SendQ == 0
	})
}

// effective is one buffer option as the kernel set it, in netcore's words.
func effective(c net.Conn, name string) string {
	sc, ok := netcore.Underlying(c).(syscall.Conn)
	if !ok {
		return name + " unknown"
	}
	vals, _ := netcore.Effective(sc)
	for _, v := range vals {
		if v.Name == name {
			return name + " " + v.Value
		}
	}
	return name + " unknown"
}
