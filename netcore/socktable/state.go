package socktable

import (
	"fmt"
	"strings"
)

// State is a socket's state in the kernel's TCP numbering, which Linux
// also uses for UDP (Established when connected, Close when not) and Unix
// sockets (Listen, Established, Close, SynSent).
type State uint8

// The kernel's TCP states (include/net/tcp_states.h).
const (
	Established State = iota + 1
	SynSent
	SynRecv
	FinWait1
	FinWait2
	TimeWait
	Close
	CloseWait
	LastAck
	Listen
	Closing
	numStates
)

// ssNames are ss's spellings, used in the table and accepted by ParseStates.
var ssNames = [numStates]string{
	Established: "ESTAB", SynSent: "SYN-SENT", SynRecv: "SYN-RECV", FinWait1: "FIN-WAIT-1",
	FinWait2: "FIN-WAIT-2", TimeWait: "TIME-WAIT", Close: "UNCONN", CloseWait: "CLOSE-WAIT",
	LastAck: "LAST-ACK", Listen: "LISTEN", Closing: "CLOSING",
}

// kernelNames are the RFC/kernel spellings, which people say aloud and
// which error messages use ("in TIME_WAIT").
var kernelNames = [numStates]string{
	Established: "ESTABLISHED", SynSent: "SYN_SENT", SynRecv: "SYN_RECV", FinWait1: "FIN_WAIT_1",
	FinWait2: "FIN_WAIT_2", TimeWait: "TIME_WAIT", Close: "CLOSE", CloseWait: "CLOSE_WAIT",
	LastAck: "LAST_ACK", Listen: "LISTEN", Closing: "CLOSING",
}

// String returns ss's name for the state: ESTAB, TIME-WAIT, UNCONN, ...
func (s State) String() string {
	if s > 0 && s < numStates {
		return ssNames[s]
	}
	return fmt.Sprintf("STATE-%d", uint8(s))
}

// Name returns the kernel's name for the state: ESTABLISHED, TIME_WAIT, ...
func (s State) Name() string {
	if s > 0 && s < numStates {
		return kernelNames[s]
	}
	return fmt.Sprintf("STATE_%d", uint8(s))
}

// StateSet is a set of States, as a bit mask in the kernel's sock_diag
// layout (bit N for state N); the zero set means every state.
type StateSet uint32

// Has reports whether st is in the set; the empty set holds every state.
func (s StateSet) Has(st State) bool { return s == 0 || s&(1<<st) != 0 }

// StatesOf returns the set holding sts.
func StatesOf(sts ...State) StateSet {
	var s StateSet
	for _, st := range sts {
		s |= 1 << st
	}
	return s
}

// The state groups of ss (man ss, STATE-FILTER), and the two sets its
// flags choose: ListeningStates for -l, DefaultStates with neither -l nor -a.
const (
	AllStates StateSet = (1<<numStates - 1) &^ 1
	// ConnectedStates is every state but listening and closed.
	ConnectedStates = AllStates &^ (1<<Listen | 1<<Close)
	// SynchronizedStates is the connected states but syn-sent.
	SynchronizedStates = ConnectedStates &^ (1 << SynSent)
	// BucketStates are the states kept as minisockets.
	BucketStates StateSet = 1<<TimeWait | 1<<SynRecv
	// BigStates is every state not in a bucket.
	BigStates = AllStates &^ BucketStates
	// ListeningStates is what ss -l shows: listeners and unconnected
	// datagram sockets.
	ListeningStates StateSet = 1<<Listen | 1<<Close
	// DefaultStates is what ss shows without -a or -l: live connections,
	// without listeners, closed sockets, TIME-WAIT and SYN-RECV.
	DefaultStates = ConnectedStates &^ BucketStates
)

var stateGroups = map[string]StateSet{
	"all": AllStates, "connected": ConnectedStates, "synchronized": SynchronizedStates,
	"bucket": BucketStates, "big": BigStates,
}

// ParseStates reads a comma-separated list of states and groups, as ss's
// "state" takes them: "established", "time-wait", "TIME_WAIT", "listening",
// "connected", "bucket", "estab,close-wait". Case, '-' and '_' do not matter.
func ParseStates(spec string) (StateSet, error) {
	var set StateSet
	for _, word := range strings.Split(spec, ",") {
		key := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(word)), "_", "-")
		if g, ok := stateGroups[key]; ok {
			set |= g
			continue
		}
		st, ok := stateByName(key)
		if !ok {
			return 0, fmt.Errorf("unknown socket state %q (want a state such as established or time-wait, or all, connected, synchronized, bucket, big): %w", strings.TrimSpace(word), ErrBadFilter)
		}
		set |= 1 << st
	}
	return set, nil
}

func stateByName(key string) (State, bool) {
	switch key {
	case "estab", "established":
		return Established, true
	case "listening", "listen":
		return Listen, true
	case "closed", "close", "unconn":
		return Close, true
	}
	for st := State(1); st < numStates; st++ {
		if key == strings.ToLower(ssNames[st]) || key == strings.ReplaceAll(strings.ToLower(kernelNames[st]), "_", "-") {
			return st, true
		}
	}
	return 0, false
}
