package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/sessions"
)

func init() {
	Register(Command{Name: "connect", Args: "URL [--send PAYLOAD]... [--rule RULE]... [--rules FILE] [--repeat N [--gap DUR]] [--send-file PATH] [--framing SPEC] [--hex|--json|--quiet] [--wait DUR] [--half-close] [--script FILE] [options]",
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
	fs.Var(&sends, "send", "send this payload (text with escapes like \\n, \\x00 and {{macros}}, or hex with --payload-mode hex); repeatable; stdin is then not read")
	repeat := fs.Int("repeat", 1, "send each --send payload `N` times back to back (sticky packets on purpose)")
	gap := fs.Duration("gap", 0, "with --repeat: wait this long between writes (0: one burst)")
	sendFile := fs.String("send-file", "", "send this file after the --send payloads: with --framing jsonhdr as one file with its header, streamed; otherwise its bytes (over udp/unixgram as one datagram); stdin is then not read")
	pf := addPrintFlags(fs, "print traffic in both directions as `hexdump -C`", "print every event as one JSON object per line")
	wait := fs.Duration("wait", time.Second, "after stdin ends (or the --send payloads are sent), keep reading this long")
	halfClose := fs.Bool("half-close", false, "when stdin ends, half-close (send FIN) and keep reading")
	verbose := fs.Bool("v", false, "print status lines (connected, closed) on stderr")
	script := fs.String("script", "", "run the sequence in `FILE` (send, wait, expect, repeat ... end; see SEQUENCES below) instead of sending stdin; exit 0 when every expect passed, 1 when a step failed")
	sf := AddSessionFlags(fs, ForClient)
	fs.Usage = func() {
		fmt.Fprintln(s.Err, "usage: sockplay connect URL [flags]    (URL: tcp://HOST:PORT, udp://..., unix:///path, unixgram:///path)")
		fmt.Fprintln(s.Err, "Sends stdin (or the --send payloads) and prints what comes back; ends when the peer closes,")
		fmt.Fprintln(s.Err, "or --wait after stdin ends. Output is never cut: when stdout is slow, the peer waits.")
		fs.PrintDefaults()
		printRulesHelp(s.Err)
		printSequenceHelp(s.Err)
	}
	url, code, done := parseOneArg(fs, s, "connect", "missing URL, e.g. tcp://127.0.0.1:9000", args)
	if done {
		return code
	}
	usageErr := func(format string, a ...any) int { return usageErrorf(s, "connect", format, a...) }
	visited := visitedFlags(fs)
	switch {
	case *wait < 0:
		return usageErr("--wait %v: must be 0 or more", *wait)
	case *repeat < 1:
		return usageErr("--repeat %d: must be 1 or more", *repeat)
	case *gap < 0:
		return usageErr("--gap %v: must be 0 or more", *gap)
	case (visited["repeat"] || visited["gap"]) && len(sends) == 0:
		return usageErr("--repeat and --gap need a --send payload")
	}
	var seq sessions.Sequence
	if *script != "" {
		for _, f := range []string{"send", "send-file", "repeat", "gap", "half-close", "wait", "hex", "decode", "quiet"} {
			if visited[f] {
				return usageErr("--%s and --script cannot be combined: the sequence sends and reads", f)
			}
		}
		var err error
		if seq, err = readScript(*script); err != nil {
			return usageErr("%v", err)
		}
	}
	pm, dec, err := pf.mode()
	if err != nil {
		return usageErr("%v", err)
	}
	spec, sc, err := sf.spec(fs, "client", url)
	if err != nil {
		return usageErr("%v", err)
	}
	var payloads []*payload.Payload
	for _, src := range sends {
		pl, err := sc.compile(src)
		if err != nil {
			return usageErr("--send %q: %v", src, err)
		}
		payloads = append(payloads, pl)
	}
	cfg, err := headlessConfig(spec)
	if err != nil {
		return usageErr("%v", flagError(err))
	}
	var file *sessions.OutgoingFile
	if *sendFile != "" {
		if file, err = sessions.OpenOutgoingFile(*sendFile, sc.framing, cfg.Endpoint); err != nil {
			return usageErr("--send-file: %v", err)
		}
		defer file.Close()
	}
	sess, err := sessions.New(cfg)
	if err != nil {
		return usageErr("%v", err)
	}
	if *script != "" {
		return runScript(ctx, s, sess, spec, seq, pm == printJSON, *verbose)
	}
	p := newPrinter(s.Out, s.Err, pm, *verbose && pm != printJSON, sc.framed())
	p.dec = dec
	plan := &sendPlan{payloads: payloads, repeat: *repeat, gap: *gap, file: file}
	return connect(ctx, s, sess, p, sc, spec, plan, *wait, *halfClose)
}

func connect(ctx context.Context, s Stdio, sess *sessions.Session, p *printer, sc sendConfig, spec sessions.Spec, plan *sendPlan, wait time.Duration, halfClose bool) int {
	fail := func(err error) int {
		fmt.Fprintf(s.Err, "sockplay connect: %v\n", err)
		return ExitFail
	}
	began := time.Now()
	out := p.attach(sess)
	rec := startRecording(sess, spec)
	if err := sess.Start(ctx); err != nil {
		sess.Close()
		rec.stop() // the refused connect is in the file
		out.Close()
		if code, ok := interrupted(ctx); ok {
			fmt.Fprintln(s.Err, "sockplay connect: interrupted while connecting")
			return code
		}
		return fail(err)
	}
	inputDone := make(chan struct{})
	var sendErr error // set before inputDone is closed
	stopSending := func() {}
	if plan.active() {
		sctx, stop := context.WithCancel(ctx)
		sent := make(chan struct{})
		go func() { // ends when everything is sent, a send fails or stop is called
			defer close(sent)
			sendErr = plan.run(sctx, sess)
			close(inputDone)
		}()
		stopSending = func() { stop(); <-sent }
	} else if sc.lines || sc.byLine {
		go pumpLines(s.In, sc, func(msg string) { fmt.Fprintf(s.Err, "sockplay connect: %s\n", msg) },
			func(b []byte) error { return sess.Send(sessions.PeerAll, b) }, inputDone)
	} else {
		go pumpStdin(s.In, func(b []byte) error { return sess.Send(sessions.PeerAll, b) }, inputDone)
	}
	var waitC <-chan time.Time
	code := ExitOK
	var msg string
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-out.Done():
			break loop
		case <-inputDone:
			inputDone = nil
			if sendErr != nil {
				msg, code = sendErr.Error(), ExitFail
				break loop
			}
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
		case <-p.signal:
		}
		closed, first, refused := p.seen()
		if refused != nil {
			// ncat's behaviour: a datagram's ICMP port unreachable is the end.
			msg, code = fmt.Sprintf("%s: %s", refused.Addr, refused.Text), ExitFail
			break loop
		}
		if closed > 0 {
			if first.Err != nil {
				msg, code = first.Text, ExitFail
			}
			break loop
		}
	}
	stopSending()
	if c, ok := interrupted(ctx); ok {
		code, msg = c, "interrupted"+plan.progress()
	}
	sess.Close() // and waits until the printer has written everything
	if rec.stop() && code == ExitOK {
		code = ExitFail
	}
	if err := out.Close(); err != nil {
		if msg == "" {
			msg = err.Error()
		}
		if code == ExitOK {
			code = ExitFail
		}
	}
	if p.mode == printNone {
		summary(s.Out, sess.Counters(), sess.PeersSeen(), time.Since(began))
	}
	if msg != "" {
		fmt.Fprintf(s.Err, "sockplay connect: %s\n", msg)
	}
	return code
}
