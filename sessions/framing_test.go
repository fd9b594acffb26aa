package sessions

import (
	"testing"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore/framing"
)

// Sticky and split packets become whole messages; replies answer messages
// and are framed on the way out.
func TestFramingHook(t *testing.T) {
	testkit.NoLeaks(t)
	spec, err := framing.Parse("line")
	if err != nil {
		t.Fatal(err)
	}
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), Reply: ReplyUpper, Framing: spec})
	cli := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv))})
	cli.Send(PeerAll, []byte("one\ntw"))
	waitLog(t, srv, "first message", func(es []Entry) bool { return count(es, KindMessage) == 1 })
	cli.Send(PeerAll, []byte("o\nthree"))
	waitLog(t, cli, "framed replies", gotIn("ONE\nTWO\n"))
	cli.Close()
	es := waitLog(t, srv, "closed", func(es []Entry) bool { return count(es, KindClosed) == 1 })
	var msgs []string
	for _, e := range es {
		if e.Kind == KindMessage {
			msgs = append(msgs, string(e.Data))
		}
	}
	if len(msgs) < 2 || msgs[0] != "one" || msgs[1] != "two" {
		t.Fatalf("messages %q\n%s", msgs, dump(es))
	}
	if c := srv.Counters(); c.MessagesIn < 2 || c.MessagesOut != 2 || c.ChunksIn != 2 {
		t.Fatalf("counters %+v", c)
	}
	t.Logf("at EOF: %q", msgs[2:])
}

// With idle framing a pause ends a message, and the connection goes on.
func TestIdleFramingPauseEndsMessage(t *testing.T) {
	testkit.NoLeaks(t)
	spec, err := framing.Parse("idle:80ms")
	if err != nil {
		t.Fatal(err)
	}
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), Framing: spec})
	cli := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv))})
	cli.Send(PeerAll, []byte("abc"))
	waitLog(t, srv, "the first message after the pause", func(es []Entry) bool { return count(es, KindMessage) == 1 })
	cli.Send(PeerAll, []byte("de"))
	cli.Send(PeerAll, []byte("f"))
	es := waitLog(t, srv, "the second message", func(es []Entry) bool { return count(es, KindMessage) == 2 })
	var msgs []string
	for _, e := range es {
		if e.Kind == KindMessage {
			msgs = append(msgs, string(e.Data))
		}
	}
	if msgs[0] != "abc" || msgs[1] != "def" {
		t.Fatalf("messages %q, want abc then def\n%s", msgs, dump(es))
	}
	if count(es, KindClosed) != 0 {
		t.Fatalf("the pause closed the connection\n%s", dump(es))
	}
}
