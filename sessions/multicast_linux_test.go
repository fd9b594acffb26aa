package sessions

import (
	"errors"
	"testing"

	"github.com/sockplay/sockplay/netcore"
)

// TestJoinLeave joins and leaves a group on a live UDP server (on lo, which
// Linux accepts memberships on; traffic between namespaces is tested in
// cmd/sockplay/cli) and checks the log line of each and the refusals.
func TestJoinLeave(t *testing.T) {
	s := start(t, Config{Role: Server, Endpoint: ep(t, "udp://127.0.0.1:0")})
	if err := s.Join("239.255.77.1@lo"); err != nil {
		t.Fatalf("join: %v", err)
	}
	if err := s.Leave("239.255.77.1@lo"); err != nil {
		t.Fatalf("leave: %v", err)
	}
	waitLog(t, s, "join and leave lines", func(es []Entry) bool {
		return hasText(es, KindInfo, "joined multicast group 239.255.77.1 on lo") &&
			hasText(es, KindInfo, "left multicast group 239.255.77.1 on lo")
	})
	if err := s.Join("10.0.0.1"); !errors.Is(err, netcore.ErrJoin) {
		t.Errorf("join of a unicast address: %v", err)
	}
	if err := s.Leave("239.255.77.2@lo"); err == nil {
		t.Error("leaving a group never joined succeeded")
	}
	if err := s.Join("239.255.77.1@nosuchif0"); err == nil {
		t.Error("join on a missing interface succeeded")
	}
	tcp := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0")})
	if err := tcp.Join("239.255.77.1"); !errors.Is(err, ErrNoMulticast) {
		t.Errorf("join on tcp: %v", err)
	}
}
