package sessions

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/netcore/payload"
)

// A file goes out the way its framing needs: streamed as is (raw), as a
// header naming it then its bytes (jsonhdr), or as one frame (any other).
// A raw server shows exactly the bytes on the wire.
func TestOutgoingFileFollowsItsFraming(t *testing.T) {
	testkit.NoLeaks(t)
	body := make([]byte, 200<<10) // several 64 KiB pieces
	for i := range body {
		body[i] = byte(rand.IntN(256))
	}
	path := filepath.Join(testkit.TempDir(t), "fw.bin")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	lenHdr := binary.LittleEndian.AppendUint32(nil, uint32(len(body)))
	tests := []struct {
		spec     string
		wire     []byte
		messages uint64
	}{
		{"raw", body, 0},
		{"jsonhdr", append(framing.AppendJSONHdrHeader(nil, "fw.bin", int64(len(body))), body...), 1},
		{"len:4:le", append(lenHdr, body...), 1},
		{"cobs", mustEncode(t, "cobs", body), 1},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			spec, err := framing.Parse(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0")})
			cli := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv))})
			f, err := OpenOutgoingFile(path, spec, tcpEP)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var last int64
			if err := f.Send(context.Background(), cli, PeerAll, func(n int64) { last = n }); err != nil {
				t.Fatal(err)
			}
			if last != int64(len(body)) {
				t.Errorf("progress ended at %d of %d", last, len(body))
			}
			waitLog(t, srv, "the whole file", func(es []Entry) bool { return len(joined(es, KindDataIn)) >= len(tt.wire) })
			if got := joined(entries(srv.Log()), KindDataIn); !bytes.Equal(got, tt.wire) {
				t.Fatalf("wire has %d bytes, want %d (first difference matters)", len(got), len(tt.wire))
			}
			if c := cli.Counters(); c.MessagesOut != tt.messages {
				t.Errorf("messages out %d, want %d", c.MessagesOut, tt.messages)
			}
		})
	}
}

// A file too big to be one message is refused when opened, before a byte
// is sent; raw and jsonhdr stream it.
func TestOutgoingFileTooBigForOneMessage(t *testing.T) {
	path := filepath.Join(testkit.TempDir(t), "big.bin")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(payload.MaxRenderFileSize + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	for _, tt := range []struct {
		spec string
		ok   bool
	}{{"raw", true}, {"jsonhdr", true}, {"len:4", false}, {"line", false}} {
		spec, _ := framing.Parse(tt.spec)
		of, err := OpenOutgoingFile(path, spec, tcpEP)
		if tt.ok != (err == nil) {
			t.Errorf("%s: err %v", tt.spec, err)
		}
		if err == nil {
			of.Close()
		} else if !errors.Is(err, payload.ErrFileTooBig) {
			t.Errorf("%s: %v does not match ErrFileTooBig", tt.spec, err)
		}
	}
}

// A missing file or a folder is refused when opened, in words that match.
func TestOutgoingFileOpenErrors(t *testing.T) {
	dir := testkit.TempDir(t)
	if _, err := OpenOutgoingFile(filepath.Join(dir, "missing"), framing.Spec{}, tcpEP); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
	if _, err := OpenOutgoingFile(dir, framing.Spec{Kind: framing.KindJSONHdr}, tcpEP); !errors.Is(err, payload.ErrNotRegularFile) {
		t.Errorf("a folder: %v", err)
	}
}

// SendFramed frames one send differently from the session: raw bytes into a
// line session, a len:2 frame, and a payload its framing cannot carry is an
// error with nothing written.
func TestSendFramedOverridesTheSessionFraming(t *testing.T) {
	testkit.NoLeaks(t)
	line, _ := framing.Parse("line")
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0")})
	cli := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv)), Framing: line})
	len2, _ := framing.Parse("len:2:be")
	for _, send := range []func() error{
		func() error { return cli.Send(PeerAll, []byte("a")) },                       // session framing: "a\n"
		func() error { return cli.SendFramed(PeerAll, []byte("b"), framing.Spec{}) }, // raw: "b"
		func() error { return cli.SendFramed(PeerAll, []byte("hi"), len2) },          // "\x00\x02hi"
	} {
		if err := send(); err != nil {
			t.Fatal(err)
		}
	}
	err := cli.SendFramed(PeerAll, []byte("x\ny"), line)
	if !errors.Is(err, framing.ErrCannotEncode) {
		t.Fatalf("a newline inside a line frame: %v", err)
	}
	want := "a\nb\x00\x02hi"
	waitLog(t, srv, "three sends", gotIn(want))
	if got := string(joined(entries(srv.Log()), KindDataIn)); got != want {
		t.Fatalf("wire %q, want %q", got, want)
	}
	if c := cli.Counters(); c.MessagesOut != 2 || c.ChunksOut != 3 {
		t.Errorf("client counters %+v, want 2 messages in 3 writes", c)
	}
}

func mustEncode(t *testing.T, spec string, p []byte) []byte {
	t.Helper()
	s, err := framing.Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Encode(nil, p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// With SaveDir, a received jsonhdr file is on disk when its message is
// logged, the message names it, and an info row says so; a folder that
// vanished is an error row, and the session goes on.
func TestSaveDirKeepsReceivedFiles(t *testing.T) {
	testkit.NoLeaks(t)
	dir := testkit.TempDir(t)
	jh, _ := framing.Parse("jsonhdr")
	fr := jh
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), Framing: fr, SaveDir: dir})
	cli := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv)), Framing: fr})

	src := filepath.Join(testkit.TempDir(t), "notes.txt")
	if err := os.WriteFile(src, []byte("hello, folder"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := OpenOutgoingFile(src, jh, tcpEP)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Send(context.Background(), cli, PeerAll, nil); err != nil {
		t.Fatal(err)
	}
	es := waitLog(t, srv, "saved row", func(es []Entry) bool { return count(es, KindInfo) > 0 && hasText(es, KindInfo, "saved 13 bytes") })
	want := filepath.Join(dir, "notes.txt")
	if got, err := os.ReadFile(want); err != nil || string(got) != "hello, folder" {
		t.Fatalf("saved file: %q, %v", got, err)
	}
	for _, e := range es {
		if e.Kind == KindMessage && (e.Msg == nil || e.Msg.Saved != want) {
			t.Errorf("message entry says saved %+v, want %s", e.Msg, want)
		}
		if e.Kind == KindInfo && strings.HasPrefix(e.Text, "saved") && !strings.HasSuffix(e.Text, " to "+want) {
			t.Errorf("info row %q does not name %s", e.Text, want)
		}
	}

	if err := testkit.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := cli.Send(PeerAll, []byte("again")); err != nil {
		t.Fatal(err)
	}
	waitLog(t, srv, "error row", func(es []Entry) bool { return hasText(es, KindError, "file not saved: ") })
	if n := count(entries(srv.Log()), KindMessage); n != 2 {
		t.Errorf("%d messages logged, want both", n)
	}
}

func TestSaveDirMustBeAFolder(t *testing.T) {
	file := filepath.Join(testkit.TempDir(t), "f")
	os.WriteFile(file, nil, 0o600)
	for _, dir := range []string{file, filepath.Join(testkit.TempDir(t), "missing")} {
		_, err := New(Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), SaveDir: dir})
		if !errors.Is(err, ErrBadConfig) || !strings.Contains(err.Error(), "save folder") {
			t.Errorf("SaveDir %s: %v", dir, err)
		}
	}
}

// tcpEP is a stream endpoint for files opened without a session.
var tcpEP = netcore.Endpoint{Scheme: netcore.SchemeTCP, Host: "127.0.0.1", Port: 9}
