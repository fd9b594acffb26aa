package socktable

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// rowKey names a row the same way whichever tool printed it: kind, state
// and both ends for IP sockets, kind, state and inode for Unix ones.
func rowKey(s *Socket) string {
	if s.Family == Unix {
		return s.Proto.String() + " " + s.State.String() + " " + strconv.Itoa(int(s.Inode))
	}
	return s.Proto.String() + " " + s.State.String() + " " + s.LocalString() + " " + s.PeerString()
}

var ssPID = regexp.MustCompile(`pid=(\d+)`)

// ssRows runs `ss -tuxanp` and returns its rows by rowKey, with the first
// owner pid (0 when none).
func ssRows(t *testing.T) map[string]int {
	t.Helper()
	ss, err := exec.LookPath("ss")
	if err != nil {
		t.Skip("ss (iproute2) is not installed, nothing to compare with")
	}
	cmd := exec.Command(ss, "-tuxanp")
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ss -tuxanp: %v", err)
	}
	rows := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	sc.Scan() // header
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 6 {
			continue
		}
		var key string
		switch f[0] {
		case "tcp", "udp":
			key = strings.Join([]string{f[0], f[1], stripScope(f[4]), stripScope(f[5])}, " ")
		case "u_str", "u_dgr", "u_seq":
			if len(f) < 8 {
				continue
			}
			key = f[0] + " " + f[1] + " " + f[5]
		default:
			continue
		}
		pid := 0
		if m := ssPID.FindStringSubmatch(sc.Text()); m != nil {
			pid, _ = strconv.Atoi(m[1])
		}
		rows[key] = pid
	}
	return rows
}

// stripScope drops ss's "%ifname" after an address bound to a device.
func stripScope(end string) string {
	i := strings.IndexByte(end, '%')
	if i < 0 {
		return end
	}
	j := strings.LastIndexByte(end, ':')
	if strings.HasPrefix(end, "[") {
		return end[:i] + "]" + end[j:]
	}
	return end[:i] + end[j:]
}

// stable lists twice around between() and returns the rows present in
// both listings: sockets other tests open and close meanwhile drop out,
// so the comparison holds on a busy machine.
func stable(t *testing.T, opt Options, between func()) (both map[string]*Socket, either map[string]bool) {
	t.Helper()
	first, err := List(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	between()
	second, err := List(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	either = map[string]bool{}
	seen := map[string]*Socket{}
	for i := range first {
		k := rowKey(&first[i])
		seen[k] = &first[i]
		either[k] = true
	}
	both = map[string]*Socket{}
	for i := range second {
		k := rowKey(&second[i])
		either[k] = true
		if s := seen[k]; s != nil {
			both[k] = s
		}
	}
	return both, either
}

// checkSets fails when a stable row is missing from other, or when other
// has more rows than churn can explain.
func checkSets(t *testing.T, what string, both map[string]*Socket, either map[string]bool, other map[string]int) {
	t.Helper()
	missing := 0
	for k := range both {
		if _, ok := other[k]; !ok {
			missing++
			if missing <= 5 {
				t.Errorf("%s lacks %q", what, k)
			}
		}
	}
	extra := 0
	for k := range other {
		if !either[k] {
			extra++
			if extra <= 5 {
				t.Logf("%s only: %q", what, k)
			}
		}
	}
	// A row only the other listing saw came and went between ours; allow
	// for that, but not for a listing that sees a different world.
	if limit := 20 + len(other)/20; extra > limit {
		t.Errorf("%s has %d rows we never saw (of %d; limit %d)", what, extra, len(other), limit)
	}
	t.Logf("%d stable rows, all in %s; %d rows only there", len(both), what, extra)
}

func TestMatchesSS(t *testing.T) {
	ks := openKnown(t)
	var ss map[string]int
	opt := Options{Processes: true, Filter: Filter{States: AllStates}}
	both, either := stable(t, opt, func() { ss = ssRows(t) })
	checkSets(t, "ss -tuxanp", both, either, ss)
	// Our own sockets: present, and with our pid in both tools.
	byInode := map[uint32]string{}
	for k, s := range both {
		byInode[s.Inode] = k
	}
	for _, k := range ks {
		key, ok := byInode[k.inode]
		if !ok {
			t.Errorf("%s: not in our listing", k.name)
			continue
		}
		if pid, ok := ss[key]; !ok || pid != os.Getpid() {
			t.Errorf("%s: ss shows %q with pid %d (present %v), want pid %d", k.name, key, pid, ok, os.Getpid())
		}
	}
}

func TestProcMatchesNetlink(t *testing.T) {
	openKnown(t)
	opt := Options{Source: SourceNetlink, Filter: Filter{States: AllStates}}
	var proc map[string]int
	both, either := stable(t, opt, func() {
		socks, err := List(context.Background(), Options{Source: SourceProc, Filter: Filter{States: AllStates}})
		if err != nil {
			t.Fatal(err)
		}
		proc = map[string]int{}
		for i := range socks {
			proc[rowKey(&socks[i])] = 0
		}
	})
	checkSets(t, "/proc/net", both, either, proc)
}
