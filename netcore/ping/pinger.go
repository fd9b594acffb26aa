package ping

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// Pinger is one opened ping: the target resolved and the socket open.
// Run it once; Close it instead when it will not run.
type Pinger struct {
	cfg     Config
	addr    netip.Addr
	tr      transport
	m       *matcher
	named   bool // the host is a name: show who answered by name too
	started atomic.Bool
	once    sync.Once
}

// Run resolves, opens and runs a ping in one call; see Pinger.Run.
func Run(ctx context.Context, cfg Config, fn func(Event)) (Summary, error) {
	p, err := New(ctx, cfg)
	if err != nil {
		return Summary{}, err
	}
	return p.Run(ctx, fn)
}

// New checks cfg, resolves the host and opens the ICMP socket, so a bad
// option, a name that does not resolve or a missing permission is reported
// before anything is printed.
func New(ctx context.Context, cfg Config) (*Pinger, error) {
	cfg, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	addr, err := Resolve(ctx, cfg.Host, cfg.Family)
	if err != nil {
		return nil, err
	}
	if cfg.Source != "" {
		if src := netip.MustParseAddr(cfg.Source).Unmap(); src.Is4() != addr.Is4() {
			return nil, fmt.Errorf("%w: source %s and target %s are of different IP versions", ErrInvalidConfig, src, addr)
		}
	}
	var rnd [tokenLen + 2]byte
	rand.Read(rnd[:])
	var tok token
	copy(tok[:], rnd[:tokenLen])
	tr, err := openTransport(addr, cfg, binary.BigEndian.Uint16(rnd[tokenLen:]))
	if err != nil {
		return nil, err
	}
	_, notLiteral := netip.ParseAddr(cfg.Host)
	return &Pinger{cfg: cfg, addr: addr, tr: tr, m: newMatcher(addr, tr.raw(), tr.echoID(), tok, cfg.Size),
		named: notLiteral != nil && !cfg.Numeric}, nil
}

// Mode is the kind of socket that was opened.
func (p *Pinger) Mode() Mode { return p.tr.mode() }

// Header is iputils' first line: "PING host (addr) 56(84) bytes of data."
// for IPv4, "PING host(addr) 56 data bytes" for IPv6.
func (p *Pinger) Header() string {
	if p.addr.Is4() {
		return fmt.Sprintf("PING %s (%s) %d(%d) bytes of data.", p.cfg.Host, p.addr, p.cfg.Size, p.cfg.Size+8+20)
	}
	return fmt.Sprintf("PING %s(%s) %d data bytes", p.cfg.Host, p.addr, p.cfg.Size)
}

// Close releases the socket of a Pinger that will not Run (Run closes it itself).
func (p *Pinger) Close() error {
	var err error
	p.once.Do(func() { err = p.tr.close() })
	return err
}

// probe is the pinger's record of one echo request.
type probe struct {
	num      int
	sent     time.Time // monotonic; what RTTs are measured from
	stamp    int64     // sent as Unix ns, as written into a payload of 8+ bytes
	deadline time.Time
	state    probeState
}

type probeState uint8

const (
	waiting probeState = iota
	answered
	lost
	failed // an ICMP error or a send error
)

// run is the state of one Run, owned by its goroutine.
type run struct {
	p        *Pinger
	ctx      context.Context
	fn       func(Event)
	probes   map[uint16]*probe // by wire sequence; a wrapped number overwrites its old probe
	pending  []*probe          // in send order, so deadlines are in order too
	sum      Summary
	rtts     rttStats
	first    time.Time
	payload  []byte
	received chan packet
	names    map[netip.Addr]string // who answered, by name; see nameOf
}

// Run sends Count probes (or until ctx ends) every Interval and calls fn,
// on Run's goroutine, for each reply, duplicate, late reply, timeout and
// error. It returns when the last probe is answered or timed out, or when
// ctx ends; ending ctx is the normal way to stop an endless ping and is not
// an error. The reader goroutine it starts has exited when Run returns, and
// the socket is closed.
func (p *Pinger) Run(ctx context.Context, fn func(Event)) (Summary, error) {
	if !p.started.CompareAndSwap(false, true) {
		return Summary{}, errors.New("ping: Run called twice on one Pinger")
	}
	r := &run{p: p, ctx: ctx, fn: fn, probes: map[uint16]*probe{}, payload: make([]byte, p.cfg.Size),
		received: make(chan packet, 64), names: map[netip.Addr]string{}}
	r.sum = Summary{Host: p.cfg.Host, Addr: p.addr, Size: p.cfg.Size, Mode: p.tr.mode()}
	fillPayload(r.payload, p.m.tok) // the same for every probe but for the stamp the transport writes
	readErr := make(chan error, 1)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // exits when the socket is closed below
		defer wg.Done()
		for {
			pk, err := p.tr.recv()
			if err != nil {
				select {
				case readErr <- err:
				case <-done:
				}
				return
			}
			select {
			case r.received <- pk:
			case <-done:
				return
			}
		}
	}()
	defer func() {
		close(done)
		p.Close()
		wg.Wait()
	}()
	err := r.loop(ctx, readErr)
	return r.summary(), err
}

func (r *run) loop(ctx context.Context, readErr <-chan error) error {
	cfg := r.p.cfg
	timer := time.NewTimer(0)
	defer timer.Stop()
	next := time.Now()
	for {
		now := time.Now()
		more := cfg.Count == 0 || r.sum.Transmitted < cfg.Count
		if more && !now.Before(next) {
			r.send()
			more = cfg.Count == 0 || r.sum.Transmitted < cfg.Count
			if next = next.Add(cfg.Interval); next.Before(now) {
				next = now.Add(cfg.Interval) // fell behind (a slow callback): no burst to catch up
			}
			now = time.Now()
		}
		r.expire(now)
		if !more && len(r.pending) == 0 {
			return nil
		}
		var wake time.Time
		if more {
			wake = next
		}
		if len(r.pending) > 0 && (wake.IsZero() || r.pending[0].deadline.Before(wake)) {
			wake = r.pending[0].deadline
		}
		timer.Reset(wake.Sub(now))
		select {
		case <-ctx.Done():
			return nil
		case pk := <-r.received:
			r.handle(pk)
		case err := <-readErr:
			return fmt.Errorf("ping %s: %w", r.p.addr, err)
		case <-timer.C:
		}
	}
}

// send emits the next probe and records it; a failed send counts as
// transmitted and as an error, as iputils counts it.
func (r *run) send() {
	r.sum.Transmitted++
	num := r.sum.Transmitted
	now, err := r.p.tr.send(uint16(num), r.payload) // the payload was filled once in Run
	if now.IsZero() {
		now = time.Now()
	}
	if num == 1 {
		r.first = now
	}
	r.sum.Time = now.Sub(r.first)
	pr := &probe{num: num, sent: now, stamp: now.UnixNano(), deadline: now.Add(r.p.cfg.Timeout)}
	r.probes[uint16(num)] = pr
	if err != nil {
		pr.state = failed
		r.sum.Errors++
		r.emit(Event{Kind: KindError, Seq: num, TTL: -1, At: now, Text: err.Error()})
		return
	}
	r.pending = append(r.pending, pr)
}

// expire gives up the probes whose deadline has passed.
func (r *run) expire(now time.Time) {
	for len(r.pending) > 0 {
		pr := r.pending[0]
		if pr.state == waiting {
			if now.Before(pr.deadline) {
				break
			}
			pr.state = lost
			r.emit(Event{Kind: KindTimeout, Seq: pr.num, TTL: -1, At: now})
		}
		r.pending[0] = nil
		r.pending = r.pending[1:]
	}
}

// handle matches one received packet to its probe and reports it.
func (r *run) handle(pk packet) {
	var rp reply
	if pk.pre != nil {
		rp = *pk.pre
	} else {
		rp = r.p.m.parse(pk.b)
	}
	if rp.kind == notOurs {
		return
	}
	pr := r.probes[rp.seq]
	if pr == nil || rp.hasStamp && rp.stamp != pr.stamp {
		return // not a probe of ours, or one from before the sequence wrapped
	}
	ev := Event{Seq: pr.num, Bytes: rp.bytes, From: pk.from, TTL: pk.ttl, At: pk.at}
	if rp.kind == icmpError {
		if pr.state == waiting {
			pr.state = failed
		}
		r.sum.Errors++
		ev.Kind, ev.Text, ev.Bytes = KindError, rp.text, 0
		r.emit(ev)
		return
	}
	ev.RTT = max(pk.at.Sub(pr.sent), 0)
	switch pr.state {
	case waiting, failed:
		pr.state = answered
		r.sum.Received++
		r.rtts.add(ev.RTT)
		ev.Kind = KindReply
	case answered:
		r.sum.Duplicates++
		r.rtts.add(ev.RTT)
		ev.Kind = KindDuplicate
	case lost:
		ev.Kind = KindLate
	}
	r.emit(ev)
}

func (r *run) summary() Summary {
	s := r.sum
	r.rtts.fill(&s)
	return s
}

func (r *run) emit(e Event) {
	if r.fn == nil {
		return
	}
	if r.p.named && e.From.IsValid() {
		e.FromName = r.nameOf(r.ctx, e.From)
	}
	e.Stats = r.summary()
	r.fn(e)
}
