package gui

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/sessions"
)

// Export writes the log as `sockplay serve --json` lines, or as text with a
// canonical hex dump under each data entry.
func TestWriteLog(t *testing.T) {
	l := sessions.NewLog(0)
	l.Add(sessions.Entry{Kind: sessions.KindAccepted, Peer: 1, Addr: "127.0.0.1:5000"})
	l.Add(sessions.Entry{Kind: sessions.KindDataIn, Peer: 1, Addr: "127.0.0.1:5000", Data: []byte("hi\n")})
	l.Add(sessions.Entry{Kind: sessions.KindDataOut, Peer: 1, Addr: "127.0.0.1:5000", Data: []byte{0x01, 0xff}})

	var out bytes.Buffer
	if _, err := writeLog(&out, l, true); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		got = append(got, m)
	}
	if len(got) != 3 || got[0]["kind"] != "accepted" || got[1]["data"] != "hi\n" || got[2]["hex"] != "01ff" || got[2]["len"] != 2.0 {
		t.Fatalf("jsonl export: %v", got)
	}

	out.Reset()
	if _, err := writeLog(&out, l, false); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"accepted  #1 127.0.0.1:5000", "data_in  #1 127.0.0.1:5000  3 bytes\n00000000  68 69 0a", "|hi.|", "00000000  01 ff"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("text export lacks %q:\n%s", want, out.String())
		}
	}
}
