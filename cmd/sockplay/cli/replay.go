package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"sync"

	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/netcore/pcap"
	"github.com/sockplay/sockplay/sessions"
	"github.com/sockplay/sockplay/sessions/replay"
)

func init() {
	Register(Command{Name: "replay", Args: "FILE [--stream N] (--to URL [--pace P] [--timeout DUR] | --listen URL [--match M] [--once]) [--framing SPEC] [--json]",
		Summary: "replay a capture's client against a server, or stand in for its server", Run: runReplay})
}

func runReplay(ctx context.Context, s Stdio, args []string) int {
	fs := flag.NewFlagSet("sockplay replay", flag.ContinueOnError)
	fs.SetOutput(s.Err)
	stream := fs.String("stream", "", "the conversation: `N` (tcp stream N, as tshark's tcp.stream), tcp:N or udp:N; may be left out when the capture holds one")
	to := fs.String("to", "", "replay the client's requests against the server at `URL` and compare its replies with the capture's")
	listen := fs.String("listen", "", "stand in for the server: listen on `URL` and answer each request as the capture's server did")
	framingSpec := fs.String("framing", "raw", "cut both sides into messages by `SPEC` (len:2, line, ...): requests are sent, and replies compared, message by message; raw takes tcp chunks as captured and compares bytes")
	pace := fs.String("pace", "reply", "--to: send each request after the reply to the one before (reply), with the capture's gaps (captured), or back to back (fast)")
	timeout := fs.Duration("timeout", replay.DefaultTimeout, "--to: how long each reply may take")
	match := fs.String("match", "order", "--listen: answer the n-th request with the capture's n-th answer (order), or a request with the answer to the same request in the capture (content)")
	unknown := fs.String("unknown-reply", "", "--listen: answer requests the capture has no answer for with this `PAYLOAD` (payload syntax; none by default)")
	mode := fs.String("payload-mode", "", "`MODE` of --unknown-reply: text (escapes like \\r\\n, {{macros}}) or hex (default text)")
	once := fs.Bool("once", false, "--listen: end after the first client is done (it closed, or over udp asked every request)")
	jsonOut := fs.Bool("json", false, "print each step as one JSON object per line, then the summary")
	fs.Usage = func() {
		fmt.Fprintln(s.Err, "usage: sockplay replay FILE [--stream N] --to URL [flags]       replay the client against a live server")
		fmt.Fprintln(s.Err, "       sockplay replay FILE [--stream N] --listen URL [flags]   stand in for the server")
		fmt.Fprintln(s.Err, "FILE is a pcap or pcapng capture ('sockplay pcap FILE' lists its conversations). Each step")
		fmt.Fprintln(s.Err, "goes to stdout; --to exits 0 when every reply was as captured, 1 when one was not.")
		fs.PrintDefaults()
	}
	file, code, done := parseOneArg(fs, s, "replay", "missing capture FILE, e.g. sockplay replay device.pcapng --stream 0 --to tcp://127.0.0.1:502", args)
	if done {
		return code
	}
	usageErr := func(format string, a ...any) int { return usageErrorf(s, "replay", format, a...) }
	visited := visitedFlags(fs)
	asClient := visited["to"]
	switch {
	case visited["to"] && visited["listen"]:
		return usageErr("choose one of --to (replay the client) and --listen (stand in for the server)")
	case !visited["to"] && !visited["listen"]:
		return usageErr("give --to URL to replay the client, or --listen URL to stand in for the server")
	}
	for _, f := range []string{"pace", "timeout"} {
		if visited[f] && !asClient {
			return usageErr("--%s applies to --to (replaying the client), not to --listen", f)
		}
	}
	for _, f := range []string{"match", "unknown-reply", "payload-mode", "once"} {
		if visited[f] && asClient {
			return usageErr("--%s applies to --listen (standing in for the server), not to --to", f)
		}
	}
	switch replay.Pace(*pace) {
	case replay.PaceReply, replay.PaceCaptured, replay.PaceFast:
	default:
		return usageErr("--pace %q: choose reply, captured or fast", *pace)
	}
	switch replay.Match(*match) {
	case replay.MatchOrder, replay.MatchContent:
	default:
		return usageErr("--match %q: choose order or content", *match)
	}
	if *timeout <= 0 {
		return usageErr("--timeout %v: must be more than 0", *timeout)
	}
	fspec, err := framing.Parse(*framingSpec)
	if err != nil {
		return usageErr("--framing %q: %v", *framingSpec, err)
	}
	var unknownSpec *payload.Spec
	if visited["unknown-reply"] {
		pm := payload.Text
		if *mode != "" {
			if pm, err = payload.ParseMode(*mode); err != nil {
				return usageErr("--payload-mode: %v", err)
			}
			if pm != payload.Text && pm != payload.Hex {
				return usageErr("--payload-mode %s: choose text or hex", *mode)
			}
		}
		unknownSpec = &payload.Spec{Mode: pm, Source: *unknown}
	} else if visited["payload-mode"] {
		return usageErr("--payload-mode needs --unknown-reply")
	}
	conv, code, ok := openConversation(ctx, s, file, *stream, visited["stream"])
	if !ok {
		return code
	}
	spec := sessions.Spec{URL: *to, Framing: fspec.String(), LogBudget: headlessViewBudget}
	if fspec.Kind == framing.KindRaw {
		spec.Framing = ""
	}
	out := &stepPrinter{w: s.Out, json: *jsonOut}
	if asClient {
		return replayClient(ctx, s, out, conv, replay.ClientConfig{Spec: spec, Pace: replay.Pace(*pace), Timeout: *timeout})
	}
	spec.URL = *listen
	return standIn(ctx, s, out, conv, replay.StandInConfig{Spec: spec, Match: replay.Match(*match), Unknown: unknownSpec}, *once)
}

// openConversation reads the capture and finds the conversation; false
// means the command returns code (a sentence was printed). A file cut
// short still serves the conversations read before the cut, with a
// warning.
func openConversation(ctx context.Context, s Stdio, file, stream string, given bool) (pcap.Conversation, int, bool) {
	usageErr := func(format string, a ...any) int { return usageErrorf(s, "replay", format, a...) }
	proto, id := "", 0
	if given {
		var err error
		if proto, id, err = pcap.ParseStream(stream); err != nil {
			return pcap.Conversation{}, usageErr("--stream: %v", err), false
		}
	}
	capture, err := pcap.OpenContext(ctx, file, pcap.Options{})
	if capture == nil {
		if code, ok := interrupted(ctx); ok {
			return pcap.Conversation{}, code, false
		}
		return pcap.Conversation{}, usageErr("%v", err), false
	}
	var cv *pcap.Conversation
	switch {
	case given:
		cv, err = capture.Find(proto, id)
		if err != nil {
			return pcap.Conversation{}, usageErr("%v", err), false
		}
	case len(capture.Conversations) == 1:
		cv = capture.Conversations[0]
	case len(capture.Conversations) == 0:
		return pcap.Conversation{}, usageErr("%s holds no tcp or udp conversation", file), false
	default:
		return pcap.Conversation{}, usageErr("%s holds %d conversations; choose one with --stream N, tcp:N or udp:N ('sockplay pcap %s' lists them)", file, len(capture.Conversations), file), false
	}
	for _, n := range capture.Notes {
		fmt.Fprintf(s.Err, "sockplay replay: note: %s\n", n)
	}
	if err != nil { // the file was cut short after the conversation we use
		fmt.Fprintf(s.Err, "sockplay replay: warning: %v; %s:%d was read before that\n", err, cv.Proto, cv.ID)
	}
	return *cv, ExitOK, true
}

// replayClient replays the conversation's client and prints each step.
func replayClient(ctx context.Context, s Stdio, out *stepPrinter, conv pcap.Conversation, cfg replay.ClientConfig) int {
	r, err := replay.NewClient(conv, cfg)
	if err != nil {
		return usageErrorf(s, "replay", "%v", replayFlagError("--to", err))
	}
	p := r.Plan()
	fmt.Fprintf(s.Err, "sockplay replay: replaying the client of %s:%d (%s to %s, %s) against %s, pace %s\n",
		p.Proto, p.ID, p.Client, p.Server, replay.Plural(p.Requests(), "request"), cfg.Spec.URL, r.Config().Pace)
	printPlanNotes(s, p)
	sum, err := r.Run(ctx, out.step)
	if err != nil {
		fmt.Fprintf(s.Err, "sockplay replay: %v\n", err)
		return ExitFail
	}
	out.summary(sum, false)
	if code, ok := interrupted(ctx); ok {
		return code
	}
	if out.err != nil {
		fmt.Fprintf(s.Err, "sockplay replay: %v\n", out.err)
		return ExitFail
	}
	if !sum.OK {
		return ExitFail
	}
	return ExitOK
}

// standIn answers clients as the capture's server did until ctx ends or,
// with once, the first client is done.
func standIn(ctx context.Context, s Stdio, out *stepPrinter, conv pcap.Conversation, cfg replay.StandInConfig, once bool) int {
	st, err := replay.NewStandIn(conv, cfg)
	if err != nil {
		return usageErrorf(s, "replay", "%v", replayFlagError("--listen", err))
	}
	firstDone := make(chan struct{})
	var doneOnce sync.Once
	if err := st.Start(ctx, func(step replay.Step) {
		out.step(step)
		if step.Kind == replay.KindDone {
			doneOnce.Do(func() { close(firstDone) })
		}
	}); err != nil {
		st.Close()
		fmt.Fprintf(s.Err, "sockplay replay: %v\n", err)
		return ExitFail
	}
	p := st.Plan()
	fmt.Fprintf(s.Err, "sockplay replay: listening on %s as the server of %s:%d (%s, %s; matched by %s)\n",
		st.Addr(), p.Proto, p.ID, p.Server, replay.Plural(p.Requests(), "request"), st.Config().Match)
	printPlanNotes(s, p)
	if !once {
		firstDone = nil
	}
	select {
	case <-ctx.Done():
	case <-firstDone:
	}
	sum := st.Close()
	out.summary(sum, true)
	if out.err != nil {
		fmt.Fprintf(s.Err, "sockplay replay: %v\n", out.err)
		return ExitFail
	}
	return ExitOK
}

// printPlanNotes prints what of the capture cannot be acted out exactly.
func printPlanNotes(s Stdio, p *replay.Plan) {
	for _, n := range p.Notes {
		fmt.Fprintf(s.Err, "sockplay replay: note: %s\n", n)
	}
}

// replayFlags are the flags behind the fields a replay.ConfigError names
// (the URL's flag is --to or --listen).
var replayFlags = map[string]string{"framing": "--framing", "pace": "--pace", "timeout": "--timeout",
	"match": "--match", "unknown_reply": "--unknown-reply"}

// replayFlagError names the flag behind an engine's refusal.
func replayFlagError(urlFlag string, err error) error {
	var ce *replay.ConfigError
	if !errors.As(err, &ce) {
		return err
	}
	if ce.Field == "url" {
		return fmt.Errorf("%s: %w", urlFlag, ce.Err)
	}
	if f, ok := replayFlags[ce.Field]; ok {
		return fmt.Errorf("%s: %w", f, ce.Err)
	}
	return err
}

// stepPrinter writes steps as text or JSON lines; the first write error
// is kept (and the rest not written).
type stepPrinter struct {
	w    io.Writer
	json bool
	mu   sync.Mutex
	err  error
}

func (p *stepPrinter) write(b []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err == nil {
		_, p.err = p.w.Write(b)
	}
}

func (p *stepPrinter) step(st replay.Step) {
	if p.json {
		b, _ := json.Marshal(st)
		p.write(append(b, '\n'))
		return
	}
	p.write([]byte(st.Text()))
}

func (p *stepPrinter) summary(sum replay.Summary, standIn bool) {
	if p.json {
		b, _ := json.Marshal(sum)
		p.write(append(b, '\n'))
		return
	}
	if standIn {
		p.write([]byte(sum.StandInText()))
		return
	}
	p.write([]byte(sum.ReplayText()))
}
