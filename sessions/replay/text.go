package replay

// How steps and summaries read, for the command line and the window alike.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sockplay/sockplay/sessions"
)

// Text is the step in words, a line or a few (a diff indented under it):
// what went out, what came, how it compares. The command line prints it,
// the window logs it.
func (st Step) Text() string {
	var b strings.Builder
	who := ""
	if st.Client != "" {
		who = fmt.Sprintf("%s (peer %d) ", st.Client, st.Peer)
	}
	switch st.Kind {
	case KindGreeting:
		fmt.Fprintf(&b, "step %d: waited for the server's greeting\n", st.Step)
		replyText(&b, st)
	case KindSend:
		fmt.Fprintf(&b, "step %d: sent %s\n", st.Step, describeData(st.Sent))
		replyText(&b, st)
	case KindClient:
		fmt.Fprintf(&b, "%sconnected", who)
		if len(st.Sent) > 0 {
			fmt.Fprintf(&b, "; greeted with %s", describeData(st.Sent))
		}
		if st.Status == StatusError {
			fmt.Fprintf(&b, "; %s", st.Note)
		}
		b.WriteByte('\n')
	case KindRequest, KindUnknown:
		fmt.Fprintf(&b, "%srequest %d: %s", who, st.Step, describeData(st.Got))
		switch {
		case st.Kind == KindUnknown:
			b.WriteString(": not in the capture")
		case st.Match:
			fmt.Fprintf(&b, ": the capture's request %d", st.Turn)
		}
		switch st.Status {
		case StatusAnswered:
			fmt.Fprintf(&b, "; answered %s", describeData(st.Sent))
		case StatusNoReply:
			b.WriteString("; no answer")
		}
		if st.Note != "" {
			fmt.Fprintf(&b, " (%s)", st.Note)
		}
		b.WriteByte('\n')
		indentLines(&b, st.Diff)
	case KindDone:
		fmt.Fprintf(&b, "%sdone after %s: %s\n", who, Plural(st.Step, "request"), st.Note)
	case KindError:
		fmt.Fprintf(&b, "%serror: %s\n", who, st.Note)
	default:
		fmt.Fprintf(&b, "%s%s: %s\n", who, st.Kind, st.Note)
	}
	return b.String()
}

// replyText is the line (and diff) of a replay step's reply.
func replyText(b *strings.Builder, st Step) {
	switch st.Status {
	case StatusMatch:
		fmt.Fprintf(b, "  got %s: as captured\n", describeData(st.Got))
	case StatusUnchecked:
		fmt.Fprintf(b, "  got %s: not compared (%s)\n", describeData(st.Got), st.Note)
		return
	case StatusError:
		fmt.Fprintf(b, "  %s\n", st.Note)
		return
	default:
		what := map[string]string{StatusDiffer: "DIFFERS", StatusTimeout: "TIMEOUT", StatusClosed: "CLOSED"}[st.Status]
		fmt.Fprintf(b, "  got %s: %s; the capture had %s\n", describeData(st.Got), what, describeData(st.Expected))
		indentLines(b, st.Diff)
	}
	if st.Note != "" && st.Status == StatusMatch {
		fmt.Fprintf(b, "  (%s)\n", st.Note)
	} else if st.Note != "" {
		fmt.Fprintf(b, "  %s\n", st.Note)
	}
}

func indentLines(b *strings.Builder, text string) {
	if text == "" {
		return
	}
	for _, l := range strings.Split(text, "\n") {
		b.WriteString("    ")
		b.WriteString(l)
		b.WriteByte('\n')
	}
}

// describeData is a short account of some bytes: a run of bytes with its
// length, or the messages (the first few) with their count.
func describeData(d Data) string {
	if len(d) == 1 {
		return fmt.Sprintf("%s %s", Plural(len(d[0]), "byte"), quotePreview(d[0]))
	}
	if len(d) == 0 {
		return "nothing"
	}
	parts := make([]string, 0, 4)
	for i, m := range d {
		if i == 3 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, quotePreview(m))
	}
	return fmt.Sprintf("%d messages (%s): %s", len(d), Plural(d.Len(), "byte"), strings.Join(parts, ", "))
}

// quotePreview quotes up to 40 bytes as Go does (\x00 for bytes that are not
// printable), with … when there are more.
func quotePreview(b []byte) string {
	const most = 40
	if len(b) > most {
		return strconv.Quote(string(b[:most])) + "…"
	}
	return strconv.Quote(string(b))
}

// Plural is "1 byte", "2 bytes" (sessions.Plural, which the relay's log
// lines use too).
func Plural(n int, what string) string { return sessions.Plural(n, what) }

// ReplayText is a replay's summary in a line.
func (sum Summary) ReplayText() string {
	var b strings.Builder
	switch {
	case sum.OK && sum.Unchecked > 0:
		fmt.Fprintf(&b, "replay: %s; every reply compared was as captured (%d not compared: the capture lost part of them)", Plural(sum.Steps, "step"), sum.Unchecked)
	case sum.OK:
		fmt.Fprintf(&b, "replay: %s; every reply was as captured", Plural(sum.Steps, "step"))
	default:
		steps := make([]string, len(sum.Differed))
		for i, n := range sum.Differed {
			steps[i] = strconv.Itoa(n)
		}
		which := "step"
		if len(steps) > 1 {
			which = "steps"
		}
		fmt.Fprintf(&b, "replay: %d of %s differed from the capture (%s %s)", len(sum.Differed), Plural(sum.Steps, "step"), which, strings.Join(steps, ", "))
	}
	if sum.Stopped != "" {
		fmt.Fprintf(&b, "; %s", sum.Stopped)
	}
	b.WriteByte('\n')
	return b.String()
}

// StandInText is a stand-in's summary in a line.
func (sum Summary) StandInText() string {
	s := fmt.Sprintf("stand-in: %s, %s: %d answered from the capture", Plural(sum.Clients, "client"), Plural(sum.Steps, "request"), sum.Answered)
	if d := sum.Answered - sum.Matched; d > 0 {
		s += fmt.Sprintf(" (%d of them asked differently than captured)", d)
	}
	if sum.Unknown > 0 {
		s += fmt.Sprintf(", %d unknown", sum.Unknown)
	}
	return s + "\n"
}
