package sessions

import (
	"bytes"
	"slices"
	"testing"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/netcore/payload"
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

// The framing of a live session changes: sends are framed the new way at
// once, each peer decodes the new way from its next chunk, and a sent
// message is logged as its payload (message_out) beside the framed bytes.
func TestSetFramingOnALiveSession(t *testing.T) {
	testkit.NoLeaks(t)
	srv := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0")})
	cli := start(t, Config{Role: Client, Endpoint: ep(t, serverURL(srv))})
	cli.Send(PeerAll, []byte("raw one\n"))
	waitLog(t, srv, "raw chunk", gotIn("raw one"))
	line, _ := framing.Parse("line")
	for _, s := range []*Session{srv, cli} {
		if err := s.SetFraming(line); err != nil {
			t.Fatal(err)
		}
	}
	cli.Send(PeerAll, []byte("two"))
	cli.Send(PeerAll, []byte("three"))
	es := waitLog(t, srv, "two messages", func(es []Entry) bool { return count(es, KindMessage) == 2 })
	var got []string
	for _, e := range es {
		if e.Kind == KindMessage {
			got = append(got, string(e.Data))
		}
	}
	if !slices.Equal(got, []string{"two", "three"}) {
		t.Fatalf("messages %q", got)
	}
	ces := entries(cli.Log())
	var out []string
	for _, e := range ces {
		if e.Kind == KindMessageOut {
			out = append(out, string(e.Data))
		}
	}
	if !slices.Equal(out, []string{"two", "three"}) || !bytes.Contains(joined(ces, KindDataOut), []byte("two\nthree\n")) {
		t.Fatalf("client logged messages out %q, data out %q", out, joined(ces, KindDataOut))
	}
	if f := srv.Framing(); f.Kind != framing.KindLine {
		t.Fatalf("Framing() = %v", f)
	}
	bad, _ := framing.Parse("len:2")
	fixed := start(t, Config{Role: Server, Endpoint: ep(t, "tcp://127.0.0.1:0"), Reply: ReplyFixed, ReplyPayload: mustPayload(t, `a\nb`)})
	if err := fixed.SetFraming(line); err == nil {
		t.Fatal("a line framing took a reply with a newline in it")
	}
	if err := fixed.SetFraming(bad); err != nil {
		t.Fatal(err)
	}
}

func mustPayload(t *testing.T, src string) *payload.Payload {
	t.Helper()
	pl, err := payload.Compile(payload.Spec{Source: src})
	if err != nil {
		t.Fatal(err)
	}
	return pl
}
