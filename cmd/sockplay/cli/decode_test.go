package cli

import (
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
)

// --decode prints what real peers sent as fields: dig's query as DNS,
// mbpoll's request as Modbus/TCP in JSON, a capture's chunks with a
// struct layout; a bad --decode is one sentence and exit 2.
func TestDecodeDig(t *testing.T) {
	testkit.Need(t, "dig")
	testkit.NoLeaks(t)
	srv := serveCmd(t, "udp://127.0.0.1:0", "--decode", "dns")
	_, port := hostPort(srv.url)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	exec.CommandContext(ctx, "dig", "@127.0.0.1", "-p", port, "+tries=1", "+time=1", "plc-3.example.net", "TXT").Run()
	testkit.Eventually(t, "the query's fields", func() bool { return strings.Contains(srv.out.String(), "class: IN") })
	out := srv.out.String()
	for _, want := range []string{"    DNS: query\n", "      question: plc-3.example.net\n", "        type: TXT\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("serve --decode dns lacks %q:\n%s", want, out)
		}
	}
}

func TestDecodeMbpollJSON(t *testing.T) {
	testkit.Need(t, "mbpoll")
	testkit.NoLeaks(t)
	srv := serveCmd(t, "tcp://127.0.0.1:0", "--framing", "len:2:be:off=4", "--decode", "modbus", "--json")
	_, port := hostPort(srv.url)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	exec.CommandContext(ctx, "mbpoll", "-m", "tcp", "-a", "9", "-r", "101", "-c", "4", "-t", "4", "-1", "-o", "1", "-p", port, "127.0.0.1").Run()
	testkit.Eventually(t, "closed", func() bool { return strings.Contains(srv.out.String(), `"kind":"closed"`) })
	var got map[string]string
	for _, line := range strings.Split(srv.out.String(), "\n") {
		if strings.Contains(line, `"kind":"message"`) {
			var e struct{ Fields map[string]string }
			if err := json.Unmarshal([]byte(line), &e); err != nil {
				t.Fatalf("%v: %s", err, line)
			}
			got = e.Fields
		}
	}
	want := map[string]string{"Modbus/TCP": "request", "unit": "9", "function": "3 (read holding registers)", "address": "100", "quantity": "4", "length": "6"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("fields[%q] = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
}

func TestDecodePcapLayout(t *testing.T) {
	file := filepath.Join("..", "..", "..", "netcore", "pcap", "testdata", "lo-tshark.pcapng")
	code, out, errOut := runCLI(t, "pcap", file, "--stream", "udp:0", "--decode", ">4s:head I:n")
	if code != 0 || !strings.Contains(out, "    head: b'") || !strings.Contains(out, "    n: ") {
		t.Errorf("exit %d, stderr %q, out:\n%s", code, errOut, out)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "tcp://127.0.0.1:0", "--decode", ">HZ"}, `sockplay serve: --decode ">HZ" is not a protocol (dns, modbus, ntp, dhcp, sip), and as a struct layout: struct layout ">HZ": at character 3: 'Z' is not a format character`},
		{[]string{"serve", "tcp://127.0.0.1:0", "--decode", "dns", "--quiet"}, "sockplay serve: --decode prints each message's fields and --quiet prints no traffic: choose one"},
		{[]string{"pcap", file, "--decode", "dns"}, "sockplay pcap: --decode prints one conversation: add --stream N"},
	} {
		code, _, errOut := runCLI(t, tt.args...)
		if code != ExitUsage || !strings.HasPrefix(errOut, tt.want) {
			t.Errorf("%v: exit %d, stderr %q\nwant %s", tt.args, code, errOut, tt.want)
		}
	}
}
