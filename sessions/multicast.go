package sessions

import (
	"errors"
	"fmt"

	"github.com/sockplay/sockplay/netcore"
)

// ErrNoMulticast: only a UDP server or an unconnected UDP client has a
// socket that can join a group.
var ErrNoMulticast = errors.New("joining multicast groups needs a running UDP server or unconnected UDP client")

// Join adds a multicast membership (netcore.Join notation, "239.1.2.3@eth0"
// or "10.0.0.5>232.1.2.3@eth0") to the live session's socket, with a log
// line, so a tab can join and leave without reopening.
func (s *Session) Join(spec string) error { return s.membership(spec, true) }

// Leave drops a membership Join or the session's options added.
func (s *Session) Leave(spec string) error { return s.membership(spec, false) }

func (s *Session) membership(spec string, join bool) error {
	j, err := netcore.ParseJoin(spec)
	if err != nil {
		return err
	}
	s.mu.Lock()
	pc := s.pc
	s.mu.Unlock()
	if pc == nil || s.cfg.Endpoint.Scheme != netcore.SchemeUDP {
		return ErrNoMulticast
	}
	if join {
		err = netcore.JoinGroup(pc, j)
	} else {
		err = netcore.LeaveGroup(pc, j)
	}
	if err != nil {
		s.logEvent(KindError, nil, err.Error())
		return fmt.Errorf("session: %w", err)
	}
	verb := "left"
	if join {
		verb = "joined"
	}
	s.logEvent(KindInfo, nil, fmt.Sprintf("%s multicast group %s", verb, j.Describe()))
	return nil
}
