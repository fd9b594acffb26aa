package framing

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/testkit"
)

func TestJSONHdrAppendAndDecode(t *testing.T) {
	// 00000000  29 00 00 00 7b 22 66 69  6c 65 6e 61 6d 65 22 3a  |)...{"filename":|
	// 00000010  20 22 3c 61 3e 26 c3 a9  2e 74 78 74 22 2c 20 22  | "<a>&...txt", "|
	// 00000020  66 69 6c 65 73 69 7a 65  22 3a 20 33 7d 61 62 63  |filesize": 3}abc|
	stream := AppendJSONHdr(nil, "<a>&é.txt", []byte("abc"))
	want := "\x29\x00\x00\x00{\"filename\": \"<a>&é.txt\", \"filesize\": 3}abc"
	if string(stream) != want {
		t.Fatalf("AppendJSONHdr = %q, want %q", stream, want)
	}
	stream = AppendJSONHdr(stream, "two", nil)
	o := decodeChunks(mustParse(t, "jsonhdr"), Options{}, stream)
	if len(o.msgs) != 2 || o.flushErr != nil || len(o.errs) != 0 {
		t.Fatalf("decoded %s, %v, %v", msgsText(o.msgs), o.errs, o.flushErr)
	}
	var h struct {
		Filename string
		Filesize int
	}
	if err := json.Unmarshal(o.msgs[0].Header, &h); err != nil || h.Filename != "<a>&é.txt" || h.Filesize != 3 {
		t.Fatalf("header %q: %+v %v", o.msgs[0].Header, h, err)
	}
	if string(o.msgs[0].Data) != "abc" || len(o.msgs[1].Data) != 0 {
		t.Fatalf("bodies %s", msgsText(o.msgs))
	}
}

func TestJSONHdrSizeKeys(t *testing.T) {
	for _, hdr := range []string{`{"size": 2}`, `{"filesize": "2"}`, `{"filename": "x", "size": 9, "filesize": 2}`} {
		stream := append([]byte{byte(len(hdr)), 0, 0, 0}, hdr+"ok"...)
		o := decodeChunks(mustParse(t, "jsonhdr"), Options{}, stream)
		if len(o.msgs) != 1 || string(o.msgs[0].Data) != "ok" || string(o.msgs[0].Header) != hdr {
			t.Errorf("%s: %s %v %v", hdr, msgsText(o.msgs), o.errs, o.flushErr)
		}
	}
	for _, hdr := range []string{`{"filesize": -1}`, `{"filesize": 1.5}`, `{"size": "x"}`} {
		stream := append([]byte{byte(len(hdr)), 0, 0, 0}, hdr...)
		o := decodeChunks(mustParse(t, "jsonhdr"), Options{}, stream)
		if len(o.errs) != 1 || !errors.Is(o.errs[0], ErrBadFrame) || !o.stuck {
			t.Errorf("%s: errors %v", hdr, o.errs)
		}
	}
}

func TestSafeFileName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a.txt", "a.txt"},
		{"../../etc/passwd", "passwd"},
		{"/etc/passwd", "passwd"},
		{`C:\Windows\system32\evil.dll`, "evil.dll"},
		{`..\..\x`, "x"},
		{"..", "received.bin"},
		{".", "received.bin"},
		{"", "received.bin"},
		{"   ", "received.bin"},
		{"dir/", "received.bin"},
		{".bashrc", "bashrc"},
		{"a\x00b", "a_b"},
		{"evil\x00/../../x", "x"},
		{"line\nbreak\r.txt", "line_break_.txt"},
		{"bell\x07\x1b[31m.txt", "bell__[31m.txt"},
		{"rtl\u202egnp.exe", "rtl_gnp.exe"},
		{"a<b>c:d\"e|f?g*h", "a_b_c_d_e_f_g_h"},
		{"con", "_con"},
		{"NUL.txt", "_NUL.txt"},
		{"com1.log", "_com1.log"},
		{"console.txt", "console.txt"},
		{"trailing. . ", "trailing"},
		{"bad\xffutf8", "bad_utf8"},
		{"日本語.txt", "日本語.txt"},
		{strings.Repeat("é", 300) + ".txt", strings.Repeat("é", 98) + ".txt"},
	}
	for _, tt := range tests {
		got := SafeFileName(tt.in)
		if got != tt.want {
			t.Errorf("SafeFileName(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if len(got) > 255 || strings.ContainsAny(got, "/\\\x00") || got == "." || got == ".." {
			t.Errorf("SafeFileName(%q) = %q is not a safe base name", tt.in, got)
		}
	}
}

// Hostile names from the wire: whatever the header says, the file lands in
// the chosen folder, never overwrites, and nothing else in or around the
// folder changes. (A symlink planted in the folder: the next test.)
func TestSaveJSONHdrFileHostile(t *testing.T) {
	parent := testkit.TempDir(t)
	dir := filepath.Join(parent, "inbox")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(parent, "outside.txt")
	if err := os.WriteFile(outside, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	names := []string{
		"../outside.txt", "/tmp/../" + outside, outside, `..\outside.txt`, "..", "",
		"a\x00b", "\n", "ok.txt", "ok.txt", "ok.txt", "CON", "x/../../../../outside.txt",
	}
	seen := map[string]bool{}
	for i, name := range names {
		body := []byte{byte('A' + i)}
		hdr, _ := json.Marshal(map[string]any{"filename": name, "filesize": 1})
		path, err := SaveJSONHdrFile(dir, Message{Header: hdr, Data: body})
		if err != nil {
			t.Fatalf("SaveJSONHdrFile(%q): %v", name, err)
		}
		if filepath.Dir(path) != dir {
			t.Fatalf("SaveJSONHdrFile(%q) wrote %s, outside %s", name, path, dir)
		}
		if seen[path] {
			t.Fatalf("SaveJSONHdrFile(%q) reused %s", name, path)
		}
		seen[path] = true
		got, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("%s holds %q, %v; want %q", path, got, err, body)
		}
	}
	if got, _ := os.ReadFile(outside); string(got) != "keep" {
		t.Fatalf("the file outside the folder changed: %q", got)
	}
	for _, want := range []string{"ok.txt", "ok-1.txt", "ok-2.txt", "received.bin", "received-1.bin", "_CON", "a_b"} {
		if !seen[filepath.Join(dir, want)] {
			t.Errorf("expected %s among %v", want, seen)
		}
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 2 {
		t.Errorf("the parent folder now holds %d entries", len(entries))
	}
	// No header at all still saves, under a generated name.
	if path, err := SaveJSONHdrFile(dir, Message{Data: []byte("x")}); err != nil || !strings.HasPrefix(filepath.Base(path), "received") {
		t.Errorf("no header: %s, %v", path, err)
	}
	if _, err := SaveJSONHdrFile(filepath.Join(parent, "missing"), Message{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing folder: %v", err)
	}
}

// A symlink planted in the folder, pointing out of it, is neither followed
// nor replaced: the file gets the next free name.
func TestSaveJSONHdrFileSymlinkPlanted(t *testing.T) {
	parent := testkit.TempDir(t)
	dir := filepath.Join(parent, "inbox")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(parent, "outside.txt")
	if err := os.WriteFile(outside, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	testkit.Symlink(t, outside, filepath.Join(dir, "link.txt"))
	hdr, _ := json.Marshal(map[string]any{"filename": "link.txt", "filesize": 1})
	path, err := SaveJSONHdrFile(dir, Message{Header: hdr, Data: []byte("X")})
	if err != nil || path != filepath.Join(dir, "link-1.txt") {
		t.Fatalf("SaveJSONHdrFile(link.txt) = %s, %v; want %s", path, err, filepath.Join(dir, "link-1.txt"))
	}
	if got, _ := os.ReadFile(outside); string(got) != "keep" {
		t.Fatalf("the file outside the folder changed: %q", got)
	}
}
