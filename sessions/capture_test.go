package sessions

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/netcore/pcap"
)

// A conversation of a capture reads as a session that was its server:
// requests in, answers out, a gap as a gap, messages with a framing, and
// nothing to start.
func TestFromCapture(t *testing.T) {
	t0 := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	c := pcap.Conversation{ID: 3, Proto: "tcp",
		Client: netip.MustParseAddrPort("192.0.2.10:40000"), Server: netip.MustParseAddrPort("192.0.2.1:502"),
		First: t0, Last: t0.Add(time.Second), End: "fin",
		Bytes: [2]int64{9, 8},
		Chunks: []pcap.Chunk{
			{FromClient: true, Time: t0.Add(10 * time.Millisecond), Data: []byte("\x00\x03abc\x00\x02")},
			{FromClient: true, Time: t0.Add(20 * time.Millisecond), Data: []byte("de")},
			{FromClient: false, Time: t0.Add(30 * time.Millisecond), Data: []byte("\x00\x02ok"), Gap: 0},
			{FromClient: false, Time: t0.Add(40 * time.Millisecond), Data: []byte("\x00\x02no"), Gap: 1460},
		}}
	lenSpec, _ := framing.Parse("len:2:be")
	s, err := FromCapture("capture.pcapng stream 3", c, lenSpec)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Offline() || s.State() != StateClosed {
		t.Fatalf("offline %v, state %v", s.Offline(), s.State())
	}
	if err := s.Start(testCtx(t)); err == nil {
		t.Fatal("a capture started")
	}
	s.Close()
	es := entries(s.Log())
	if got := string(joined(es, KindDataIn)); got != "\x00\x03abc\x00\x02de" {
		t.Errorf("data in %q", got)
	}
	if got := string(joined(es, KindDataOut)); got != "\x00\x02ok\x00\x02no" {
		t.Errorf("data out %q", got)
	}
	var in, out []string
	gap := false
	for _, e := range es {
		switch {
		case e.Kind == KindMessage:
			in = append(in, string(e.Data))
		case e.Kind == KindMessageOut:
			out = append(out, string(e.Data))
		case e.Kind == KindError && strings.Contains(e.Text, "1460 bytes"):
			gap = true
		}
	}
	if strings.Join(in, ",") != "abc,de" || strings.Join(out, ",") != "ok,no" || !gap {
		t.Errorf("messages in %q out %q, gap %v:\n%s", in, out, gap, dump(es))
	}
	if c := s.Counters(); c.BytesIn != 9 || c.BytesOut != 8 || c.MessagesIn != 2 || c.MessagesOut != 2 {
		t.Errorf("counters %+v", c)
	}
	if first := es[0]; first.Kind != KindListening || first.Micros != t0.UnixMicro() {
		t.Errorf("first entry %+v", first)
	}
	if last := es[len(es)-1]; last.Kind != KindClosed || last.Text != "closed (FIN both ways)" {
		t.Errorf("last entry %+v", last)
	}
}
