package pcap

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"time"
)

// The conversation table: every TCP or UDP packet joins the conversation
// of its address and port pair, numbered in order of first packet as
// tshark numbers tcp.stream and udp.stream, so "stream 3" means the same
// here and in Wireshark. A pure SYN on a TCP pair whose SYN-sending side
// began with another sequence number is a new connection on a reused port,
// and a new stream, as in Wireshark's packet-tcp.c.

// flowKey is an address and port pair in one order whichever way a packet
// goes.
type flowKey struct{ a, b netip.AddrPort }

func keyOf(x, y netip.AddrPort) flowKey {
	if x.Compare(y) > 0 {
		x, y = y, x
	}
	return flowKey{x, y}
}

// flow is what every conversation has beside its Conversation: what it
// keeps against the limits.
type flow struct {
	conv   *Conversation
	kept   int64 // payload bytes and chunk costs held for it
	capped bool  // a limit was reached: it keeps nothing more
}

// tracker builds a Capture's conversations packet by packet.
type tracker struct {
	c    *Capture
	opt  Options
	tcp  map[flowKey]*tcpConv
	udp  map[flowKey]*flow
	open []*tcpConv // every TCP stream in order, to finish them in order
	nTCP int
	nUDP int
	kept int64 // held for the whole capture
	seg  segment
	slab []byte

	links       map[uint16]bool
	linkSkipped map[uint16]int
	malformed   int
	firstBad    int
	fragments   int
	overLimit   int // packets of conversations past MaxConversations
	capped      int // conversations that reached a limit
}

func newTracker(c *Capture, opt Options) *tracker {
	return &tracker{c: c, opt: opt, tcp: map[flowKey]*tcpConv{}, udp: map[flowKey]*flow{},
		links: map[uint16]bool{}, linkSkipped: map[uint16]int{}}
}

func (t *tracker) add(p rawPacket) {
	c := t.c
	c.Packets++
	if c.Packets == 1 {
		c.First = p.ts
	}
	c.Last = p.ts
	if !t.links[p.link] {
		t.links[p.link] = true
		c.Links = append(c.Links, linkName(p.link))
	}
	switch decodePacket(p.link, p.data, &t.seg) {
	case decodedOK:
	case skipLink:
		t.linkSkipped[p.link]++
		c.Skipped++
		return
	case skipMalformed:
		if t.malformed == 0 {
			t.firstBad = p.num
		}
		t.malformed++
		c.Skipped++
		return
	case skipFragment:
		t.fragments++
		c.Skipped++
		return
	default:
		c.Skipped++
		return
	}
	if t.seg.tcp {
		t.tcpPacket(p)
	} else {
		t.udpPacket(p)
	}
}

// full reports, for a packet that would start a conversation, that the
// table has no room for it; the packet is counted.
func (t *tracker) full() bool {
	if t.nTCP+t.nUDP < t.opt.MaxConversations {
		return false
	}
	t.overLimit++
	return true
}

func (t *tracker) newConv(proto string, id int, client, server netip.AddrPort, ts time.Time) *Conversation {
	cv := &Conversation{ID: id, Proto: proto, Client: client, Server: server, First: ts, Last: ts}
	t.c.Conversations = append(t.c.Conversations, cv)
	return cv
}

func (t *tracker) tcpPacket(p rawPacket) {
	s := &t.seg
	k := keyOf(s.src, s.dst)
	tc := t.tcp[k]
	if tc != nil && s.flags&(tcpSYN|tcpACK) == tcpSYN {
		if d := &tc.dirs[tc.dirOf(s.src)]; d.baseSet && s.seq != d.isn {
			t.finishTCP(tc)
			delete(t.tcp, k)
			tc = nil
		}
	}
	if tc == nil {
		if t.full() {
			return
		}
		client, server := s.src, s.dst
		if s.flags&(tcpSYN|tcpACK) == tcpSYN|tcpACK { // the SYN was not captured: the SYN-ACK says who the client was
			client, server = server, client
		}
		tc = &tcpConv{flow: flow{conv: t.newConv("tcp", t.nTCP, client, server, p.ts)}}
		t.nTCP++
		t.tcp[k] = tc
		t.open = append(t.open, tc)
	}
	cv := tc.conv
	di := tc.dirOf(s.src)
	cv.Packets[di]++
	cv.FrameBytes[di] += int64(p.origLen)
	cv.Last = p.ts
	tc.segment(t, di, s, p.ts, p.num)
}

func (t *tracker) udpPacket(p rawPacket) {
	s := &t.seg
	k := keyOf(s.src, s.dst)
	f := t.udp[k]
	if f == nil {
		if t.full() {
			return
		}
		f = &flow{conv: t.newConv("udp", t.nUDP, s.src, s.dst, p.ts)}
		t.nUDP++
		t.udp[k] = f
	}
	cv := f.conv
	di := 0
	if s.src != cv.Client {
		di = 1
	}
	cv.Packets[di]++
	cv.FrameBytes[di] += int64(p.origLen)
	cv.Last = p.ts
	t.emit(f, di, t.keepData(f, s.payload), int64(len(s.payload)), 0, p.ts, p.num)
	if cut := int64(s.wire - len(s.payload)); cut > 0 { // the snap length cut the datagram
		cv.Missing[di] += cut
		t.emit(f, di, nil, 0, cut, p.ts, p.num)
	}
}

// keepData returns a copy of b for f to keep, or nil once a limit stops f
// keeping more.
func (t *tracker) keepData(f *flow, b []byte) []byte {
	need := int64(len(b)) + chunkCost
	if f.capped {
		return nil
	}
	if f.kept+need > t.opt.MaxStreamBytes || t.kept+need > t.opt.MaxTotalBytes {
		f.capped = true
		t.capped++
		return nil
	}
	f.kept += need
	t.kept += need
	return t.copyBytes(b)
}

// copyBytes copies b into a slab shared by small payloads: a million tiny
// chunks cost a million slices of one allocation, not a million
// allocations each rounded up to its size class.
func (t *tracker) copyBytes(b []byte) []byte {
	const slabSize, big = 256 << 10, 16 << 10
	if len(b) == 0 {
		return []byte{}
	}
	if len(b) > big {
		out := make([]byte, len(b))
		copy(out, b)
		return out
	}
	if len(t.slab) < len(b) {
		t.slab = make([]byte, slabSize)
	}
	out := t.slab[:len(b):len(b)]
	copy(out, b)
	t.slab = t.slab[len(b):]
	return out
}

// emit appends a chunk of n payload bytes (data, its kept copy; nil when
// not kept) after gap bytes never captured. A conversation that reached a
// limit counts what it no longer keeps, so its chunks are a prefix of the
// whole and nothing is glued over what was left out.
func (t *tracker) emit(f *flow, di int, data []byte, n, gap int64, ts time.Time, frame int) {
	cv := f.conv
	cv.Bytes[di] += n
	if f.capped || data == nil && n > 0 {
		cv.Dropped[di] += n
		return
	}
	if n == 0 && gap == 0 && data == nil {
		return
	}
	cv.Chunks = append(cv.Chunks, Chunk{FromClient: di == 0, Time: ts, Data: data, Gap: gap, Frame: frame})
}

// finish ends every stream still open at the end of the capture and
// writes the notes.
func (t *tracker) finish() {
	for _, tc := range t.open {
		t.finishTCP(tc)
	}
	t.open = nil
	c := t.c
	if t.malformed > 0 {
		c.Notes = append(c.Notes, fmt.Sprintf("%s could not be decoded (headers cut short or impossible; the first is packet %d) and skipped", count(t.malformed, "packet"), t.firstBad))
	}
	if t.fragments > 0 {
		c.Notes = append(c.Notes, fmt.Sprintf("%s skipped: sockplay does not reassemble IP fragments", count(t.fragments, "IP fragment")))
	}
	for _, l := range slices.Sorted(maps.Keys(t.linkSkipped)) {
		n := t.linkSkipped[l]
		c.Notes = append(c.Notes, fmt.Sprintf("%s of link type %s skipped: sockplay reads %s", count(n, "packet"), linkName(l), supportedLinks))
	}
	if t.overLimit > 0 {
		c.Notes = append(c.Notes, fmt.Sprintf("the capture holds more conversations than the %d read: %s of later ones counted, not read", t.opt.MaxConversations, count(t.overLimit, "packet")))
	}
	if t.capped > 0 {
		c.Notes = append(c.Notes, fmt.Sprintf("%s more payload than is kept (%s a conversation, %s in all): the counts are exact, the chunks stop at the limit",
			count(t.capped, "conversation holds", "conversations hold"), sizeText(t.opt.MaxStreamBytes), sizeText(t.opt.MaxTotalBytes)))
	}
}

// count writes n things: "1 packet", "3 packets"; plural, when given, is
// the plural form.
func count(n int, one string, plural ...string) string {
	if n == 1 {
		return "1 " + one
	}
	if len(plural) > 0 {
		return fmt.Sprintf("%d %s", n, plural[0])
	}
	return fmt.Sprintf("%d %ss", n, one)
}

// sizeText writes a byte count as people read it: 64 MiB, 1.5 KiB, 12 bytes.
func sizeText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
