package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/sockplay/sockplay/sessions"
)

func init() {
	Register(Command{Name: "relay", Args: "LISTEN_URL TARGET_URL [--framing SPEC] [--rule RULE...|--rules FILE] [--hex|--json|--quiet] [--once] [--pcap FILE] [options]",
		Summary: "listen, connect each client to a target and forward both ways, printing the traffic", Run: runRelay})
}

func runRelay(ctx context.Context, s Stdio, args []string) int {
	fs := flag.NewFlagSet("sockplay relay", flag.ContinueOnError)
	fs.SetOutput(s.Err)
	pf := addPrintFlags(fs, "print each chunk (or message) of both directions as `hexdump -C`",
		"print every event as one JSON object per line (data_in: what a client sent, data_out: what the target sent back)")
	once := fs.Bool("once", false, "end after the first pair of connections has ended (tcp, tls, unix)")
	sf := AddSessionFlags(fs, ForRelay)
	fs.Usage = func() { relayUsage(s.Err, fs) }
	if code, done := ParseFlags(fs, s, "relay", reorderArgs(fs, args)); done {
		return code
	}
	usageErr := func(format string, a ...any) int { return usageErrorf(s, "relay", format, a...) }
	switch fs.NArg() {
	case 0:
		return usageErr("missing LISTEN_URL and TARGET_URL, e.g. tcp://127.0.0.1:8080 tcp://example.com:80")
	case 1:
		return usageErr("missing TARGET_URL, where each client is forwarded to, e.g. tcp://127.0.0.1:80")
	case 2:
	default:
		return usageErr("unexpected argument %q (give LISTEN_URL and TARGET_URL)", fs.Arg(2))
	}
	sf.target = fs.Arg(1)
	pm, dec, err := pf.mode()
	if err != nil {
		return usageErr("%v", err)
	}
	spec, sc, err := sf.spec(fs, "relay", fs.Arg(0))
	if err != nil {
		return usageErr("%v", err)
	}
	cfg, err := headlessConfig(spec)
	if err != nil {
		return usageErr("%v", flagError(err))
	}
	sess, err := sessions.New(cfg)
	if err != nil {
		return usageErr("%v", err)
	}
	p := newPrinter(s.Out, s.Err, pm, pm != printNone && pm != printJSON, sc.framed())
	p.relay, p.dec = true, dec
	return relay(ctx, s, sess, p, spec, *once)
}

func relay(ctx context.Context, s Stdio, sess *sessions.Session, p *printer, spec sessions.Spec, once bool) int {
	began := time.Now()
	out := p.attach(sess)
	rec := startRecording(sess, spec)
	if err := sess.Start(ctx); err != nil {
		sess.Close()
		rec.stop()
		out.Close()
		fmt.Fprintf(s.Err, "sockplay relay: %v\n", err)
		return ExitFail
	}
	code := ExitOK
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-out.Done():
			break loop
		case <-p.signal:
		}
		if closed, _, _ := p.seen(); once && closed > 0 {
			break loop
		}
	}
	sess.Close() // and waits until the printer has written everything
	if rec.stop() {
		code = ExitFail
	}
	if err := out.Close(); err != nil {
		fmt.Fprintf(s.Err, "sockplay relay: %v\n", err)
		code = ExitFail
	}
	if p.mode == printNone {
		c := sess.Counters()
		fmt.Fprintf(s.Out, "pairs %d, client->target %d bytes in %d chunks, target->client %d bytes in %d chunks, %.3fs\n",
			sess.PeersSeen(), c.BytesIn, c.ChunksIn, c.BytesOut, c.ChunksOut, time.Since(began).Seconds())
	}
	return code // Ctrl-C ends a relay as it ends serve: normally
}

func relayUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `usage: sockplay relay LISTEN_URL TARGET_URL [flags]
Listens on LISTEN_URL and, for each client (each source address of a udp or unixgram
socket), connects to TARGET_URL and forwards both ways: tcp, tls, unix to any of them,
udp and unixgram to either (a stream and datagrams are not mixed). Each pair is one
peer: '> client ... -> target' lines show what a client sent, '< target -> client'
what the target sent back; status lines go to stderr. A FIN is passed on after the
data before it, a reset as a reset; a target that refuses closes the client's
connection. Nothing relayed is dropped: a slow side slows the other.
The listening side takes the server TLS flags (--tls-cert/--tls-key or
--tls-self-signed), the target the client ones (--tls-ca, --tls-insecure, --tls-sni,
--tls-alpn, --tls-client-cert/--tls-client-key). Rules may rewrite or drop what is
forwarded: add [from=client] or [from=target] to act on one direction, [drop] to
forward nothing; the REPLY replaces the message.
  e.g. sockplay relay tcp://127.0.0.1:8080 tcp://example.com:80 --framing http
       sockplay relay tls://:8443 tcp://127.0.0.1:80 --tls-self-signed localhost
       sockplay relay udp://:5353 udp://192.0.2.1:53 --hex
       sockplay relay tcp://:7000 tcp://127.0.0.1:7001 --framing line --rule 'text:PING => PONG [from=client]'
`)
	fs.PrintDefaults()
	printRulesHelp(w)
}
