package testkit

import (
	"bytes"
	"context"
	"encoding/hex"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TsharkChecks turn on the checksum checks Wireshark leaves off by
// default (IPv4 header, TCP, UDP), so its expert analysis reports a bad
// checksum of ours.
var TsharkChecks = []string{"-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"}

// Tshark runs tshark with args (the test skips without it) and returns its
// standard output; the test fails if tshark fails or takes a minute.
func Tshark(t testing.TB, args ...string) string {
	t.Helper()
	Need(t, "tshark")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "tshark", args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("tshark %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.String()
}

// TsharkFollow is what `tshark -z follow,PROTO,raw,N` gives back of
// conversation n of file: the bytes its first sender (node 0, the client)
// sent, and those the other end sent.
func TsharkFollow(t testing.TB, file, proto string, n int) (client, server []byte) {
	t.Helper()
	out := Tshark(t, "-r", file, "-q", "-z", "follow,"+proto+",raw,"+strconv.Itoa(n))
	inBody := false
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "====="):
			if inBody {
				return client, server
			}
		case strings.HasPrefix(line, "Node 1:"):
			inBody = true
		case !inBody || strings.TrimSpace(line) == "":
		default:
			b, err := hex.DecodeString(strings.TrimSpace(line))
			if err != nil {
				t.Fatalf("tshark follow: line %q: %v", line, err)
			}
			if strings.HasPrefix(line, "\t") {
				server = append(server, b...)
			} else {
				client = append(client, b...)
			}
		}
	}
	return client, server
}

// Expert is tshark's expert summary: for each severity ("Errors",
// "Warns", "Notes", "Chats", "Comments"), the summaries it lists.
type Expert map[string][]string

// recordedLayers are the protocols a recording itself writes, as tshark's
// expert summary names them. What dissectors of the payload say is left
// out: tshark guesses at payloads by their first bytes, and a test's
// random payload now and then starts like a Thrift message ("Thrift
// varint value too large for target integer type").
var recordedLayers = map[string]bool{"Frame": true, "Ethernet": true, "Raw": true,
	"IPv4": true, "IPv6": true, "TCP": true, "UDP": true, "ICMP": true, "ICMPv6": true}

// TsharkExpert is `tshark -q -z expert` of file, checksums checked: what
// tshark says of the recording's own layers (recordedLayers).
func TsharkExpert(t testing.TB, file string) Expert {
	t.Helper()
	out := Tshark(t, append(append([]string{"-r", file}, TsharkChecks...), "-q", "-z", "expert")...)
	e := Expert{}
	sev := ""
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 2 && strings.HasPrefix(f[1], "(") && strings.HasSuffix(f[1], ")"):
			sev = f[0]
		case sev != "" && len(f) >= 4 && f[0] != "Frequency":
			if _, err := strconv.Atoi(f[0]); err == nil && recordedLayers[f[2]] {
				e[sev] = append(e[sev], strings.Join(f[3:], " "))
			}
		}
	}
	return e
}
