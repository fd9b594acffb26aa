package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/sessions"
)

func init() {
	Register(Command{Name: "connect", Args: "URL [--send PAYLOAD]... [--hex|--json] [--wait DUR] [--half-close] [options]",
		Summary: "connect like ncat: stdin to the socket, the socket to stdout", Run: runConnect})
}

// sendList collects repeated --send flags.
type sendList []string

func (l *sendList) String() string     { return strings.Join(*l, " ") }
func (l *sendList) Set(v string) error { *l = append(*l, v); return nil }

func runConnect(ctx context.Context, s Stdio, args []string) int {
	fs := flag.NewFlagSet("sockplay connect", flag.ContinueOnError)
	fs.SetOutput(s.Err)
	var sends sendList
	fs.Var(&sends, "send", "send this payload (text with escapes like \\n, \\x00 and {{macros}}); repeatable; stdin is then not read")
	hex := fs.Bool("hex", false, "print traffic in both directions as `hexdump -C`")
	jsonOut := fs.Bool("json", false, "print every event as one JSON object per line")
	wait := fs.Duration("wait", time.Second, "after stdin ends (or the --send payloads are sent), keep reading this long")
	halfClose := fs.Bool("half-close", false, "when stdin ends, half-close (send FIN) and keep reading")
	verbose := fs.Bool("v", false, "print status lines (connected, closed) on stderr")
	unconnected := fs.Bool("unconnected", false, "udp: use an unconnected socket and show replies from any address")
	// Room for later issues: --framing SPEC and --pcap FILE register here.
	sf := addSocketFlags(fs, false)
	fs.Usage = func() {
		fmt.Fprintln(s.Err, "usage: sockplay connect URL [flags]    (URL: tcp://HOST:PORT, udp://..., unix:///path, unixgram:///path)")
		fmt.Fprintln(s.Err, "Sends stdin (or the --send payloads) and prints what comes back; ends when the peer closes,")
		fmt.Fprintln(s.Err, "or --wait after stdin ends.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(reorderArgs(fs, args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(s.Err, "sockplay connect: "+format+"\n", a...)
		return ExitUsage
	}
	if fs.NArg() != 1 {
		if fs.NArg() == 0 {
			return usageErr("missing URL, e.g. tcp://127.0.0.1:9000")
		}
		return usageErr("unexpected argument %q", fs.Arg(1))
	}
	ep, err := netcore.ParseEndpoint(fs.Arg(0))
	if err != nil {
		return usageErr("%v", err)
	}
	opts, err := sf.options(visitedFlags(fs))
	if err != nil {
		return usageErr("%v", err)
	}
	if *wait < 0 {
		return usageErr("--wait %v: must be 0 or more", *wait)
	}
	var payloads []*payload.Payload
	for _, src := range sends {
		pl, err := payload.Compile(payload.Spec{Mode: payload.Text, Source: src})
		if err != nil {
			return usageErr("--send %q: %v", src, err)
		}
		payloads = append(payloads, pl)
	}
	pm, err := printModeOf(*hex, *jsonOut, false)
	if err != nil {
		return usageErr("%v", err)
	}
	sess, err := sessions.New(sessions.Config{Role: sessions.Client, Endpoint: ep, Options: opts, Unconnected: *unconnected})
	if err != nil {
		return usageErr("%v", err)
	}
	p := &printer{out: s.Out, err: s.Err, mode: pm, status: *verbose && pm != printJSON}
	return connect(ctx, s, sess, p, payloads, *wait, *halfClose)
}

func connect(ctx context.Context, s Stdio, sess *sessions.Session, p *printer, payloads []*payload.Payload, wait time.Duration, halfClose bool) int {
	changed, unsub := sess.Changed()
	defer unsub()
	fail := func(err error) int {
		fmt.Fprintf(s.Err, "sockplay connect: %v\n", err)
		return ExitFail
	}
	if err := sess.Start(ctx); err != nil {
		sess.Close()
		return fail(err)
	}
	defer sess.Close()
	inputDone := make(chan struct{})
	if len(payloads) > 0 {
		var counter payload.Counter
		for _, pl := range payloads {
			b, err := pl.Render(&counter, time.Now())
			if err == nil {
				err = sess.Send(sessions.PeerAll, b)
			}
			if err != nil {
				p.drain(sess.Log())
				return fail(err)
			}
		}
		close(inputDone)
	} else {
		go pumpStdin(s.In, func(b []byte) error { return sess.Send(sessions.PeerAll, b) }, inputDone)
	}
	var waitC <-chan time.Time
	code := ExitOK
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-inputDone:
			inputDone = nil
			if halfClose {
				if ps := sess.Peers(); len(ps) > 0 {
					if err := sess.CloseWrite(ps[0].ID); err != nil {
						fmt.Fprintf(s.Err, "sockplay connect: half-close: %v\n", err)
					}
				}
			}
			t := time.NewTimer(wait)
			defer t.Stop()
			waitC = t.C
			continue
		case <-waitC:
			break loop
		case <-changed:
		}
		pause(ctx)
		p.drain(sess.Log())
		if p.werr != nil {
			code = fail(p.werr)
			break loop
		}
		if len(p.closed) > 0 {
			if r := p.closed[0].Text; r != "peer closed" {
				fmt.Fprintf(s.Err, "sockplay connect: %s\n", r)
				code = ExitFail
			}
			break loop
		}
	}
	sess.Close()
	p.drain(sess.Log())
	return code
}
