package ping

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Form is a ping's options as a person types them, in the window's Ping
// tab or a saved workspace: each field's text, empty meaning ping's
// default. Config turns it into a Config the way `sockplay ping` turns its
// flags into one, so a value means the same in both.
type Form struct {
	Host     string
	Family   string // "" or "any", "ipv4", "ipv6"
	Count    string // probes; empty: until stopped
	Interval string // "1s", "200ms" or seconds ("0.2"); empty: 1s
	Size     string // payload bytes; empty: DefaultSize
	TTL      string // empty: the system's
	Timeout  string // per reply, as Interval; empty: 10s; 0: wait for ever (iputils -W 0)
	Source   string // an IP address; empty: the system chooses
}

// Field names, as a FieldError gives them and its sentence says them.
const (
	FieldHost     = "host"
	FieldFamily   = "family"
	FieldCount    = "count"
	FieldInterval = "interval"
	FieldSize     = "size"
	FieldTTL      = "ttl"
	FieldTimeout  = "timeout"
	FieldSource   = "source"
	FieldMode     = "mode"
)

// formOrder is the order of a Form's fields, for the order of its errors.
var formOrder = []string{FieldHost, FieldFamily, FieldCount, FieldInterval, FieldSize, FieldTTL, FieldTimeout, FieldSource, FieldMode}

// FieldError is one option ping cannot use: which field, and a sentence
// that names it and says why. It matches ErrInvalidConfig.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

// Is makes every FieldError an ErrInvalidConfig.
func (e *FieldError) Is(target error) bool { return target == ErrInvalidConfig }

// FormError is every field of a Form that ping cannot use, in the form's
// order, one sentence each. It matches ErrInvalidConfig.
type FormError []*FieldError

func (e FormError) Error() string {
	s := make([]string, len(e))
	for i, fe := range e {
		s[i] = fe.Error()
	}
	return strings.Join(s, "; ")
}

// Is makes a FormError an ErrInvalidConfig.
func (e FormError) Is(target error) bool { return target == ErrInvalidConfig }

// Config reads the form: whole numbers for count, size and ttl; "50ms",
// "1.5s" or a number of seconds (ParseSeconds) for interval and timeout;
// an IP address for source. Empty fields are ping's defaults. An interval
// written as 0 is refused (sockplay never floods), and a timeout written
// as 0 waits for ever, as `sockplay ping -i 0` and `-W 0` do. Ranges are
// checked as New checks them. The error, a FormError, has one sentence per
// field that ping cannot use; the Config holds the fields that were read.
func (f Form) Config() (Config, error) {
	c := Config{Host: strings.TrimSpace(f.Host), Size: DefaultSize}
	bad := map[string]error{}
	if c.Host == "" {
		bad[FieldHost] = errors.New("enter a host name or address to ping")
	}
	switch f.Family {
	case "", "any":
	case "ipv4":
		c.Family = IPv4
	case "ipv6":
		c.Family = IPv6
	default:
		bad[FieldFamily] = fmt.Errorf("family %q is not one of any, ipv4, ipv6", f.Family)
	}
	whole := func(field, text string, dst *int, hint string) {
		s := strings.TrimSpace(text)
		if s == "" {
			return
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			bad[field] = fmt.Errorf("%s %q is not a whole number: %s", field, s, hint)
			return
		}
		*dst = n
	}
	whole(FieldCount, f.Count, &c.Count, "leave it empty to ping until stopped")
	whole(FieldSize, f.Size, &c.Size, fmt.Sprintf("0 to %d bytes of payload", MaxSize))
	whole(FieldTTL, f.TTL, &c.TTL, "1 to 255, or empty for the system's")
	seconds := func(field, text string, dst *time.Duration, zero func() error) {
		s := strings.TrimSpace(text)
		if s == "" {
			return
		}
		d, err := ParseSeconds(s)
		switch {
		case err != nil:
			bad[field] = fmt.Errorf("%s %w", field, err)
		case d == 0:
			if err := zero(); err != nil {
				bad[field] = err
			}
		default:
			*dst = d
		}
	}
	seconds(FieldInterval, f.Interval, &c.Interval, func() error {
		return fmt.Errorf("interval 0 is below the %v minimum (sockplay never floods)", MinInterval)
	})
	seconds(FieldTimeout, f.Timeout, &c.Timeout, func() error {
		c.Timeout = WaitForever
		return nil
	})
	c.Source = strings.TrimSpace(f.Source)
	for _, fe := range c.check() {
		if _, ok := bad[fe.Field]; !ok {
			bad[fe.Field] = fe.Err
		}
	}
	if len(bad) == 0 {
		return c, nil
	}
	var fe FormError
	for _, field := range formOrder {
		if err, ok := bad[field]; ok {
			fe = append(fe, &FieldError{Field: field, Err: err})
		}
	}
	return c, fe
}

// maxSeconds bounds a number of seconds: a larger one is a typing slip,
// and past about 9e9 it would not fit a time.Duration.
const maxSeconds = 1e6

// ParseSeconds reads a duration as ping's -i and -W take it: a Go duration
// ("10ms", "1.5s") or, as iputils takes it, a number of seconds ("0.01").
// A number that is not zero but rounds to no time at all is refused, so
// 0 means only what was written as zero; so is a number of a million
// seconds or more. A negative value is returned as such: whether it is
// allowed is the option's to say (Config's checks refuse it).
func ParseSeconds(s string) (time.Duration, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if math.IsNaN(f) || math.Abs(f) >= maxSeconds {
			return 0, fmt.Errorf("%q is not a number of seconds ping can wait (under %d)", s, int(maxSeconds))
		}
		d := time.Duration(f * float64(time.Second))
		if d == 0 && f != 0 {
			return 0, fmt.Errorf("%q is shorter than a nanosecond", s)
		}
		return d, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is neither a duration (10ms, 1.5s) nor a number of seconds", s)
	}
	return d, nil
}
