package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sockplay/sockplay/sessions/experiment"
)

func init() {
	Register(Command{Name: "experiment", Args: "list | NAME [--json] [--step] [--pcap FILE]",
		Summary: "run a socket lesson on loopback and show what the kernel does", Run: runExperiment})
}

func runExperiment(ctx context.Context, s Stdio, args []string) int {
	fs := flag.NewFlagSet("sockplay experiment", flag.ContinueOnError)
	fs.SetOutput(s.Err)
	asJSON := fs.Bool("json", false, "one JSON object per line: each step, action, result, and each observed end")
	step := fs.Bool("step", false, "wait for Enter on standard input before each step")
	pcapPath := fs.String("pcap", "", "record the experiment's packets on loopback to this pcapng file (Linux, needs root or CAP_NET_RAW)")
	noNetns := fs.Bool("no-netns", false, "leave out the parts that make a network namespace (refused's silent host)")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintln(w, "usage: sockplay experiment list [--json]")
		fmt.Fprintln(w, "       sockplay experiment NAME [--json] [--step] [--pcap FILE] [--no-netns]")
		fmt.Fprintln(w, "Run one of the socket tutorials' lessons live on loopback: real sockets, each step as it")
		fmt.Fprintln(w, "happens, and what the kernel's socket table shows for both ends after it (state, Recv-Q,")
		fmt.Fprintln(w, "Send-Q, a listener's accept queue and backlog): what was seen, not what is expected.")
		fmt.Fprintln(w, "Exit status: 0 when the experiment ran, whatever it saw; 1 when it could not run;")
		fmt.Fprintln(w, "2 for an unknown name or a bad flag.")
		fmt.Fprintln(w, "experiments:")
		for _, in := range experiment.List() {
			fmt.Fprintf(w, "  %-11s %s\n", in.Name, in.Title)
		}
		fmt.Fprintln(w, "flags:")
		fs.PrintDefaults()
	}
	name, code, done := parseOneArg(fs, s, "experiment", "give an experiment's name, or list (the experiments are "+strings.Join(experiment.Names(), ", ")+")", args)
	if done {
		return code
	}
	if name == "list" {
		return listExperiments(s, *asJSON)
	}
	if _, ok := experiment.Lookup(name); !ok {
		return usageErrorf(s, "experiment", "there is no experiment %q; the experiments are %s", name, strings.Join(experiment.Names(), ", "))
	}
	w := bufio.NewWriter(s.Out)
	defer w.Flush()
	p := &experimentPrinter{w: w, json: *asJSON, name: name}
	opt := experiment.Options{Pcap: *pcapPath, NoNamespace: *noNetns}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if *step {
		ch := make(chan struct{})
		opt.Step = ch
		// Enter runs one step; the end of input runs the rest. The reader
		// is left behind when the run ends first: a blocked read of
		// standard input cannot be interrupted, and the process is ending.
		go func() {
			sc := bufio.NewScanner(s.In)
			for sc.Scan() {
				select {
				case ch <- struct{}{}:
				case <-ctx.Done():
					return
				}
			}
			close(ch)
		}()
		p.prompt = s.Err
	}
	if !*asJSON {
		in, _ := experiment.Lookup(name)
		fmt.Fprintf(w, "experiment %s: %s\n", in.Name, in.Title)
		writeWrapped(w, "  ", in.Explain, 78)
	}
	err := experiment.Run(ctx, name, opt, p.event)
	if ferr := w.Flush(); ferr != nil && err == nil {
		err = ferr
	}
	if err != nil {
		if c, ok := interrupted(ctx); ok {
			fmt.Fprintln(s.Err, "sockplay experiment: interrupted")
			return c
		}
		fmt.Fprintf(s.Err, "sockplay experiment: %v\n", err)
		return ExitFail
	}
	return ExitOK
}

// experimentInfoJSON is one line of `experiment list --json`.
type experimentInfoJSON struct {
	Name    string `json:"name"`
	Title   string `json:"title"`
	Explain string `json:"explain"`
}

func listExperiments(s Stdio, asJSON bool) int {
	w := bufio.NewWriter(s.Out)
	enc := json.NewEncoder(w)
	for _, in := range experiment.List() {
		if asJSON {
			enc.Encode(experimentInfoJSON{in.Name, in.Title, in.Explain})
		} else {
			fmt.Fprintf(w, "%-11s %s\n", in.Name, in.Title)
		}
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(s.Err, "sockplay experiment: %v\n", err)
		return ExitFail
	}
	return ExitOK
}

// experimentPrinter prints a run's events as text or JSON lines.
type experimentPrinter struct {
	w      *bufio.Writer
	json   bool
	name   string
	prompt io.Writer // where --step asks for Enter; nil without --step
	obs    int       // observations so far
}

// experimentJSON is one line of `experiment NAME --json`: an event, or for
// an observation one observed end (obs numbers the observation).
type experimentJSON struct {
	Experiment string  `json:"experiment"`
	Step       int     `json:"step"`
	Kind       string  `json:"kind"`
	What       string  `json:"what"`
	TMS        float64 `json:"t_ms"`
	Title      string  `json:"title,omitempty"`
	Side       string  `json:"side,omitempty"`
	Err        string  `json:"error,omitempty"`
	// A result's measures.
	Sends     int      `json:"sends,omitempty"`
	Reads     int      `json:"reads,omitempty"`
	Messages  int      `json:"messages,omitempty"`
	Asked     int      `json:"asked,omitempty"`
	Sent      *int     `json:"sent,omitempty"`
	ElapsedMS *float64 `json:"elapsed_ms,omitempty"`
	// An observed end.
	Obs         int      `json:"obs,omitempty"`
	Proto       string   `json:"proto,omitempty"`
	Local       string   `json:"local,omitempty"`
	Remote      string   `json:"remote,omitempty"`
	State       string   `json:"state,omitempty"`
	Path        []string `json:"path,omitempty"`
	RecvQ       *uint32  `json:"recv_q,omitempty"`
	SendQ       *uint32  `json:"send_q,omitempty"`
	AcceptQueue *uint32  `json:"accept_queue,omitempty"`
	Backlog     *uint32  `json:"backlog,omitempty"`
	// TimeWaitLeftMS: a TIME-WAIT end's remaining time, from the kernel.
	TimeWaitLeftMS *float64 `json:"time_wait_left_ms,omitempty"`
	Peer           string   `json:"peer,omitempty"`
	PeerState      string   `json:"peer_state,omitempty"`
}

func msOf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func (p *experimentPrinter) event(e experiment.Event) {
	if e.Kind == experiment.KindWait && p.prompt != nil {
		p.w.Flush()
		fmt.Fprintf(p.prompt, "-- press Enter to run step %d: %s\n", e.Step, e.Title)
	}
	if p.json {
		p.eventJSON(e)
	} else {
		p.eventText(e)
	}
	if e.Kind == experiment.KindWait || e.Kind == experiment.KindObserve || e.Kind == experiment.KindStep {
		p.w.Flush() // a person watching sees each step as it happens
	}
}

func (p *experimentPrinter) eventJSON(e experiment.Event) {
	j := experimentJSON{Experiment: p.name, Step: e.Step, Kind: string(e.Kind), What: e.What, TMS: msOf(e.At),
		Side: e.Side, Err: e.Err, Sends: e.Sends, Reads: e.Reads, Messages: e.Messages, Asked: e.Asked}
	if e.Kind == experiment.KindWait || e.Kind == experiment.KindStep {
		j.Title = e.Title
	}
	if e.Asked > 0 || e.Sent > 0 {
		sent := e.Sent
		j.Sent = &sent
	}
	if e.Elapsed > 0 {
		el := msOf(e.Elapsed)
		j.ElapsedMS = &el
	}
	enc := json.NewEncoder(p.w)
	if e.Kind != experiment.KindObserve {
		enc.Encode(&j)
		return
	}
	p.obs++
	states := map[string]string{}
	for _, end := range e.Ends {
		states[end.Side] = end.StateName()
	}
	for _, end := range e.Ends {
		o := j
		o.Obs = p.obs
		o.Side = end.Side
		o.Proto = end.Proto.String()
		o.Local = end.Local.String()
		if end.Remote.IsValid() {
			o.Remote = end.Remote.String()
		}
		o.State = end.StateName()
		if end.Changed() {
			for _, st := range end.Path {
				o.Path = append(o.Path, experiment.StateName(st))
			}
		}
		if !end.Gone && end.HasQueues {
			rq, sq := end.RecvQ, end.SendQ
			o.RecvQ, o.SendQ = &rq, &sq
			if end.State.String() == "LISTEN" {
				aq, bl := end.AcceptQueue, end.Backlog
				o.AcceptQueue, o.Backlog = &aq, &bl
			}
		}
		if end.TimeWaitLeft > 0 {
			left := msOf(end.TimeWaitLeft)
			o.TimeWaitLeftMS = &left
		}
		if end.Peer != "" {
			o.Peer = end.Peer
			o.PeerState = states[end.Peer]
		}
		enc.Encode(&o)
	}
}

func (p *experimentPrinter) eventText(e experiment.Event) {
	w := p.w
	switch e.Kind {
	case experiment.KindWait:
	case experiment.KindStep:
		fmt.Fprintf(w, "\nstep %d: %s\n", e.Step, e.What)
	case experiment.KindAction, experiment.KindResult:
		mark := "  "
		if e.Kind == experiment.KindResult {
			mark = "  => "
		}
		fmt.Fprintf(w, "%s%s", mark, e.What)
		if e.Err != "" && !strings.Contains(e.What, e.Err) {
			fmt.Fprintf(w, " (%s)", e.Err)
		}
		fmt.Fprintln(w)
	case experiment.KindObserve:
		what, _, _ := strings.Cut(e.What, ": ")
		fmt.Fprintf(w, "  kernel, %s:\n", what)
		width := 0
		for _, end := range e.Ends {
			width = max(width, len(end.Side))
		}
		for _, end := range e.Ends {
			addr := end.Local.String()
			if end.Remote.IsValid() {
				addr += " -> " + end.Remote.String()
			}
			line := fmt.Sprintf("    %-*s %s %-10s", width, end.Side, end.Proto, end.StateName())
			switch {
			case end.Gone:
			case !end.HasQueues:
				line += " (no queues reported here)"
			case end.State.String() == "LISTEN":
				line += fmt.Sprintf(" accept queue %d of %d", end.AcceptQueue, end.Backlog)
			default:
				line += fmt.Sprintf(" Recv-Q %d Send-Q %d", end.RecvQ, end.SendQ)
			}
			line += "  " + addr
			if end.Changed() {
				var path []string
				for _, st := range end.Path {
					path = append(path, experiment.StateName(st))
				}
				line += "  (" + strings.Join(path, " > ") + ")"
			}
			if end.TimeWaitLeft > 0 {
				line += fmt.Sprintf("  %.0f s of TIME-WAIT left", end.TimeWaitLeft.Seconds())
			}
			fmt.Fprintln(w, line)
		}
	case experiment.KindSkip:
		fmt.Fprintf(w, "  skipped: %s\n", e.What)
	case experiment.KindDone:
		fmt.Fprintf(w, "\n%s\n", e.What)
	default:
		fmt.Fprintf(w, "  %s\n", e.What)
	}
}

// writeWrapped writes text in lines of at most width columns, each
// starting with indent.
func writeWrapped(w io.Writer, indent, text string, width int) {
	line := indent
	for _, word := range strings.Fields(text) {
		if len(line) > len(indent) && len(line)+1+len(word) > width {
			fmt.Fprintln(w, line)
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += word
	}
	if len(line) > len(indent) {
		fmt.Fprintln(w, line)
	}
}
