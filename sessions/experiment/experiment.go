package experiment

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/sockplay/sockplay/netcore/socktable"
)

// Info names one experiment and says what it is about, for a list.
type Info struct {
	Name    string // what the command line takes: "time-wait"
	Title   string // one line: "TIME_WAIT: whoever closes first waits"
	Explain string // a short paragraph in our own words
}

// ErrUnknown is matched by Run's error for a name no experiment has.
var ErrUnknown = errors.New("unknown experiment")

// List returns every experiment, in the order a tutorial takes them.
func List() []Info {
	out := make([]Info, len(all))
	for i, e := range all {
		out[i] = e.Info
	}
	return out
}

// Names returns the experiments' names, in List's order.
func Names() []string {
	out := make([]string, len(all))
	for i, e := range all {
		out[i] = e.Name
	}
	return out
}

// Lookup returns the experiment called name.
func Lookup(name string) (Info, bool) {
	for _, e := range all {
		if e.Name == name {
			return e.Info, true
		}
	}
	return Info{}, false
}

// experiment is one lesson: its Info and the function that runs it.
type experiment struct {
	Info
	run func(r *run) error
}

// all is filled by each experiment's file, in tutorial order.
var all = []experiment{
	{stickyInfo, runSticky},
	{timeWaitInfo, runTimeWait},
	{halfCloseInfo, runHalfClose},
	{resetInfo, runReset},
	{buffersInfo, runBuffers},
	{backlogInfo, runBacklog},
	{udpInfo, runUDP},
	{refusedInfo, runRefused},
}

// Options shape one run.
type Options struct {
	// Step, when not nil, makes the run wait before each step for a value
	// on it (one value, one step), emitting a KindWait event, naming the
	// step, when it has to wait (no value is there yet). Closing it lets every remaining step run
	// without waiting: the window's Step button sends, its Run button
	// closes. Nil runs straight through.
	Step <-chan struct{}
	// Pcap, when set, records the run's packets on loopback to a pcapng
	// file at that path (a live capture of the lo interface, filtered to
	// the experiment's ports). It needs Linux and CAP_NET_RAW (root);
	// elsewhere Run fails before doing anything, with an error matching
	// ErrCaptureUnsupported or naming the missing permission.
	Pcap string
	// NoNamespace leaves out parts that create a network namespace (the
	// silent host of "refused"); they are then reported as skipped.
	NoNamespace bool
}

// Kind is what an Event reports.
type Kind string

// The kinds of Event.
const (
	// KindWait: with Options.Step, the run waits for the go-ahead to run
	// step Step (Title). Nothing happens until it comes.
	KindWait Kind = "wait"
	// KindStep: step Step begins; Title says what it does.
	KindStep Kind = "step"
	// KindAction: something the experiment did, with what came of it
	// (a connect's time, a send's byte counts, an error in words).
	KindAction Kind = "action"
	// KindObserve: the kernel's view of every end the experiment watches,
	// read from the socket table at this moment (Ends).
	KindObserve Kind = "observe"
	// KindResult: a measured outcome of the step (Sends, Reads, Messages,
	// Asked, Sent, Elapsed), in What as a sentence too.
	KindResult Kind = "result"
	// KindSkip: a part that could not run here, and why.
	KindSkip Kind = "skip"
	// KindDone: the run is over (the last event of a run that started).
	KindDone Kind = "done"
)

// Event is one thing a run reports. Which fields are set depends on Kind;
// What is always a sentence a person can read on its own.
type Event struct {
	Kind  Kind
	Step  int    // 1-based; 0 before the first step
	Title string // the step's title (KindWait, KindStep, and the events of a step)
	What  string
	At    time.Duration // since the run started

	// Ends is set on KindObserve: every watched end with its state, both
	// ends of each connection (End.Peer names the other one).
	Ends []End
	// Side is who acted (KindAction, KindResult): "client", "server", ...
	Side string
	// Measures, on KindResult and some KindAction events; zero when not
	// measured.
	Sends, Reads, Messages int
	Asked, Sent            int           // bytes asked to send and sent by one call
	Elapsed                time.Duration // how long the measured thing took
	Err                    string        // an error the action met, in the system's words
}

// End is one socket as the kernel's table showed it at an observation.
type End struct {
	Side  string // "client", "server", "listener", "client 2", ...
	Peer  string // the Side of the other end of its connection; "" for a listener or unconnected UDP socket
	Proto socktable.Proto
	// Local and Remote are the addresses; Remote is invalid for a
	// listener or an unconnected UDP socket.
	Local, Remote netip.AddrPort
	// State is the kernel's state (its String is ss's name: ESTAB,
	// FIN-WAIT-2, TIME-WAIT, LISTEN, UNCONN, ...); 0 when Gone.
	State socktable.State
	// Gone: the kernel no longer has this socket at all (a state diagram
	// shows it as CLOSED).
	Gone bool
	// Path is every state this end was seen in since the previous
	// observation, oldest first, ending with State (0 for Gone): the
	// transitions seen. Polling sees most, not every, short-lived state.
	Path []socktable.State
	// RecvQ and SendQ are ss's Recv-Q and Send-Q. For a LISTEN socket they
	// are the accept queue (connections waiting for accept) and its limit,
	// the backlog, also in AcceptQueue and Backlog.
	RecvQ, SendQ         uint32
	AcceptQueue, Backlog uint32
	// HasQueues is false where the system's table has no queues
	// (Windows): the four counts above are then 0 and mean nothing.
	HasQueues bool
	// TimeWaitLeft is, for an end in TIME-WAIT, how long the kernel keeps
	// it still (its timer; 0 where the table does not say).
	TimeWaitLeft time.Duration
}

// StateName is ss's name of the state, or "gone".
func (e End) StateName() string {
	if e.Gone {
		return "gone"
	}
	return e.State.String()
}

// StateName is ss's name of st (ESTAB, TIME-WAIT, ...), or "gone" for 0,
// the state End.Path holds where the end was gone.
func StateName(st socktable.State) string {
	if st == 0 {
		return "gone"
	}
	return st.String()
}

// Changed reports whether the end was seen in another state since the
// previous observation.
func (e End) Changed() bool { return len(e.Path) > 1 }

// Run runs the experiment called name on loopback, calling emit for every
// event, in order, on Run's goroutine: the run waits while emit runs, so a
// test can compare an observation with ss at that very moment, and a
// window must hand the event on and return. Run returns when the
// experiment is over, every socket it opened is closed and every goroutine
// it started has ended; cancelling ctx ends it early with ctx's error. It
// returns nil when the experiment ran, whatever it observed, and an error
// when it could not (an unknown name, a socket it could not open, a
// capture it could not start).
func Run(ctx context.Context, name string, opt Options, emit func(Event)) error {
	i := slices.IndexFunc(all, func(e experiment) bool { return e.Name == name })
	if i < 0 {
		return fmt.Errorf("experiment %q: %w (there are %s)", name, ErrUnknown, strings.Join(Names(), ", "))
	}
	if emit == nil {
		emit = func(Event) {}
	}
	r := newRun(ctx, opt, emit)
	if opt.Pcap != "" {
		c, err := startCapture(r.ctx, opt.Pcap, r.portSet)
		if err != nil {
			r.finish()
			return fmt.Errorf("experiment %s: record to %s: %w", name, opt.Pcap, err)
		}
		r.capture = c
	}
	err := all[i].run(r)
	cerr := r.finish()
	if err != nil {
		return fmt.Errorf("experiment %s: %w", name, err)
	}
	if cerr != nil {
		return fmt.Errorf("experiment %s: record to %s: %w", name, opt.Pcap, cerr)
	}
	r.emit(Event{Kind: KindDone, What: "experiment " + name + " is over"})
	return nil
}
