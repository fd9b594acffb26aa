package pcap

import (
	"net/netip"
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
}

// Chunk is one piece of a conversation's payload as it was captured.
type Chunk struct {
	FromClient bool
	Time       time.Time
	Data       []byte
	// Gap is how many bytes of this direction's stream were never captured
	// just before Data (a lost segment): shown as a gap, never glued.
	Gap int64
}
