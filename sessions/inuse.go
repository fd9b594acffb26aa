package sessions

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"time"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/socktable"
)

// explainTimeout bounds the socket-table lookup that names who holds an
// address: the person is waiting for the listen error.
const explainTimeout = 2 * time.Second

// explainListenErr turns "address already in use" from a TCP or UDP listen
// into a sentence naming the holder ("127.0.0.1:9000 is already in use by
// python3 (pid 4242)"), so the CLI and the GUI both say who to stop. For a
// port held by a TIME_WAIT connection the advice follows whether the bind
// had SO_REUSEADDR on (netcore's error says): enable it when it was off,
// otherwise wait or choose another port. The result still matches
// address in use (netcore.IsAddrInUse: EADDRINUSE, WSAEADDRINUSE on
// Windows); other errors pass through.
func explainListenErr(ctx context.Context, err error) error {
	var op *net.OpError
	if !netcore.IsAddrInUse(err) || !errors.As(err, &op) || op.Addr == nil {
		return err
	}
	var network string
	switch op.Addr.(type) {
	case *net.TCPAddr:
		network = "tcp"
	case *net.UDPAddr:
		network = "udp"
	default:
		return err // a unix path in use is already named by netcore
	}
	addr, perr := netip.ParseAddrPort(op.Addr.String())
	if perr != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, explainTimeout)
	defer cancel()
	return socktable.ExplainAddrInUse(ctx, network, addr, err)
}
