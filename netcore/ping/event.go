package ping

import (
	"fmt"
	"net/netip"
	"time"
)

// Kind says what an Event reports.
type Kind uint8

const (
	KindReply     Kind = iota // the first reply to a probe
	KindDuplicate             // another reply to a probe already answered ("DUP!")
	KindTimeout               // no reply within Config.Timeout; the probe counts as lost
	KindLate                  // a reply after its timeout: shown, not counted as received
	KindError                 // an ICMP error about a probe, or a send that failed
)

var kindNames = [...]string{"reply", "duplicate", "timeout", "late", "error"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Event is one thing that happened to one probe. It is a plain value with no
// references into the pinger, so a GUI can keep or pass it between goroutines.
type Event struct {
	Kind     Kind
	Seq      int           // probe number from 1, as icmp_seq (not wrapped at 65536)
	Bytes    int           // ICMP bytes received, header included (64 for the default size)
	From     netip.Addr    // who answered (the target, or a router for KindError); invalid for a failed send
	FromName string        // From's name when Host was a name, as iputils shows "localhost (127.0.0.1)"; "" with Config.Numeric or no name
	TTL      int           // reply TTL or hop limit; -1 when the system does not report it
	RTT      time.Duration // KindReply, KindDuplicate, KindLate
	At       time.Time     // when the reply arrived or the probe was given up
	Text     string        // KindError: what happened, in iputils' words ("Time to live exceeded")
	Stats    Summary       // the statistics so far, this event included, for live views
}

// String is the line iputils ping prints for the event (timeouts as its -O
// prints them), e.g. "64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.045 ms".
func (e Event) String() string {
	switch e.Kind {
	case KindTimeout:
		return fmt.Sprintf("no answer yet for icmp_seq=%d", e.Seq)
	case KindError:
		if !e.From.IsValid() {
			return fmt.Sprintf("icmp_seq=%d %s", e.Seq, e.Text)
		}
		return fmt.Sprintf("From %s icmp_seq=%d %s", e.from(), e.Seq, e.Text)
	}
	b := fmt.Appendf(nil, "%d bytes from %s: icmp_seq=%d", e.Bytes, e.from(), e.Seq)
	if e.TTL >= 0 {
		b = fmt.Appendf(b, " ttl=%d", e.TTL)
	}
	b = append(b, " time="...)
	b = append(b, FormatRTT(e.RTT)...)
	switch e.Kind {
	case KindDuplicate:
		b = append(b, " (DUP!)"...)
	case KindLate:
		b = append(b, " (late)"...)
	}
	return string(b)
}

// from is who answered as iputils prints it: "localhost (127.0.0.1)" with
// a name, "127.0.0.1" without.
func (e Event) from() string {
	if e.FromName == "" {
		return e.From.String()
	}
	return e.FromName + " (" + e.From.String() + ")"
}

// FormatRTT prints a round trip as iputils does per reply: three decimals
// below 1 ms, then fewer as the number grows, in whole microseconds.
func FormatRTT(d time.Duration) string {
	us := d.Microseconds()
	switch {
	case us >= 100000-50:
		return fmt.Sprintf("%d ms", (us+500)/1000)
	case us >= 10000-5:
		return fmt.Sprintf("%d.%01d ms", (us+50)/1000, ((us+50)%1000)/100)
	case us >= 1000:
		return fmt.Sprintf("%d.%02d ms", (us+5)/1000, ((us+5)%1000)/10)
	}
	return fmt.Sprintf("%d.%03d ms", us/1000, us%1000)
}
