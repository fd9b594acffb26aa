package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/sockplay/sockplay/netcore/ping"
)

func init() {
	Register(Command{Name: "ping", Args: "HOST [-c N] [-i DURATION] [-s SIZE] [-t TTL] [-W TIMEOUT] [-4|-6] [-n] [--json]",
		Summary: "ping a host over ICMP, printing what iputils ping prints", Run: runPing})
}

// newPinger opens the ping; tests replace it to see the Config the flags made.
var newPinger = ping.New

// secondsOrDuration is a flag that takes "10ms" or, as iputils does, "0.01"
// (seconds), read by ping.ParseSeconds as the window's Ping tab reads its
// fields. A value that is not zero but rounds to 0 is refused, so 0 means
// only what was written as zero.
type secondsOrDuration struct{ d *time.Duration }

func (v secondsOrDuration) String() string {
	if v.d == nil {
		return ""
	}
	return v.d.String()
}

func (v secondsOrDuration) Set(s string) error {
	d, err := ping.ParseSeconds(s)
	if err != nil {
		return err
	}
	*v.d = d
	return nil
}

func runPing(ctx context.Context, s Stdio, args []string) int {
	fs := flag.NewFlagSet("sockplay ping", flag.ContinueOnError)
	fs.SetOutput(s.Err)
	cfg := ping.Config{Interval: ping.DefaultInterval, Timeout: ping.DefaultTimeout}
	fs.IntVar(&cfg.Count, "c", 0, "stop after `N` probes (default: until interrupted)")
	fs.Var(secondsOrDuration{&cfg.Interval}, "i", "`DURATION` between probes (10ms, or seconds as in iputils: 0.01); at least 10ms, so 0 (iputils' flood) is refused")
	fs.IntVar(&cfg.Size, "s", ping.DefaultSize, "payload `SIZE` in bytes, 0 to 65500")
	fs.IntVar(&cfg.TTL, "t", 0, "IPv4 `TTL` or IPv6 hop limit, 1 to 255 (default: the system's)")
	fs.Var(secondsOrDuration{&cfg.Timeout}, "W", "`TIMEOUT` for each reply (1s, or seconds: 1); 0 waits for ever, as in iputils")
	v4 := fs.Bool("4", false, "resolve and ping over IPv4 only")
	v6 := fs.Bool("6", false, "resolve and ping over IPv6 only")
	jsonOut := fs.Bool("json", false, "print one JSON object per reply, timeout or error, and one for the summary")
	outstanding := fs.Bool("O", false, "report probes that got no answer within the timeout, as iputils -O")
	fs.StringVar(&cfg.Source, "I", "", "source `ADDRESS` to send from")
	fs.BoolVar(&cfg.Numeric, "n", false, "show who answered by address only, without looking up its name (as iputils -n; implied when HOST is an address)")
	mode := fs.String("mode", "auto", "ICMP socket: auto (datagram, then raw), datagram or raw")
	fs.Usage = func() {
		fmt.Fprintln(s.Err, "usage: sockplay ping HOST [-c N] [-i DURATION] [-s SIZE] [-t TTL] [-W TIMEOUT] [-4|-6] [-n] [--json]")
		fmt.Fprintln(s.Err, "Sends ICMP echo requests and prints replies and statistics as iputils ping does.")
		fmt.Fprintln(s.Err, "Exit status: 0 when a reply came, 1 when none did, 2 on an error.")
		fs.PrintDefaults()
	}
	host, code, done := parseOneArg(fs, s, "ping", "missing HOST, e.g. sockplay ping -c 3 127.0.0.1", args)
	if done {
		return code
	}
	usageErr := func(format string, a ...any) int { return usageErrorf(s, "ping", format, a...) }
	switch {
	case *v4 && *v6:
		return usageErr("choose one of -4 and -6")
	case *v4:
		cfg.Family = ping.IPv4
	case *v6:
		cfg.Family = ping.IPv6
	}
	// The pinger reads 0 as "the default"; here 0 was written.
	if cfg.Interval == 0 {
		return usageErr("-i 0 is below the %v minimum interval; sockplay never floods", ping.MinInterval)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = ping.WaitForever
	}
	cfg.Host = host
	var err error
	if cfg.Mode, err = ping.ParseMode(*mode); err != nil {
		return usageErr("%v", err)
	}
	p, err := newPinger(ctx, cfg)
	var fe *ping.FamilyError
	if errors.As(err, &fe) {
		asked, is := "-4 asks for IPv4", "IPv6"
		if fe.Asked == ping.IPv6 {
			asked, is = "-6 asks for IPv6", "IPv4"
		}
		return usageErr("%s, but %s is an %s address", asked, fe.Host, is)
	}
	if err != nil {
		return usageErr("%v", err) // one line that names the host, or the option, or the permission to grant
	}
	pr := pingPrinter{w: s.Out, json: *jsonOut, outstanding: *outstanding}
	if !pr.json {
		pr.line(p.Header())
	}
	sum, err := p.Run(ctx, pr.event)
	pr.summary(sum)
	if err != nil {
		fmt.Fprintf(s.Err, "sockplay ping: %v\n", err)
		return ExitUsage
	}
	if pr.werr != nil {
		fmt.Fprintf(s.Err, "sockplay ping: write output: %v\n", pr.werr)
		return ExitUsage
	}
	if sum.Received == 0 {
		return ExitFail
	}
	return ExitOK
}

// pingPrinter writes events as iputils lines or JSON objects.
type pingPrinter struct {
	w           io.Writer
	json        bool
	outstanding bool
	werr        error
}

// pingJSON is one line of `sockplay ping --json`.
type pingJSON struct {
	Kind  string   `json:"kind"`
	Seq   int      `json:"seq"`
	Time  string   `json:"time"`
	Bytes int      `json:"bytes,omitempty"`
	From  string   `json:"from,omitempty"`
	Name  string   `json:"from_name,omitempty"`
	TTL   *int     `json:"ttl,omitempty"`
	RTTms *float64 `json:"rtt_ms,omitempty"`
	Error string   `json:"error,omitempty"`
}

// pingSummaryJSON is the last line of `sockplay ping --json`.
type pingSummaryJSON struct {
	Kind        string   `json:"kind"`
	Host        string   `json:"host"`
	Addr        string   `json:"addr"`
	Mode        string   `json:"mode"`
	Transmitted int      `json:"transmitted"`
	Received    int      `json:"received"`
	Duplicates  int      `json:"duplicates"`
	Errors      int      `json:"errors"`
	LossPercent float64  `json:"loss_percent"`
	TimeMs      int64    `json:"time_ms"`
	MinMs       *float64 `json:"rtt_min_ms,omitempty"`
	AvgMs       *float64 `json:"rtt_avg_ms,omitempty"`
	MaxMs       *float64 `json:"rtt_max_ms,omitempty"`
	MdevMs      *float64 `json:"rtt_mdev_ms,omitempty"`
}

func ms(d time.Duration) *float64 {
	f := float64(d.Microseconds()) / 1000
	return &f
}

func (p *pingPrinter) event(e ping.Event) {
	if !p.json {
		if e.Kind != ping.KindTimeout || p.outstanding {
			p.line(e.String())
		}
		return
	}
	j := pingJSON{Kind: e.Kind.String(), Seq: e.Seq, Time: e.At.Format(time.RFC3339Nano), Bytes: e.Bytes, Error: e.Text, Name: e.FromName}
	if e.From.IsValid() {
		j.From = e.From.String()
	}
	if e.TTL >= 0 && e.Kind != ping.KindTimeout && e.Kind != ping.KindError {
		j.TTL = &e.TTL
	}
	switch e.Kind {
	case ping.KindReply, ping.KindDuplicate, ping.KindLate:
		j.RTTms = ms(e.RTT)
	}
	p.writeJSON(j)
}

func (p *pingPrinter) summary(s ping.Summary) {
	if !p.json {
		p.line("")
		p.line(s.Heading())
		p.line(s.String())
		return
	}
	j := pingSummaryJSON{Kind: "summary", Host: s.Host, Addr: s.Addr.String(), Mode: s.Mode.String(),
		Transmitted: s.Transmitted, Received: s.Received, Duplicates: s.Duplicates, Errors: s.Errors,
		LossPercent: s.Loss(), TimeMs: int64((s.Time + 500*time.Microsecond) / time.Millisecond)}
	if s.Received > 0 {
		j.MinMs, j.AvgMs, j.MaxMs, j.MdevMs = ms(s.Min), ms(s.Avg), ms(s.Max), ms(s.Mdev)
	}
	p.writeJSON(j)
}

func (p *pingPrinter) writeJSON(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		p.werr = err
		return
	}
	p.write(append(b, '\n'))
}

func (p *pingPrinter) line(s string) { p.write([]byte(s + "\n")) }

func (p *pingPrinter) write(b []byte) {
	if p.werr == nil {
		_, p.werr = p.w.Write(b)
	}
}
