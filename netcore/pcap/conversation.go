package pcap

import (
	"net/netip"
	"strconv"
	"time"
)

// Conversation is one TCP stream (reassembled) or one UDP flow of a
// capture, numbered as tshark numbers them (tcp.stream / udp.stream: in
// order of first packet, from 0), so `--stream N` means the same to both.
type Conversation struct {
	ID    int
	Proto string // "tcp" or "udp"
	// Client began the conversation (sent the SYN, or the first datagram);
	// Server is the other end.
	Client, Server netip.AddrPort
	// Packets and Bytes each way: [0] client to server, [1] server to
	// client. Bytes are payload bytes, as tshark's conversation table counts
	// them in its "bytes" columns less headers.
	Packets [2]int
	Bytes   [2]int64
	First   time.Time
	Last    time.Time
	// Chunks are the payloads in capture order (TCP: in stream order for
	// each direction, with gaps where segments were never captured).
	Chunks []Chunk
	// End says how it ended: "" (still open at the end of the capture),
	// "fin", "rst".
	End string

	// What the reader (read.go) adds. End is "fin" once both directions'
	// FINs were captured, "rst" once a RST was, whichever came first.

	// FrameBytes are the whole frames' lengths on the wire each way: what
	// tshark's conversation table (-z conv,tcp) counts in its "Bytes"
	// columns. Bytes are the payload alone, each byte once, which is what
	// Chunks hold (less Dropped) and what tshark's follow-stream prints.
	FrameBytes [2]int64
	// Missing counts, each way, the payload bytes that were never captured:
	// the sum of the chunks' Gaps.
	Missing [2]int64
	// Retransmitted counts, each way, payload bytes captured more than
	// once (a retransmission, an overlap): kept once, counted here.
	Retransmitted [2]int64
	// Dropped counts, each way, payload bytes counted in Bytes but not kept
	// in Chunks because a limit of the reader was reached (Options): the
	// chunks stop there, the counts go on.
	Dropped [2]int64
	// Syn says the client's SYN was captured, so the stream is whole from
	// its start; Fin says each direction's FIN was captured.
	Syn bool
	Fin [2]bool
}

// Name is how a person names the conversation, and what ParseStream reads
// back: "tcp:3", "udp:0".
func (c *Conversation) Name() string { return c.Proto + ":" + strconv.Itoa(c.ID) }

// Duration is the time from its first packet to its last.
func (c *Conversation) Duration() time.Duration { return c.Last.Sub(c.First) }

// Chunk is one piece of a conversation's payload as it was captured.
type Chunk struct {
	FromClient bool
	Time       time.Time
	Data       []byte
	// Gap is how many bytes of this direction's stream were never captured
	// just before Data (a lost segment): shown as a gap, never glued.
	Gap int64

	// Frame is the packet that carried Data, counted from 1 as Wireshark
	// numbers frames, to find it there. A chunk with a Gap and no Data (a
	// stream that ends in a gap, a datagram cut by the snap length) is the
	// gap alone; its Frame is the packet that made the gap known, 0 when
	// the end of the capture did.
	Frame int
}

// EndText says in words how the conversation ended, the same in the
// command line's listing, its stream view and the window's capture tabs.
func (c *Conversation) EndText() string {
	switch {
	case c.Proto == "udp":
		return "the capture's last datagram"
	case c.End == "fin":
		return "closed (FIN both ways)"
	case c.End == "rst":
		return "reset (RST)"
	}
	return "the capture ends with the connection open"
}
