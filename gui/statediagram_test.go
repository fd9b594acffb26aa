package gui

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/sockplay/sockplay/netcore/socktable"
)

// edgeNames names arrows as "FIN-WAIT-2>TIME-WAIT", sorted as given.
func edgeNames(edges []int) []string {
	out := []string{}
	for _, e := range edges {
		out = append(out, tcpEdges[e].From.String()+">"+tcpEdges[e].To.String())
	}
	return out
}

func nodeNames(nodes []tcpNode) []string {
	out := []string{}
	for _, n := range nodes {
		out = append(out, n.String())
	}
	return out
}

func TestNodeOfUsesRFCNames(t *testing.T) {
	for _, tt := range []struct {
		st   socktable.State
		prev tcpNode
		want tcpNode
		name string
	}{
		{socktable.Established, nodeNone, nodeEstab, "ESTABLISHED"},
		{socktable.SynRecv, nodeListen, nodeSynRcvd, "SYN-RECEIVED"},
		{socktable.SynSent, nodeNone, nodeSynSent, "SYN-SENT"},
		{socktable.Listen, nodeNone, nodeListen, "LISTEN"},
		{socktable.FinWait1, nodeEstab, nodeFinWait1, "FIN-WAIT-1"},
		{socktable.FinWait2, nodeFinWait1, nodeFinWait2, "FIN-WAIT-2"},
		{socktable.Closing, nodeFinWait1, nodeClosing, "CLOSING"},
		{socktable.TimeWait, nodeFinWait2, nodeTimeWait, "TIME-WAIT"},
		{socktable.CloseWait, nodeEstab, nodeCloseWait, "CLOSE-WAIT"},
		{socktable.LastAck, nodeCloseWait, nodeLastAck, "LAST-ACK"},
		// Gone: CLOSED where the connection ends after the handshake,
		// the top CLOSED before it.
		{0, nodeCloseWait, nodeClosedEnd, "CLOSED"},
		{0, nodeEstab, nodeClosedEnd, "CLOSED"},
		{0, nodeSynSent, nodeClosed, "CLOSED"},
		{0, nodeNone, nodeClosed, "CLOSED"},
		{socktable.Close, nodeListen, nodeClosed, "CLOSED"},
	} {
		got, ok := nodeOf(tt.st, tt.prev)
		if !ok || got != tt.want || got.String() != tt.name {
			t.Errorf("nodeOf(%v after %v) = %v %v, want %v %s", tt.st, tt.prev, got, ok, tt.want, tt.name)
		}
	}
	if got := rfcStateName(socktable.Established); got != "ESTABLISHED" {
		t.Errorf("rfcStateName(ESTAB) = %q", got)
	}
	if got := rfcStateName(0); got != "CLOSED" {
		t.Errorf("rfcStateName(gone) = %q", got)
	}
}

// Each end's looks (End.Path of each observation), and what the diagram
// lights for it after the last one.
func TestStateTrailLights(t *testing.T) {
	const (
		est, fw1, fw2, tw = socktable.Established, socktable.FinWait1, socktable.FinWait2, socktable.TimeWait
		cw, la, ss, lst   = socktable.CloseWait, socktable.LastAck, socktable.SynSent, socktable.Listen
		gone              = socktable.State(0)
	)
	for _, tt := range []struct {
		name              string
		looks             [][]socktable.State
		now               string
		fresh, old, passd []string
		jumps             int
	}{
		{"half-close client", [][]socktable.State{{est}, {est, fw1, fw2}, {fw2}, {fw2, tw}},
			"TIME-WAIT", []string{"FIN-WAIT-2>TIME-WAIT"}, []string{"ESTABLISHED>FIN-WAIT-1", "FIN-WAIT-1>FIN-WAIT-2"}, []string{}, 0},
		{"half-close server: LAST-ACK too brief to be seen", [][]socktable.State{{est}, {est, cw}, {cw}, {cw, gone}},
			"CLOSED", []string{"CLOSE-WAIT>LAST-ACK", "LAST-ACK>CLOSED"}, []string{"ESTABLISHED>CLOSE-WAIT"}, []string{"LAST-ACK"}, 0},
		{"LAST-ACK seen", [][]socktable.State{{cw}, {cw, la, gone}},
			"CLOSED", []string{"CLOSE-WAIT>LAST-ACK", "LAST-ACK>CLOSED"}, []string{}, []string{}, 0},
		{"a look with no move keeps the latest arrows", [][]socktable.State{{est}, {est, cw}, {cw}, {cw}},
			"CLOSE-WAIT", []string{"ESTABLISHED>CLOSE-WAIT"}, []string{}, []string{}, 0},
		{"polled: FIN-WAIT-1 missed", [][]socktable.State{{est}, {fw2}},
			"FIN-WAIT-2", []string{"ESTABLISHED>FIN-WAIT-1", "FIN-WAIT-1>FIN-WAIT-2"}, []string{}, []string{"FIN-WAIT-1"}, 0},
		{"reset: no arrow", [][]socktable.State{{est}, {est, gone}},
			"CLOSED", []string{}, []string{}, []string{}, 1},
		{"not there yet, then accepted", [][]socktable.State{{gone}, {gone, est}},
			"ESTABLISHED", []string{}, []string{}, []string{}, 0},
		{"connect completes", [][]socktable.State{{ss}, {ss, est}},
			"ESTABLISHED", []string{"SYN-SENT>ESTABLISHED"}, []string{}, []string{}, 0},
		{"a listener", [][]socktable.State{{lst}, {lst}},
			"LISTEN", []string{}, []string{}, []string{}, 0},
		{"refused: never there", [][]socktable.State{{gone}},
			"CLOSED", []string{}, []string{}, []string{}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var tr stateTrail
			for _, l := range tt.looks {
				tr.add(l, 0)
			}
			l := tr.lights()
			if l.Now.String() != tt.now {
				t.Errorf("now %v, want %s", l.Now, tt.now)
			}
			if got := edgeNames(l.Fresh); !reflect.DeepEqual(got, tt.fresh) {
				t.Errorf("fresh arrows %q, want %q", got, tt.fresh)
			}
			if got := edgeNames(l.Old); !reflect.DeepEqual(got, tt.old) {
				t.Errorf("old arrows %q, want %q", got, tt.old)
			}
			if got := nodeNames(l.Passed); !reflect.DeepEqual(got, tt.passd) {
				t.Errorf("passed boxes %q, want %q", got, tt.passd)
			}
			if len(l.Jumps) != tt.jumps {
				t.Errorf("jumps %v, want %d", l.Jumps, tt.jumps)
			}
		})
	}
}

func TestJumpWords(t *testing.T) {
	got := jumpWords("client", [2]tcpNode{nodeEstab, nodeClosedEnd})
	if !strings.Contains(got, "ESTABLISHED to CLOSED") || !strings.Contains(got, "reset") {
		t.Errorf("jumpWords = %q", got)
	}
}

// The boxes and arrows the renderer shows for two made-up ends: each
// end's box outlined in its colour, its arrows drawn, the others not.
func TestStateDiagramRendersBothEnds(t *testing.T) {
	sharedApp(t)
	d := newStateDiagram()
	w := newTempWindow(t, d)
	w.Resize(fyne.NewSize(560, 520))
	c, s := &stateTrail{Name: "client"}, &stateTrail{Name: "server"}
	c.add([]socktable.State{socktable.Established}, 0)
	s.add([]socktable.State{socktable.Established}, 0)
	c.add([]socktable.State{socktable.Established, socktable.FinWait1, socktable.FinWait2}, 0)
	s.add([]socktable.State{socktable.Established, socktable.CloseWait}, 0)
	c.add([]socktable.State{socktable.FinWait2, socktable.TimeWait}, 59*time.Second)
	d.show([]*stateTrail{c, s}, "")
	r := test.WidgetRenderer(d).(*diagramRenderer)
	dark := darkTheme()

	if got := r.legend[0].Text; got != "client: TIME-WAIT" {
		t.Errorf("legend 0 = %q", got)
	}
	if got := r.legend[1].Text; got != "server: CLOSE-WAIT" {
		t.Errorf("legend 1 = %q", got)
	}
	for _, tt := range []struct {
		side int
		node tcpNode
	}{{0, nodeTimeWait}, {1, nodeCloseWait}} {
		h := r.hi[tt.side][tt.node]
		if !h.Visible() || h.StrokeColor != sideColor(tt.side, dark) || h.StrokeWidth != 3 {
			t.Errorf("%s's box %v: visible %v stroke %v width %v", d.sides[tt.side].Name, tt.node, h.Visible(), h.StrokeColor, h.StrokeWidth)
		}
	}
	for _, n := range []tcpNode{nodeListen, nodeSynSent, nodeClosing, nodeLastAck} {
		if r.hi[0][n].Visible() || r.hi[1][n].Visible() {
			t.Errorf("box %v is marked, no end was there", n)
		}
	}
	lit := func(side int, a, b tcpNode) (bool, float32) {
		o := r.lit[side][edgeIndex(a, b)]
		return o.segs[0].Visible(), o.segs[0].StrokeWidth
	}
	for _, tt := range []struct {
		side  int
		a, b  tcpNode
		on    bool
		width float32
	}{
		{0, nodeFinWait2, nodeTimeWait, true, 3},  // the latest move
		{0, nodeEstab, nodeFinWait1, true, 2},     // before it
		{1, nodeEstab, nodeCloseWait, true, 3},    // the server's latest
		{1, nodeCloseWait, nodeLastAck, false, 0}, // not taken
		{0, nodeEstab, nodeCloseWait, false, 0},   // the other end's
	} {
		on, width := lit(tt.side, tt.a, tt.b)
		if on != tt.on || (on && width != tt.width) {
			t.Errorf("side %d arrow %v→%v: lit %v width %v, want %v %v", tt.side, tt.a, tt.b, on, width, tt.on, tt.width)
		}
	}
	if tw := r.twLeft[0]; !tw.Visible() || tw.Text != "client: 59 s left" {
		t.Errorf("TIME-WAIT's time left: visible %v %q", tw.Visible(), tw.Text)
	}
	if r.empty.Visible() {
		t.Error("the empty message shows with two ends")
	}

	d.show(nil, "nothing here")
	if !r.empty.Visible() || r.empty.Text != "nothing here" || r.swatch[0].Visible() || r.hi[0][nodeTimeWait].Visible() {
		t.Errorf("with no ends: empty %v %q, legend %v", r.empty.Visible(), r.empty.Text, r.swatch[0].Visible())
	}
}

// The arrows' labels fit (none covers a box, an arrow or another label)
// at the sizes the window gives the diagram; smaller, they are left out
// rather than drawn over each other.
func TestDiagramLayoutLabelsFit(t *testing.T) {
	sharedApp(t)
	text, caption := theme.TextSize(), theme.CaptionTextSize()
	for _, tt := range []struct {
		w, h float32
		want bool
	}{{480, 420, true}, {540, 520, true}, {700, 640, true}, {900, 700, true}, {500, 370, true}, {240, 240, false}} {
		g := layoutDiagram(diagramRect{0, 0, tt.w, tt.h}, text, caption, edgeLabelSize)
		if g.ShowLabel != tt.want {
			t.Errorf("%vx%v: labels shown %v (%s), want %v", tt.w, tt.h, g.ShowLabel, g.Clash, tt.want)
		}
		for a := nodeClosed; a < numNodes; a++ {
			for b := a + 1; b < numNodes; b++ {
				if g.Boxes[a].overlaps(g.Boxes[b]) {
					t.Errorf("%vx%v: boxes %v and %v overlap", tt.w, tt.h, a, b)
				}
			}
		}
	}
}
