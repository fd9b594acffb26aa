// Package experiment runs the socket tutorials' lessons live, on real
// sockets on loopback, and reports what it saw, step by step: each action
// with its result in the system's words, measures (reads, sends, bytes,
// times), and after each step what the kernel's socket table shows for
// both ends of every connection (state, Recv-Q and Send-Q, and for a
// LISTEN socket its accept queue and backlog), read through
// netcore/socktable as the Sockets tab and `sockplay sockets` read it.
// Nothing here asserts what should happen: an observation is what the
// table held at that moment.
//
// The experiments (List gives them in this order, with their
// explanations): sticky (stream vs messages, framing, Nagle), time-wait,
// half-close, reset (SO_LINGER 0), buffers (full queues, non-blocking and
// blocking sends), backlog (the accept queue), udp (datagram boundaries,
// truncation, refused on the next call), refused (a closed port vs a
// silent host in a network namespace).
//
// # API for a front end
//
//	infos := experiment.List()                  // Name, Title, Explain
//	step := make(chan struct{})
//	err := experiment.Run(ctx, "time-wait", experiment.Options{Step: step}, func(e experiment.Event) {
//		// called on Run's goroutine, in order; hand e on and return
//	})
//
// Run is synchronous: it returns when the experiment is over, every socket
// it opened is closed and every goroutine it started has ended. A window
// runs it on a goroutine of its own and cancels ctx to stop it (Close of
// the tab); the run then ends within a poll (5 ms) or a step's bounded
// wait. Run returns nil when the experiment ran, whatever it observed, and
// an error when it could not (ErrUnknown, a socket that would not open,
// a recording that could not start).
//
// Stepping: with Options.Step set, before each step Run emits KindWait
// (Step and Title name the step about to run) and waits for one value on
// the channel. A Step button sends one value; a Run button closes the
// channel, and every remaining step runs without waiting. Without
// Options.Step the run goes straight through.
//
// Events (Event.Kind): KindStep starts step Step (Title); KindAction is
// something done and its outcome (Err holds the system's words when a call
// failed: an experiment shows errors, it does not stop on them);
// KindResult is a measure (Sends, Reads, Messages, Asked, Sent, Elapsed);
// KindObserve carries Ends; KindSkip is a part that could not run here and
// says why; KindDone is last. What is always a readable sentence; for
// KindObserve it ends with what was seen ("client TIME-WAIT after
// FIN-WAIT-2; server gone after CLOSE-WAIT").
//
// Observations for a state diagram: every KindObserve holds every watched
// end, both ends of each connection (End.Peer names the other end's
// Side), each with State (socktable.State; String is ss's name: ESTAB,
// FIN-WAIT-2, TIME-WAIT, LISTEN, UNCONN, ...) or Gone when the kernel no
// longer has the socket (the diagram's CLOSED), and Path, the states it was
// seen in since the previous observation: the transitions to light up.
// Settling observations poll the table every 5 ms until the states the
// step is about have arrived (or 2 s pass), so most short-lived states
// (FIN-WAIT-1, LAST-ACK) are in Path, though not every one is
// guaranteed. An end in TIME-WAIT carries the time the kernel still
// keeps it (End.TimeWaitLeft, its timer from sock_diag; 0 where the
// table has no timers: /proc, Windows).
//
// Platforms: everything runs on Linux. Elsewhere the table has fewer
// columns (Windows reports no queues: End.HasQueues is false), the
// non-blocking send of "buffers" and the silent host of "refused" are
// skipped with the reason, and Options.Pcap fails with
// ErrCaptureUnsupported. Windows does not hold a port in TIME_WAIT against
// a new bind the way Linux does, so "time-wait" reports what it sees there.
//
// Recording: Options.Pcap writes a pcapng file of the run's own packets,
// captured live on the loopback interface (AF_PACKET, Linux, CAP_NET_RAW)
// and kept when either port is one the experiment opened: real handshakes,
// FINs, RSTs, retransmitted SYNs and ICMP errors, not a reconstruction.
// The silent host's packets cross a veth pair, not loopback, and are not
// in the file.
//
// This package is below the GUI: it imports netcore and socktable, never
// fyne.io.
package experiment
