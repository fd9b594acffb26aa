package experiment

import (
	"encoding/binary"
	"fmt"
	"slices"
	"sync"

	"github.com/sockplay/sockplay/netcore"
)

// ErrCaptureUnsupported is matched by Run's error when Options.Pcap asks
// for a recording where none can be made (anywhere but Linux). It matches
// netcore.ErrUnsupported too.
var ErrCaptureUnsupported = fmt.Errorf("recording an experiment is a live capture on loopback, which sockplay makes on Linux only: %w", netcore.ErrUnsupported)

// portSet is the ports an experiment uses, which its capture keeps;
// the run adds to it as it opens sockets, the capture reads it.
type portSet struct {
	mu sync.RWMutex
	m  map[uint16]bool
	// changed, when set, is called (under the lock) with every port after
	// one is added: the capture's kernel filter follows the set.
	changed func(ports []uint16)
}

func newPortSet() *portSet { return &portSet{m: map[uint16]bool{}} }

func (s *portSet) add(p uint16) {
	if p == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m[p] {
		return
	}
	s.m[p] = true
	if s.changed != nil {
		s.changed(s.listLocked())
	}
}

// follow calls f with the ports now and after each addition.
func (s *portSet) follow(f func(ports []uint16)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.changed = f
	if f != nil {
		f(s.listLocked())
	}
}

func (s *portSet) listLocked() []uint16 {
	ports := make([]uint16, 0, len(s.m))
	for p := range s.m {
		ports = append(ports, p)
	}
	slices.Sort(ports)
	return ports
}

func (s *portSet) has(p uint16) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.m[p]
}

// packetPorts reads the TCP or UDP ports of an Ethernet frame as the lo
// interface gives them (an all-zero Ethernet header, then IPv4 or IPv6).
// For an ICMP or ICMPv6 error it returns the ports of the packet the error
// quotes, so a "port unreachable" goes with its flow. ok is false for
// anything else, and for a frame too short to hold what its headers say.
func packetPorts(frame []byte) (src, dst uint16, ok bool) {
	if len(frame) < 14 {
		return 0, 0, false
	}
	return ipPorts(binary.BigEndian.Uint16(frame[12:14]), frame[14:], 0)
}

const (
	etherIPv4 = 0x0800
	etherIPv6 = 0x86dd
)

// ipPorts reads an IP packet's ports; depth stops an ICMP error quoting
// another ICMP error from being followed more than once.
func ipPorts(ethertype uint16, b []byte, depth int) (src, dst uint16, ok bool) {
	var proto byte
	switch ethertype {
	case etherIPv4:
		if len(b) < 20 || b[0]>>4 != 4 {
			return 0, 0, false
		}
		ihl := int(b[0]&0x0f) * 4
		if ihl < 20 || len(b) < ihl {
			return 0, 0, false
		}
		if binary.BigEndian.Uint16(b[6:8])&0x1fff != 0 {
			return 0, 0, false // a later fragment has no transport header
		}
		proto, b = b[9], b[ihl:]
	case etherIPv6:
		if len(b) < 40 || b[0]>>4 != 6 {
			return 0, 0, false
		}
		proto, b = b[6], b[40:] // extension headers are not followed
	default:
		return 0, 0, false
	}
	switch proto {
	case 6, 17: // TCP, UDP
		if len(b) < 4 {
			return 0, 0, false
		}
		return binary.BigEndian.Uint16(b[0:2]), binary.BigEndian.Uint16(b[2:4]), true
	case 1, 58: // ICMP, ICMPv6: an error quotes the packet after 8 bytes
		if depth > 0 || len(b) < 8 {
			return 0, 0, false
		}
		isErr := proto == 1 && (b[0] == 3 || b[0] == 11 || b[0] == 12) || proto == 58 && b[0] < 128
		if !isErr {
			return 0, 0, false
		}
		inner := uint16(etherIPv4)
		if proto == 58 {
			inner = etherIPv6
		}
		return ipPorts(inner, b[8:], depth+1)
	}
	return 0, 0, false
}
