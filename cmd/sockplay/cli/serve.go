package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/sockplay/sockplay/sessions"
)

func init() {
	Register(Command{Name: "serve", Args: "URL [--echo|--upper|--reply PAYLOAD|--rule RULE...|--rules FILE] [--framing SPEC [--save-dir DIR]] [--hex|--json|--quiet] [--once] [--half-close] [--keep-open] [options]",
		Summary: "run a server; print what peers send, send stdin to every peer", Run: runServe})
}

func runServe(ctx context.Context, s Stdio, args []string) int {
	fs := flag.NewFlagSet("sockplay serve", flag.ContinueOnError)
	fs.SetOutput(s.Err)
	pf := addPrintFlags(fs, "print traffic in both directions as `hexdump -C`", "print every event as one JSON object per line")
	once := fs.Bool("once", false, "end after the first peer has gone (tcp, unix: datagram peers never go)")
	halfClose := fs.Bool("half-close", false, "when stdin ends, half-close (send FIN to) every peer, and any that connects later; without it peers stay open until they close")
	sf := AddSessionFlags(fs, ForServer)
	fs.Usage = func() {
		fmt.Fprintln(s.Err, "usage: sockplay serve URL [flags]    (URL: tcp://[HOST]:PORT, udp://..., unix:///path, unixgram:///path)")
		fmt.Fprintln(s.Err, "Data from peers goes to stdout, status lines to stderr; stdin is sent to every peer")
		fmt.Fprintln(s.Err, "(held until the first one connects). Output is never cut: when stdout is slow, peers wait.")
		fs.PrintDefaults()
		printRulesHelp(s.Err)
	}
	url, code, done := parseOneArg(fs, s, "serve", "missing URL, e.g. tcp://:9000", args)
	if done {
		return code
	}
	usageErr := func(format string, a ...any) int { return usageErrorf(s, "serve", format, a...) }
	pm, dec, err := pf.mode()
	if err != nil {
		return usageErr("%v", err)
	}
	spec, sc, err := sf.spec(fs, "server", url)
	if err != nil {
		return usageErr("%v", err)
	}
	cfg, err := headlessConfig(spec)
	if err == nil {
		var sess *sessions.Session
		if sess, err = sessions.New(cfg); err == nil {
			p := newPrinter(s.Out, s.Err, pm, pm != printNone && pm != printJSON, sc.framed())
			p.dec = dec
			return serve(ctx, s, sess, p, sc, spec, *once, *halfClose)
		}
	}
	return usageErr("%v", flagError(err))
}

func serve(ctx context.Context, s Stdio, sess *sessions.Session, p *printer, sc sendConfig, spec sessions.Spec, once, halfClose bool) int {
	began := time.Now()
	out := p.attach(sess)
	rec := startRecording(sess, spec)
	if err := sess.Start(ctx); err != nil {
		sess.Close()
		rec.stop()
		out.Close()
		fmt.Fprintf(s.Err, "sockplay serve: %v\n", err)
		return ExitFail
	}
	warn := func(msg string) { fmt.Fprintf(s.Err, "sockplay serve: %s\n", msg) }
	// stdin waits for the first peer (as ncat -l holds it), then goes to
	// every peer; its pump ends at stdin's end or once the session closes.
	stdinDone := make(chan struct{})
	send := func(b []byte) error {
		for {
			err := sess.Broadcast(b)
			if !errors.Is(err, sessions.ErrNoPeers) {
				return err
			}
			if err := sess.WaitPeer(ctx); err != nil {
				return sessions.ErrClosed
			}
		}
	}
	if sc.lines || sc.byLine {
		go pumpLines(s.In, sc, warn, send, stdinDone)
	} else {
		go pumpStdin(s.In, send, stdinDone)
	}
	code := ExitOK
	var stdinEnded bool
	halfClosed := map[sessions.PeerID]bool{}
	// After stdin's end, --half-close sends FIN to every peer, and to any
	// that comes later (the changes channel says when one does).
	changed, unsub := sess.PeersChanged()
	defer unsub()
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-out.Done():
			break loop
		case <-stdinDone:
			stdinDone, stdinEnded = nil, true
		case <-changed:
		case <-p.signal:
		}
		if stdinEnded && halfClose {
			for _, pi := range sess.Peers() {
				if !halfClosed[pi.ID] {
					halfClosed[pi.ID] = true
					if err := sess.CloseWrite(pi.ID); err != nil && !errors.Is(err, sessions.ErrNotStream) && !errors.Is(err, sessions.ErrNoPeer) {
						warn(fmt.Sprintf("half-close %s: %v", pi.Addr, err))
					}
				}
			}
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
		fmt.Fprintf(s.Err, "sockplay serve: %v\n", err)
		code = ExitFail
	}
	if p.mode == printNone {
		summary(s.Out, sess.Counters(), sess.PeersSeen(), time.Since(began))
	}
	return code
}

// stdinReadSize is the largest read of stdin: a pipe grown by growPipe
// holds up to 1 MiB.
const stdinReadSize = 1 << 20

// pumpStdin sends what arrives on in, chunk by chunk, until in ends or send
// fails (the session is closed). A blocked read cannot be interrupted, so the
// command does not wait for this goroutine: it ends at the next read.
func pumpStdin(in io.Reader, send func([]byte) error, done chan<- struct{}) {
	defer close(done)
	if in == nil {
		return
	}
	growPipe(in)
	buf := make([]byte, stdinReadSize)
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
