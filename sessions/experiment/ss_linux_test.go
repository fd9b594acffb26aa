package experiment

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore/socktable"
)

// ssRow is one line of ss -tanH or ss -uanH.
type ssRow struct {
	State        string
	RecvQ, SendQ uint64
	Local, Peer  string
}

// parseSS reads ss's rows without header (-H): State Recv-Q Send-Q Local
// Peer, and whatever follows; with a state filter ss leaves State out.
func parseSS(out string) ([]ssRow, error) {
	var rows []ssRow
	for i, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		state := ""
		if _, err := strconv.ParseUint(f[0], 10, 32); err != nil {
			state, f = f[0], f[1:]
		}
		if len(f) < 4 {
			return nil, fmt.Errorf("line %d: too few fields in %q", i+1, line)
		}
		rq, err1 := strconv.ParseUint(f[0], 10, 32)
		sq, err2 := strconv.ParseUint(f[1], 10, 32)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("line %d: queues %q %q", i+1, f[0], f[1])
		}
		rows = append(rows, ssRow{State: state, RecvQ: rq, SendQ: sq, Local: f[2], Peer: f[3]})
	}
	return rows, nil
}

func runSS(t *testing.T, args ...string) []ssRow {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ss", append([]string{"-H"}, args...)...).Output()
	if err != nil {
		t.Fatalf("ss %v: %v", args, err)
	}
	rows, err := parseSS(string(out))
	if err != nil {
		t.Fatalf("ss %v: %v", args, err)
	}
	return rows
}

// checkWithSS compares every end of an observation with ss run at that
// moment (the run waits while emit runs): an end we saw in a state is in
// ss in that state, with the same queues for a listener; an end we saw
// gone is not in ss at all.
func checkWithSS(t *testing.T, e Event) {
	t.Helper()
	var tcp, udp []ssRow
	for _, end := range e.Ends {
		rows := &tcp
		args := []string{"-tan"}
		if end.Proto == socktable.UDP {
			rows, args = &udp, []string{"-uan"}
		}
		if *rows == nil {
			*rows = runSS(t, args...)
		}
		var found *ssRow
		for i, r := range *rows {
			if r.Local != end.Local.String() {
				continue
			}
			if end.Remote.IsValid() && r.Peer == end.Remote.String() ||
				!end.Remote.IsValid() && strings.HasSuffix(r.Peer, ":*") {
				found = &(*rows)[i]
				break
			}
		}
		where := fmt.Sprintf("step %d (%s), %s %s %s->%s", e.Step, e.Title, end.Side, end.Proto, end.Local, end.Remote)
		switch {
		case end.Gone && found != nil:
			t.Errorf("%s: we saw it gone, ss shows %s", where, found.State)
		case !end.Gone && found == nil:
			t.Errorf("%s: we saw %s, ss does not show it", where, end.State)
		case !end.Gone && found.State != end.State.String():
			t.Errorf("%s: we saw %s, ss shows %s", where, end.State, found.State)
		case !end.Gone && end.State == socktable.Listen && (found.RecvQ != uint64(end.AcceptQueue) || found.SendQ != uint64(end.Backlog)):
			t.Errorf("%s: we saw accept queue %d of %d, ss shows %d of %d", where, end.AcceptQueue, end.Backlog, found.RecvQ, found.SendQ)
		}
	}
}

// TestExperimentsAgainstSS runs every experiment and checks each of its
// observations with ss at the same moment, and that each run saw the
// states its lesson is about.
func TestExperimentsAgainstSS(t *testing.T) {
	testkit.Need(t, "ss")
	// What each lesson must have seen, as "side STATE" (gone for none),
	// from the observations' ends; these are Linux's answers.
	want := map[string][]string{
		"sticky":     {"server ESTAB", "listener LISTEN"},
		"time-wait":  {"client FIN-WAIT-2", "server CLOSE-WAIT", "client TIME-WAIT", "server gone", "server 2 TIME-WAIT", "client 2 CLOSE-WAIT"},
		"half-close": {"client FIN-WAIT-2", "server CLOSE-WAIT", "client TIME-WAIT", "server gone"},
		"reset":      {"client gone", "server gone"},
		"buffers":    {"client ESTAB", "server ESTAB"},
		"backlog":    {"client 3 SYN-SENT", "client 1 ESTAB", "listener LISTEN"},
		"udp":        {"server UNCONN", "client ESTAB", "server gone"},
		"refused":    {"client gone"},
	}
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			testkit.NoLeaks(t)
			seen := map[string]bool{}
			var results []Event
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			err := Run(ctx, name, Options{}, func(e Event) {
				switch e.Kind {
				case KindObserve:
					checkWithSS(t, e)
					for _, end := range e.Ends {
						seen[end.Side+" "+end.StateName()] = true
					}
				case KindResult:
					results = append(results, e)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range want[name] {
				if !seen[w] {
					t.Errorf("never saw %s; saw %v", w, seen)
				}
			}
			checkResults(t, name, results)
		})
	}
}

// checkResults checks the measures that do not depend on timing.
func checkResults(t *testing.T, name string, results []Event) {
	t.Helper()
	switch name {
	case "sticky":
		if len(results) < 2 {
			t.Fatalf("results %+v", results)
		}
		if r := results[0]; r.Sends != stickyCount || r.Reads < 1 || r.Reads >= stickyCount {
			t.Errorf("unframed: %d sends in %d reads; want %d sends in fewer reads (they waited in the queue together)", r.Sends, r.Reads, stickyCount)
		}
		if r := results[1]; r.Messages != stickyCount {
			t.Errorf("framed: %d messages, want %d", r.Messages, stickyCount)
		}
	case "buffers":
		if len(results) == 0 || results[0].Asked != nonBlockAsk || results[0].Sent <= 0 || results[0].Sent >= nonBlockAsk {
			t.Errorf("non-blocking send: %+v; want part of %d sent", results, nonBlockAsk)
		}
	case "udp":
		if len(results) < 2 || results[0].Reads != len(udpSizes) || results[1].Sent != udpSmall {
			t.Errorf("udp results %+v", results)
		}
	case "refused":
		if len(results) == 0 || !strings.Contains(results[0].Err, "refused") || results[0].Elapsed > time.Second {
			t.Errorf("refused: %+v", results)
		}
	}
}

// TestTimeWaitInSS: after time-wait has run, ss -tan state time-wait
// shows the server's port; while it ran, each TIME-WAIT end carried the
// kernel's remaining time (at most TCP's 60 s).
func TestTimeWaitInSS(t *testing.T) {
	testkit.Need(t, "ss")
	var port uint16
	var left []time.Duration
	err := Run(context.Background(), "time-wait", Options{}, func(e Event) {
		for _, end := range e.Ends {
			if end.Side == "listener" {
				port = end.Local.Port()
			}
			if end.State == socktable.TimeWait {
				left = append(left, end.TimeWaitLeft)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(left) == 0 {
		t.Fatal("no end was observed in TIME-WAIT")
	}
	for _, l := range left {
		if l <= 0 || l > time.Minute {
			t.Errorf("a TIME-WAIT end has %v left; want the kernel's timer, within 60 s", l)
		}
	}
	rows := runSS(t, "-tan", "state", "time-wait", "sport", "=", ":"+strconv.Itoa(int(port)))
	if len(rows) == 0 {
		t.Fatalf("ss -tan state time-wait shows nothing on port %d", port)
	}
	for _, r := range rows {
		if !strings.HasSuffix(r.Local, ":"+strconv.Itoa(int(port))) {
			t.Errorf("ss row %+v is not on port %d", r, port)
		}
	}
}

// TestRecordReset: --pcap of reset holds the handshake and the RST.
func TestRecordReset(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("a live capture needs root (CAP_NET_RAW)")
	}
	path := filepath.Join(testkit.TempDir(t), "reset.pcapng")
	if err := Run(context.Background(), "reset", Options{Pcap: path}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := pcapgo.NewNgReader(f, pcapgo.DefaultNgReaderOptions)
	if err != nil {
		t.Fatal(err)
	}
	var syn, rst int
	for {
		data, _, err := r.ReadPacketData()
		if err != nil {
			break
		}
		p := gopacket.NewPacket(data, layers.LayerTypeEthernet, gopacket.Default)
		if tcp, ok := p.Layer(layers.LayerTypeTCP).(*layers.TCP); ok {
			if tcp.SYN && !tcp.ACK {
				syn++
			}
			if tcp.RST {
				rst++
			}
		}
	}
	if syn != 1 || rst != 1 {
		t.Fatalf("capture has %d SYN and %d RST, want 1 and 1", syn, rst)
	}
}

func FuzzParseSS(f *testing.F) {
	f.Add("ESTAB 0 0 127.0.0.1:5000 127.0.0.1:6000\nLISTEN 0 4096 127.0.0.1:6000 0.0.0.0:*\n")
	f.Add("UNCONN 0 0 [::1]:53 [::]:*  users:((\"x\",pid=1,fd=3))")
	f.Fuzz(func(t *testing.T, s string) {
		rows, err := parseSS(s)
		if err == nil && len(rows) > strings.Count(s, "\n")+1 {
			t.Fatalf("%d rows from %d lines", len(rows), strings.Count(s, "\n")+1)
		}
	})
}
