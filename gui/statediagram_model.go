package gui

import (
	"slices"
	"time"

	"github.com/sockplay/sockplay/netcore/socktable"
)

// The TCP state diagram's model, Fyne-free: the boxes and arrows of RFC
// 793's figure 6, the states the kernel reports mapped onto them, and for
// each end the trail of states it was seen in, from which the lit boxes
// and arrows follow. statediagram.go draws it.

// tcpNode is one box of the diagram. CLOSED is drawn twice, as in the
// RFC: at the top, where a connection starts, and at the bottom right,
// where it ends.
type tcpNode uint8

const (
	nodeNone tcpNode = iota
	nodeClosed
	nodeListen
	nodeSynSent
	nodeSynRcvd
	nodeEstab
	nodeFinWait1
	nodeFinWait2
	nodeClosing
	nodeTimeWait
	nodeCloseWait
	nodeLastAck
	nodeClosedEnd
	numNodes
)

// rfcNames are the RFC's names of the states, which the diagram shows.
var rfcNames = [numNodes]string{
	nodeClosed: "CLOSED", nodeListen: "LISTEN", nodeSynSent: "SYN-SENT", nodeSynRcvd: "SYN-RECEIVED",
	nodeEstab: "ESTABLISHED", nodeFinWait1: "FIN-WAIT-1", nodeFinWait2: "FIN-WAIT-2", nodeClosing: "CLOSING",
	nodeTimeWait: "TIME-WAIT", nodeCloseWait: "CLOSE-WAIT", nodeLastAck: "LAST-ACK", nodeClosedEnd: "CLOSED",
}

func (n tcpNode) String() string {
	if n < numNodes && rfcNames[n] != "" {
		return rfcNames[n]
	}
	return "?"
}

// tcpEdge is one arrow and its label, the event that takes it and what
// is sent (the RFC's "rcv SYN / snd SYN,ACK"), in one or two short lines.
type tcpEdge struct {
	From, To tcpNode
	Label    [2]string
}

// tcpEdges are the RFC's arrows, in the order a shortest route prefers
// them (the usual way first).
var tcpEdges = []tcpEdge{
	{nodeClosed, nodeListen, [2]string{"passive open"}},
	{nodeClosed, nodeSynSent, [2]string{"active open", "snd SYN"}},
	{nodeListen, nodeClosed, [2]string{"close"}},
	{nodeListen, nodeSynRcvd, [2]string{"rcv SYN", "snd SYN,ACK"}},
	{nodeListen, nodeSynSent, [2]string{"send", "snd SYN"}},
	{nodeSynSent, nodeClosed, [2]string{"close"}},
	{nodeSynSent, nodeSynRcvd, [2]string{"rcv SYN", "snd ACK"}},
	{nodeSynSent, nodeEstab, [2]string{"rcv SYN,ACK", "snd ACK"}},
	{nodeSynRcvd, nodeEstab, [2]string{"rcv ACK", "of SYN"}},
	{nodeSynRcvd, nodeFinWait1, [2]string{"close", "snd FIN"}},
	{nodeEstab, nodeFinWait1, [2]string{"close", "snd FIN"}},
	{nodeEstab, nodeCloseWait, [2]string{"rcv FIN", "snd ACK"}},
	{nodeFinWait1, nodeFinWait2, [2]string{"rcv ACK", "of FIN"}},
	{nodeFinWait1, nodeClosing, [2]string{"rcv FIN", "snd ACK"}},
	{nodeFinWait2, nodeTimeWait, [2]string{"rcv FIN", "snd ACK"}},
	{nodeClosing, nodeTimeWait, [2]string{"rcv ACK", "of FIN"}},
	{nodeCloseWait, nodeLastAck, [2]string{"close", "snd FIN"}},
	{nodeLastAck, nodeClosedEnd, [2]string{"rcv ACK", "of FIN"}},
	{nodeTimeWait, nodeClosedEnd, [2]string{"timeout", "(2 MSL)"}},
}

// edgeIndex returns the arrow from a to b, or -1.
func edgeIndex(a, b tcpNode) int {
	for i, e := range tcpEdges {
		if e.From == a && e.To == b {
			return i
		}
	}
	return -1
}

// briefNodes are the states a poll may miss: a connection passes through
// them within a round trip. Only these are filled in between two states
// seen one after the other with no arrow between them.
var briefNodes = map[tcpNode]bool{
	nodeSynSent: true, nodeSynRcvd: true, nodeFinWait1: true, nodeClosing: true, nodeLastAck: true,
}

// route finds the arrows from a to b: the one arrow, or two through a
// brief state nobody saw. ok is false when there is no such route (a
// reset, which the RFC's figure does not draw, or a longer gap).
func route(a, b tcpNode) (edges []int, ok bool) {
	if i := edgeIndex(a, b); i >= 0 {
		return []int{i}, true
	}
	for i, e := range tcpEdges {
		if e.From != a || !briefNodes[e.To] {
			continue
		}
		if j := edgeIndex(e.To, b); j >= 0 {
			return []int{i, j}, true
		}
	}
	return nil, false
}

// synchronized are the states after the handshake, from which a
// vanished socket ends in the bottom CLOSED.
var synchronized = map[tcpNode]bool{
	nodeEstab: true, nodeFinWait1: true, nodeFinWait2: true, nodeClosing: true,
	nodeTimeWait: true, nodeCloseWait: true, nodeLastAck: true, nodeClosedEnd: true,
}

// nodeOf is the box for a kernel state (0 when the kernel no longer has
// the socket), coming from prev: a socket that vanished after the
// handshake ends in the bottom CLOSED, one that never got that far in the
// top one. ok is false for a state the diagram has no box for.
func nodeOf(st socktable.State, prev tcpNode) (tcpNode, bool) {
	switch st {
	case 0, socktable.Close:
		if synchronized[prev] {
			return nodeClosedEnd, true
		}
		return nodeClosed, true
	case socktable.Listen:
		return nodeListen, true
	case socktable.SynSent:
		return nodeSynSent, true
	case socktable.SynRecv:
		return nodeSynRcvd, true
	case socktable.Established:
		return nodeEstab, true
	case socktable.FinWait1:
		return nodeFinWait1, true
	case socktable.FinWait2:
		return nodeFinWait2, true
	case socktable.Closing:
		return nodeClosing, true
	case socktable.TimeWait:
		return nodeTimeWait, true
	case socktable.CloseWait:
		return nodeCloseWait, true
	case socktable.LastAck:
		return nodeLastAck, true
	}
	return nodeNone, false
}

// rfcStateName is the RFC's name of a kernel state, for text beside the
// diagram: ESTAB is ESTABLISHED, SYN-RECV SYN-RECEIVED, gone CLOSED.
func rfcStateName(st socktable.State) string {
	n, ok := nodeOf(st, nodeNone)
	if !ok {
		return st.String()
	}
	return n.String()
}

// stateTrail is one end's history in the diagram: every box it was seen
// in, in order, and which part the latest move added (the latest look
// that saw a change).
type stateTrail struct {
	Name  string
	nodes []tcpNode
	fresh int // nodes[fresh:] came with the latest move (with the box before it)
	// alive: the end has been seen in a state other than CLOSED. Until
	// then a CLOSED is "not there yet" and is replaced, not left.
	alive        bool
	TimeWaitLeft time.Duration // at the latest look
}

// Now is the end's current box (nodeNone before any look).
func (s *stateTrail) Now() tcpNode {
	if len(s.nodes) == 0 {
		return nodeNone
	}
	return s.nodes[len(s.nodes)-1]
}

// add records one look: the states seen since the previous one, oldest
// first, ending with the current (0 for gone), as experiment.End.Path
// gives them; its first state may repeat the previous look's last.
func (s *stateTrail) add(path []socktable.State, timeWaitLeft time.Duration) {
	before, fresh := len(s.nodes), s.fresh
	if before > 0 {
		s.fresh = before - 1 // the arrows of this look start at the box it was in
	}
	for _, st := range path {
		n, ok := nodeOf(st, s.Now())
		if !ok {
			continue
		}
		switch {
		case n == s.Now():
		case !s.alive && (n == nodeClosed || len(s.nodes) == 0 || s.Now() == nodeClosed):
			// Not there yet, or first seen: the trail starts here.
			s.nodes, s.fresh = append(s.nodes[:0], n), 0
		default:
			s.nodes = append(s.nodes, n)
		}
		if n != nodeClosed {
			s.alive = true
		}
	}
	if len(s.nodes) == before {
		s.fresh = fresh // no move: the latest arrows stay the latest
	}
	s.TimeWaitLeft = 0
	if s.Now() == nodeTimeWait {
		s.TimeWaitLeft = timeWaitLeft
	}
}

// trailLights is what one end lights in the diagram.
type trailLights struct {
	Now    tcpNode
	Fresh  []int     // arrows taken in the latest move
	Old    []int     // arrows taken before it
	Passed []tcpNode // boxes filled in between two looks (not seen, but the only way)
	Jumps  [][2]tcpNode
}

// lights works out which arrows the trail took: between each two boxes
// the route (one arrow, or two through a brief state); a move with no
// route is a jump, said in words beside the diagram.
func (s *stateTrail) lights() trailLights {
	l := trailLights{Now: s.Now()}
	for i := 1; i < len(s.nodes); i++ {
		a, b := s.nodes[i-1], s.nodes[i]
		edges, ok := route(a, b)
		if !ok {
			l.Jumps = append(l.Jumps, [2]tcpNode{a, b})
			continue
		}
		if len(edges) == 2 {
			l.Passed = append(l.Passed, tcpEdges[edges[0]].To)
		}
		for _, e := range edges {
			if i-1 >= s.fresh {
				l.Fresh = appendNew(l.Fresh, e)
			} else {
				l.Old = appendNew(l.Old, e)
			}
		}
	}
	// An arrow taken now is drawn as now, not twice.
	old := l.Old[:0]
	for _, e := range l.Old {
		if !slices.Contains(l.Fresh, e) {
			old = append(old, e)
		}
	}
	l.Old = old
	return l
}

// jumpWords says why a move has no arrow: a vanished synchronized socket
// was reset (the RFC's figure draws no RST), anything else was too quick
// for the looks.
func jumpWords(name string, j [2]tcpNode) string {
	why := "states between were too brief to be seen"
	if j[1] == nodeClosedEnd && synchronized[j[0]] {
		why = "a reset (RST), which the figure does not draw"
	}
	return name + ": " + j[0].String() + " to " + j[1].String() + " with no arrow between: " + why
}

func appendNew(s []int, v int) []int {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}
