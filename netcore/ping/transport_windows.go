//go:build windows

package ping

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// Windows pings through iphlpapi's IcmpSendEcho2Ex / Icmp6SendEcho2, which
// need no administrator rights (raw sockets would). Each probe is one
// asynchronous request that signals its own event when it completes; a
// watcher (wait_windows.go) waits for those events, 62 to a goroutine, so
// any number of probes can be in flight. Close stops the watcher at once and
// closes the ICMP handle, which cancels what is still pending.
var (
	iphlpapi            = windows.NewLazySystemDLL("iphlpapi.dll")
	procIcmpCreateFile  = iphlpapi.NewProc("IcmpCreateFile")
	procIcmp6CreateFile = iphlpapi.NewProc("Icmp6CreateFile")
	procIcmpCloseHandle = iphlpapi.NewProc("IcmpCloseHandle")
	procIcmpSendEcho2Ex = iphlpapi.NewProc("IcmpSendEcho2Ex") // IcmpSendEcho2 plus a source address
	procIcmp6SendEcho2  = iphlpapi.NewProc("Icmp6SendEcho2")
	procIcmpParse       = iphlpapi.NewProc("IcmpParseReplies")
	procIcmp6Parse      = iphlpapi.NewProc("Icmp6ParseReplies")
)

// ipOptionInformation is IP_OPTION_INFORMATION.
type ipOptionInformation struct {
	TTL, TOS, Flags, OptionsSize uint8
	OptionsData                  uintptr
}

// icmpEchoReply is ICMP_ECHO_REPLY (the native one: 32 or 64-bit).
type icmpEchoReply struct {
	Address       [4]byte
	Status        uint32
	RoundTripTime uint32
	DataSize      uint16
	Reserved      uint16
	Data          uintptr
	Options       ipOptionInformation
}

// icmp6ReplyLen is sizeof(ICMPV6_ECHO_REPLY): a packed 26-byte
// IPV6_ADDRESS_EX, padding, Status, RoundTripTime. The echoed data follows it.
const icmp6ReplyLen = 36

const (
	ipSuccess  = 0
	ipTimedOut = 11010
	// maxWaitMs bounds the DWORD milliseconds a request waits for its reply:
	// WaitForever (and any timeout past 24 days) waits this long, where a
	// plain conversion would wrap around to an arbitrary value.
	maxWaitMs = 1<<31 - 1
)

var winStatusText = map[uint32]string{
	11002: "Destination Net Unreachable", 11003: "Destination Host Unreachable",
	11004: "Destination Protocol Unreachable", 11005: "Destination Port Unreachable",
	11009: "Packet too big", 11013: "Time to live exceeded", 11014: "Frag reassembly time exceeded",
	11015: "Parameter problem", 11040: "Destination unreachable", 11041: "Time exceeded",
}

type winTransport struct {
	h       windows.Handle
	v6      bool
	dst     netip.Addr
	src     netip.Addr
	ttl     int
	timeout time.Duration
	id      uint16
	out     chan packet
	closed  chan struct{}
	once    sync.Once
	mu      sync.Mutex // guards h against close while a request starts
	w       *watcher
}

func openTransport(dst netip.Addr, cfg Config, id uint16) (transport, error) {
	if cfg.Mode != ModeAuto && cfg.Mode != ModeICMPAPI {
		return nil, fmt.Errorf("%w: %v sockets on Windows; use auto (IcmpSendEcho2)", ErrUnsupported, cfg.Mode)
	}
	create := procIcmpCreateFile
	if dst.Is6() {
		create = procIcmp6CreateFile
	}
	if err := create.Find(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	h, _, e := create.Call()
	if windows.Handle(h) == windows.InvalidHandle {
		return nil, fmt.Errorf("icmp create file: %w", e)
	}
	t := &winTransport{h: windows.Handle(h), v6: dst.Is6(), dst: dst, ttl: cfg.TTL, timeout: cfg.Timeout, id: id,
		out: make(chan packet, 64), closed: make(chan struct{})}
	w, err := newWatcher(t.completed)
	if err != nil {
		procIcmpCloseHandle.Call(h)
		return nil, fmt.Errorf("icmp create file: %w", err)
	}
	t.w = w
	if cfg.Source != "" {
		t.src = netip.MustParseAddr(cfg.Source).Unmap()
	}
	return t, nil
}

func (t *winTransport) mode() Mode     { return ModeICMPAPI }
func (t *winTransport) raw() bool      { return false }
func (t *winTransport) echoID() uint16 { return t.id }

// close returns at once, whatever is in flight: the watcher's goroutines
// stop on its stop event, and the requests still pending go to the reaper,
// which keeps their buffers until the system has let go of them.
func (t *winTransport) close() error {
	t.once.Do(func() {
		close(t.closed)
		left := t.w.shutdown()
		t.mu.Lock()
		windows.CancelIoEx(t.h, nil)
		procIcmpCloseHandle.Call(uintptr(t.h)) // cancels the requests still pending
		t.h = windows.InvalidHandle
		t.mu.Unlock()
		release(left)
	})
	return nil
}

func (t *winTransport) recv() (packet, error) {
	select {
	case pk := <-t.out:
		return pk, nil
	case <-t.closed:
		return packet{}, errors.New("use of closed icmp handle")
	}
}

// waitMs is the timeout in the milliseconds a request takes.
func waitMs(d time.Duration) uintptr {
	return uintptr(min(d/time.Millisecond, maxWaitMs))
}

func (t *winTransport) send(seq uint16, payload []byte) (time.Time, error) {
	ev, err := windows.CreateEvent(nil, 1, 0, nil)
	if err != nil {
		return time.Time{}, fmt.Errorf("icmp send: %w", err)
	}
	r := &request{ev: ev, seq: seq, data: append([]byte(nil), payload...)}
	r.req = r.data
	if len(r.req) == 0 {
		r.req = []byte{0} // a valid pointer; the size passed is still 0
	}
	r.buf = make([]byte, 256+len(r.data)+icmp6ReplyLen)
	if t.ttl > 0 {
		r.opts = &ipOptionInformation{TTL: uint8(t.ttl)}
	}
	ms := waitMs(t.timeout)
	t.mu.Lock()
	if t.h == windows.InvalidHandle {
		t.mu.Unlock()
		windows.CloseHandle(ev)
		return time.Time{}, errors.New("icmp send: handle closed")
	}
	var ret uintptr
	var e error
	now := time.Now()
	stampPayload(r.data, now)
	if t.v6 {
		src := windows.RawSockaddrInet6{Family: windows.AF_INET6}
		if t.src.IsValid() {
			src.Addr = t.src.As16()
		}
		dst := windows.RawSockaddrInet6{Family: windows.AF_INET6, Addr: t.dst.As16()}
		ret, _, e = procIcmp6SendEcho2.Call(uintptr(t.h), uintptr(ev), 0, 0,
			uintptr(unsafe.Pointer(&src)), uintptr(unsafe.Pointer(&dst)),
			uintptr(unsafe.Pointer(&r.req[0])), uintptr(len(r.data)), uintptr(unsafe.Pointer(r.opts)),
			uintptr(unsafe.Pointer(&r.buf[0])), uintptr(len(r.buf)), ms)
	} else {
		var src uint32
		if t.src.IsValid() {
			a := t.src.As4()
			src = binary.LittleEndian.Uint32(a[:]) // IPAddr is the address in network order in memory
		}
		a := t.dst.As4()
		ret, _, e = procIcmpSendEcho2Ex.Call(uintptr(t.h), uintptr(ev), 0, 0, uintptr(src),
			uintptr(binary.LittleEndian.Uint32(a[:])),
			uintptr(unsafe.Pointer(&r.req[0])), uintptr(len(r.data)), uintptr(unsafe.Pointer(r.opts)),
			uintptr(unsafe.Pointer(&r.buf[0])), uintptr(len(r.buf)), ms)
	}
	t.mu.Unlock()
	if ret == 0 && !errors.Is(e, windows.ERROR_IO_PENDING) {
		windows.CloseHandle(ev)
		return now, fmt.Errorf("icmp send: %w", e)
	}
	if ret != 0 {
		// Answered before the call returned: the reply is in buf already.
		// The watcher hands it over like any other, so send never blocks on recv.
		windows.SetEvent(ev)
	}
	if err := t.w.add(r); err != nil {
		release([]*request{r}) // nothing can wait for it here: the reaper keeps it until it is signaled
		return now, fmt.Errorf("icmp send: %w", err)
	}
	return now, nil
}

// completed hands a finished request's result to recv. It runs on a
// watcher goroutine (or in send, for a request answered at once).
func (t *winTransport) completed(r *request, at time.Time) {
	defer windows.CloseHandle(r.ev)
	pk, ok := t.result(r.seq, r.data, r.buf, at)
	if !ok {
		return
	}
	select {
	case t.out <- pk:
	case <-t.closed:
	}
}

// result reads a completed request's reply buffer.
func (t *winTransport) result(seq uint16, data, buf []byte, at time.Time) (packet, bool) {
	parse := procIcmpParse
	if t.v6 {
		parse = procIcmp6Parse
	}
	n, _, e := parse.Call(uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
	var status uint32
	var from netip.Addr
	ttl := -1
	var echoed []byte
	if t.v6 {
		status = binary.LittleEndian.Uint32(buf[28:32])
		from = netip.AddrFrom16([16]byte(buf[6:22]))
		echoed = buf[icmp6ReplyLen:]
	} else {
		rep := (*icmpEchoReply)(unsafe.Pointer(&buf[0]))
		status = rep.Status
		from = netip.AddrFrom4(rep.Address)
		ttl = int(rep.Options.TTL)
		off := int(rep.Data - uintptr(unsafe.Pointer(&buf[0])))
		if off >= 0 && off <= len(buf) {
			echoed = buf[off:]
		}
	}
	if n == 0 {
		if en, ok := e.(windows.Errno); ok && uint32(en) != ipSuccess {
			status = uint32(en)
		}
	}
	switch {
	case status == ipTimedOut:
		return packet{}, false
	case status != ipSuccess:
		text, ok := winStatusText[status]
		if !ok {
			text = fmt.Sprintf("ICMP status %d", status)
		}
		return packet{from: from, ttl: ttl, at: at, pre: &reply{kind: icmpError, seq: seq, text: text}}, true
	case len(echoed) < len(data):
		return packet{}, false
	}
	// Rebuild the echo reply so the shared matcher checks token and stamp.
	typ := byte(0)
	if t.v6 {
		typ = 129
	}
	b := make([]byte, 8+len(data))
	b[0] = typ
	binary.BigEndian.PutUint16(b[4:], t.id)
	binary.BigEndian.PutUint16(b[6:], seq)
	copy(b[8:], echoed[:len(data)])
	return packet{b: b, from: from, ttl: ttl, at: at}, true
}
