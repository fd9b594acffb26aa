package experiment

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// capture records the packets of the lo interface whose ports the run
// uses, live, through an AF_PACKET socket, into a pcapng file: what the
// kernel really sent, not a reconstruction. It needs CAP_NET_RAW.
type capture struct {
	ports *portSet
	fd    int
	f     *os.File
	w     *pcapgo.NgWriter
	done  chan struct{}
	err   error
	once  sync.Once
	quit  chan struct{}
}

// captureSnap is the most of each packet kept: loopback packets carry up
// to 64 KiB, all of it kept.
const captureSnap = 65536 + 14

func startCapture(_ context.Context, path string, ports *portSet) (*capture, error) {
	lo, err := loopbackInterface()
	if err != nil {
		return nil, err
	}
	proto := htons(unix.ETH_P_ALL)
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, int(proto))
	if err != nil {
		if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
			return nil, fmt.Errorf("a live capture needs CAP_NET_RAW (run as root, or setcap cap_net_raw=+ep on the binary): %w", err)
		}
		return nil, fmt.Errorf("open a packet socket: %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: proto, Ifindex: lo.Index}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("capture on %s: %w", lo.Name, err)
	}
	// Wake up every 100 ms to see whether the run is over.
	tv := unix.NsecToTimeval(int64(100 * time.Millisecond))
	unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
	unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 4<<20)
	unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1) // the kernel's time of each packet
	f, err := os.Create(path)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	w, err := pcapgo.NewNgWriterInterface(f, pcapgo.NgInterface{Name: lo.Name, LinkType: layers.LinkTypeEthernet,
		SnapLength: captureSnap, Description: "sockplay experiment, the experiment's ports only"}, pcapgo.DefaultNgWriterOptions)
	if err != nil {
		f.Close()
		unix.Close(fd)
		return nil, err
	}
	c := &capture{ports: ports, fd: fd, f: f, w: w, done: make(chan struct{}), quit: make(chan struct{})}
	var ferr error
	ports.follow(func(p []uint16) {
		if err := attachFilter(fd, p); err != nil && ferr == nil {
			ferr = err
		}
	})
	if ferr != nil {
		ports.follow(nil)
		f.Close()
		unix.Close(fd)
		return nil, fmt.Errorf("capture filter: %w", ferr)
	}
	go c.loop(ports)
	return c, nil
}

func (c *capture) loop(ports *portSet) {
	defer close(c.done)
	buf := make([]byte, captureSnap)
	oob := make([]byte, 128)
	for {
		select {
		case <-c.quit:
			return
		default:
		}
		n, oobn, _, from, err := unix.Recvmsg(c.fd, buf, oob, 0)
		if err != nil {
			if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
				continue // the 100 ms wake-up: look at quit again
			}
			c.err = fmt.Errorf("capture: %w", err)
			return
		}
		// lo hands every packet to a packet socket twice, going out and
		// coming in; keep it once, as tcpdump does.
		if ll, ok := from.(*unix.SockaddrLinklayer); ok && ll.Pkttype == unix.PACKET_OUTGOING {
			continue
		}
		src, dst, ok := packetPorts(buf[:n])
		if !ok || !ports.has(src) && !ports.has(dst) {
			continue
		}
		ci := gopacket.CaptureInfo{Timestamp: packetTime(oob[:oobn]), CaptureLength: n, Length: n}
		if err := c.w.WritePacket(ci, buf[:n]); err != nil {
			c.err = fmt.Errorf("capture: write: %w", err)
			return
		}
	}
}

// stop ends the capture after what the socket still holds, and closes
// the file.
func (c *capture) stop() error {
	c.once.Do(func() {
		time.Sleep(50 * time.Millisecond) // the last packets of a close
		close(c.quit)
		<-c.done
		c.ports.follow(nil)
		unix.Close(c.fd)
		if err := c.w.Flush(); err != nil && c.err == nil {
			c.err = err
		}
		if err := c.f.Close(); err != nil && c.err == nil {
			c.err = err
		}
	})
	return c.err
}

func loopbackInterface() (*net.Interface, error) {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	for i := range ifs {
		if ifs[i].Flags&net.FlagLoopback != 0 {
			return &ifs[i], nil
		}
	}
	return nil, errors.New("no loopback interface")
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// attachFilter makes the kernel keep only what the capture writes: IPv4
// TCP and UDP packets to or from one of ports, and ICMP (its quoted ports
// are checked after), coming in (lo's outgoing copy of each packet is
// dropped). Without it a busy loopback (another program's bulk transfer)
// overruns the socket and our few packets are lost among the drops.
func attachFilter(fd int, ports []uint16) error {
	const drop, keep = 0, captureSnap
	prog := []bpf.Instruction{
		bpf.LoadExtension{Num: bpf.ExtType},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: unix.PACKET_OUTGOING, SkipTrue: 0xff}, // patched: to drop
		bpf.LoadAbsolute{Off: 12, Size: 2},
		bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: etherIPv4, SkipTrue: 0xff},
		bpf.LoadAbsolute{Off: 23, Size: 1},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: 1, SkipTrue: 0xfe}, // patched: ICMP to keep
		bpf.LoadAbsolute{Off: 20, Size: 2},
		bpf.JumpIf{Cond: bpf.JumpBitsSet, Val: 0x1fff, SkipTrue: 0xff},
		bpf.LoadMemShift{Off: 14},
	}
	for _, at := range []uint32{14, 16} { // source, then destination port
		prog = append(prog, bpf.LoadIndirect{Off: at, Size: 2})
		for _, p := range ports {
			prog = append(prog, bpf.JumpIf{Cond: bpf.JumpEqual, Val: uint32(p), SkipTrue: 0xfe})
		}
	}
	prog = append(prog, bpf.RetConstant{Val: drop}, bpf.RetConstant{Val: keep})
	dropAt, keepAt := len(prog)-2, len(prog)-1
	for i, ins := range prog {
		if j, ok := ins.(bpf.JumpIf); ok {
			switch j.SkipTrue {
			case 0xff:
				j.SkipTrue = uint8(dropAt - i - 1)
			case 0xfe:
				j.SkipTrue = uint8(keepAt - i - 1)
			}
			prog[i] = j
		}
	}
	if len(prog) > 250 {
		return fmt.Errorf("too many ports to filter (%d)", len(ports))
	}
	raw, err := bpf.Assemble(prog)
	if err != nil {
		return err
	}
	f := make([]unix.SockFilter, len(raw))
	for i, r := range raw {
		f[i] = unix.SockFilter{Code: r.Op, Jt: r.Jt, Jf: r.Jf, K: r.K}
	}
	return unix.SetsockoptSockFprog(fd, unix.SOL_SOCKET, unix.SO_ATTACH_FILTER, &unix.SockFprog{Len: uint16(len(f)), Filter: &f[0]})
}

// packetTime is the kernel's receive time of a packet (SO_TIMESTAMPNS),
// or now when the control message is missing.
func packetTime(oob []byte) time.Time {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err == nil {
		for _, m := range msgs {
			if m.Header.Level == unix.SOL_SOCKET && m.Header.Type == unix.SCM_TIMESTAMPNS && len(m.Data) >= 16 {
				sec := int64(binary.NativeEndian.Uint64(m.Data[0:8]))
				nsec := int64(binary.NativeEndian.Uint64(m.Data[8:16]))
				return time.Unix(sec, nsec)
			}
		}
	}
	return time.Now()
}
