package gui

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sockplay/sockplay/netcore/socktable"
	"github.com/sockplay/sockplay/sessions/experiment"
)

// expFeed carries one run's events from its goroutine to the tab: the
// engine calls push for each event on the run's goroutine, the tab's pump
// (or a test's Refresh) takes them on the UI goroutine. Never a fyne.Do
// per event: the pump wakes, sees the version moved, and posts one call.
type expFeed struct {
	mu     sync.Mutex
	events []experiment.Event
	ended  bool
	err    error
	bump   *atomic.Uint64 // the tab's version, moved on every push
}

func (f *expFeed) push(e experiment.Event) {
	f.mu.Lock()
	f.events = append(f.events, e)
	f.mu.Unlock()
	f.bump.Add(1)
}

// end records how Run returned; the run's goroutine is over after it.
func (f *expFeed) end(err error) {
	f.mu.Lock()
	f.ended, f.err = true, err
	f.mu.Unlock()
	f.bump.Add(1)
}

// take returns the events since the last take and whether the run ended
// (with Run's error).
func (f *expFeed) take() (events []experiment.Event, ended bool, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	events, f.events = f.events, nil
	return events, f.ended, f.err
}

// expLogLine is one line of the run's log, in words.
type expLogLine struct {
	Kind experiment.Kind
	Text string
	Err  bool // an action that failed, in the system's words
}

// expLogText says an event in a line for the log ("" for events the log
// does not show: a wait is said by the status line).
func expLogText(e experiment.Event) string {
	switch e.Kind {
	case experiment.KindStep:
		return fmt.Sprintf("Step %d: %s", e.Step, e.What)
	case experiment.KindAction:
		s := upperFirst(e.What)
		if e.Err != "" && !strings.Contains(e.What, e.Err) {
			s += " (" + e.Err + ")"
		}
		return s
	case experiment.KindResult:
		return "⇒ " + upperFirst(e.What)
	case experiment.KindObserve:
		return "Kernel, " + e.What
	case experiment.KindSkip:
		return "Skipped: " + e.What
	case experiment.KindDone:
		return upperFirst(e.What) + fmt.Sprintf(" (%s)", elapsedText(e.At))
	}
	return ""
}

// elapsedText is a run's time as a person reads it: "0.84 s", "312 ms".
func elapsedText(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// Columns of the table of ends.
const (
	endColSide = iota
	endColState
	endColQueues
	endColPath
	endColAddrs
	endCols
)

var endHeaders = [endCols]string{"End", "State", "Queues", "Seen since the last look", "Addresses"}

// endCells is one end as the table shows it: RFC names, and for a listener
// its accept queue and backlog.
func endCells(e experiment.End) [endCols]string {
	var c [endCols]string
	c[endColSide] = e.Side
	if e.Proto != socktable.TCP {
		c[endColSide] += " (" + e.Proto.String() + ")"
	}
	c[endColState] = endStateName(e)
	if e.TimeWaitLeft > 0 {
		c[endColState] += ", " + waitLeftText(e.TimeWaitLeft) + " left"
	}
	switch {
	case e.Gone:
		c[endColQueues] = "—"
	case !e.HasQueues:
		c[endColQueues] = "not reported here"
	case e.State == socktable.Listen:
		c[endColQueues] = fmt.Sprintf("accept queue %d of %d", e.AcceptQueue, e.Backlog)
	default:
		c[endColQueues] = fmt.Sprintf("Recv-Q %d · Send-Q %d", e.RecvQ, e.SendQ)
	}
	if e.Changed() {
		names := make([]string, len(e.Path))
		for i, st := range e.Path {
			names[i] = pathStateName(e.Proto, st)
		}
		c[endColPath] = strings.Join(names, " > ") // as the command line writes it
	}
	c[endColAddrs] = e.Local.String()
	if e.Remote.IsValid() {
		c[endColAddrs] += " -> " + e.Remote.String()
	}
	return c
}

// endStateName is an end's state with the diagram's names for TCP (ESTAB
// is ESTABLISHED, gone is CLOSED) and ss's for the rest (UNCONN).
func endStateName(e experiment.End) string {
	if e.Gone {
		return "CLOSED (gone)"
	}
	return pathStateName(e.Proto, e.State)
}

func pathStateName(p socktable.Proto, st socktable.State) string {
	if p == socktable.TCP {
		return rfcStateName(st)
	}
	return experiment.StateName(st)
}

// expConn is a connection the diagram can show: its two ends' sides (the
// second empty for a listener alone).
type expConn [2]string

func (c expConn) String() string {
	if c[1] == "" {
		return c[0]
	}
	return c[0] + " – " + c[1]
}

// expConns lists the TCP connections among the ends, each once, in the
// order the engine watches them.
func expConns(ends []experiment.End) []expConn {
	var out []expConn
	seen := map[string]bool{}
	for _, e := range ends {
		if e.Proto != socktable.TCP || seen[e.Side] {
			continue
		}
		seen[e.Side] = true
		c := expConn{e.Side}
		if e.Peer != "" {
			seen[e.Peer] = true
			c[1] = e.Peer
		}
		out = append(out, c)
	}
	return out
}

// mainConn is the connection the diagram shows unless the person chose
// another: the first with two ends (client and server).
func mainConn(conns []expConn) (expConn, bool) {
	for _, c := range conns {
		if c[1] != "" {
			return c, true
		}
	}
	if len(conns) > 0 {
		return conns[0], true
	}
	return expConn{}, false
}

// endPath is the states an end was seen in since the previous look,
// ending with its state now (0 for gone).
func endPath(e experiment.End) []socktable.State {
	if len(e.Path) > 0 {
		return e.Path
	}
	if e.Gone {
		return []socktable.State{0}
	}
	return []socktable.State{e.State}
}
