package socktable

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"unsafe"

	"golang.org/x/sys/windows"
)

// Windows lists sockets through the IP helper's owner-PID tables. It has
// no Unix-domain rows, no queues, uids or inodes; the PID comes with every
// row, and names from one process snapshot per listing.

var (
	iphlpapi                = windows.NewLazySystemDLL("iphlpapi.dll")
	procGetExtendedTcpTable = iphlpapi.NewProc("GetExtendedTcpTable")
	procGetExtendedUdpTable = iphlpapi.NewProc("GetExtendedUdpTable")
)

const (
	tcpTableOwnerPIDAll = 5 // TCP_TABLE_OWNER_PID_ALL
	udpTableOwnerPID    = 1 // UDP_TABLE_OWNER_PID
)

// winStates maps MIB_TCP_STATE (1 CLOSED .. 12 DELETE_TCB) to ours.
var winStates = [...]State{1: Close, 2: Listen, 3: SynSent, 4: SynRecv, 5: Established, 6: FinWait1,
	7: FinWait2, 8: CloseWait, 9: Closing, 10: LastAck, 11: TimeWait, 12: Close}

func listKernel(ctx context.Context, opt *Options) ([]Socket, error) {
	f := &opt.Filter
	var socks []Socket
	var pids []uint32
	for _, d := range []struct {
		proto  Proto
		family Family
		af     uint32
	}{{TCP, IPv4, windows.AF_INET}, {TCP, IPv6, windows.AF_INET6}, {UDP, IPv4, windows.AF_INET}, {UDP, IPv6, windows.AF_INET6}} {
		if !f.Protos.Has(d.proto) || !f.Families.Has(d.family) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("list sockets: %w", err)
		}
		tbl, err := ownerTable(d.proto, d.af)
		if err != nil {
			return nil, fmt.Errorf("list %s %s sockets: %w", d.family, d.proto, err)
		}
		socks, pids = parseOwnerTable(tbl, d.proto, d.family, f, socks, pids)
	}
	if opt.wantOwners() {
		names := processNames()
		for i := range socks {
			// PID 0 is no process: Windows gives it to sockets nobody owns
			// any more (TIME_WAIT), which netstat shows as "System Idle
			// Process"; such a socket has no owner to name.
			if pids[i] != 0 {
				socks[i].Owners = []Owner{{PID: int(pids[i]), FD: -1, Name: names[pids[i]]}}
			}
		}
	}
	return socks, nil
}

// ownerTable calls GetExtended{Tcp,Udp}Table until the buffer is big enough.
func ownerTable(proto Proto, af uint32) ([]byte, error) {
	proc, class := procGetExtendedTcpTable, uintptr(tcpTableOwnerPIDAll)
	if proto == UDP {
		proc, class = procGetExtendedUdpTable, udpTableOwnerPID
	}
	if err := proc.Find(); err != nil {
		return nil, err
	}
	size := uint32(16 << 10)
	for try := 0; try < 8; try++ {
		buf := make([]byte, size)
		r, _, _ := proc.Call(uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&size)), 0, uintptr(af), class, 0)
		switch windows.Errno(r) {
		case 0:
			return buf[:size], nil
		case windows.ERROR_INSUFFICIENT_BUFFER:
			size += size / 4 // the table may grow between the calls
			continue
		default:
			return nil, windows.Errno(r)
		}
	}
	return nil, errors.New("the socket table kept growing")
}

// parseOwnerTable reads a MIB_{TCP,TCP6,UDP,UDP6}TABLE_OWNER_PID.
func parseOwnerTable(b []byte, proto Proto, family Family, f *Filter, socks []Socket, pids []uint32) ([]Socket, []uint32) {
	if len(b) < 4 {
		return socks, pids
	}
	n := int(binary.LittleEndian.Uint32(b))
	rowLen := map[Proto]map[Family]int{TCP: {IPv4: 24, IPv6: 56}, UDP: {IPv4: 12, IPv6: 28}}[proto][family]
	le := binary.LittleEndian
	port := func(v []byte) uint16 { return binary.BigEndian.Uint16(v) }
	for i := 0; i < n; i++ {
		off := 4 + i*rowLen
		if off+rowLen > len(b) {
			break
		}
		r := b[off : off+rowLen]
		s := Socket{Proto: proto, Family: family, UID: NoUID, State: Close}
		var pid uint32
		switch {
		case proto == TCP && family == IPv4:
			s.State = winState(le.Uint32(r))
			s.Local = netip.AddrPortFrom(netip.AddrFrom4([4]byte(r[4:8])), port(r[8:]))
			s.Peer = netip.AddrPortFrom(netip.AddrFrom4([4]byte(r[12:16])), port(r[16:]))
			pid = le.Uint32(r[20:])
		case proto == TCP:
			s.Local = netip.AddrPortFrom(netip.AddrFrom16([16]byte(r[0:16])), port(r[20:]))
			s.Peer = netip.AddrPortFrom(netip.AddrFrom16([16]byte(r[24:40])), port(r[44:]))
			s.State = winState(le.Uint32(r[48:]))
			pid = le.Uint32(r[52:])
		case family == IPv4:
			s.Local = netip.AddrPortFrom(netip.AddrFrom4([4]byte(r[0:4])), port(r[4:]))
			s.Peer = netip.AddrPortFrom(netip.IPv4Unspecified(), 0)
			pid = le.Uint32(r[8:])
		default:
			s.Local = netip.AddrPortFrom(netip.AddrFrom16([16]byte(r[0:16])), port(r[20:]))
			s.Peer = netip.AddrPortFrom(netip.IPv6Unspecified(), 0)
			pid = le.Uint32(r[24:])
		}
		if s.State == Listen {
			if family == IPv4 {
				s.Peer = netip.AddrPortFrom(netip.IPv4Unspecified(), 0)
			} else {
				s.Peer = netip.AddrPortFrom(netip.IPv6Unspecified(), 0)
			}
		}
		if f.matchKind(s.Proto, s.Family, s.State) {
			socks = append(socks, s)
			pids = append(pids, pid)
		}
	}
	return socks, pids
}

func winState(v uint32) State {
	if int(v) < len(winStates) && winStates[v] != 0 {
		return winStates[v]
	}
	return Close
}

// processNames maps every PID to its executable name, from one snapshot.
func processNames() map[uint32]string {
	names := map[uint32]string{4: "System"}
	snap, err := windows.CreateToolhelp32Snapshot(windows.TH32CS_SNAPPROCESS, 0)
	if err != nil {
		return names
	}
	defer windows.CloseHandle(snap)
	var e windows.ProcessEntry32
	e.Size = uint32(unsafe.Sizeof(e))
	for err = windows.Process32First(snap, &e); err == nil; err = windows.Process32Next(snap, &e) {
		names[e.ProcessID] = windows.UTF16ToString(e.ExeFile[:])
	}
	return names
}

// attachOwners has nothing left to do: listKernel filled the owners.
func attachOwners(context.Context, []Socket, bool) error { return nil }

// LookupTCP finds the connection in the owner table; Windows gives no
// tcp_info through it, so HasInfo stays false.
func LookupTCP(ctx context.Context, local, peer netip.AddrPort) (TCPConn, error) {
	socks, err := List(ctx, Options{Filter: Filter{Protos: ProtoTCP, Addr: AddrMatch{Port: local.Port()}}})
	if err != nil {
		return TCPConn{}, fmt.Errorf("look up tcp %s -> %s: %w", local, peer, err)
	}
	for i := range socks {
		if sameEnds(&socks[i], local, peer) {
			return TCPConn{Socket: socks[i]}, nil
		}
	}
	return TCPConn{}, fmt.Errorf("look up tcp %s -> %s: %w", local, peer, ErrNotFound)
}

// DestroyTCP is not offered on Windows yet (SetTcpEntry covers IPv4 only).
func DestroyTCP(_ context.Context, local, peer netip.AddrPort) error {
	return fmt.Errorf("close tcp %s -> %s: %w", local, peer, unsupportedError{"closing sockets from outside is not supported on this system yet"})
}
