package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/sessions"
)

func init() {
	Register(Command{Name: "serve", Args: "URL [--echo|--upper|--reply PAYLOAD] [--framing SPEC [--save-dir DIR]] [--hex|--json|--quiet] [--once] [options]",
		Summary: "run a server; print what peers send, send stdin to every peer", Run: runServe})
}

func runServe(ctx context.Context, s Stdio, args []string) int {
	fs := flag.NewFlagSet("sockplay serve", flag.ContinueOnError)
	fs.SetOutput(s.Err)
	echo := fs.Bool("echo", false, "send every chunk back to its peer")
	upper := fs.Bool("upper", false, "send every chunk back in upper case")
	reply := fs.String("reply", "", "answer every chunk (or message, with --framing) with this payload, e.g. 'OK\\r\\n'; macros are evaluated once, at start")
	hex := fs.Bool("hex", false, "print traffic in both directions as `hexdump -C`")
	jsonOut := fs.Bool("json", false, "print every event as one JSON object per line")
	quiet := fs.Bool("quiet", false, "print nothing but a summary of counts at the end")
	once := fs.Bool("once", false, "end after the first peer has gone (tcp, unix: datagram peers never go)")
	logBudget := fs.Int64("log-budget", 0, "bytes of traffic the session log keeps (default 64 MiB)")
	saveDir := fs.String("save-dir", "", "with --framing jsonhdr: save each received file into `DIR` (names made safe; nothing lands outside DIR)")
	sendf := addSendFlags(fs)
	// Room for later issues: --pcap FILE registers here.
	sf := addSocketFlags(fs, true)
	fs.Usage = func() {
		fmt.Fprintln(s.Err, "usage: sockplay serve URL [flags]    (URL: tcp://[HOST]:PORT, udp://..., unix:///path, unixgram:///path)")
		fmt.Fprintln(s.Err, "Data from peers goes to stdout, status lines to stderr; stdin is sent to every peer.")
		fs.PrintDefaults()
	}
	url, code, done := parseOneArg(fs, s, "serve", "missing URL, e.g. tcp://:9000", args)
	if done {
		return code
	}
	usageErr := func(format string, a ...any) int { return usageErrorf(s, "serve", format, a...) }
	ep, opts, sc, _, err := sessionArgs(url, fs, sf, sendf)
	if err != nil {
		return usageErr("%v", err)
	}
	cfg := sessions.Config{Role: sessions.Server, Endpoint: ep, Options: opts, LogBudget: *logBudget, Framing: sc.sessionFraming()}
	if *saveDir != "" {
		if sc.framing.Kind != framing.KindJSONHdr {
			return usageErr("--save-dir needs --framing jsonhdr")
		}
		if err := checkSaveDir(*saveDir); err != nil {
			return usageErr("%v", err)
		}
		cfg.SaveDir = *saveDir
	}
	modes := 0
	for _, m := range []struct {
		on   bool
		mode sessions.ReplyMode
	}{{*echo, sessions.ReplyEcho}, {*upper, sessions.ReplyUpper}, {*reply != "", sessions.ReplyFixed}} {
		if m.on {
			modes++
			cfg.Reply = m.mode
		}
	}
	if modes > 1 {
		return usageErr("choose one of --echo, --upper and --reply")
	}
	if *reply != "" {
		// Compiled and rendered once: sessions answers with fixed bytes.
		pl, err := sc.compile(*reply)
		if err == nil {
			cfg.ReplyData, err = pl.Render(nil, time.Now())
		}
		if err != nil {
			return usageErr("--reply %q: %v", *reply, err)
		}
	}
	pm, err := printModeOf(*hex, *jsonOut, *quiet)
	if err != nil {
		return usageErr("%v", err)
	}
	sess, err := sessions.New(cfg)
	if err != nil {
		return usageErr("%v", err)
	}
	p := &printer{out: s.Out, err: s.Err, mode: pm, status: pm != printNone && pm != printJSON,
		framed: sc.framed(), resyncs: sc.framing.Resyncs()}
	return serve(ctx, s, sess, p, sc, *once)
}

func printModeOf(hex, jsonOut, quiet bool) (printMode, error) {
	n := 0
	m := printText
	if hex {
		n, m = n+1, printHex
	}
	if jsonOut {
		n, m = n+1, printJSON
	}
	if quiet {
		n, m = n+1, printNone
	}
	if n > 1 {
		return m, errors.New("choose one of --hex, --json and --quiet")
	}
	return m, nil
}

func serve(ctx context.Context, s Stdio, sess *sessions.Session, p *printer, sc sendConfig, once bool) int {
	began := time.Now()
	changed, unsub := sess.Changed()
	defer unsub()
	if err := sess.Start(ctx); err != nil {
		sess.Close()
		fmt.Fprintf(s.Err, "sockplay serve: %v\n", err)
		return ExitFail
	}
	stdinDone := make(chan struct{})
	send := func(b []byte) error {
		err := sess.Send(sessions.PeerAll, b)
		if errors.Is(err, sessions.ErrNoPeers) {
			fmt.Fprintln(s.Err, "sockplay serve: no peer to send stdin to")
			return nil
		}
		return err
	}
	// Both exit at stdin's end or once the session is closed.
	if sc.lines || sc.byLine {
		go pumpLines(s.In, sc, func(msg string) { fmt.Fprintf(s.Err, "sockplay serve: %s\n", msg) }, send, stdinDone)
	} else {
		go pumpStdin(s.In, send, stdinDone)
	}
	code := ExitOK
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-changed:
		}
		pause(ctx)
		p.drain(sess.Log())
		if p.werr != nil {
			fmt.Fprintf(s.Err, "sockplay serve: %v\n", p.werr)
			code = ExitFail
			break loop
		}
		if once && len(p.closed) > 0 {
			break loop
		}
	}
	sess.Close()
	p.drain(sess.Log())
	if p.mode == printNone {
		summary(s.Out, sess.Counters(), sess.PeersSeen(), time.Since(began))
	}
	return code
}

// pumpStdin sends what arrives on in, chunk by chunk, until in ends or send
// fails (the session is closed). A blocked read cannot be interrupted, so the
// command does not wait for this goroutine: it ends at the next read.
func pumpStdin(in io.Reader, send func([]byte) error, done chan<- struct{}) {
	defer close(done)
	if in == nil {
		return
	}
	buf := make([]byte, 32<<10)
	for {
		n, err := in.Read(buf)
		if n > 0 {
			if serr := send(buf[:n]); serr != nil {
				if errors.Is(serr, sessions.ErrClosed) {
					return
				}
			}
		}
		if err != nil {
			return
		}
	}
}
