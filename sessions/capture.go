package sessions

import (
	"fmt"

	"github.com/sockplay/sockplay/netcore"
	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/netcore/pcap"
)

// FromCapture is a conversation of a capture file as a session that has
// no sockets: its log holds the conversation as if this session had been
// its server (what the client sent is data in, what the server answered
// is data out), with the same rows, filters, Messages mode and export as a
// live session. It is closed from the start: it can be read, not started.
// A gap in the capture (segments never captured) is an error row saying
// how many bytes, never glued over. With a framing, each direction's
// bytes are also cut into messages, as a live session would.
func FromCapture(name string, c pcap.Conversation, f framing.Spec) (*Session, error) {
	scheme := netcore.SchemeTCP
	if c.Proto == "udp" {
		scheme = netcore.SchemeUDP
	}
	ep := netcore.Endpoint{Scheme: scheme, Host: c.Server.Addr().String(), Port: int(c.Server.Port())}
	s, err := New(Config{Name: name, Role: Server, Endpoint: ep, Framing: f, LogBudget: captureBudget(c)})
	if err != nil {
		return nil, err
	}
	s.started, s.closed, s.offline = true, true, true
	s.state.Store(int32(StateClosed))
	s.nextID.Store(1) // the client, peer 1
	close(s.closeDone)
	client := c.Client.String()
	s.emit(Entry{Micros: c.First.UnixMicro(), Kind: KindListening, Addr: c.Server.String(),
		Text: fmt.Sprintf("%s conversation %d of a capture, shown as its server saw it", c.Proto, c.ID)})
	s.emit(Entry{Micros: c.First.UnixMicro(), Kind: KindAccepted, Peer: 1, Addr: client})
	var dec [2]framing.Decoder // [0] from the client, [1] from the server
	if f.Kind != framing.KindRaw {
		dec[0], dec[1] = f.NewDecoder(framing.Options{}), f.NewDecoder(framing.Options{})
	}
	for _, ch := range c.Chunks {
		at := ch.Time.UnixMicro()
		side, kind, msgKind := 1, KindDataOut, KindMessageOut
		if ch.FromClient {
			side, kind, msgKind = 0, KindDataIn, KindMessage
		}
		if ch.Gap > 0 {
			s.emit(Entry{Micros: at, Kind: KindError, Peer: 1, Addr: client,
				Text: fmt.Sprintf("%d bytes of this direction were never captured here (a lost segment)", ch.Gap)})
			if d := dec[side]; d != nil && !d.Stuck() {
				d.Flush() // what it held cannot be finished across the gap
			}
		}
		s.emit(Entry{Micros: at, Kind: kind, Peer: 1, Addr: client, Data: ch.Data})
		if kind == KindDataIn {
			s.c.bytesIn.Add(uint64(len(ch.Data)))
			s.c.chunksIn.Add(1)
		} else {
			s.c.bytesOut.Add(uint64(len(ch.Data)))
			s.c.chunksOut.Add(1)
		}
		if d := dec[side]; d != nil && !d.Stuck() {
			msgs, err := d.Feed(ch.Data)
			for _, m := range msgs {
				if side == 0 {
					s.c.msgsIn.Add(1)
				} else {
					s.c.msgsOut.Add(1)
				}
				s.emit(Entry{Micros: at, Kind: msgKind, Peer: 1, Addr: client, Data: m.Data, Msg: &Message{Header: m.Header}})
			}
			if err != nil {
				s.emit(Entry{Micros: at, Kind: KindError, Note: NoteFramingError, Peer: 1, Addr: client, Err: err, Text: "framing: " + err.Error()})
			}
		}
	}
	s.emit(Entry{Micros: c.Last.UnixMicro(), Kind: KindClosed, Peer: 1, Addr: client, Text: c.EndText()})
	return s, nil
}

// captureBudget keeps a whole conversation in the view when it is not
// huge (a capture is read, not streamed: there is no newer traffic to
// make room for), else the default.
func captureBudget(c pcap.Conversation) int64 {
	n := c.Bytes[0] + c.Bytes[1]
	return min(max(2*n+int64(len(c.Chunks))*2*entryOverhead, DefaultLogBudget), 1<<30)
}

// Offline reports whether the session was made from a capture: it has no
// sockets and cannot start.
func (s *Session) Offline() bool { return s.offline }
