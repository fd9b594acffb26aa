package sessions

// State is where a session is in its life.
type State int32

// Session states.
const (
	StateNew          State = iota
	StateStarting           // Start is listening or dialing
	StateListening          // servers
	StateConnected          // clients
	StateDisconnected       // a client's connection ended
	StateReconnecting       // a client is redialing
	StateFailed             // Start failed
	StateClosed             // Close was called
)

var stateNames = [...]string{"new", "starting", "listening", "connected", "disconnected", "reconnecting", "failed", "closed"}

func (s State) String() string {
	if int(s) < len(stateNames) && s >= 0 {
		return stateNames[s]
	}
	return "unknown"
}

// PeerState is one peer's connection state.
type PeerState int32

// Peer states. Datagram peers are always PeerOpen until forgotten.
const (
	PeerOpen        PeerState = iota
	PeerWriteClosed           // we half-closed (sent FIN), still reading
	PeerReadClosed            // the peer half-closed; we can still send
	PeerClosed
)

var peerStateNames = [...]string{"open", "write closed", "read closed", "closed"}

func (s PeerState) String() string {
	if int(s) < len(peerStateNames) && s >= 0 {
		return peerStateNames[s]
	}
	return "unknown"
}
