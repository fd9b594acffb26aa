package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/sockplay/sockplay/netcore/socktable"
)

func init() {
	Register(Command{Name: "sockets", Args: "[-t] [-u] [-x] [-l] [-a] [-p] [-4|-6] [--state STATE] [--json]",
		Summary: "list the machine's sockets, as ss does", Run: runSockets})
}

// socketsBoolFlags are the one-letter flags that may be combined, as
// people type them from ss habit: -tlnp, -tuxan.
const socketsBoolFlags = "tuxlapn46"

func runSockets(ctx context.Context, s Stdio, args []string) int {
	fs := flag.NewFlagSet("sockplay sockets", flag.ContinueOnError)
	fs.SetOutput(s.Err)
	tcp := fs.Bool("t", false, "TCP sockets")
	udp := fs.Bool("u", false, "UDP sockets")
	unixs := fs.Bool("x", false, "Unix sockets (stream, datagram, seqpacket)")
	listening := fs.Bool("l", false, "listening sockets only (and unconnected datagram sockets); not with -a or --state")
	all := fs.Bool("a", false, "sockets in every state; not with -l or --state")
	procs := fs.Bool("p", false, "show the processes that hold each socket")
	fs.Bool("n", false, "numeric (always so; accepted for ss habit)")
	v4 := fs.Bool("4", false, "IPv4 TCP and UDP sockets only; Unix sockets only if -x asks for them, and then all of them")
	v6 := fs.Bool("6", false, "IPv6 TCP and UDP sockets only; Unix sockets only if -x asks for them, and then all of them")
	state := fs.String("state", "", "states or groups, comma-separated: established, time-wait, listening, ..., all, connected, synchronized, bucket, big; not with -l or -a")
	addr := fs.String("addr", "", "only sockets with this local or peer address: :9000, 127.0.0.1, [::1]:22, /path")
	procName := fs.String("process", "", "only sockets held by a process whose name contains this")
	text := fs.String("grep", "", "only rows containing this text")
	asJSON := fs.Bool("json", false, "one JSON object per socket")
	fs.Usage = func() {
		fmt.Fprintln(s.Err, "usage: sockplay sockets [-t] [-u] [-x] [-l] [-a] [-p] [-4|-6] [--state STATE] [--json]")
		fmt.Fprintln(s.Err, "List sockets as ss does. Without -t, -u or -x every kind is listed; without -l or -a")
		fmt.Fprintln(s.Err, "only live connections (not listeners, closed sockets, TIME-WAIT or SYN-RECV).")
		fmt.Fprintln(s.Err, "One-letter flags combine: -tlnp, -tuxanp. -4 and -6 choose the IP version of TCP and UDP")
		fmt.Fprintln(s.Err, "sockets: -tx4 lists IPv4 TCP sockets and every Unix socket, as ss does; -x4 is refused.")
		fs.PrintDefaults()
	}
	usageErr := func(format string, a ...any) int { return usageErrorf(s, "sockets", format, a...) }
	if bad, group, ok := unknownShortFlag(fs, args); ok {
		return usageErr("unknown flag -%c in %s (the letters that combine are -%s); see 'sockplay sockets -h'", bad, group, socketsBoolFlags)
	}
	if code, done := ParseFlags(fs, s, "sockets", expandShortFlags(args)); done {
		return code
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q (filters are flags: --addr, --state, --process, --grep)", fs.Arg(0))
	}
	if *v4 && *v6 {
		return usageErr("-4 and -6 exclude each other")
	}
	if n := countTrue(*listening, *all, *state != ""); n > 1 {
		return usageErr("-l, -a and --state each choose the states to list; give one")
	}
	var f socktable.Filter
	if *tcp {
		f.Protos |= socktable.ProtoTCP
	}
	if *udp {
		f.Protos |= socktable.ProtoUDP
	}
	if *unixs {
		f.Protos |= socktable.ProtoUnix
	}
	if *v4 || *v6 {
		fam, name := socktable.IPv4, "-4"
		if *v6 {
			fam, name = socktable.IPv6, "-6"
		}
		switch {
		case f.Protos == socktable.ProtoUnix:
			return usageErr("%s chooses an IP version, which Unix sockets (-x) do not have; leave it out, or add -t or -u", name)
		case f.Protos&socktable.ProtoUnix != 0:
			// -tx4: IPv4 TCP sockets and every Unix socket, as ss lists them.
			f.Families = socktable.FamilySetOf(fam, socktable.Unix)
		default:
			f.Families = socktable.FamilySetOf(fam)
		}
	}
	switch {
	case *state != "":
		st, err := socktable.ParseStates(*state)
		if err != nil {
			return usageErr("--state: %v", err)
		}
		f.States = st
	case *all:
		f.States = socktable.AllStates
	case *listening:
		f.States = socktable.ListeningStates
	default:
		f.States = socktable.DefaultStates
	}
	var err error
	if f.Addr, err = socktable.ParseAddrMatch(*addr); err != nil {
		return usageErr("--addr: %v", err)
	}
	if msg := addrKindMismatch(f); msg != "" {
		return usageErr("--addr %s %s", *addr, msg)
	}
	f.Process, f.Text = *procName, *text
	// One listing is short-lived and allocates a few megabytes at 20k
	// sockets; collecting garbage less often saves a third of its time.
	defer debug.SetGCPercent(debug.SetGCPercent(800))
	socks, err := socktable.List(ctx, socktable.Options{Filter: f, Processes: *procs, Cmdline: *procs && *asJSON})
	if err != nil {
		fmt.Fprintf(s.Err, "sockplay sockets: %v\n", err)
		return ExitFail
	}
	w := bufio.NewWriterSize(s.Out, 64<<10)
	if *asJSON {
		err = writeSocketsJSON(w, socks)
	} else {
		layout := tableLayout{netid: showNetid(f.Protos), state: showState(f, *state == "" && !*all && !*listening), process: *procs}
		err = writeSocketTable(w, socks, layout)
	}
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		fmt.Fprintf(s.Err, "sockplay sockets: %v\n", err)
		return ExitFail
	}
	return ExitOK
}

// unknownShortFlag finds a group of one-letter flags, such as -tlz, that
// holds a letter sockets does not know, so the error can name the letter
// rather than "--tlz". A group is one that starts with a letter that
// combines and is no flag's name.
func unknownShortFlag(fs *flag.FlagSet, args []string) (bad rune, group string, ok bool) {
	for _, a := range args {
		if a == "--" {
			break
		}
		if len(a) < 3 || a[0] != '-' || a[1] == '-' || strings.Contains(a, "=") ||
			!strings.ContainsRune(socketsBoolFlags, rune(a[1])) || fs.Lookup(a[1:]) != nil {
			continue
		}
		for _, c := range a[1:] {
			if !strings.ContainsRune(socketsBoolFlags, c) {
				return c, a, true
			}
		}
	}
	return 0, "", false
}

// addrKindMismatch says why --addr can match no row of the kinds asked
// for ("" when it can): a path matches Unix sockets only, an address or
// port TCP and UDP sockets only.
func addrKindMismatch(f socktable.Filter) string {
	unixListed := (f.Protos == 0 || f.Protos&socktable.ProtoUnix != 0) && f.Families.Has(socktable.Unix)
	inetListed := f.Protos == 0 || f.Protos&(socktable.ProtoTCP|socktable.ProtoUDP) != 0
	switch {
	case f.Addr.Path != "" && !unixListed:
		if f.Protos&socktable.ProtoUnix == 0 && f.Protos != 0 {
			return "is a Unix socket's name, and -t and -u list none; add -x"
		}
		return "is a Unix socket's name, and -4 and -6 leave Unix sockets out; add -x"
	case (f.Addr.Prefix.IsValid() || f.Addr.Port != 0) && !inetListed:
		return "is an IP address or port, which Unix sockets (-x) do not have; add -t or -u"
	}
	return ""
}

func countTrue(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// expandShortFlags turns "-tlnp" into "-t -l -n -p" when every letter is
// one of the combinable flags; anything else is left for package flag.
func expandShortFlags(args []string) []string {
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if len(a) > 2 && a[0] == '-' && a[1] != '-' && strings.Trim(a[1:], socketsBoolFlags) == "" {
			for _, c := range a[1:] {
				out = append(out, "-"+string(c))
			}
			continue
		}
		out = append(out, a)
	}
	return out
}

// showNetid says whether the Netid column is printed: ss prints it unless
// one table (TCP alone, UDP alone) is listed.
func showNetid(p socktable.ProtoSet) bool {
	return p != socktable.ProtoTCP && p != socktable.ProtoUDP
}

// showState says whether the State column is printed: ss drops it when
// the state filter holds a single state, which by default it does for UDP
// alone (ss lists only connected UDP sockets then).
func showState(f socktable.Filter, defaulted bool) bool {
	if defaulted && f.Protos == socktable.ProtoUDP {
		return false
	}
	st := f.States
	if st == 0 {
		st = socktable.AllStates
	}
	return st&(st-1) != 0
}

type tableLayout struct{ netid, state, process bool }

// tableCols is the number of padded columns: netid state recvq sendq
// lhost lport phost pport (the process column follows, unpadded).
const tableCols = 8

// tableRow is one row's cells, formatted into a buffer the next row
// reuses: ends[c] is where cell c ends (cell 0 starts at 0).
type tableRow struct {
	b    []byte
	ends [tableCols + 1]int
	sep  byte // ':' between an IP address and its port, ' ' for a Unix end
}

func (r *tableRow) cell(c int) []byte {
	if c == 0 {
		return r.b[:r.ends[0]]
	}
	return r.b[r.ends[c-1]:r.ends[c]]
}

// format fills r with s's cells.
func (r *tableRow) format(s *socktable.Socket, process bool) {
	b := r.b[:0]
	end := func(c int) { r.ends[c] = len(b) }
	b = append(b, s.Proto.String()...)
	end(0)
	b = append(b, s.State.String()...)
	end(1)
	b = strconv.AppendUint(b, uint64(s.RecvQ), 10)
	end(2)
	b = strconv.AppendUint(b, uint64(s.SendQ), 10)
	end(3)
	if s.Family == socktable.Unix {
		r.sep = ' '
		b = appendUnixPath(b, s.Path)
		end(4)
		b = strconv.AppendUint(b, uint64(s.Inode), 10)
		end(5)
		b = appendUnixPath(b, "")
		end(6)
		b = strconv.AppendUint(b, uint64(s.PeerInode), 10)
		end(7)
	} else {
		r.sep = ':'
		b = socktable.AppendHost(b, s.Local.Addr(), s.DualStack)
		end(4)
		b = appendPort(b, s.Local.Port())
		end(5)
		b = socktable.AppendHost(b, s.Peer.Addr(), s.DualStack)
		end(6)
		b = appendPort(b, s.Peer.Port())
		end(7)
	}
	if process && len(s.Owners) > 0 {
		b = appendUsers(b, s.Owners)
	}
	end(tableCols)
	r.b = b
}

// writeSocketTable prints the rows in ss's columns, each column as wide as
// its widest cell; an address is right-aligned against its port, which is
// left-aligned, so the separators line up as in ss. Each row is formatted
// twice, once to measure the columns and once to print, into one small
// buffer: keeping every row's cells for the second pass took 2.8 MB at
// 20,000 sockets, and the new pages cost `sockets -tan` more than the
// formatting does.
func writeSocketTable(w io.Writer, socks []socktable.Socket, l tableLayout) error {
	var width [tableCols]int
	var r tableRow
	r.b = make([]byte, 0, 256)
	header := [tableCols + 1]string{"Netid", "State", "Recv-Q", "Send-Q", "Local Address", "Port", "Peer Address", "Port", "Process"}
	for c := range width {
		width[c] = len(header[c])
	}
	for i := range socks {
		r.format(&socks[i], false) // the process column is not padded
		for c := range width {
			width[c] = max(width[c], len(r.cell(c)))
		}
	}
	line := make([]byte, 0, 256)
	pad := func(n int) {
		for ; n > 0; n-- {
			line = append(line, ' ')
		}
	}
	emit := func(col func(int) []byte, sep byte) error {
		line = line[:0]
		if l.netid {
			line = append(line, col(0)...)
			pad(width[0] - len(col(0)) + 1)
		}
		if l.state {
			line = append(line, col(1)...)
			pad(width[1] - len(col(1)) + 1)
		}
		for c := 2; c <= 3; c++ {
			line = append(line, col(c)...)
			pad(width[c] - len(col(c)) + 1)
		}
		for c := 4; c <= 6; c += 2 { // host right-aligned, sep, port left-aligned
			pad(width[c] - len(col(c)))
			line = append(line, col(c)...)
			line = append(line, sep)
			line = append(line, col(c+1)...)
			pad(width[c+1] - len(col(c+1)) + 1)
		}
		if l.process {
			line = append(line, col(tableCols)...)
		}
		for len(line) > 0 && line[len(line)-1] == ' ' {
			line = line[:len(line)-1]
		}
		line = append(line, '\n')
		_, err := w.Write(line)
		return err
	}
	if err := emit(func(c int) []byte { return []byte(header[c]) }, ':'); err != nil {
		return err
	}
	for i := range socks {
		r.format(&socks[i], l.process)
		if err := emit(r.cell, r.sep); err != nil {
			return err
		}
	}
	return nil
}

// appendPort writes a port, or '*' for none (a listener's peer).
func appendPort(b []byte, port uint16) []byte {
	if port == 0 {
		return append(b, '*')
	}
	return strconv.AppendUint(b, uint64(port), 10)
}

// appendUnixPath writes a Unix socket's address: its path, '*' when unnamed.
func appendUnixPath(b []byte, path string) []byte {
	if path == "" {
		path = "*"
	}
	return append(b, path...)
}

// appendUsers writes ss's process column: users:(("name",pid=N,fd=M),...).
func appendUsers(b []byte, owners []socktable.Owner) []byte {
	b = append(b, "users:("...)
	for i, o := range owners {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "(\""...)
		b = append(b, o.Name...)
		b = append(b, "\",pid="...)
		b = strconv.AppendInt(b, int64(o.PID), 10)
		if o.FD >= 0 {
			b = append(b, ",fd="...)
			b = strconv.AppendInt(b, int64(o.FD), 10)
		}
		b = append(b, ')')
	}
	return append(b, ')')
}

// socketJSON is one line of --json output.
type socketJSON struct {
	Netid     string      `json:"netid"`
	State     string      `json:"state"`
	RecvQ     uint32      `json:"recv_q"`
	SendQ     uint32      `json:"send_q"`
	Local     string      `json:"local"`
	Peer      string      `json:"peer"`
	Path      string      `json:"path,omitempty"`
	PeerInode uint32      `json:"peer_inode,omitempty"`
	UID       *uint32     `json:"uid,omitempty"`
	Inode     uint32      `json:"inode,omitempty"`
	Users     []ownerJSON `json:"users,omitempty"`
}

type ownerJSON struct {
	Name    string   `json:"name"`
	PID     int      `json:"pid"`
	FD      *int     `json:"fd,omitempty"`
	Cmdline []string `json:"cmdline,omitempty"`
}

// writeSocketsJSON prints one JSON object per socket, a line each, like
// serve --json prints events; Local and Peer are as the table shows them.
func writeSocketsJSON(w io.Writer, socks []socktable.Socket) error {
	enc := json.NewEncoder(w)
	for i := range socks {
		s := &socks[i]
		j := socketJSON{Netid: s.Proto.String(), State: s.State.Name(), RecvQ: s.RecvQ, SendQ: s.SendQ,
			Local: s.LocalString(), Peer: s.PeerString(), Inode: s.Inode}
		if s.Family == socktable.Unix {
			j.Path, j.PeerInode = s.Path, s.PeerInode
			j.Local, j.Peer = s.Path, "*"
			if j.Local == "" {
				j.Local = "*"
			}
		}
		if s.UID != socktable.NoUID {
			uid := s.UID
			j.UID = &uid
		}
		for _, o := range s.Owners {
			oj := ownerJSON{Name: o.Name, PID: o.PID, Cmdline: o.Cmdline}
			if o.FD >= 0 {
				fd := o.FD
				oj.FD = &fd
			}
			j.Users = append(j.Users, oj)
		}
		if err := enc.Encode(&j); err != nil {
			return err
		}
	}
	return nil
}
