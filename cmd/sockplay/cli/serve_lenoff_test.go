package cli

// Modbus/TCP puts its length after a 4-byte header: serve --framing
// len:2:be:off=4 must print one message per request, whole, whatever the
// client's writes look like. The clients are peers nobody here wrote:
// mbpoll, and python3's socket module.

import (
	"bytes"
	"context"
	"encoding/hex"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
)

// modbusRead is mbpoll's "read 2 holding registers at 1 from unit 1" after
// the transaction id: protocol 0, length 6, unit 1, function 3, address 0,
// count 2.
const modbusRead = "0000" + "0006" + "01" + "03" + "0000" + "0002"

// mbpoll reads two registers once; nobody answers, so it times out, and
// serve has printed its request as one message of 12 bytes.
func TestServeLenOffMbpoll(t *testing.T) {
	testkit.Need(t, "mbpoll")
	testkit.NoLeaks(t)
	srv := serveCmd(t, "tcp://127.0.0.1:0", "--framing", "len:2:be:off=4", "--json")
	_, port := hostPort(srv.url)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	out, _ := exec.CommandContext(ctx, "mbpoll", "-m", "tcp", "-a", "1", "-r", "1", "-c", "2", "-t", "4", "-1", "-o", "1", "-p", port, "127.0.0.1").CombinedOutput()
	t.Logf("mbpoll (no answer expected):\n%s", out)
	testkit.Eventually(t, "closed", func() bool { return strings.Contains(srv.out.String(), `"kind":"closed"`) })
	msgs := ofKind(events(t, srv.out.String()), "message")
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1:\n%s", len(msgs), srv.out.String())
	}
	got := hex.EncodeToString(msgs[0].bytes())
	t.Logf("mbpoll's request as one message: % x", msgs[0].bytes())
	if len(got) != 24 || got[4:] != modbusRead {
		t.Fatalf("message % x, want TT TT %s", msgs[0].bytes(), modbusRead)
	}
}

// python3 writes three requests glued in one send, then one request in two
// sends with a pause between: four messages come out, each exactly one
// request, though the chunks were cut elsewhere.
func TestServeLenOffPythonGluedAndSplit(t *testing.T) {
	testkit.NoLeaks(t)
	srv := serveCmd(t, "tcp://127.0.0.1:0", "--framing", "len:2:be:off=4", "--json")
	host, port := hostPort(srv.url)
	const script = `
import socket, sys, time
def req(tid, unit, addr, count):
    pdu = bytes([unit, 3]) + addr.to_bytes(2, "big") + count.to_bytes(2, "big")
    return tid.to_bytes(2, "big") + b"\x00\x00" + len(pdu).to_bytes(2, "big") + pdu
s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
s.sendall(req(1, 1, 0, 2) + req(2, 17, 107, 3) + req(3, 1, 40000, 125))
time.sleep(0.3)
r = req(4, 247, 1, 1)
s.sendall(r[:5])   # the header and half of the length field
time.sleep(0.3)
s.sendall(r[5:])
time.sleep(0.1)
s.close()
`
	py := python(t, script, host, port)
	py.wait(t)
	testkit.Eventually(t, "closed", func() bool { return strings.Contains(srv.out.String(), `"kind":"closed"`) })
	es := events(t, srv.out.String())
	chunks, msgs := ofKind(es, "data_in"), ofKind(es, "message")
	want := []string{
		"0001" + modbusRead,
		"0002" + "0000" + "0006" + "11" + "03" + "006b" + "0003",
		"0003" + "0000" + "0006" + "01" + "03" + "9c40" + "007d",
		"0004" + "0000" + "0006" + "f7" + "03" + "0001" + "0001",
	}
	var got []string
	for _, m := range msgs {
		got = append(got, hex.EncodeToString(m.bytes()))
	}
	t.Logf("%d chunks, %d messages", len(chunks), len(msgs))
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("messages\n got  %q\n want %q", got, want)
	}
	// The stream was cut where the writes were, not at the frames: glued
	// requests in one chunk, the split one in two.
	var stream bytes.Buffer
	for _, c := range chunks {
		stream.Write(c.bytes())
	}
	if hex.EncodeToString(stream.Bytes()) != strings.Join(want, "") || len(chunks) < 3 {
		t.Fatalf("%d chunks carrying % x", len(chunks), stream.Bytes())
	}
}
