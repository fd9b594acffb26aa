package netcore

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// maxUnixPath is sun_path (108 bytes) minus the terminating NUL; an abstract
// name has the same room after its leading NUL.
const maxUnixPath = 107

// abstractSupported: Linux has abstract unix socket names (unix://@name).
const abstractSupported = true

func bindToDevice(s int, dev string) error {
	if err := unix.BindToDevice(s, dev); err != nil {
		if errors.Is(err, unix.ENODEV) {
			return fmt.Errorf("SO_BINDTODEVICE %q: no such network interface: %w", dev, err)
		}
		return fmt.Errorf("SO_BINDTODEVICE %q: %w", dev, err)
	}
	return nil
}

func boundDevice(s int) (string, bool) {
	dev, err := unix.GetsockoptString(s, unix.SOL_SOCKET, unix.SO_BINDTODEVICE)
	if err != nil {
		return "", false
	}
	if dev == "" {
		return "none", true
	}
	return dev, true
}

func keepAliveDetails(s int) []OptionValue {
	var vals []OptionValue
	for _, k := range []struct {
		name string
		opt  int
		secs bool
	}{{"TCP_KEEPIDLE", unix.TCP_KEEPIDLE, true}, {"TCP_KEEPINTVL", unix.TCP_KEEPINTVL, true}, {"TCP_KEEPCNT", unix.TCP_KEEPCNT, false}} {
		v, err := unix.GetsockoptInt(s, unix.IPPROTO_TCP, k.opt)
		if err != nil {
			continue
		}
		val := strconv.Itoa(v)
		if k.secs {
			val = (time.Duration(v) * time.Second).String()
		}
		vals = append(vals, OptionValue{k.name, val})
	}
	return vals
}

// bufferNote explains the kernel's answer: Linux doubles SO_RCVBUF and
// SO_SNDBUF (the extra half is its bookkeeping), caps the request at
// net.core.{r,w}mem_max and raises tiny ones to a minimum.
func bufferNote(name string, v, asked int) string {
	if asked <= 0 {
		return fmt.Sprintf("%d (kernel default)", v)
	}
	sysctl := "net.core.rmem_max"
	if name == "SO_SNDBUF" {
		sysctl = "net.core.wmem_max"
	}
	switch {
	case v == 2*asked:
		return fmt.Sprintf("%d (asked %d; Linux doubles it)", v, asked)
	case v < 2*asked:
		if max, ok := readSysctl(sysctl); ok {
			return fmt.Sprintf("%d (asked %d; capped at %s %d, then doubled)", v, asked, sysctl, max)
		}
		return fmt.Sprintf("%d (asked %d; capped at %s, then doubled)", v, asked, sysctl)
	default:
		return fmt.Sprintf("%d (asked %d; raised to the kernel minimum)", v, asked)
	}
}

func readSysctl(name string) (int, bool) {
	b, err := os.ReadFile("/proc/sys/" + strings.ReplaceAll(name, ".", "/"))
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	return n, err == nil
}

// backlogNote reads a TCP listener's accept queue limit from TCP_INFO
// (tcpi_sacked holds sk_max_ack_backlog for listeners); unix listeners
// have no such read-back, so it reports what was asked and the cap.
func backlogNote(s int, tcp bool, asked int) string {
	somax, haveSomax := readSysctl("net.core.somaxconn")
	if tcp {
		if info, err := unix.GetsockoptTCPInfo(s, unix.IPPROTO_TCP, unix.TCP_INFO); err == nil {
			v := int(info.Sacked)
			switch {
			case asked <= 0:
				return fmt.Sprintf("%d (Go's default: net.core.somaxconn)", v)
			case v < asked:
				return fmt.Sprintf("%d (asked %d; capped at net.core.somaxconn)", v, asked)
			default:
				return fmt.Sprintf("%d (asked %d)", v, asked)
			}
		}
	}
	switch {
	case asked <= 0 && haveSomax:
		return fmt.Sprintf("%d (Go's default: net.core.somaxconn; not readable back for unix sockets)", somax)
	case asked <= 0:
		return "Go's default (net.core.somaxconn)"
	case haveSomax && asked > somax:
		return fmt.Sprintf("%d (asked %d; capped at net.core.somaxconn; not readable back for unix sockets)", somax, asked)
	default:
		return fmt.Sprintf("%d (as asked; not readable back for unix sockets)", asked)
	}
}

func defaultTTL() (int, bool) { return readSysctl("net.ipv4.ip_default_ttl") }
