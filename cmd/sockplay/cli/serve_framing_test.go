package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/testkit"
)

// Sticky packets on purpose: 50 writes back to back merge into fewer chunks
// when nothing frames them, and come out as exactly 50 whole messages when
// both sides use len:4:le.
func TestConnectRepeatStickyPackets(t *testing.T) {
	const n = 50
	tests := []struct {
		name    string
		framing []string
	}{
		{"raw", nil},
		{"len:4:le", []string{"--framing", "len:4:le"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testkit.NoLeaks(t)
			srv := serveCmd(t, append([]string{"tcp://127.0.0.1:0", "--json"}, tt.framing...)...)
			args := append([]string{srv.url, "--repeat", fmt.Sprint(n), "--send", "ping {{counter:0:2}};", "--half-close"}, tt.framing...)
			if code, out, errOut := connectCmd(t, "", args...); code != ExitOK || out != "" || errOut != "" {
				t.Fatalf("connect: exit %d out %q err %q", code, out, errOut)
			}
			testkit.Eventually(t, "closed", func() bool { return strings.Contains(srv.out.String(), `"kind":"closed"`) })
			es := events(t, srv.out.String())
			chunks, msgs := ofKind(es, "data_in"), ofKind(es, "message")
			var stream strings.Builder
			for _, c := range chunks {
				stream.Write(c.bytes())
			}
			t.Logf("%d writes arrived in %d chunks, %d messages", n, len(chunks), len(msgs))
			if tt.framing == nil {
				var want strings.Builder
				for i := range n {
					fmt.Fprintf(&want, "ping %02d;", i)
				}
				if stream.String() != want.String() || len(chunks) >= n || len(msgs) != 0 {
					t.Fatalf("raw: %d chunks (want fewer than %d, merged), %d messages, stream %q", len(chunks), n, len(msgs), stream.String())
				}
				return
			}
			if len(msgs) != n {
				t.Fatalf("len:4:le: %d messages from %d chunks, want %d", len(msgs), len(chunks), n)
			}
			for i, m := range msgs {
				if want := fmt.Sprintf("ping %02d;", i); m.Data != want {
					t.Fatalf("message %d = %q, want %q", i, m.Data, want)
				}
			}
		})
	}
}

// Text output prints each message on its line, --hex dumps each message
// (not the chunks), and replies are framed and take the payload syntax.
func TestServeFramingOutputAndReply(t *testing.T) {
	testkit.NoLeaks(t)
	srv := serveCmd(t, "tcp://127.0.0.1:0", "--framing", "line", "--reply", `ok\tdone`)
	code, out, errOut := connectCmd(t, "", srv.url, "--send", `one\ntw`, "--send", `o\n`, "--half-close", "--hex")
	if code != ExitOK || errOut != "" {
		t.Fatalf("connect: exit %d err %q", code, errOut)
	}
	// Two replies come back as "ok\tdone\n" each; connect has no framing so
	// it shows chunks, one dump per chunk as read.
	if strings.Count(out, "|ok.done.") != 2 && !strings.Contains(out, "|ok.done.ok.done.|") {
		t.Fatalf("connect --hex output:\n%s", out)
	}
	testkit.Eventually(t, "two messages", func() bool { return srv.out.String() == "one\ntwo\n" })

	hexSrv := serveCmd(t, "tcp://127.0.0.1:0", "--framing", "len:2", "--hex")
	if code, _, errOut := connectCmd(t, "", hexSrv.url, "--send", "AB", "--framing", "len:2", "--half-close"); code != ExitOK || errOut != "" {
		t.Fatalf("connect: exit %d err %q", code, errOut)
	}
	want := "<- 127.0.0.1:"
	dump := "00000000  41 42                                             |AB|\n00000002\n"
	testkit.Eventually(t, "dumped message", func() bool { return strings.Contains(hexSrv.out.String(), dump) })
	if got := hexSrv.out.String(); !strings.HasPrefix(got, want) || !strings.Contains(got, "message, 2 bytes\n") || strings.Count(got, "<- ") != 1 {
		t.Fatalf("serve --hex output:\n%s", got)
	}
}

// A length over the limit sticks a len decoder: the error is one line with
// the fix, and everything after the error, from the same read on, is
// printed raw.
func TestServeStuckFramingShowsTheRestRaw(t *testing.T) {
	testkit.NoLeaks(t)
	srv := serveCmd(t, "tcp://127.0.0.1:0", "--framing", "len:1:max=4")
	code, _, _ := connectCmd(t, "", srv.url, "--send", `\x02hi\x09`, "--half-close")
	if code != ExitOK {
		t.Fatalf("connect exit %d", code)
	}
	testkit.Eventually(t, "closed", func() bool { return strings.Contains(srv.err.String(), "closed ") })
	if got := srv.out.String(); got != "hi\n\x09" {
		t.Fatalf("stdout %q, want the message and then the undecoded byte", got)
	}
	errOut := srv.err.String()
	if strings.Count(errOut, "framing:") != 1 || !strings.Contains(errOut, "framing: frame length 9 exceeds the 4 bytes limit") ||
		!strings.Contains(errOut, "the rest of this connection is shown as it arrives (raise the limit with --framing len:1:max=16)") {
		t.Fatalf("stderr %q", errOut)
	}
}

// stdin lines in hex mode: each line is one payload with its checksum; a
// bad line is reported with its number and the session goes on.
func TestServeStdinPayloadLines(t *testing.T) {
	testkit.NoLeaks(t)
	srv := serveCmd(t, "tcp://127.0.0.1:0", "--payload-mode", "hex", "--checksum", "crc16-modbus", "--hex")
	done := make(chan string, 1)
	go func() {
		// Long enough for a slow machine (Wine): serve's close ends it sooner.
		_, out, _ := connectCmd(t, "", srv.url, "--wait", "20s", "--hex")
		done <- out
	}()
	testkit.Eventually(t, "accepted", func() bool { return strings.Contains(srv.err.String(), "accepted ") })
	srv.stdin.Write([]byte("01 03 00 00 00 0a\r\n0x1z\n"))
	testkit.Eventually(t, "bad line", func() bool { return strings.Contains(srv.err.String(), "sockplay serve: stdin line 2: ") })
	srv.stdin.Write([]byte("ff\n"))
	testkit.Eventually(t, "third line sent", func() bool { return strings.Contains(srv.out.String(), "ff ff 00 ") })
	srv.cancel()
	out := <-done
	if !strings.Contains(out, "01 03 00 00 00 0a c5 cd") || !strings.Contains(out, "ff ff 00 ") {
		t.Fatalf("connect saw:\n%s\nserve stderr %q", out, srv.err.String())
	}
	if !strings.Contains(srv.err.String(), `stdin line 2: "z" at column 4 is not a hex digit`) {
		t.Fatalf("serve stderr %q", srv.err.String())
	}
}

// jsonhdr messages in --json carry their header as JSON and where the body
// was saved.
func TestServeJSONHdrJSONOutput(t *testing.T) {
	testkit.NoLeaks(t)
	dir := testkit.TempDir(t)
	srv := serveCmd(t, "tcp://127.0.0.1:0", "--framing", "jsonhdr", "--save-dir", dir, "--json")
	if code, _, errOut := connectCmd(t, "", srv.url, "--framing", "jsonhdr", "--send", "hi", "--half-close"); code != ExitOK || errOut != "" {
		t.Fatalf("connect: exit %d err %q", code, errOut)
	}
	testkit.Eventually(t, "message", func() bool { return strings.Contains(srv.out.String(), `"kind":"message"`) })
	m := ofKind(events(t, srv.out.String()), "message")[0]
	if m.Data != "hi" || string(m.Header) != `{"filename":"data.bin","filesize":2}` || m.Saved != filepath.Join(dir, "data.bin") {
		t.Fatalf("message %+v header %s", m, m.Header)
	}
}

func TestFramingAndPayloadUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string // all of stderr
	}{
		{[]string{"serve", "tcp://:1", "--framing", "len:3"}, `sockplay serve: --framing "len:3": len width 3 is not one of 1, 2, 4, 8`},
		{[]string{"connect", "tcp://:1", "--framing", "bogus"}, `sockplay connect: --framing "bogus": unknown framing "bogus" (raw, line, crlf, delim, len, fixed, stx-etx, slip, cobs, http, idle, jsonhdr)`},
		{[]string{"serve", "tcp://:1", "--framing", "len:4:max=2GiB"}, `sockplay serve: --framing "len:4:max=2GiB": max "2GiB" is over the 1 GiB ceiling`},
		{[]string{"serve", "tcp://:1", "--payload-mode", "base64"}, "sockplay serve: --payload-mode base64: choose text or hex"},
		{[]string{"serve", "tcp://:1", "--checksum", "crc17"}, `sockplay serve: --checksum: unknown checksum "crc17"; valid names are none, sum8, xor8, crc16-modbus, crc16-ccitt-false, crc32`},
		{[]string{"connect", "tcp://:1", "--line-ending", "cr"}, `sockplay connect: --line-ending: unknown line ending "cr"; valid names are none, lf, crlf`},
		{[]string{"serve", "tcp://:1", "--reply", `\q`}, `sockplay serve: --reply "\\q": invalid escape "\q" at column 1`},
		{[]string{"serve", "tcp://:1", "--save-dir", "."}, "sockplay serve: --save-dir: a save folder needs jsonhdr framing, not raw"},
		{[]string{"serve", "tcp://:1", "--framing", "jsonhdr", "--save-dir", "/nonexistent/dir"}, "sockplay serve: --save-dir: save folder /nonexistent/dir does not exist"},
		{[]string{"connect", "tcp://:1", "--send", "zz", "--payload-mode", "hex"}, `sockplay connect: --send "zz": "z" at column 1 is not a hex digit`},
		{[]string{"connect", "tcp://:1", "--send", "a", "--repeat", "0"}, "sockplay connect: --repeat 0: must be 1 or more"},
		{[]string{"connect", "tcp://:1", "--repeat", "5"}, "sockplay connect: --repeat and --gap need a --send payload"},
		{[]string{"connect", "tcp://:1", "--send", "a", "--gap", "-1s"}, "sockplay connect: --gap -1s: must be 0 or more"},
		{[]string{"connect", "tcp://:1", "--send-file", "/nonexistent/f"}, "sockplay connect: --send-file: payload file: " +
			systemErr(t, func() error { _, err := os.Open("/nonexistent/f"); return err })}, // Linux: "open /nonexistent/f: no such file or directory"
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errb syncBuffer
			code := Run(context.Background(), tt.args, Stdio{In: strings.NewReader(""), Out: &out, Err: &errb})
			if code != ExitUsage || errb.String() != tt.want+"\n" {
				t.Fatalf("exit %d, stderr %q, want %q", code, errb.String(), tt.want)
			}
		})
	}
}

// With --gap the writes are apart in time, so even raw sees each one alone.
func TestConnectRepeatGapKeepsWritesApart(t *testing.T) {
	testkit.NoLeaks(t)
	srv := serveCmd(t, "tcp://127.0.0.1:0", "--json")
	if code, _, errOut := connectCmd(t, "", srv.url, "--repeat", "3", "--gap", "150ms", "--send", "x{{counter}}", "--half-close"); code != ExitOK || errOut != "" {
		t.Fatalf("connect: exit %d err %q", code, errOut)
	}
	testkit.Eventually(t, "closed", func() bool { return strings.Contains(srv.out.String(), `"kind":"closed"`) })
	var got []string
	for _, c := range ofKind(events(t, srv.out.String()), "data_in") {
		got = append(got, c.Data)
	}
	if strings.Join(got, ",") != "x0,x1,x2" {
		t.Fatalf("chunks %q, want three apart", got)
	}
}
