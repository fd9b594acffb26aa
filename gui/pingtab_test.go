package gui

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
	"unsafe"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore/ping"
)

// newPingTestMain is a window whose tabs refresh only when the test says:
// the test driver runs fyne.Do inline, on the pump's goroutine.
func newPingTestMain(t *testing.T) *MainWindow {
	t.Helper()
	saved := runPumps
	runPumps = false
	t.Cleanup(func() { runPumps = saved })
	return newTestMain(t)
}

// skipWithoutICMP skips when this process may open no ICMP socket at all.
func skipWithoutICMP(t *testing.T) {
	t.Helper()
	p, err := ping.New(context.Background(), ping.Config{Host: "127.0.0.1"})
	if errors.Is(err, ping.ErrNotPermitted) || errors.Is(err, ping.ErrUnsupported) {
		t.Skipf("no ICMP socket for this process: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	p.Close()
}

// startPing fills the tab's fields and taps Start, as a person would.
func startPing(t *testing.T, p *PingTab, host, count, interval string) {
	t.Helper()
	p.Target.SetText(host)
	p.Count.SetText(count)
	p.Interval.SetText(interval)
	test.Tap(p.StartStop)
}

// waitPing waits (bounded) for the run's goroutine to end, then refreshes.
func waitPing(t *testing.T, p *PingTab, limit time.Duration) {
	t.Helper()
	if p.feed == nil {
		t.Fatalf("no run was started; status %q", p.Status.Text)
	}
	select {
	case <-p.feed.done:
	case <-time.After(limit):
		t.Fatalf("ping still running after %v", limit)
	}
	p.wg.Wait()
	p.Refresh()
}

// rowText renders reply row i the way the list does.
func pingRowText(t *testing.T, p *PingTab, i int) (string, widget.Importance) {
	t.Helper()
	o := p.createRow()
	p.updateRow(i, o)
	l := o.(*widget.Label)
	return l.Text, l.Importance
}

var replyLine = regexp.MustCompile(`^\d+ bytes from 127\.0\.0\.1: icmp_seq=(\d+) ttl=\d+ time=\d+(\.\d+)? ms$`)

func TestPingTabLoopback(t *testing.T) {
	skipWithoutICMP(t)
	m := newPingTestMain(t)
	m.ShowPing()
	if n := len(m.Tabs.Items); n != 2 {
		t.Fatalf("tabs = %d after tapping Ping, want the welcome tab and a Ping tab", n)
	}
	if m.Tabs.Selected().Text != "Ping" {
		t.Fatalf("selected tab %q, want the new Ping tab", m.Tabs.Selected().Text)
	}
	p := m.OpenPing()
	startPing(t, p, "127.0.0.1", "3", "20ms")
	if p.Item.Text != "Ping 127.0.0.1" {
		t.Errorf("tab title %q, want %q", p.Item.Text, "Ping 127.0.0.1")
	}
	waitPing(t, p, 15*time.Second)

	if n := p.Replies.Length(); n != 3 {
		t.Fatalf("reply rows = %d, want 3; status %q", n, p.Status.Text)
	}
	for i := range 3 {
		text, imp := pingRowText(t, p, i)
		sub := replyLine.FindStringSubmatch(text)
		if sub == nil || sub[1] != fmt.Sprint(i+1) || imp != widget.MediumImportance {
			t.Errorf("row %d = %q (importance %v), want an iputils reply line for icmp_seq=%d", i, text, imp, i+1)
		}
	}
	if want := "3 packets transmitted, 3 received, 0% packet loss"; !strings.Contains(p.Summary.Text, want) {
		t.Errorf("summary %q, want it to contain %q", p.Summary.Text, want)
	}
	if !strings.HasPrefix(p.Summary.Text, "--- 127.0.0.1 ping statistics ---\n") || !strings.Contains(p.Summary.Text, "\nrtt min/avg/max/mdev = ") {
		t.Errorf("summary %q is not iputils' statistics block", p.Summary.Text)
	}
	if !strings.HasPrefix(p.Header.Text, "PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.") {
		t.Errorf("header %q", p.Header.Text)
	}
	pts := p.Chart.Points()
	if len(pts) != 3 {
		t.Fatalf("chart points = %d, want 3", len(pts))
	}
	for i, pt := range pts {
		if pt.Seq != i+1 || pt.Lost || pt.RTT <= 0 {
			t.Errorf("chart point %d = %+v", i, pt)
		}
	}
	r := test.WidgetRenderer(p.Chart).(*rttRenderer)
	if dots, segs := visibleDots(r), visibleLines(r.segs); dots != 3 || segs != 2 {
		t.Errorf("chart draws %d dots and %d segments, want 3 and 2", dots, segs)
	}
	if p.Running() || p.StartStop.Text != "Start" || !strings.HasPrefix(p.Status.Text, "Done: 3 sent, 3 answered") {
		t.Errorf("after the run: running %v, button %q, status %q", p.Running(), p.StartStop.Text, p.Status.Text)
	}
	if p.Item.Icon != dotResource("idle", "#8b949e") {
		t.Errorf("tab dot %v, want idle", p.Item.Icon)
	}

	// Start again: a fresh run, not appended to the last one.
	startPing(t, p, "127.0.0.1", "2", "10ms")
	waitPing(t, p, 15*time.Second)
	if n := p.Replies.Length(); n != 2 || len(p.Chart.Points()) != 2 {
		t.Errorf("second run: %d rows, %d points, want 2 and 2", n, len(p.Chart.Points()))
	}
}

func visibleDots(r *rttRenderer) int {
	n := 0
	for _, d := range r.dots {
		if d.Visible() {
			n++
		}
	}
	return n
}

func TestPingTabStopsAndCountsLoss(t *testing.T) {
	skipWithoutICMP(t)
	m := newPingTestMain(t)
	p := m.OpenPing()
	startPing(t, p, "127.0.0.1", "", "10ms") // until stopped
	deadline := time.Now().Add(10 * time.Second)
	for p.Refresh(); p.Replies.Length() < 3; p.Refresh() {
		if time.Now().After(deadline) {
			t.Fatalf("no replies after 10 s; status %q", p.Status.Text)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.HasPrefix(p.Status.Text, "Pinging over a ") || p.Item.Icon != dotResource("live", "#2ea043") {
		t.Errorf("while running: status %q, dot %v", p.Status.Text, p.Item.Icon)
	}

	// The list follows the newest reply until the person scrolls up.
	waitRows := func(n int) {
		t.Helper()
		for p.Refresh(); p.Replies.Length() < n; p.Refresh() {
			if time.Now().After(deadline) {
				t.Fatalf("%d rows after 10 s, want %d", p.Replies.Length(), n)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitRows(40) // more than fit
	if !p.Follow.Checked || p.Replies.GetScrollOffset() == 0 || p.awayFromBottom(p.Replies.Length()) {
		t.Errorf("following: checked %v, offset %v", p.Follow.Checked, p.Replies.GetScrollOffset())
	}
	// Shrinking the list under a following view is not scrolling up.
	p.Replies.Resize(p.Replies.Size().SubtractWidthHeight(0, 40))
	waitRows(p.Replies.Length() + 2)
	if !p.Follow.Checked {
		t.Error("a smaller list turned Follow off")
	}
	p.Replies.ScrollToTop()
	waitRows(p.Replies.Length() + 2)
	if p.Follow.Checked || p.Replies.GetScrollOffset() != 0 {
		t.Errorf("after scrolling up: follow %v, offset %v", p.Follow.Checked, p.Replies.GetScrollOffset())
	}
	p.Follow.SetChecked(true)
	if p.awayFromBottom(p.Replies.Length()) {
		t.Error("ticking Follow did not jump to the newest reply")
	}
	test.Tap(p.StartStop) // Stop
	waitPing(t, p, 5*time.Second)
	if !strings.HasPrefix(p.Status.Text, "Stopped: ") || !strings.Contains(p.Summary.Text, " packets transmitted, ") {
		t.Errorf("after Stop: status %q, summary %q", p.Status.Text, p.Summary.Text)
	}
}

func TestPingTabUnknownHost(t *testing.T) {
	testkit.NoSuchNames(t)
	m := newPingTestMain(t)
	p := m.OpenPing()
	startPing(t, p, "no-such-host.invalid", "1", "")
	waitPing(t, p, 30*time.Second)
	want := "Cannot ping: no-such-host.invalid: name or service not known"
	if !strings.HasPrefix(p.Status.Text, want) || p.Status.Importance != widget.DangerImportance {
		t.Errorf("status %q (importance %v), want the sentence %q", p.Status.Text, p.Status.Importance, want)
	}
	if p.Item.Icon != dotResource("failed", "#f85149") || p.Replies.Length() != 0 || p.Summary.Text != "" {
		t.Errorf("failed run: dot %v, %d rows, summary %q", p.Item.Icon, p.Replies.Length(), p.Summary.Text)
	}
}

func TestPingTabBadOptions(t *testing.T) {
	tests := []struct {
		name, field, text, want string
	}{
		{"no host", "target", "", "Cannot ping: enter a host name or address to ping."},
		{"count", "count", "three", `Cannot ping: count "three" is not a whole number: leave it empty to ping until stopped.`},
		{"interval", "interval", "fast", `Cannot ping: interval "fast" is neither a duration (10ms, 1.5s) nor a number of seconds.`},
		{"interval 0", "interval", "0", "Cannot ping: interval 0 is below the 10ms minimum (sockplay never floods)."},
		{"ttl", "ttl", "-1", `Cannot ping: ttl "-1" is not a whole number: 1 to 255, or empty for the system's.`},
		// Ranges as the engine checks them; the sentence names the option.
		{"interval floor", "interval", "5ms", "Cannot ping: interval 5ms is below the 10ms minimum."},
		{"size", "size", "70000", "Cannot ping: size 70000: must be 0 to 65500 bytes."},
		{"source", "source", "nowhere", `Cannot ping: source "nowhere" is not an IP address.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newPingTestMain(t)
			p := m.OpenPing()
			p.Target.SetText("127.0.0.1")
			field := map[string]*widget.Entry{"target": p.Target, "count": p.Count, "interval": p.Interval,
				"ttl": p.TTL, "size": p.Size, "source": p.Source}[tt.field]
			field.SetText(tt.text)
			test.Tap(p.StartStop)
			if p.feed != nil {
				waitPing(t, p, 5*time.Second)
			}
			if p.Status.Text != tt.want || p.Status.Importance != widget.DangerImportance {
				t.Errorf("status %q (importance %v), want %q", p.Status.Text, p.Status.Importance, tt.want)
			}
			if p.Running() {
				t.Error("a bad option started a run")
			}
		})
	}
}

// The permission sentence is the engine's own, shown whole: it says which
// sysctl or setcap allows ping. Forcing the datagram socket gets it from the
// real engine wherever the sysctl refuses this group.
func TestPingTabNotPermitted(t *testing.T) {
	p0, err := ping.New(context.Background(), ping.Config{Host: "127.0.0.1", Mode: ping.ModeDatagram})
	if err == nil {
		p0.Close()
		t.Skip("datagram ICMP sockets are allowed here: no permission error to show")
	}
	if !errors.Is(err, ping.ErrNotPermitted) {
		t.Skipf("datagram socket fails otherwise here: %v", err)
	}
	m := newPingTestMain(t)
	p := m.OpenPing()
	p.mode = ping.ModeDatagram
	startPing(t, p, "127.0.0.1", "1", "")
	waitPing(t, p, 5*time.Second)
	if want := "Cannot ping: " + err.Error() + "."; p.Status.Text != want || p.Status.Importance != widget.DangerImportance {
		t.Errorf("status %q, want %q", p.Status.Text, want)
	}
	if !strings.Contains(p.Status.Text, "sysctl -w net.ipv4.ping_group_range") || !strings.Contains(p.Status.Text, "setcap cap_net_raw=+ep") {
		t.Errorf("status %q does not say how to allow ping", p.Status.Text)
	}
}

func TestTwoPingTabsAtOnce(t *testing.T) {
	skipWithoutICMP(t)
	m := newPingTestMain(t)
	a, b := m.OpenPing(), m.OpenPing()
	startPing(t, a, "127.0.0.1", "", "10ms") // both until stopped, so they overlap
	startPing(t, b, "localhost", "", "15ms")
	deadline := time.Now().Add(10 * time.Second)
	for a.Refresh(); a.Replies.Length() < 3 || b.Replies.Length() < 3; a.Refresh() {
		b.Refresh()
		if !a.Running() || !b.Running() {
			t.Fatalf("a run ended by itself: %q, %q", a.Status.Text, b.Status.Text)
		}
		if time.Now().After(deadline) {
			t.Fatalf("rows after 10 s: %d and %d", a.Replies.Length(), b.Replies.Length())
		}
		time.Sleep(5 * time.Millisecond)
	}
	test.Tap(a.StartStop)
	test.Tap(b.StartStop)
	waitPing(t, a, 5*time.Second)
	waitPing(t, b, 5*time.Second)
	for _, p := range []*PingTab{a, b} {
		sent := p.Chart.Points()
		if !strings.Contains(p.Summary.Text, " packets transmitted, ") || len(sent) < 3 || p.Replies.Length() < 3 {
			t.Errorf("%s: %d rows, %d points, summary %q", p.Item.Text, p.Replies.Length(), len(sent), p.Summary.Text)
		}
	}
	if a.Item.Text != "Ping 127.0.0.1" || b.Item.Text != "Ping localhost" || len(m.Tabs.Items) != 3 {
		t.Errorf("tabs %q, %q of %d", a.Item.Text, b.Item.Text, len(m.Tabs.Items))
	}
	if a.Header.Text == b.Header.Text {
		t.Errorf("both tabs show %q", a.Header.Text)
	}
}

func TestClosingPingTabStopsIt(t *testing.T) {
	skipWithoutICMP(t)
	for _, how := range []string{"close button", "quit"} {
		t.Run(how, func(t *testing.T) {
			m := newPingTestMain(t)
			p := m.OpenPing()
			startPing(t, p, "127.0.0.1", "", "10ms") // until stopped
			deadline := time.Now().Add(10 * time.Second)
			for p.Refresh(); p.Replies.Length() == 0; p.Refresh() {
				if time.Now().After(deadline) {
					t.Fatalf("no reply after 10 s; status %q", p.Status.Text)
				}
				time.Sleep(5 * time.Millisecond)
			}
			if how == "quit" {
				m.closeAllSessions()
			} else {
				m.closeTab(p.Item)
				if len(m.Tabs.Items) != 1 {
					t.Errorf("tabs = %d after closing the Ping tab, want 1", len(m.Tabs.Items))
				}
			}
			select {
			case <-p.feed.done: // closed before the tab's close returned
			default:
				t.Fatal("the ping's goroutine still runs after its tab closed")
			}
			if s := pingStacksAfterExit(); s != "" {
				t.Fatalf("ping goroutines left after closing the tab:\n%s", s)
			}
		})
	}
}

// pingStacks is the stacks of goroutines in the engine or the ping tab.
// pingStacksAfterExit is pingStacks once goroutines that were already
// returning (past their WaitGroup's Done, still unwinding) have gone;
// a real leak is still there after half a second.
func pingStacksAfterExit() string {
	s := pingStacks()
	for i := 0; s != "" && i < 50; i++ {
		time.Sleep(10 * time.Millisecond)
		s = pingStacks()
	}
	return s
}

func pingStacks() string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "netcore/ping.") || strings.Contains(g, "gui.(*PingTab)") {
			out = append(out, g)
		}
	}
	return strings.Join(out, "\n\n")
}

// The options are read by ping.Form (its tests have every field); the tab
// shows the sentence for each bad field, and several at once.
func TestPingTabSeveralBadOptions(t *testing.T) {
	m := newPingTestMain(t)
	p := m.OpenPing()
	p.Target.SetText("127.0.0.1")
	p.Count.SetText("x")
	p.TTL.SetText("300")
	test.Tap(p.StartStop)
	want := `Cannot ping: count "x" is not a whole number: leave it empty to ping until stopped; ttl 300: must be 1 to 255 (0 keeps the system's).`
	if p.Status.Text != want || p.Running() {
		t.Errorf("status %q (running %v), want %q", p.Status.Text, p.Running(), want)
	}
}

func TestPingRowsAreCompact(t *testing.T) {
	for _, e := range []ping.Event{
		{Kind: ping.KindDuplicate, Seq: 70000, Bytes: 64, TTL: 64, RTT: 1234 * time.Microsecond},
		{Kind: ping.KindReply, Seq: 1, Bytes: 64, TTL: 64, RTT: 45 * time.Microsecond, From: netip.MustParseAddr("127.0.0.1"), FromName: "localhost"},
		{Kind: ping.KindError, Seq: 2, From: netip.MustParseAddr("10.0.0.1"), FromName: "router", Text: "Time to live exceeded"},
	} {
		if got, want := newPingRow(e).event().String(), e.String(); got != want {
			t.Errorf("row %q, event %q", got, want)
		}
	}
	if size := unsafe.Sizeof(pingRow{}); size > 80 {
		t.Errorf("a reply row takes %d bytes; %d rows of it are kept", size, maxPingRows)
	}
}

// A named target's replies say who answered by name, as iputils and
// `sockplay ping` print them: "from localhost (127.0.0.1)".
func TestPingTabShowsNames(t *testing.T) {
	skipWithoutICMP(t)
	m := newPingTestMain(t)
	p := m.OpenPing()
	p.Family.SetSelected(famV4)
	startPing(t, p, "localhost", "1", "")
	waitPing(t, p, 15*time.Second)
	if p.Replies.Length() != 1 {
		t.Fatalf("reply rows = %d; status %q", p.Replies.Length(), p.Status.Text)
	}
	text, _ := pingRowText(t, p, 0)
	if !strings.HasPrefix(text, "64 bytes from localhost (127.0.0.1): icmp_seq=1 ttl=") {
		t.Errorf("row %q, want it from localhost (127.0.0.1)", text)
	}
}
