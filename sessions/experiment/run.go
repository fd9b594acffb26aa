package experiment

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/sockplay/sockplay/netcore/socktable"
)

// queuesReported: Windows' tables have no Recv-Q, Send-Q or accept queue.
var queuesReported = runtime.GOOS != "windows"

// pollEvery is how often a settling observation reads the table.
const pollEvery = 5 * time.Millisecond

// run is one experiment's running state: its steps, the ends it watches,
// what it must close and the goroutines it must wait for.
type run struct {
	ctx    context.Context
	cancel context.CancelFunc
	opt    Options
	out    func(Event)
	start  time.Time
	step   int
	title  string
	// stepsFree: Options.Step was closed, every step runs without waiting.
	stepsFree bool

	ends    []*watched
	portSet *portSet // ports the capture keeps

	closeMu sync.Mutex
	closers []io.Closer
	wg      sync.WaitGroup

	capture *capture
}

// watched is one end the experiment follows.
type watched struct {
	side, peer    string
	proto         socktable.Proto
	local, remote netip.AddrPort // remote invalid: a listener or unconnected UDP socket
	last          socktable.State
	seen          bool // observed at least once
	gone          bool
	path          []socktable.State
}

func newRun(ctx context.Context, opt Options, out func(Event)) *run {
	ctx, cancel := context.WithCancel(ctx)
	return &run{ctx: ctx, cancel: cancel, opt: opt, out: out, start: time.Now(), portSet: newPortSet()}
}

// finish closes everything the run opened, ends its goroutines and the
// capture, and returns the capture's error.
func (r *run) finish() error {
	r.cancel() // a connect or wait still pending returns
	r.closeAll()
	r.wg.Wait()
	r.closeAll() // what a goroutine opened while the first round closed
	if r.capture != nil {
		return r.capture.stop()
	}
	return nil
}

func (r *run) closeAll() {
	r.closeMu.Lock()
	cs := r.closers
	r.closers = nil
	r.closeMu.Unlock()
	for i := len(cs) - 1; i >= 0; i-- {
		cs[i].Close()
	}
}

// own makes c closed when the run ends (closing twice is harmless for
// sockets: the second Close returns an error nobody reads).
func (r *run) own(c io.Closer) {
	r.closeMu.Lock()
	r.closers = append(r.closers, c)
	r.closeMu.Unlock()
}

// goFn runs f on a goroutine the run waits for at its end; f must return
// when r.ctx ends or the sockets it uses are closed.
func (r *run) goFn(f func()) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		f()
	}()
}

func (r *run) emit(e Event) {
	e.Step = r.step
	if e.Title == "" {
		e.Title = r.title
	}
	e.At = time.Since(r.start)
	r.out(e)
}

// Step begins the next step, waiting first for the go-ahead when the run
// is stepped.
func (r *run) Step(title string) error {
	if r.opt.Step != nil && !r.stepsFree {
		select {
		case _, ok := <-r.opt.Step: // a go-ahead given already, or closed
			r.stepsFree = !ok
		default:
			r.out(Event{Kind: KindWait, Step: r.step + 1, Title: title, At: time.Since(r.start),
				What: fmt.Sprintf("ready to run step %d: %s", r.step+1, title)})
			select {
			case _, ok := <-r.opt.Step:
				r.stepsFree = !ok
			case <-r.ctx.Done():
				return r.ctx.Err()
			}
		}
	}
	if err := r.ctx.Err(); err != nil {
		return err
	}
	r.step++
	r.title = title
	r.emit(Event{Kind: KindStep, What: title})
	return nil
}

// Did reports an action.
func (r *run) Did(side, format string, a ...any) {
	r.emit(Event{Kind: KindAction, Side: side, What: fmt.Sprintf(format, a...)})
}

// Failed reports an action that met an error, which the experiment shows
// rather than stops on.
func (r *run) Failed(side string, err error, format string, a ...any) {
	r.emit(Event{Kind: KindAction, Side: side, What: fmt.Sprintf(format, a...), Err: errWords(err)})
}

// Result reports a measured outcome.
func (r *run) Result(e Event) {
	e.Kind = KindResult
	r.emit(e)
}

// Skip reports a part that could not run here.
func (r *run) Skip(format string, a ...any) {
	r.emit(Event{Kind: KindSkip, What: fmt.Sprintf(format, a...)})
}

// addrPort is a net.Addr's address, unmapped.
func addrPort(a net.Addr) netip.AddrPort {
	var ap netip.AddrPort
	switch a := a.(type) {
	case *net.TCPAddr:
		ap = a.AddrPort()
	case *net.UDPAddr:
		ap = a.AddrPort()
	}
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
}

// watchConn follows a connected socket as side, whose other end is peer.
func (r *run) watchConn(side, peer string, c net.Conn) {
	proto := socktable.TCP
	if _, ok := c.LocalAddr().(*net.UDPAddr); ok {
		proto = socktable.UDP
	}
	r.watch(&watched{side: side, peer: peer, proto: proto, local: addrPort(c.LocalAddr()), remote: addrPort(c.RemoteAddr())})
}

// watchLocal follows a listener or an unconnected UDP socket.
func (r *run) watchLocal(side string, proto socktable.Proto, local net.Addr) {
	r.watch(&watched{side: side, proto: proto, local: addrPort(local)})
}

func (r *run) watch(w *watched) {
	r.portSet.add(w.local.Port())
	if w.remote.IsValid() {
		r.portSet.add(w.remote.Port())
	}
	for i, o := range r.ends {
		if o.side == w.side {
			r.ends[i] = w // the same role on a new socket: follow the new one
			return
		}
	}
	r.ends = append(r.ends, w)
}

// unwatch stops following side (a socket the lesson is done with).
func (r *run) unwatch(sides ...string) {
	for _, s := range sides {
		for i, o := range r.ends {
			if o.side == s {
				r.ends = append(r.ends[:i], r.ends[i+1:]...)
				break
			}
		}
	}
}

// look reads the table once and updates every watched end's path.
func (r *run) look() ([]End, error) {
	var protos socktable.ProtoSet
	for _, w := range r.ends {
		protos |= 1 << w.proto
	}
	if protos == 0 {
		return nil, nil
	}
	socks, err := socktable.List(r.ctx, socktable.Options{Filter: socktable.Filter{Protos: protos}})
	if err != nil {
		return nil, err
	}
	ends := make([]End, 0, len(r.ends))
	for _, w := range r.ends {
		e := End{Side: w.side, Peer: w.peer, Proto: w.proto, Local: w.local, Remote: w.remote, HasQueues: queuesReported}
		if s := find(socks, w); s != nil {
			e.State, e.RecvQ, e.SendQ = s.State, s.RecvQ, s.SendQ
			if s.State == socktable.TimeWait && s.Timer == socktable.TimerTimeWait {
				e.TimeWaitLeft = s.Expires
			}
			if s.State == socktable.Listen {
				e.AcceptQueue, e.Backlog = s.RecvQ, s.SendQ
			}
		} else {
			e.Gone = true
		}
		if !w.seen || e.Gone != w.gone || e.State != w.last {
			w.path = append(w.path, e.State)
		}
		w.seen, w.gone, w.last = true, e.Gone, e.State
		ends = append(ends, e)
	}
	return ends, nil
}

// find returns the socket of the table that is w.
func find(socks []socktable.Socket, w *watched) *socktable.Socket {
	same := func(a, b netip.AddrPort) bool {
		return a.Port() == b.Port() && a.Addr().Unmap() == b.Addr().Unmap()
	}
	for i := range socks {
		s := &socks[i]
		if s.Proto != w.proto || !same(s.Local, w.local) {
			continue
		}
		if w.remote.IsValid() {
			if same(s.Peer, w.remote) {
				return s
			}
			continue
		}
		if s.Peer.Port() == 0 && (s.State == socktable.Listen || s.State == socktable.Close) {
			return s
		}
	}
	return nil
}

// Observe reads the kernel's view once and reports it.
func (r *run) Observe(what string) error {
	return r.ObserveUntil(what, 0, nil)
}

// ObserveUntil polls the table until done holds for the ends seen (by
// side) or within has passed, then reports the last view with every state
// seen on the way. It reports what it saw either way: done is when to stop
// looking, not what must be seen.
func (r *run) ObserveUntil(what string, within time.Duration, done func(map[string]End) bool) error {
	deadline := time.Now().Add(within)
	for {
		ends, err := r.look()
		if err != nil {
			return fmt.Errorf("read the socket table: %w", err)
		}
		if done == nil || done(bySide(ends)) || !time.Now().Before(deadline) {
			for i := range ends {
				for _, w := range r.ends {
					if w.side == ends[i].Side {
						ends[i].Path = w.path
						w.path = []socktable.State{ends[i].State}
					}
				}
			}
			r.emit(Event{Kind: KindObserve, What: what + ": " + summary(ends), Ends: ends})
			return nil
		}
		select {
		case <-r.ctx.Done():
			return r.ctx.Err()
		case <-time.After(pollEvery):
		}
	}
}

func bySide(ends []End) map[string]End {
	m := make(map[string]End, len(ends))
	for _, e := range ends {
		m[e.Side] = e
	}
	return m
}

// in reports whether side is in state st ("gone" for none) in m.
func in(m map[string]End, side string, st socktable.State) bool {
	e, ok := m[side]
	if !ok {
		return false
	}
	if st == 0 {
		return e.Gone
	}
	return !e.Gone && e.State == st
}

// sleep waits d or until the run ends.
func (r *run) sleep(d time.Duration) error {
	select {
	case <-r.ctx.Done():
		return r.ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// ms formats a duration for a sentence: "0.21 ms", "41 ms", "1.02 s".
func ms(d time.Duration) string {
	switch {
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// errWords is an error as the experiment shows it: the system's words.
func errWords(err error) string {
	if err == nil {
		return ""
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	return err.Error()
}

// summary says in one line what an observation saw: "client TIME-WAIT
// (after FIN-WAIT-2), server gone (after LAST-ACK)".
func summary(ends []End) string {
	parts := make([]string, 0, len(ends))
	for _, e := range ends {
		p := e.Side + " " + e.StateName()
		switch {
		case !e.HasQueues || e.Gone:
		case e.State == socktable.Listen:
			p += fmt.Sprintf(" (accept queue %d of %d)", e.AcceptQueue, e.Backlog)
		case e.RecvQ > 0 || e.SendQ > 0:
			p += fmt.Sprintf(" (Recv-Q %d, Send-Q %d)", e.RecvQ, e.SendQ)
		case e.TimeWaitLeft > 0:
			p += fmt.Sprintf(" (%.0f s left)", e.TimeWaitLeft.Seconds())
		}
		if len(e.Path) > 1 {
			var was []string
			for _, st := range e.Path[:len(e.Path)-1] {
				was = append(was, StateName(st))
			}
			p += " after " + strings.Join(was, ", ")
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return "nothing watched"
	}
	return strings.Join(parts, "; ")
}
