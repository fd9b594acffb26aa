package sessions

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/netcore/rules"
)

func ruleSet(t *testing.T, src string) *rules.Set {
	t.Helper()
	l, err := rules.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	s, err := rules.Compile(l)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func framingOf(t *testing.T, s string) framing.Spec {
	t.Helper()
	f, err := framing.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// pyChunks is a python3 client: it connects, sends each hex argument as
// one write with a pause between (so TCP delivers them as separate
// chunks), then prints in hex what came back until the server closed or
// went quiet for 0.5 s.
const pyChunks = `
import socket, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
for i, h in enumerate(sys.argv[3:]):
    if i: time.sleep(0.15)
    s.sendall(bytes.fromhex(h))
s.settimeout(0.5)
got = b""
try:
    while True:
        b = s.recv(4096)
        if not b: break
        got += b
except socket.timeout:
    pass
print(got.hex())
`

func pyClient(t *testing.T, srv *Session, chunks ...string) string {
	t.Helper()
	testkit.Need(t, "python3")
	host, port, _ := net.SplitHostPort(srv.Addr().String())
	out, err := exec.Command("python3", append([]string{"-c", pyChunks, host, port}, chunks...)...).Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func hx(s string) string { return hex.EncodeToString([]byte(s)) }

// Each match kind, captures in text and hex replies, first and all, the
// default, over a line-framed TCP server and a real python3 client.
func TestRulesMatchOverTCP(t *testing.T) {
	testkit.NoLeaks(t)
	const all = `text:PING => PONG
prefix:GET  => got a GET
contains:ERR => saw error
re:^SET (?P<key>\w+)=(\d+) => {{key}} is {{2}}
hex:(.. ..) 00 00 (unit: ..) 03 * => hex:{{1}} 80 {{unit}}
re:^A => first A
re:A$ => last A
default => ? {{0}}
`
	for _, tc := range []struct {
		name, mode string
		send, want string // text sent (lines), replies expected
		hits       []uint64
		def, none  uint64
	}{
		{"text", "", "PING\n", "PONG\n", []uint64{1, 0, 0, 0, 0, 0, 0}, 0, 0},
		{"prefix", "", "GET /x\n", "got a GET\n", []uint64{0, 1, 0, 0, 0, 0, 0}, 0, 0},
		{"contains", "", "an ERR!\n", "saw error\n", []uint64{0, 0, 1, 0, 0, 0, 0}, 0, 0},
		{"re named and numbered", "", "SET speed=42\n", "speed is 42\n", []uint64{0, 0, 0, 1, 0, 0, 0}, 0, 0},
		{"hex captures", "", "\x12\x34\x00\x00\x07\x03rest\n", "\x12\x34\x80\x07\n", []uint64{0, 0, 0, 0, 1, 0, 0}, 0, 0},
		{"first wins", "", "AbA\n", "first A\n", []uint64{0, 0, 0, 0, 0, 1, 0}, 0, 0},
		{"all fire", "mode all\n", "AbA\n", "first A\nlast A\n", []uint64{0, 0, 0, 0, 0, 1, 1}, 0, 0},
		{"default", "", "what\n", "? what\n", []uint64{0, 0, 0, 0, 0, 0, 0}, 1, 0},
		{"several messages", "", "PING\nwhat\nPING\n", "PONG\n? what\nPONG\n", []uint64{2, 0, 0, 0, 0, 0, 0}, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), Framing: framingOf(t, "line"), Rules: ruleSet(t, tc.mode+all)})
			if got := pyClient(t, srv, hx(tc.send)); got != hx(tc.want) {
				g, _ := hex.DecodeString(got)
				t.Fatalf("got %q, want %q", g, tc.want)
			}
			h := srv.RuleHits()
			if !reflect.DeepEqual(h.Rules, tc.hits) || h.Default != tc.def || h.Unanswered != tc.none {
				t.Errorf("hits %+v, want %v default %d", h, tc.hits, tc.def)
			}
		})
	}
	// No default: an unmatched message is counted as unanswered.
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), Framing: framingOf(t, "line"), Rules: ruleSet(t, "text:PING => PONG")})
	if got := pyClient(t, srv, hx("nope\nPING\n")); got != hx("PONG\n") {
		t.Errorf("got %s", got)
	}
	if h := srv.RuleHits(); h.Rules[0] != 1 || h.Unanswered != 1 {
		t.Errorf("hits %+v", h)
	}
}

// A Modbus-style request written in two pieces is one message after
// framing, so one match and one reply.
func TestRulesSeeWholeMessages(t *testing.T) {
	testkit.NoLeaks(t)
	rule := "hex:(tid: .. ..) 00 00 (unit: ..) 03 00 00 00 02 => hex:{{tid}} 00 00 {{unit}} 03 04 00 2a 01 f4"
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), Framing: framingOf(t, "len:2:be"), Rules: ruleSet(t, rule)})
	// len:2:be frames: 00 0a, then tid 12 34, 00 00, unit 01, 03 00 00 00 02
	got := pyClient(t, srv, "000a1234", "0000010300000002")
	if want := "000b" + "1234000001030400" + "2a01f4"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	es := waitLog(t, srv, "closed", func(es []Entry) bool { return count(es, KindClosed) == 1 })
	if n := count(es, KindDataIn); n != 2 {
		t.Errorf("the request came in %d chunks, want 2 (the test needs it split)\n%s", n, dump(es))
	}
	if h := srv.RuleHits(); h.Rules[0] != 1 {
		t.Errorf("hits %+v", h)
	}
}

// A delayed reply does not hold the reader: a later message's immediate
// reply goes first; close after reply ends the connection.
func TestRulesDelayAndClose(t *testing.T) {
	testkit.NoLeaks(t)
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), Framing: framingOf(t, "line"),
		Rules: ruleSet(t, "text:slow => SLOW [delay=400ms]\ntext:fast => FAST\ntext:bye => BYE [close]\n")})
	c, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	t0 := time.Now()
	io.WriteString(c, "slow\nfast\n")
	r := bufio.NewReader(c)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	l1, _ := r.ReadString('\n')
	t1 := time.Since(t0)
	l2, _ := r.ReadString('\n')
	t2 := time.Since(t0)
	if l1 != "FAST\n" || l2 != "SLOW\n" {
		t.Fatalf("replies %q %q, want FAST then SLOW", l1, l2)
	}
	if t1 > 300*time.Millisecond || t2 < 400*time.Millisecond {
		t.Errorf("FAST after %v (want at once), SLOW after %v (want ≥ 400ms)", t1, t2)
	}
	io.WriteString(c, "bye\n")
	l3, _ := r.ReadString('\n')
	if _, err := r.ReadByte(); l3 != "BYE\n" || err != io.EOF {
		t.Fatalf("after bye: %q then %v, want BYE then EOF", l3, err)
	}
	es := waitLog(t, srv, "closed", func(es []Entry) bool { return count(es, KindClosed) == 1 })
	if !hasText(es, KindInfo, "rule 3 closes the connection after its reply") || !hasText(es, KindClosed, "closed by you") {
		t.Errorf("log:\n%s", dump(es))
	}
}

// Close does not wait out a pending delay: the goroutine holding the reply
// ends with the session.
func TestRulesDelayEndsWithSession(t *testing.T) {
	testkit.NoLeaks(t)
	s, err := New(Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), Rules: ruleSet(t, "prefix:x => late [delay=1h]")})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "x")
	waitLog(t, s, "data", gotIn("x"))
	for s.delayed.Load() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	t0 := time.Now()
	s.Close()
	if d := time.Since(t0); d > 2*time.Second {
		t.Errorf("Close took %v", d)
	}
}

// A client session answers by rules too (here the server speaks first),
// and so does a UDP server, per datagram.
func TestRulesClientAndUDP(t *testing.T) {
	testkit.NoLeaks(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- err.Error()
			return
		}
		defer c.Close()
		io.WriteString(c, "LOGIN: \n")
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		l, _ := bufio.NewReader(c).ReadString('\n')
		got <- l
	}()
	start(t, Config{Role: Client, Endpoint: ep(t, "tcp://"+ln.Addr().String()), Framing: framingOf(t, "line"), Rules: ruleSet(t, `re:^(\w+): => {{1}} me`)})
	if l := <-got; l != "LOGIN me\n" {
		t.Errorf("server got %q", l)
	}

	testkit.NeedUDP(t) // Wine 8 refuses a UDP server's ioctl
	udp := start(t, Config{Role: Server, Endpoint: ep(t, "udp://127.0.0.1:0"), Rules: ruleSet(t, "hex:01 (..) => hex:02 {{1}}\ndefault => hex:ff")})
	c, err := net.Dial("udp", udp.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 16)
	for _, tc := range []struct{ send, want string }{{"\x01\x07", "\x02\x07"}, {"\x01\x07\x08", "\xff"}} {
		c.Write([]byte(tc.send))
		n, err := c.Read(buf)
		if err != nil || string(buf[:n]) != tc.want {
			t.Errorf("udp %q: got %q, %v", tc.send, buf[:n], err)
		}
	}
	if h := udp.RuleHits(); h.Rules[0] != 1 || h.Default != 1 {
		t.Errorf("udp hits %+v", h)
	}
}

// SetRules replaces the rules on a live session with fresh counts.
func TestSetRulesLive(t *testing.T) {
	testkit.NoLeaks(t)
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), Framing: framingOf(t, "line"), Rules: ruleSet(t, "text:a => one")})
	if got := pyClient(t, srv, hx("a\n")); got != hx("one\n") {
		t.Fatalf("got %s", got)
	}
	if err := srv.SetRules(ruleSet(t, "text:a => two\ntext:b => b")); err != nil {
		t.Fatal(err)
	}
	if h := srv.RuleHits(); !reflect.DeepEqual(h.Rules, []uint64{0, 0}) {
		t.Errorf("fresh hits %+v", h)
	}
	if got := pyClient(t, srv, hx("a\n")); got != hx("two\n") {
		t.Fatalf("got %s", got)
	}
	srv.SetRules(nil)
	if got := pyClient(t, srv, hx("a\n")); got != "" {
		t.Fatalf("without rules got %s", got)
	}
	echo := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), Reply: ReplyEcho})
	if err := echo.SetRules(ruleSet(t, "text:a => b")); !errors.Is(err, ErrBadConfig) {
		t.Errorf("rules on an echo server: %v", err)
	}
}

// Spec.Rules is JSON in the workspace and is checked by Config.
func TestSpecRules(t *testing.T) {
	l, err := rules.Parse("mode all\nhex:(..) 03 => hex:{{1}} 83 [delay=10ms]\ndefault => ?")
	if err != nil {
		t.Fatal(err)
	}
	sp := Spec{Role: "client", URL: "tcp://127.0.0.1:1", Rules: &l}
	b, err := json.Marshal(sp)
	if err != nil {
		t.Fatal(err)
	}
	var back Spec
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, sp) {
		t.Fatalf("json round trip: %v\n%s", err, b)
	}
	cfg, err := back.Config()
	if err != nil || cfg.Rules == nil || cfg.Rules.Len() != 1 || cfg.Rules.Mode() != rules.All {
		t.Fatalf("config: %v %+v", err, cfg.Rules)
	}
	for _, tc := range []struct {
		sp   Spec
		want string
	}{
		{Spec{Role: "server", URL: "tcp://127.0.0.1:1", Reply: "echo", Rules: &l},
			"rules: rules and a reply mode (echo, upper, fixed) cannot be combined; the rules' default reply answers what no rule matched ({{0}} sends the message back)"},
		{Spec{Role: "server", URL: "tcp://127.0.0.1:1", Rules: &rules.List{Rules: []rules.Rule{{Kind: "re", Pattern: "(a"}}}},
			`rules: rule 1 "re:(a => ": match: missing closing ) in "(a"`},
	} {
		_, err := tc.sp.Config()
		var se *SpecError
		if err == nil || err.Error() != tc.want || !errors.As(err, &se) || se.Field != "rules" || !errors.Is(err, rules.ErrBadRule) && tc.sp.Reply == "" {
			t.Errorf("got %v\nwant %s", err, tc.want)
		}
	}
}
