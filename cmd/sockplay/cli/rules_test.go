package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore/framing"
)

// serve --rule answers by rules (captures, the default, close), and
// --rules FILE reads the same format.
func TestServeRules(t *testing.T) {
	testkit.NoLeaks(t)
	file := filepath.Join(testkit.TempDir(t), "device.rules")
	os.WriteFile(file, []byte("# a line device\nmode all\nre:^GET (?P<path>\\S+) => you asked for {{path}}\nprefix:GET => and it is a GET\n"), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		send string
		want string
	}{
		{"rule", []string{"--rule", `text:PING => PONG`, "--rule", `default => ? {{0}}`}, `PING\nhuh\n`, "PONG\n? huh\n"},
		{"hex reply with captures", []string{"--rule", `re:^v=(\d+)$ => hex:3c {{1}} 3e`}, `v=42\n`, "<42>\n"},
		{"file, mode all", []string{"--rules", file}, `GET /a\n`, "you asked for /a\nand it is a GET\n"},
		{"file then rule", []string{"--rules", file, "--rule", "mode first", "--rule", "text:x => y"}, `GET /a\nx\n`, "you asked for /a\ny\n"},
		{"close", []string{"--rule", `text:QUIT => BYE [close]`}, `QUIT\n`, "BYE\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serveCmd(t, append([]string{"tcp://127.0.0.1:0", "--framing", "line"}, tc.args...)...)
			code, out, errOut := connectCmd(t, "", srv.url, "--send", tc.send, "--wait", "1s")
			if code != ExitOK || out != tc.want {
				t.Fatalf("connect: exit %d, out %q (want %q), err %q\nserve stderr: %s", code, out, tc.want, errOut, srv.err.String())
			}
		})
	}
}

// A bad rule is one line on stderr naming the flag, the rule and the part,
// and exit 2.
func TestRuleFlagErrors(t *testing.T) {
	file := filepath.Join(testkit.TempDir(t), "bad.rules")
	os.WriteFile(file, []byte("text:a => b\n\n# ok so far\nhex:(tid: ..) => hex:{{unit}}\n"), 0o644)
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"--rule", "PING => PONG"},
			`--rule: rule 1 "PING => PONG": match: "PING" needs a kind: start it with text:, prefix:, contains:, re: or hex:`},
		{[]string{"--rule", "text:a => b", "--rule", `re:(x => y`},
			`--rule: rule 2 "re:(x => y": match: missing closing ) in "(x"`},
		{[]string{"--rule", `hex:(.. ..) 00 (..) => hex:{{1}} {{3}}`},
			`--rule: rule 1 "hex:(.. ..) 00 (..) => hex:{{1}} {{3}}": reply: capture "{{3}}" at column 7 does not exist; the match has {{0}}, {{1}}, {{2}}`},
		{[]string{"--rule", "text:a => b [delay=5]"},
			`--rule: rule 1 "text:a => b [delay=5]": options: delay "5" is not a duration from 0 to 1h0m0s, e.g. delay=100ms`},
		{[]string{"--rules", file},
			`--rules ` + file + `: line 4, rule 2 "hex:(tid: ..) => hex:{{unit}}": reply: "{{unit}}" at column 1 is neither a macro (counter, time, unix, unixms, rand) nor a capture; the match has {{0}}, {{1}} ({{tid}})`},
		{[]string{"--rules", file + ".missing"}, `--rules ` + file + `.missing: no such file or directory`},
		{[]string{"--rule", "text:a => b", "--echo"},
			`choose --rule/--rules or one of --echo, --upper and --reply (rules answer what no rule matched with 'default => REPLY'; {{0}} sends the message back)`},
	} {
		code, out, errOut := runCLI(t, append([]string{"serve", "tcp://127.0.0.1:0"}, tc.args...)...)
		if want := "sockplay serve: " + tc.err + "\n"; code != ExitUsage || out != "" || errOut != want {
			t.Errorf("%q: exit %d, stderr\n%s want\n%s", tc.args, code, errOut, want)
		}
	}
}

func TestServeHelpDocumentsRules(t *testing.T) {
	_, _, errOut := runCLI(t, "serve", "-h")
	for _, want := range []string{"-rule RULE", "-rules FILE", "RULES (--rule, --rules FILE)", "(name: ...) a named group", "delay=100ms  close", "--framing len:2:be:off=4 --rule"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("serve -h lacks %q:\n%s", want, errOut)
		}
	}
}

// The example: sockplay stands in for a Modbus/TCP device and
// mbpoll, a real Modbus master, reads holding registers 1 and 2 from it.
func TestServeRulesModbusMbpoll(t *testing.T) {
	if _, err := exec.LookPath("mbpoll"); err != nil {
		t.Skip("mbpoll is not installed (scripts/install-deps.sh installs it)")
	}
	if _, err := framing.Parse("len:2:be:off=4"); err != nil {
		t.Skipf("waits for section 1 of issue 15 (len framing with off=): %v", err)
	}
	testkit.NoLeaks(t)
	srv := serveCmd(t, "tcp://127.0.0.1:0", "--framing", "len:2:be:off=4", "--hex",
		"--rule", "hex:(.. ..) 00 00 00 06 (..) 03 00 00 00 02 => hex:{{1}} 00 00 00 07 {{2}} 03 04 00 2a 01 f4")
	port := srv.url[strings.LastIndexByte(srv.url, ':')+1:]
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "mbpoll", "-m", "tcp", "-a", "1", "-r", "1", "-c", "2", "-t", "4", "-1", "-o", "2", "-p", port, "127.0.0.1").CombinedOutput()
	t.Logf("mbpoll:\n%s", out)
	if err != nil {
		t.Fatalf("mbpoll: %v\nserve: %s", err, srv.err.String())
	}
	if !strings.Contains(string(out), "[1]: \t42") || !strings.Contains(string(out), "[2]: \t500") {
		t.Fatalf("mbpoll did not read 42 and 500")
	}
	// Unit 7 and another transaction id are echoed too.
	out, err = exec.CommandContext(ctx, "mbpoll", "-m", "tcp", "-a", "7", "-r", "1", "-c", "2", "-t", "4", "-1", "-o", "2", "-p", port, "127.0.0.1").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "[2]: \t500") {
		t.Fatalf("mbpoll -a 7: %v\n%s", err, out)
	}
}
