package ping

import (
	"fmt"
	"math"
	"net/netip"
	"time"
)

// Mode chooses the kind of ICMP socket.
type Mode uint8

const (
	ModeAuto     Mode = iota // datagram first, raw when datagram is refused
	ModeDatagram             // unprivileged SOCK_DGRAM/IPPROTO_ICMP (Linux ping_group_range, macOS)
	ModeRaw                  // SOCK_RAW: root or CAP_NET_RAW
	ModeICMPAPI              // Windows IcmpSendEcho2; chosen by Auto there
)

var modeNames = [...]string{"auto", "datagram", "raw", "icmpapi"}

func (m Mode) String() string {
	if int(m) < len(modeNames) {
		return modeNames[m]
	}
	return fmt.Sprintf("mode(%d)", m)
}

// ParseMode reads "auto", "datagram" or "raw" (and "icmpapi" on Windows).
func ParseMode(s string) (Mode, error) {
	for i, n := range modeNames {
		if s == n {
			return Mode(i), nil
		}
	}
	return 0, fmt.Errorf("%w: mode %q: want auto, datagram or raw", ErrInvalidConfig, s)
}

// Family restricts name resolution and the socket to one IP version.
type Family uint8

const (
	FamilyAny Family = iota // the first address the resolver gives
	IPv4                    // -4
	IPv6                    // -6
)

// Limits and defaults. The interval floor keeps a playground from flooding
// a network; iputils needs root for less than 2 ms, we refuse below 10 ms.
const (
	DefaultSize     = 56 // what ping sends: 64 bytes of ICMP
	MaxSize         = 65500
	MinInterval     = 10 * time.Millisecond
	DefaultInterval = time.Second
	DefaultTimeout  = 10 * time.Second // iputils waits this long for a silent host
	// WaitForever as Config.Timeout never gives a probe up (iputils -W 0):
	// no KindTimeout, and with a Count, Run returns when every probe is
	// answered or ctx ends.
	WaitForever time.Duration = math.MaxInt64
)

// Config is one ping. The zero value pings Host once a second with an empty
// payload until the context ends; set Size to DefaultSize for ping's 56 bytes.
type Config struct {
	Host     string        // a name or an address (IPv6 may carry a %zone)
	Family   Family        // FamilyAny, IPv4 or IPv6
	Count    int           // probes to send; 0 sends until ctx ends
	Interval time.Duration // between probes; 0 means DefaultInterval, less than MinInterval is refused
	Size     int           // payload bytes, 0..MaxSize; 8 and more carry the send time like iputils
	TTL      int           // IPv4 TTL or IPv6 hop limit, 1..255; 0 keeps the system's
	Timeout  time.Duration // per reply; 0 means DefaultTimeout, WaitForever never gives up. A later reply is reported as KindLate
	Source   string        // source address to bind; "" lets the system choose
	Numeric  bool          // show who answered by address only, as iputils -n; a Host written as an address implies it
	Mode     Mode          // socket kind; ModeAuto tries datagram then raw
}

// normalize fills defaults and checks ranges, so Run sees only sane values.
// The error names the first field out of range, and matches both
// ErrInvalidConfig and *FieldError.
func (c Config) normalize() (Config, error) {
	if bad := c.check(); len(bad) > 0 {
		return c, fmt.Errorf("%w: %w", ErrInvalidConfig, bad[0])
	}
	if c.Interval == 0 {
		c.Interval = DefaultInterval
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	return c, nil
}

// check is every field of c out of range, in Config's order, each a
// sentence that names it: New refuses the first, Form.Config reports all.
func (c Config) check() []*FieldError {
	var bad []*FieldError
	add := func(field, format string, a ...any) {
		bad = append(bad, &FieldError{Field: field, Err: fmt.Errorf(format, a...)})
	}
	if c.Host == "" {
		add(FieldHost, "no host to ping")
	}
	if c.Count < 0 {
		add(FieldCount, "count %d: must be 0 (until stopped) or more", c.Count)
	}
	if c.Interval < 0 || c.Interval > 0 && c.Interval < MinInterval {
		add(FieldInterval, "interval %v is below the %v minimum", c.Interval, MinInterval)
	}
	if c.Size < 0 || c.Size > MaxSize {
		add(FieldSize, "size %d: must be 0 to %d bytes", c.Size, MaxSize)
	}
	if c.TTL < 0 || c.TTL > 255 {
		add(FieldTTL, "ttl %d: must be 1 to 255 (0 keeps the system's)", c.TTL)
	}
	if c.Timeout < 0 {
		add(FieldTimeout, "timeout %v: must be positive", c.Timeout)
	}
	if c.Family > IPv6 {
		add(FieldFamily, "family %d", c.Family)
	}
	if c.Mode > ModeICMPAPI {
		add(FieldMode, "mode %d", c.Mode)
	}
	if c.Source != "" {
		if _, err := netip.ParseAddr(c.Source); err != nil {
			add(FieldSource, "source %q is not an IP address", c.Source)
		}
	}
	return bad
}
