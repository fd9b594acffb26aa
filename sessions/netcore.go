package sessions

import "github.com/sockplay/sockplay/netcore"

// The socket calls, as variables so a test can inject failures (accept
// errors, EMFILE) without a kernel that misbehaves on cue.
var (
	netListen       = netcore.Listen
	netListenPacket = netcore.ListenPacket
	netDial         = netcore.Dial
	netDialPacket   = netcore.DialPacket
)
