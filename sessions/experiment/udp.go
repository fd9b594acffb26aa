package experiment

import (
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/socktable"
)

var udpInfo = Info{
	Name:  "udp",
	Title: "UDP: datagrams keep their boundaries, and nothing more",
	Explain: "A UDP socket sends datagrams: each send is one packet, and each read returns exactly " +
		"one datagram, never two and never half of one, whatever was queued. A read buffer smaller " +
		"than the datagram gets its first bytes, and the rest is thrown away. There is no " +
		"connection: a send to a port where nothing listens succeeds, the other host answers with " +
		"an ICMP \"port unreachable\", and a connected socket reports it as \"connection refused\" " +
		"on its next call, not on the send that caused it.",
}

var udpSizes = []int{1, 10, 100, 1000}

const (
	udpBig   = 2000
	udpSmall = 512
)

func runUDP(r *run) error {
	if err := r.Step("open a UDP server and a connected UDP client"); err != nil {
		return err
	}
	pc, err := netcore.ListenPacket(r.ctx, netcore.Endpoint{Scheme: netcore.SchemeUDP, Host: loopback}, netcore.Options{})
	if err != nil {
		return err
	}
	r.own(pc)
	server, ok := pc.(*net.UDPConn)
	if !ok {
		return fmt.Errorf("the UDP server is a %T, not a UDP socket", pc)
	}
	port := server.LocalAddr().(*net.UDPAddr).Port
	r.watchLocal("server", socktable.UDP, server.LocalAddr())
	client, err := netcore.Dial(r.ctx, netcore.Endpoint{Scheme: netcore.SchemeUDP, Host: loopback, Port: port}, netcore.Options{})
	if err != nil {
		return err
	}
	r.own(client)
	r.watchConn("client", "", client)
	r.Did("server", "server bound %s; client %s is connected to it (which only sets its default peer)", server.LocalAddr(), client.LocalAddr())
	if err := r.Observe("after opening both"); err != nil {
		return err
	}

	if err := r.Step(fmt.Sprintf("the client sends %d datagrams of different sizes; the server reads after they are all sent", len(udpSizes))); err != nil {
		return err
	}
	for _, n := range udpSizes {
		if _, err := writeFor(client, make([]byte, n), ioTimeout); err != nil {
			return fmt.Errorf("send: %w", err)
		}
	}
	r.emit(Event{Kind: KindAction, Side: "client", Sends: len(udpSizes), What: fmt.Sprintf("client sent datagrams of %s bytes", joinInts(udpSizes))})
	if err := r.ObserveUntil("after the sends, before any read (a UDP Recv-Q counts the kernel's memory for the datagrams, not only their bytes)", time.Second,
		func(m map[string]End) bool { return m["server"].RecvQ > 0 }); err != nil {
		return err
	}
	buf := make([]byte, 64<<10)
	var sizes []int
	for range udpSizes {
		server.SetReadDeadline(time.Now().Add(time.Second))
		n, _, err := server.ReadFromUDP(buf)
		if err != nil {
			r.Failed("server", err, "server's read %d failed", len(sizes)+1)
			break
		}
		sizes = append(sizes, n)
	}
	r.Result(Event{Side: "server", Sends: len(udpSizes), Reads: len(sizes),
		What: fmt.Sprintf("%d sends, %s, one datagram each: %s bytes", len(udpSizes), count(len(sizes), "read"), joinInts(sizes))})

	if err := r.Step(fmt.Sprintf("the client sends one datagram of %d bytes; the server reads it into a %d-byte buffer", udpBig, udpSmall)); err != nil {
		return err
	}
	if _, err := writeFor(client, make([]byte, udpBig), ioTimeout); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	small := make([]byte, udpSmall)
	server.SetReadDeadline(time.Now().Add(time.Second))
	n, _, flags, _, rerr := server.ReadMsgUDP(small, nil)
	switch {
	case rerr != nil && netcore.IsMsgSize(rerr):
		r.Result(Event{Side: "server", Reads: 1, Asked: udpBig, Sent: n, Err: rerr.Error(),
			What: fmt.Sprintf("the read failed with %q: the %d-byte datagram did not fit the %d-byte buffer, and it is gone", errWords(rerr), udpBig, udpSmall)})
	case rerr != nil:
		r.Failed("server", rerr, "the server's read failed")
	case truncated(flags) || n < udpBig:
		r.Result(Event{Side: "server", Reads: 1, Asked: udpBig, Sent: n,
			What: fmt.Sprintf("the read returned %d of the datagram's %d bytes; the other %d bytes were cut off and thrown away", n, udpBig, udpBig-n)})
	default:
		r.Result(Event{Side: "server", Reads: 1, Sent: n, What: fmt.Sprintf("the read returned %d bytes", n)})
	}
	server.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	if n, _, err := server.ReadFromUDP(buf); errors.Is(err, os.ErrDeadlineExceeded) {
		r.Did("server", "the next read finds nothing: the rest did not wait for a second read")
	} else {
		r.Did("server", "the next read: %s", readEnd(n, err))
	}
	server.SetReadDeadline(time.Time{})

	if err := r.Step("the server closes; the client sends three times, 50 ms apart"); err != nil {
		return err
	}
	server.Close()
	r.Did("server", "server closed its socket: nothing listens on port %d now", port)
	for i := 1; i <= 3; i++ {
		if i > 1 {
			if err := r.sleep(50 * time.Millisecond); err != nil {
				return err
			}
		}
		if _, err := writeFor(client, []byte("hello?"), ioTimeout); err != nil {
			r.Failed("client", err, "client's send %d failed: %s (the ICMP port unreachable that the previous send caused)", i, errWords(err))
		} else {
			r.Did("client", "client's send %d succeeded", i)
		}
	}
	return r.Observe("after the sends to nobody")
}
