package cli

// Interop with the Python tutorial schemes: python3 (stdlib only: socket,
// struct, json) sends and receives jsonhdr files and len:4:le messages
// against sockplay serve and sockplay connect.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/testkit"
)

// python runs a python3 script with args; the test skips without python3.
// It is killed after 20 s at most.
func python(t *testing.T, script string, args ...string) *pyProc {
	t.Helper()
	testkit.Need(t, "python3")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	cmd := exec.CommandContext(ctx, "python3", append([]string{"-c", script}, args...)...)
	p := &pyProc{done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = &p.out, &p.err
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		cancel()
		p.done <- <-p.done
	})
	return p
}

type pyProc struct {
	out, err syncBuffer
	done     chan error
}

// wait returns the script's stdout once it ended successfully.
func (p *pyProc) wait(t *testing.T) string {
	t.Helper()
	select {
	case err := <-p.done:
		p.done <- err
		if err != nil {
			t.Fatalf("python: %v\n%s", err, p.err.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("python did not end")
	}
	return p.out.String()
}

// pyServerPort waits for the port a python server prints as its first line.
func pyServerPort(t *testing.T, p *pyProc) string {
	t.Helper()
	var port string
	testkit.Eventually(t, "python server's port", func() bool {
		line, _, ok := strings.Cut(p.out.String(), "\n")
		port = line
		return ok
	})
	return port
}

// afterFirstLine is a server script's output after its port line.
func afterFirstLine(s string) string {
	_, rest, _ := strings.Cut(s, "\n")
	return rest
}

// Scripts. Each is the tutorial scheme written with socket, struct and json.
const (
	pySendJSONHdr = `
import json, socket, struct, sys
host, port, name, path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
body = open(path, 'rb').read()
header = json.dumps({"filename": name, "filesize": len(body)}).encode()
s = socket.create_connection((host, port), timeout=10)
s.sendall(struct.pack('i', len(header)) + header + body)
s.close()
`
	pyRecvJSONHdr = `
import json, os, socket, struct, sys
outdir = sys.argv[1]
srv = socket.socket()
srv.bind(('127.0.0.1', 0))
srv.listen(1)
print(srv.getsockname()[1], flush=True)
srv.settimeout(10)
conn, _ = srv.accept()
conn.settimeout(10)
def recvall(n):
    buf = b''
    while len(buf) < n:
        part = conn.recv(n - len(buf))
        if not part:
            raise SystemExit('eof after %d of %d bytes' % (len(buf), n))
        buf += part
    return buf
hlen = struct.unpack('i', recvall(4))[0]
header = json.loads(recvall(hlen).decode())
body = recvall(header['filesize'])
with open(os.path.join(outdir, os.path.basename(header['filename'])), 'wb') as f:
    f.write(body)
conn.close()
print(json.dumps(header))
`
	// The messages are hex lines in a file; mode is "sticky" (one sendall)
	// or "bytes" (one send per byte).
	pySendLen = `
import socket, struct, sys, time
host, port, mode, path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
msgs = [bytes.fromhex(h) for h in open(path).read().splitlines()]
data = b''.join(struct.pack('<I', len(m)) + m for m in msgs)
s = socket.create_connection((host, port), timeout=10)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
if mode == 'sticky':
    s.sendall(data)
else:
    for i in range(len(data)):
        s.sendall(data[i:i+1])
        time.sleep(0.002)
s.close()
`
	pyRecvLen = `
import json, socket, struct
srv = socket.socket()
srv.bind(('127.0.0.1', 0))
srv.listen(1)
print(srv.getsockname()[1], flush=True)
srv.settimeout(10)
conn, _ = srv.accept()
conn.settimeout(10)
def recvall(n, eof_ok=False):
    buf = b''
    while len(buf) < n:
        part = conn.recv(n - len(buf))
        if not part:
            if eof_ok and not buf:
                return None
            raise SystemExit('truncated frame: %d of %d bytes' % (len(buf), n))
        buf += part
    return buf
msgs = []
while True:
    head = recvall(4, eof_ok=True)
    if head is None:
        break
    (n,) = struct.unpack('<I', head)
    msgs.append(recvall(n).hex())
conn.close()
print(json.dumps(msgs))
`
)

// event is one line of --json output.
type event struct {
	Kind, Data, Hex, Text, Saved string
	Len                          int
	Header                       json.RawMessage
}

func (e event) bytes() []byte {
	if e.Hex != "" {
		b, _ := hex.DecodeString(e.Hex)
		return b
	}
	return []byte(e.Data)
}

func events(t *testing.T, out string) []event {
	t.Helper()
	var es []event
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var e event
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("json line %q: %v", line, err)
		}
		es = append(es, e)
	}
	return es
}

func ofKind(es []event, kind string) []event {
	var r []event
	for _, e := range es {
		if e.Kind == kind {
			r = append(r, e)
		}
	}
	return r
}

func hostPort(url string) (string, string) {
	hp := strings.TrimPrefix(url, "tcp://")
	i := strings.LastIndexByte(hp, ':')
	return hp[:i], hp[i+1:]
}

func randomBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// A python client sends a file the tutorial way; sockplay serve saves it
// byte-identical under a safe name, and a hostile name stays inside DIR.
func TestInteropPythonSendsJSONHdrToServe(t *testing.T) {
	tests := []struct {
		name, sent, saved string
		size              int
	}{
		{"plain", "report.txt", "report.txt", 1000},
		{"big, in many reads", "firmware.bin", "firmware.bin", 3 << 20},
		{"path escape", "../../etc/x", "x", 100},
		{"windows path escape", `..\..\boot.ini`, "boot.ini", 10},
		{"empty file, dot name", "..", "received.bin", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testkit.NoLeaks(t)
			base := testkit.TempDir(t)
			dir := filepath.Join(base, "a", "b", "in") // so ../../etc would land in base
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			body := randomBytes(t, tt.size)
			src := filepath.Join(testkit.TempDir(t), "src")
			if err := os.WriteFile(src, body, 0o644); err != nil {
				t.Fatal(err)
			}
			srv := serveCmd(t, "tcp://127.0.0.1:0", "--framing", "jsonhdr", "--save-dir", dir)
			host, port := hostPort(srv.url)
			python(t, pySendJSONHdr, host, port, tt.sent, src).wait(t)
			testkit.Eventually(t, "saved line", func() bool { return strings.Contains(srv.err.String(), "saved ") })
			want := filepath.Join(dir, tt.saved)
			if !strings.Contains(srv.err.String(), "to "+want+"\n") {
				t.Errorf("serve stderr %q, want it to name %s", srv.err.String(), want)
			}
			got, err := os.ReadFile(want)
			if err != nil || !bytes.Equal(got, body) {
				t.Fatalf("saved file: %d bytes, %v; want %d identical bytes", len(got), err, len(body))
			}
			var files []string
			filepath.WalkDir(base, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					files = append(files, p)
				}
				return nil
			})
			if !slices.Equal(files, []string{want}) {
				t.Fatalf("files under %s: %q, want only %s", base, files, want)
			}
			if srv.out.String() != "" {
				t.Errorf("stdout %q: a saved file is not printed", srv.out.String())
			}
		})
	}
}

// sockplay connect --send-file sends a file with its jsonhdr header to a
// python server that reads it the tutorial way and saves it.
func TestInteropConnectSendsJSONHdrToPython(t *testing.T) {
	for _, size := range []int{0, 5, 1 << 20} {
		t.Run(fmt.Sprintf("%d bytes", size), func(t *testing.T) {
			testkit.NoLeaks(t)
			out := testkit.TempDir(t)
			src := filepath.Join(testkit.TempDir(t), "sensor log.csv")
			body := randomBytes(t, size)
			if err := os.WriteFile(src, body, 0o644); err != nil {
				t.Fatal(err)
			}
			py := python(t, pyRecvJSONHdr, out)
			port := pyServerPort(t, py)
			code, stdout, errOut := connectCmd(t, "", "tcp://127.0.0.1:"+port, "--framing", "jsonhdr", "--send-file", src, "--wait", "5s")
			if code != ExitOK || stdout != "" || errOut != "" {
				t.Fatalf("connect: exit %d out %q err %q", code, stdout, errOut)
			}
			var hdr struct {
				Filename string `json:"filename"`
				Filesize int    `json:"filesize"`
			}
			if err := json.Unmarshal([]byte(afterFirstLine(py.wait(t))), &hdr); err != nil || hdr.Filename != "sensor log.csv" || hdr.Filesize != size {
				t.Fatalf("python saw header %+v, %v", hdr, err)
			}
			got, err := os.ReadFile(filepath.Join(out, "sensor log.csv"))
			if err != nil || !bytes.Equal(got, body) {
				t.Fatalf("python saved %d bytes, %v; want %d identical bytes", len(got), err, len(body))
			}
		})
	}
}

// Messages python frames as len:4:le come out whole from sockplay serve,
// whether python sends them in one sendall (they stick together) or one
// byte at a time (they arrive split).
func TestInteropPythonSendsLenPrefixedToServe(t *testing.T) {
	small := [][]byte{[]byte("hello"), {}, {0x00, 0xff, 0x10}, []byte("wörld\n")}
	big := append(slices.Clone(small), bytes.Repeat([]byte("0123456789"), 30000)) // several reads
	tests := []struct {
		mode string
		msgs [][]byte
	}{
		{"sticky", small},
		{"sticky", big},
		{"bytes", small},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d messages", tt.mode, len(tt.msgs)), func(t *testing.T) {
			testkit.NoLeaks(t)
			srv := serveCmd(t, "tcp://127.0.0.1:0", "--framing", "len:4:le", "--json")
			host, port := hostPort(srv.url)
			var lines strings.Builder
			for _, m := range tt.msgs {
				lines.WriteString(hex.EncodeToString(m) + "\n")
			}
			path := filepath.Join(testkit.TempDir(t), "msgs")
			if err := os.WriteFile(path, []byte(lines.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			python(t, pySendLen, host, port, tt.mode, path).wait(t)
			testkit.Eventually(t, "closed", func() bool { return strings.Contains(srv.out.String(), `"kind":"closed"`) })
			es := events(t, srv.out.String())
			msgs, chunks := ofKind(es, "message"), ofKind(es, "data_in")
			if len(msgs) != len(tt.msgs) {
				t.Fatalf("%d messages from %d chunks, want %d:\n%s", len(msgs), len(chunks), len(tt.msgs), srv.out.String())
			}
			for i, m := range msgs {
				if !bytes.Equal(m.bytes(), tt.msgs[i]) || m.Len != len(tt.msgs[i]) {
					t.Errorf("message %d: %d bytes %q, want %q", i, m.Len, m.bytes(), tt.msgs[i])
				}
			}
			if tt.mode == "bytes" && len(chunks) <= len(tt.msgs) {
				t.Errorf("byte by byte arrived in %d chunks: the test did not split anything", len(chunks))
			}
			t.Logf("%s: %d messages from %d chunks", tt.mode, len(msgs), len(chunks))
			if ofKind(es, "error") != nil {
				t.Errorf("errors: %s", srv.out.String())
			}
		})
	}
}

// What sockplay connect sends with --framing len:4:le, python unpacks
// exactly: text and hex payloads, checksums, repeats.
func TestInteropConnectSendsLenPrefixedToPython(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string // hex of each message python reads
	}{
		{"text", []string{"--send", `hello\r\n`, "--send", `\x00\xff`}, []string{"68656c6c6f0d0a", "00ff"}},
		{"empty and unicode", []string{"--send", "", "--send", `\u00e9`}, []string{"", "c3a9"}},
		{"hex with crc16-modbus", []string{"--payload-mode", "hex", "--checksum", "crc16-modbus", "--send", "01 03 00 00 00 0a"}, []string{"01030000000ac5cd"}},
		{"repeat with counter", []string{"--repeat", "3", "--send", "n{{counter}}"}, []string{"6e30", "6e31", "6e32"}},
		{"line ending", []string{"--line-ending", "crlf", "--send", "AT"}, []string{"41540d0a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testkit.NoLeaks(t)
			py := python(t, pyRecvLen)
			port := pyServerPort(t, py)
			args := append([]string{"tcp://127.0.0.1:" + port, "--framing", "len:4:le", "--wait", "100ms"}, tt.args...)
			code, stdout, errOut := connectCmd(t, "", args...)
			if code != ExitOK || stdout != "" || errOut != "" {
				t.Fatalf("connect: exit %d out %q err %q", code, stdout, errOut)
			}
			var got []string
			if err := json.Unmarshal([]byte(afterFirstLine(py.wait(t))), &got); err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("python read %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
