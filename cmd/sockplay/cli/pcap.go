package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/netcore/hexdump"
	"github.com/sockplay/sockplay/netcore/pcap"
	"github.com/sockplay/sockplay/sessions"
)

func init() {
	Register(Command{Name: "pcap", Args: "FILE [--json] | FILE --stream N [--hex|--json] [--framing SPEC] [--decode PROTO|LAYOUT] [--from client|server]",
		Summary: "list a capture's TCP and UDP conversations, or print one as serve prints traffic", Run: runPcap})
}

func runPcap(ctx context.Context, s Stdio, args []string) int {
	fs := flag.NewFlagSet("sockplay pcap", flag.ContinueOnError)
	fs.SetOutput(s.Err)
	stream := fs.String("stream", "", "print conversation `N` instead of the list: a TCP stream numbered as tshark's tcp.stream; tcp:N or udp:N (udp.stream) to choose")
	hex := fs.Bool("hex", false, "with --stream: each chunk as hexdump -C prints it, under a line saying who sent it, as serve --hex")
	jsonOut := fs.Bool("json", false, "one JSON object per conversation; with --stream, one per event, as serve --json")
	framingFlag := fs.String("framing", "", "with --stream: cut each direction into messages by `SPEC` (as serve --framing: line, len:4:be, ...) and print messages instead of chunks")
	decodeFlag := addDecodeFlag(fs)
	from := fs.String("from", "", "with --stream: only what `SIDE` (client or server) sent; in text mode its bytes alone, exactly, with gaps said on stderr")
	fs.Usage = func() {
		fmt.Fprintln(s.Err, "usage: sockplay pcap FILE [--json]")
		fmt.Fprintln(s.Err, "       sockplay pcap FILE --stream N [--hex|--json] [--framing SPEC] [--decode PROTO|LAYOUT] [--from client|server]")
		fmt.Fprintln(s.Err, "Lists the TCP streams (reassembled) and UDP flows of a pcap or pcapng capture, numbered as tshark")
		fmt.Fprintln(s.Err, "numbers tcp.stream and udp.stream: packets and payload bytes each way, the start (seconds after the")
		fmt.Fprintln(s.Err, "capture's first packet, whose UTC time heads the list) and duration; --json gives frame bytes as")
		fmt.Fprintln(s.Err, "tshark -z conv,tcp counts them, and absolute times. --stream N prints one conversation as serve")
		fmt.Fprintln(s.Err, "prints traffic, seen from its server: '<-' what the client sent, '->' what the server sent. Bytes")
		fmt.Fprintln(s.Err, "never captured are a line such as '[1460 bytes not captured]', never glued over. A truncated or")
		fmt.Fprintln(s.Err, "corrupt file is named on stderr with the packet and byte where it breaks, after what came before.")
		fs.PrintDefaults()
	}
	file, code, done := parseOneArg(fs, s, "pcap", "missing FILE, a pcap or pcapng capture", args)
	if done {
		return code
	}
	usageErr := func(format string, a ...any) int { return usageErrorf(s, "pcap", format, a...) }
	pm, err := printModeOf(*hex, *jsonOut, false, false)
	if err != nil {
		return usageErr("%v", err)
	}
	var proto string
	var id int
	if *stream != "" {
		if proto, id, err = pcap.ParseStream(*stream); err != nil {
			return usageErr("--stream: %v", err)
		}
	} else {
		for _, f := range []struct {
			set  bool
			name string
		}{{*hex, "--hex"}, {*framingFlag != "", "--framing"}, {*from != "", "--from"}, {*decodeFlag != "", "--decode"}} {
			if f.set {
				return usageErr("%s prints one conversation: add --stream N (the list's STREAM column)", f.name)
			}
		}
	}
	side := -1
	switch *from {
	case "":
	case "client":
		side = 0
	case "server":
		side = 1
	default:
		return usageErr("--from %q: write client or server", *from)
	}
	dec, err := parseDecode(*decodeFlag)
	if err != nil {
		return usageErr("%v", err)
	}
	if dec != nil && side >= 0 && pm == printText {
		return usageErr("--decode prints fields and --from prints one side's bytes alone: choose one, or add --hex")
	}
	var spec framing.Spec
	if *framingFlag != "" {
		if spec, err = framing.Parse(*framingFlag); err != nil {
			return usageErr("--framing %q: %v", *framingFlag, err)
		}
	}

	c, rerr := pcap.OpenContext(ctx, file, pcap.Options{})
	if c == nil {
		fmt.Fprintf(s.Err, "sockplay pcap: %v\n", rerr)
		return ExitFail
	}
	for _, n := range c.Notes {
		fmt.Fprintf(s.Err, "sockplay pcap: note: %s\n", n)
	}
	w := bufio.NewWriterSize(s.Out, 64<<10)
	code = ExitOK
	if *stream == "" {
		err = writeConversations(w, file, c, pm == printJSON)
	} else {
		var cv *pcap.Conversation
		if cv, err = c.Find(proto, id); err == nil {
			sp := &streamPrinter{out: w, err: s.Err, mode: pm, side: side, cv: cv, spec: spec, fields: dec}
			err = sp.print()
		} else {
			fmt.Fprintf(s.Err, "sockplay pcap: %v\n", trimSentinel(err))
			err, code = nil, ExitFail
		}
	}
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		fmt.Fprintf(s.Err, "sockplay pcap: %v\n", err)
		return ExitFail
	}
	if rerr != nil {
		var fe *pcap.FormatError
		if errors.As(rerr, &fe) {
			fmt.Fprintf(s.Err, "sockplay pcap: %v (what the %d packets before it hold is shown)\n", rerr, c.Packets)
		} else {
			fmt.Fprintf(s.Err, "sockplay pcap: %v\n", rerr)
		}
		code = ExitFail
	}
	return code
}

// trimSentinel leaves out the class a sentence ends with (": no such
// conversation"): the sentence says it already.
func trimSentinel(err error) string {
	return strings.TrimSuffix(err.Error(), ": "+pcap.ErrNoStream.Error())
}

// writeConversations prints the list: a head line naming the file, its
// format and when it starts, then a row per conversation.
func writeConversations(w *bufio.Writer, file string, c *pcap.Capture, asJSON bool) error {
	if asJSON {
		for _, cv := range c.Conversations {
			b, err := json.Marshal(conversationJSON(c, cv))
			if err != nil {
				return err
			}
			w.Write(b)
			w.WriteByte('\n')
		}
		return nil
	}
	fmt.Fprintf(w, "%s: %s, %s, %d packets", file, c.Format, strings.Join(c.Links, ", "), c.Packets)
	if c.Packets > 0 {
		fmt.Fprintf(w, " from %s over %.6f s", c.First.UTC().Format("2006-01-02 15:04:05.000000000 UTC"), c.Last.Sub(c.First).Seconds())
	}
	fmt.Fprintf(w, "; %d TCP and UDP conversations (payload bytes; START is seconds after the first packet)\n", len(c.Conversations))
	if len(c.Conversations) == 0 {
		return nil
	}
	cw, sw := len("CLIENT"), len("SERVER")
	for _, cv := range c.Conversations {
		cw, sw = max(cw, len(cv.Client.String())), max(sw, len(cv.Server.String()))
	}
	row := "%-8s  %-*s  %-*s  %8s %12s  %8s %12s  %12s %12s  %-4s  %s"
	line := func(a ...any) {
		w.WriteString(strings.TrimRight(fmt.Sprintf(row, a...), " "))
		w.WriteByte('\n')
	}
	line("STREAM", cw, "CLIENT", sw, "SERVER", "C>S PKTS", "C>S BYTES", "S>C PKTS", "S>C BYTES", "START", "DURATION", "END", "NOTES")
	for _, cv := range c.Conversations {
		end := cv.End
		switch {
		case cv.Proto == "udp":
			end = "-"
		case end == "":
			end = "open"
		}
		line(cv.Name(), cw, cv.Client, sw, cv.Server,
			strconv.Itoa(cv.Packets[0]), strconv.FormatInt(cv.Bytes[0], 10),
			strconv.Itoa(cv.Packets[1]), strconv.FormatInt(cv.Bytes[1], 10),
			fmt.Sprintf("%.6f", cv.First.Sub(c.First).Seconds()), fmt.Sprintf("%.6f", cv.Duration().Seconds()),
			end, conversationNotes(cv))
	}
	return nil
}

// conversationNotes says, in the list, what makes a conversation less than
// whole.
func conversationNotes(cv *pcap.Conversation) string {
	var n []string
	if m := cv.Missing[0] + cv.Missing[1]; m > 0 {
		n = append(n, fmt.Sprintf("%d bytes not captured", m))
	}
	if cv.Proto == "tcp" && !cv.Syn {
		n = append(n, "began before the capture")
	}
	if d := cv.Dropped[0] + cv.Dropped[1]; d > 0 {
		n = append(n, fmt.Sprintf("%d bytes past the reading limit not kept", d))
	}
	return strings.Join(n, "; ")
}

// convJSON is one conversation of `sockplay pcap FILE --json`.
type convJSON struct {
	Stream   string  `json:"stream"` // what --stream takes: "tcp:0"
	Proto    string  `json:"proto"`
	ID       int     `json:"id"`
	Client   string  `json:"client"`
	Server   string  `json:"server"`
	ToServer dirJSON `json:"to_server"`
	ToClient dirJSON `json:"to_client"`
	First    string  `json:"first"`    // UTC, to the nanosecond
	Last     string  `json:"last"`     //
	Start    float64 `json:"start"`    // seconds after the capture's first packet
	Duration float64 `json:"duration"` // seconds
	End      string  `json:"end"`      // tcp: "fin", "rst" or "open"; udp: ""
	Syn      *bool   `json:"syn,omitempty"`
	Chunks   int     `json:"chunks"`
}

// dirJSON is one direction of a conversation: payload bytes (each once),
// frame bytes as tshark -z conv counts them, bytes never captured, bytes
// captured twice, and bytes not kept past a reading limit.
type dirJSON struct {
	Packets       int   `json:"packets"`
	Bytes         int64 `json:"bytes"`
	FrameBytes    int64 `json:"frame_bytes"`
	Missing       int64 `json:"missing"`
	Retransmitted int64 `json:"retransmitted"`
	Dropped       int64 `json:"dropped"`
	Fin           bool  `json:"fin,omitempty"`
}

func conversationJSON(c *pcap.Capture, cv *pcap.Conversation) convJSON {
	const stamp = "2006-01-02T15:04:05.000000000Z07:00"
	j := convJSON{Stream: cv.Name(), Proto: cv.Proto, ID: cv.ID, Client: cv.Client.String(), Server: cv.Server.String(),
		First: cv.First.UTC().Format(stamp), Last: cv.Last.UTC().Format(stamp),
		Start: cv.First.Sub(c.First).Seconds(), Duration: cv.Duration().Seconds(), Chunks: len(cv.Chunks)}
	for i, d := range []*dirJSON{&j.ToServer, &j.ToClient} {
		*d = dirJSON{Packets: cv.Packets[i], Bytes: cv.Bytes[i], FrameBytes: cv.FrameBytes[i], Missing: cv.Missing[i],
			Retransmitted: cv.Retransmitted[i], Dropped: cv.Dropped[i], Fin: cv.Fin[i]}
	}
	if cv.Proto == "tcp" {
		syn := cv.Syn
		j.Syn = &syn
		j.End = cv.End
		if j.End == "" {
			j.End = "open"
		}
	}
	return j
}

// streamPrinter prints one conversation as serve prints traffic, from the
// server's side as the window shows a capture: what the client sent is
// data in ("<-", data_in), what the server sent is data out ("->",
// data_out). A gap is a line of its own in every mode.
type streamPrinter struct {
	out    *bufio.Writer
	err    io.Writer
	mode   printMode
	side   int // -1 both directions, 0 the client's only, 1 the server's
	cv     *pcap.Conversation
	spec   framing.Spec
	fields *fieldDecoder // --decode: each chunk's or message's fields

	dec   [2]framing.Decoder // [0] the client's bytes
	last  [2]time.Time       // for idle framing: the time of the direction's last chunk
	seq   uint64
	buf   []byte
	atEnd bool // the last text written ended a line
}

// raw reports whether text mode prints one direction's bytes alone.
func (p *streamPrinter) raw() bool { return p.mode == printText && p.side >= 0 }

func (p *streamPrinter) print() error {
	cv := p.cv
	if p.spec.Kind != framing.KindRaw {
		p.dec[0], p.dec[1] = p.spec.NewDecoder(framing.Options{}), p.spec.NewDecoder(framing.Options{})
	}
	p.atEnd = true
	p.entry(sessions.Entry{Micros: cv.First.UnixMicro(), Kind: sessions.KindAccepted,
		Text: fmt.Sprintf("%s conversation %d of the capture, %s to %s, seen from its server", cv.Proto, cv.ID, cv.Client, cv.Server)})
	for i := range cv.Chunks {
		ch := &cv.Chunks[i]
		di := 1
		if ch.FromClient {
			di = 0
		}
		if p.side >= 0 && di != p.side {
			continue
		}
		if ch.Gap > 0 {
			p.endFrames(di, ch.Time, fmt.Sprintf("%d bytes were not captured", ch.Gap))
			p.gap(di, ch)
			if len(ch.Data) == 0 {
				continue
			}
		}
		if p.dec[di] != nil && p.spec.Kind == framing.KindIdle && !p.last[di].IsZero() && ch.Time.Sub(p.last[di]) >= p.spec.Gap {
			p.endFrames(di, ch.Time, "")
		}
		p.last[di] = ch.Time
		p.chunk(di, ch)
		if err := p.flushIfFull(); err != nil {
			return err
		}
	}
	for di := range 2 {
		if p.side < 0 || di == p.side {
			p.endFrames(di, cv.Last, "")
		}
	}
	if d := cv.Dropped[0] + cv.Dropped[1]; d > 0 {
		p.note(cv.Last, fmt.Sprintf("%d more bytes of this conversation are past the reading limit and not shown", d), d)
	}
	p.entry(sessions.Entry{Micros: cv.Last.UnixMicro(), Kind: sessions.KindClosed, Text: cv.EndText()})
	if p.mode == printText && !p.raw() && !p.atEnd {
		p.out.WriteByte('\n')
	}
	return nil
}

// entry writes an event: a JSON line, or nothing in the other modes (the
// list says how a conversation began and ended).
func (p *streamPrinter) entry(e sessions.Entry) {
	if p.mode != printJSON {
		return
	}
	p.seq++
	e.Seq, e.Peer, e.Addr = p.seq, 1, p.cv.Client.String()
	p.buf = sessions.AppendJSON(p.buf[:0], e)
	if p.fields != nil && e.Data != nil && (e.Kind.Data() || e.Kind.Message()) {
		p.buf = p.fields.spliceJSON(p.buf, e.Data)
	}
	p.out.Write(p.buf)
}

// head is the line above a chunk or message in text and hex mode.
func (p *streamPrinter) head(di int, what string) {
	if !p.atEnd {
		p.out.WriteByte('\n')
	}
	if di == 0 {
		fmt.Fprintf(p.out, "<- client %s: %s\n", p.cv.Client, what)
	} else {
		fmt.Fprintf(p.out, "-> server %s: %s\n", p.cv.Server, what)
	}
	p.atEnd = true
}

// bytes writes data in text or hex mode, under a head line unless one
// direction is printed raw.
func (p *streamPrinter) bytes(di int, what string, data []byte, message bool) {
	if p.raw() {
		p.out.Write(data)
		if message && (len(data) == 0 || data[len(data)-1] != '\n') {
			p.out.WriteByte('\n') // messages one a line, as serve prints them
		}
		return
	}
	p.head(di, what)
	if p.fields != nil {
		if p.mode == printHex {
			p.buf = hexdump.AppendDump(p.buf[:0], data, hexdump.Options{})
			p.out.Write(p.buf)
		}
		p.buf = p.fields.appendText(p.buf[:0], data)
		p.out.Write(p.buf)
		p.atEnd = true
		return
	}
	if p.mode == printHex {
		p.buf = hexdump.AppendDump(p.buf[:0], data, hexdump.Options{})
		p.out.Write(p.buf)
		return
	}
	p.out.Write(data)
	p.atEnd = len(data) == 0 || data[len(data)-1] == '\n'
}

func (p *streamPrinter) gap(di int, ch *pcap.Chunk) {
	line := fmt.Sprintf("[%d bytes not captured]", ch.Gap)
	switch {
	case p.mode == printJSON:
		p.entry(sessions.Entry{Micros: ch.Time.UnixMicro(), Kind: sessions.KindError, Bytes: uint64(ch.Gap),
			Text: fmt.Sprintf("%d bytes not captured from the %s", ch.Gap, sideName(di))})
	case p.raw():
		p.out.Flush() // the line goes to stderr: after the bytes before it
		fmt.Fprintf(p.err, "sockplay pcap: %s\n", line)
	default:
		p.head(di, line)
	}
}

func (p *streamPrinter) chunk(di int, ch *pcap.Chunk) {
	kind := sessions.KindDataIn
	if di == 1 {
		kind = sessions.KindDataOut
	}
	dec := p.dec[di]
	if p.mode == printJSON {
		p.entry(sessions.Entry{Micros: ch.Time.UnixMicro(), Kind: kind, Data: ch.Data})
	} else if dec == nil || dec.Stuck() {
		p.bytes(di, fmt.Sprintf("%d bytes", len(ch.Data)), ch.Data, false)
	}
	if dec == nil || dec.Stuck() {
		return
	}
	msgs, err := dec.Feed(ch.Data)
	p.messages(di, ch.Time, msgs)
	if err != nil {
		p.framingError(di, ch.Time, err, dec.Rest())
	}
}

func (p *streamPrinter) messages(di int, at time.Time, msgs []framing.Message) {
	kind := sessions.KindMessage
	if di == 1 {
		kind = sessions.KindMessageOut
	}
	for _, m := range msgs {
		if p.mode == printJSON {
			var msg *sessions.Message
			if m.Header != nil {
				msg = &sessions.Message{Header: m.Header}
			}
			p.entry(sessions.Entry{Micros: at.UnixMicro(), Kind: kind, Data: m.Data, Msg: msg})
			continue
		}
		what := fmt.Sprintf("message, %d bytes", len(m.Data))
		if m.Header != nil {
			what += ", header " + string(m.Header)
		}
		p.bytes(di, what, m.Data, true)
	}
}

// framingError says what the decoder refused; a stuck decoder's rest is
// printed raw, as serve prints it, and so is the rest of that direction.
func (p *streamPrinter) framingError(di int, at time.Time, err error, rest []byte) {
	stuck := errors.Is(err, framing.ErrStuck)
	text := fmt.Sprintf("framing (%s): %v", sideName(di), err)
	if stuck {
		text += "; the rest of this direction is shown as it was captured"
	}
	if p.mode == printJSON {
		note := sessions.NoteFramingError
		if stuck {
			note = sessions.NoteDecoderStuck
		}
		p.entry(sessions.Entry{Micros: at.UnixMicro(), Kind: sessions.KindError, Note: note, Err: err, Text: text,
			Data: rest, Bytes: uint64(len(rest))})
		return
	}
	p.out.Flush()
	fmt.Fprintf(p.err, "sockplay pcap: %s\n", text)
	if stuck && len(rest) > 0 {
		p.bytes(di, fmt.Sprintf("%d bytes not decoded", len(rest)), rest, false)
	}
}

// endFrames flushes direction di's decoder at a gap, an idle pause or the
// end: a frame it held is finished where the framing allows, else said to
// be cut short (why: the gap).
func (p *streamPrinter) endFrames(di int, at time.Time, why string) {
	dec := p.dec[di]
	if dec == nil || dec.Stuck() {
		return
	}
	msgs, err := dec.Flush()
	p.messages(di, at, msgs)
	if err != nil {
		if why != "" {
			err = fmt.Errorf("%w (%s)", err, why)
		}
		p.framingError(di, at, err, nil)
	}
}

func (p *streamPrinter) note(at time.Time, text string, n int64) {
	if p.mode == printJSON {
		p.entry(sessions.Entry{Micros: at.UnixMicro(), Kind: sessions.KindInfo, Text: text, Bytes: uint64(n)})
		return
	}
	p.out.Flush()
	fmt.Fprintf(p.err, "sockplay pcap: note: %s\n", text)
}

func (p *streamPrinter) flushIfFull() error {
	if p.out.Buffered() < 32<<10 {
		return nil
	}
	return p.out.Flush()
}

func sideName(di int) string {
	if di == 0 {
		return "client"
	}
	return "server"
}
