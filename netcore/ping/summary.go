package ping

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Summary is the statistics of a ping, as iputils prints them at the end.
type Summary struct {
	Host        string     // as given
	Addr        netip.Addr // as resolved
	Size        int        // payload bytes per probe
	Mode        Mode       // the socket kind used
	Transmitted int
	Received    int // first replies only; duplicates and late replies are not counted
	Duplicates  int
	Errors      int           // ICMP errors about our probes and failed sends
	Time        time.Duration // from the first send to the last, as iputils' "time"
	// Round trips over replies and duplicates (as iputils), whole microseconds;
	// zero when nothing came back. Mdev is the population standard deviation.
	Min, Avg, Max, Mdev time.Duration
}

// Loss is the packet loss in percent, as iputils computes it.
func (s Summary) Loss() float64 {
	if s.Transmitted == 0 {
		return 0
	}
	return float64(float32(float64(s.Transmitted-s.Received) * 100 / float64(s.Transmitted)))
}

// String is iputils' two statistics lines (one when nothing came back),
// without the "--- host ping statistics ---" heading and the final newline.
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d packets transmitted, %d received", s.Transmitted, s.Received)
	if s.Duplicates > 0 {
		fmt.Fprintf(&b, ", +%d duplicates", s.Duplicates)
	}
	if s.Errors > 0 {
		fmt.Fprintf(&b, ", +%d errors", s.Errors)
	}
	if s.Transmitted > 0 {
		// C's %g of a float, which is what iputils prints: 33.3333, 0, 100.
		fmt.Fprintf(&b, ", %s%% packet loss, time %dms", strconv.FormatFloat(s.Loss(), 'g', 6, 32),
			(s.Time+500*time.Microsecond)/time.Millisecond)
	}
	if s.Received > 0 {
		fmt.Fprintf(&b, "\nrtt min/avg/max/mdev = %s/%s/%s/%s ms", msec(s.Min), msec(s.Avg), msec(s.Max), msec(s.Mdev))
	}
	return b.String()
}

// Heading is the line iputils prints before the statistics.
func (s Summary) Heading() string { return "--- " + s.Host + " ping statistics ---" }

func msec(d time.Duration) string {
	us := d.Microseconds()
	return fmt.Sprintf("%d.%03d", us/1000, us%1000)
}

// rttStats accumulates round trips in whole microseconds with iputils'
// integer arithmetic, so min/avg/max/mdev print the digits ping would.
type rttStats struct {
	n                int64
	sum, sum2        int64
	min, max         int64
	haveMin, haveMax bool
}

func (r *rttStats) add(d time.Duration) {
	us := d.Microseconds()
	r.n++
	r.sum += us
	r.sum2 += us * us
	if !r.haveMin || us < r.min {
		r.min, r.haveMin = us, true
	}
	if !r.haveMax || us > r.max {
		r.max, r.haveMax = us, true
	}
}

// fill writes min/avg/max/mdev into s as iputils' finish() computes them.
func (r *rttStats) fill(s *Summary) {
	if r.n == 0 {
		return
	}
	avg := r.sum / r.n
	var v int64
	if r.sum < 1<<31-1 {
		v = (r.sum2 - r.sum*r.sum/r.n) / r.n
	} else {
		v = r.sum2/r.n - avg*avg
	}
	us := time.Microsecond
	s.Min, s.Max, s.Avg = time.Duration(r.min)*us, time.Duration(r.max)*us, time.Duration(avg)*us
	s.Mdev = time.Duration(isqrt(v)) * us
}

// isqrt is iputils' llsqrt, quirk included: its Newton loop stops one step
// late and can answer one more than the floor (llsqrt(48) = 7). The ping on
// Debian 12 (iputils 20221126) prints its mdev with it, so we do too.
func isqrt(a int64) int64 {
	x := a
	if x > 0 {
		for prev := int64(1<<63 - 1); x < prev; {
			prev = x
			x = (x + a/x) / 2
		}
	}
	return max(x, 0)
}
