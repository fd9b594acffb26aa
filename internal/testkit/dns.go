package testkit

import (
	"context"
	"encoding/binary"
	"net"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

// NoSuchNames points the process's resolver (net.DefaultResolver) at a DNS
// server on loopback that answers "no such name" (NXDOMAIN) for every name
// but localhost, until the test ends, and returns how many questions it
// has answered. A test of an unknown host then gets the answer the
// machine's DNS server would give without asking a server off this
// machine, which tests must not (and which a machine without a network
// would answer differently). Names in the hosts file still resolve from
// it. The resolver is the whole process's: not for parallel tests.
func NoSuchNames(t testing.TB) *atomic.Int64 {
	t.Helper()
	// TCP, which the resolver speaks when Dial hands it a stream: Wine
	// opens no UDP socket at all (WineNoUDP).
	answered := new(atomic.Int64)
	server := ServeTCP(t, func(c net.Conn) { answerStream(c, answered) })
	saved := net.DefaultResolver
	net.DefaultResolver = &net.Resolver{
		PreferGo: true, // the built-in resolver, the one that takes Dial
		Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "tcp", server)
		},
	}
	t.Cleanup(func() { net.DefaultResolver = saved })
	return answered
}

// answerStream answers every query on c, each framed by its two-byte
// length as DNS over TCP is, until c ends.
func answerStream(c net.Conn, answered *atomic.Int64) {
	for {
		q, err := ReadFrame16(c)
		if err != nil {
			return
		}
		reply, err := answer(q)
		if err != nil {
			return
		}
		if _, err := c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(reply))), reply...)); err != nil {
			return
		}
		answered.Add(1)
	}
}

// answer is the reply to the DNS query q: localhost's loopback
// addresses, as every system's resolver gives them (Windows' without a
// line in its hosts file, which Go's resolver there reads alone), and for
// any other name "no such name".
func answer(q []byte) ([]byte, error) {
	var p dnsmessage.Parser
	h, err := p.Start(q)
	if err != nil {
		return nil, err
	}
	questions, err := p.AllQuestions()
	if err != nil {
		return nil, err
	}
	rcode := dnsmessage.RCodeNameError
	for _, qq := range questions {
		if isLocalhost(qq.Name.String()) {
			rcode = dnsmessage.RCodeSuccess
		}
	}
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{
		ID: h.ID, Response: true, OpCode: h.OpCode, Authoritative: true,
		RecursionDesired: h.RecursionDesired, RecursionAvailable: true,
		RCode: rcode,
	})
	if err := b.StartQuestions(); err != nil {
		return nil, err
	}
	for _, qq := range questions {
		if err := b.Question(qq); err != nil {
			return nil, err
		}
	}
	if err := b.StartAnswers(); err != nil {
		return nil, err
	}
	for _, qq := range questions {
		if !isLocalhost(qq.Name.String()) {
			continue
		}
		rh := dnsmessage.ResourceHeader{Name: qq.Name, Class: dnsmessage.ClassINET, TTL: 60}
		switch qq.Type {
		case dnsmessage.TypeA:
			err = b.AResource(rh, dnsmessage.AResource{A: [4]byte{127, 0, 0, 1}})
		case dnsmessage.TypeAAAA:
			err = b.AAAAResource(rh, dnsmessage.AAAAResource{AAAA: [16]byte{15: 1}})
		}
		if err != nil {
			return nil, err
		}
	}
	return b.Finish()
}

func isLocalhost(name string) bool {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	return name == "localhost" || strings.HasSuffix(name, ".localhost")
}
