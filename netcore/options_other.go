//go:build !linux && !windows && !darwin && !freebsd && !netbsd && !openbsd && !dragonfly

package netcore

// maxUnixPath assumes the common 108-byte sun_path.
const maxUnixPath = 107

const abstractSupported = false

// setOptions: this platform has no socket option support in sockplay; the
// defaults pass, anything asked is reported as unsupported.
func setOptions(fd uintptr, network string, a *asked) error {
	o := a.o
	switch {
	case o.ReuseAddr != nil:
		return unsupported("SO_REUSEADDR")
	case o.ReusePort:
		return unsupported("SO_REUSEPORT")
	case o.ExclusiveAddr:
		return unsupported("SO_EXCLUSIVEADDRUSE")
	case o.SendBuffer > 0:
		return unsupported("SO_SNDBUF")
	case o.RecvBuffer > 0:
		return unsupported("SO_RCVBUF")
	case o.Linger != nil:
		return unsupported("SO_LINGER")
	case o.TTL > 0:
		return unsupported("IP_TTL")
	case o.Broadcast:
		return unsupported("SO_BROADCAST")
	case o.BindDevice != "":
		return unsupported("SO_BINDTODEVICE")
	}
	return nil
}

var backlogUnsupported = unsupported("listen backlog")

// unixgramUnsupported: whether unixgram works here is the system's to say.
var unixgramUnsupported error

func relisten(uintptr, int) error { return backlogUnsupported }

func abortFD(uintptr) error { return unsupported("SO_LINGER") }

func effective(uintptr, *asked) ([]OptionValue, error) {
	return nil, unsupported("reading socket options")
}

func bindDeniedHint(error) string { return "" }
