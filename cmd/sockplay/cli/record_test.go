package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/testkit"
)

// TestServeConnectPcap: serve and connect each record what they did with
// --pcap, from the first handshake: tshark follows the bytes both ways in
// both files, and finds nothing wrong.
func TestServeConnectPcap(t *testing.T) {
	testkit.Need(t, "tshark")
	dir := testkit.TempDir(t)
	sfile, cfile := filepath.Join(dir, "serve.pcapng"), filepath.Join(dir, "connect.pcapng")
	srv := serveCmd(t, "tcp://127.0.0.1:0", "--echo", "--once", "--pcap", sfile)
	code, out, errOut := connectCmd(t, "hello\n", srv.url, "--half-close", "--pcap", cfile)
	if code != ExitOK || out != "hello\n" || errOut != "" {
		t.Fatalf("connect: exit %d, out %q, err %q", code, out, errOut)
	}
	if code := srv.wait(t); code != ExitOK {
		t.Fatalf("serve: exit %d, %s", code, srv.err.String())
	}
	if !strings.Contains(srv.err.String(), "recording to "+sfile+"\n") {
		t.Errorf("serve's stderr does not say it records: %q", srv.err.String())
	}
	for _, file := range []string{sfile, cfile} {
		client, server := testkit.TsharkFollow(t, file, "tcp", 0)
		if string(client) != "hello\n" || string(server) != "hello\n" {
			t.Errorf("%s: follow %q, %q", filepath.Base(file), client, server)
		}
		e := testkit.TsharkExpert(t, file)
		if len(e["Errors"])+len(e["Warns"]) > 0 {
			t.Errorf("%s: tshark expert %v", filepath.Base(file), e)
		}
		syn := testkit.Tshark(t, "-r", file, "-c", "1", "-T", "fields", "-e", "tcp.flags.syn", "-e", "frame.interface_name")
		if !strings.HasPrefix(syn, "1\t") {
			t.Errorf("%s: the first packet is no SYN: %q", filepath.Base(file), syn)
		}
	}
}

// TestPcapFlagErrors: a file that cannot be made is refused before the
// session starts, in one line naming --pcap.
func TestPcapFlagErrors(t *testing.T) {
	dir := testkit.TempDir(t)
	for _, cmd := range []string{"serve", "connect"} {
		for _, path := range []string{filepath.Join(dir, "gone", "x.pcapng"), dir} {
			var errb syncBuffer
			code := Run(context.Background(), []string{cmd, "tcp://127.0.0.1:9", "--pcap", path}, Stdio{In: strings.NewReader(""), Out: io.Discard, Err: &errb})
			first, rest, _ := strings.Cut(errb.String(), "\n")
			if code != ExitUsage || !strings.HasPrefix(first, "sockplay "+cmd+": --pcap: recording file "+path) || strings.Count(rest, "\n") > 1 {
				t.Errorf("%s --pcap %s: exit %d, stderr %q", cmd, path, code, errb.String())
			}
		}
	}
}

// TestConnectPcapRefused: a refused connect is in the file as a SYN and
// the RST that refused it.
func TestConnectPcapRefused(t *testing.T) {
	testkit.Need(t, "tshark")
	file := filepath.Join(testkit.TempDir(t), "refused.pcapng")
	port := testkit.FreePort(t, "tcp")
	code, _, errOut := connectCmd(t, "", fmt.Sprintf("tcp://127.0.0.1:%d", port), "--pcap", file)
	if code != ExitFail || !strings.Contains(errOut, "nothing listens there") {
		t.Fatalf("connect: exit %d, %q", code, errOut)
	}
	got := testkit.Tshark(t, "-r", file, "-T", "fields", "-e", "tcp.flags.syn", "-e", "tcp.flags.reset")
	if got != "1\t0\n0\t1\n" {
		t.Errorf("packets (syn, rst): %q", got)
	}
}

// TestServePcapDiskFull: when the disk fills, serve says so once on
// stderr, goes on serving every byte, and exits 1 at the end.
func TestServePcapDiskFull(t *testing.T) {
	dir := testkit.TempDir(t)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs (needs root): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	srv := serveCmd(t, "tcp://127.0.0.1:0", "--once", "--pcap", filepath.Join(dir, "full.pcapng"))
	c, err := net.Dial("tcp", strings.TrimPrefix(srv.url, "tcp://"))
	if err != nil {
		t.Fatal(err)
	}
	payload := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	if _, err := c.Write(payload); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if code := srv.wait(t); code != ExitFail {
		t.Errorf("serve: exit %d, want %d", code, ExitFail)
	}
	errOut := srv.err.String()
	if strings.Count(errOut, "the disk is full") != 1 || srv.out.String() != string(payload) {
		t.Errorf("stderr %q, stdout %d bytes (want all %d)", errOut, len(srv.out.String()), len(payload))
	}
	t.Log(errOut)
}
