package sessions

import (
	"errors"
	"testing"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore/framing"
)

// A jsonhdr file goes out as header and body pieces through SendRaw: the
// framer must not wrap them, and the frame counts as one message out.
func TestSendRawSkipsTheEncoder(t *testing.T) {
	testkit.NoLeaks(t)
	spec, err := framing.Parse("jsonhdr")
	if err != nil {
		t.Fatal(err)
	}
	fr := spec
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), Framing: fr})
	cli := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv)), Framing: fr})
	body := []byte("hello, file")
	for i, part := range [][]byte{framing.AppendJSONHdrHeader(nil, "a.txt", int64(len(body))), body[:5], body[5:]} {
		if err := cli.SendRaw(PeerAll, part, i == 2); err != nil {
			t.Fatal(err)
		}
	}
	es := waitLog(t, srv, "message", func(es []Entry) bool { return count(es, KindMessage) == 1 })
	for _, e := range es {
		if e.Kind == KindMessage && (string(e.Data) != string(body) || e.Msg == nil || string(e.Msg.Header) != `{"filename": "a.txt", "filesize": 11}`) {
			t.Fatalf("message %q header %q", e.Data, e.Msg.Header)
		}
	}
	if c := cli.Counters(); c.MessagesOut != 1 || c.ChunksOut != 3 {
		t.Fatalf("client counters %+v", c)
	}
	if err := cli.SendRaw(PeerID(99), []byte("x"), false); !errors.Is(err, ErrNoPeer) {
		t.Fatalf("unknown peer: %v", err)
	}
}
