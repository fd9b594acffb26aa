package payload

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/testkit"
)

func TestFileRenderAndOpen(t *testing.T) {
	dir := testkit.TempDir(t)
	path := filepath.Join(dir, "frame.bin")
	body := bytes.Repeat([]byte("123456789"), 50000) // bigger than one read
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := Compile(Spec{Mode: File, Source: path, Checksum: CRC32, LineEnding: CRLF})
	if err != nil {
		t.Fatal(err)
	}
	want := append(append(append([]byte(nil), body...), CRC32.Sum(body)...), '\r', '\n')
	got, err := p.Render(nil, fixedNow)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("Render: %d bytes, %v; want %d bytes", len(got), err, len(want))
	}
	r, size, err := p.Open(nil, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	pr := NewProgressReader(r)
	streamed, err := io.ReadAll(pr)
	if err != nil || !bytes.Equal(streamed, want) {
		t.Fatalf("Open streamed %d bytes, %v; want %d bytes", len(streamed), err, len(want))
	}
	if size != int64(len(want)) || pr.N() != size {
		t.Fatalf("Open size %d, progress %d, want %d", size, pr.N(), len(want))
	}
}

func TestFileErrorsNamePath(t *testing.T) {
	dir := testkit.TempDir(t)
	missing := filepath.Join(dir, "missing.bin")
	_, notExist := os.Open(missing) // in this system's words ("File not found." on Windows)
	cases := []struct {
		path   string
		target error
		want   string
	}{
		{missing, fs.ErrNotExist, "payload file: " + notExist.Error()},
		{dir, ErrNotRegularFile, "payload file: open " + dir + ": not a regular file"},
	}
	for _, tc := range cases {
		p, err := Compile(Spec{Mode: File, Source: tc.path})
		if err != nil {
			t.Fatalf("Compile touched the file: %v", err)
		}
		_, err = p.Render(nil, fixedNow)
		if err == nil || err.Error() != tc.want || !errors.Is(err, tc.target) {
			t.Errorf("Render(%s) = %v, want %s matching %v", tc.path, err, tc.want, tc.target)
		}
		if errors.Is(err, ErrSyntax) {
			t.Errorf("I/O error %v matches ErrSyntax", err)
		}
		if _, _, err := p.Open(nil, fixedNow); err == nil || !strings.Contains(err.Error(), tc.path) {
			t.Errorf("Open(%s) = %v, want an error naming the path", tc.path, err)
		}
	}
}

func TestFileTooBigForRender(t *testing.T) {
	path := filepath.Join(testkit.TempDir(t), "big.bin")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxRenderFileSize + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	p, _ := Compile(Spec{Mode: File, Source: path})
	_, err = p.Render(nil, fixedNow)
	want := "payload file: read " + path + ": file too big to load at once (over 64 MiB)"
	if err == nil || err.Error() != want || !errors.Is(err, ErrFileTooBig) {
		t.Fatalf("Render = %v, want %s", err, want)
	}
	r, size, err := p.Open(nil, fixedNow)
	if err != nil || size != MaxRenderFileSize+1 {
		t.Fatalf("Open = %d, %v", size, err)
	}
	r.Close()
}

// TestFileShrinksWhileStreaming: the stream ends early and the checksum
// covers what was actually sent.
func TestFileShrinksWhileStreaming(t *testing.T) {
	path := filepath.Join(testkit.TempDir(t), "f.bin")
	os.WriteFile(path, []byte("123456789abc"), 0o600)
	p, _ := Compile(Spec{Mode: File, Source: path, Checksum: Sum8})
	r, _, err := p.Open(nil, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := os.Truncate(path, 9); err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r)
	if string(got) != "123456789\xdd" {
		t.Fatalf("streamed %q, want 123456789 and its sum8", got)
	}
}
