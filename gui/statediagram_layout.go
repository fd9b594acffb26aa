package gui

import (
	"math"

	"fyne.io/fyne/v2"
)

// Where the diagram's boxes, arrows and arrow labels go for a size: RFC
// 793's figure on a grid of three columns and seven rows. Pure geometry,
// measured with the theme's text sizes; statediagram.go places its canvas
// objects from it and a test checks that no label covers a box or
// another label.

// diagramCell is each box's column (0 left, 1 middle, 2 right) and row.
var diagramCell = [numNodes][2]int{
	nodeClosed:    {1, 0},
	nodeListen:    {1, 1},
	nodeSynRcvd:   {0, 2},
	nodeSynSent:   {2, 2},
	nodeEstab:     {1, 3},
	nodeFinWait1:  {0, 4},
	nodeCloseWait: {2, 4},
	nodeFinWait2:  {0, 5},
	nodeClosing:   {1, 5},
	nodeLastAck:   {2, 5},
	nodeTimeWait:  {1, 6},
	nodeClosedEnd: {2, 6},
}

const diagramRows = 7

// minLabelText is the smallest text an arrow's label is drawn in; where
// even that does not fit, the labels are left out.
const minLabelText = 9

// labelSide is where an arrow's label sits from its anchor point.
type labelSide uint8

const (
	labelLeft  labelSide = iota // the label's right edge at the point
	labelRight                  // its left edge at the point
	labelAbove                  // centred, its bottom at the point
	labelBelow                  // centred, its top at the point
)

// diagramRect is a rectangle by its corners.
type diagramRect struct{ X0, Y0, X1, Y1 float32 }

func (r diagramRect) overlaps(o diagramRect) bool {
	return r.X0 < o.X1 && o.X0 < r.X1 && r.Y0 < o.Y1 && o.Y0 < r.Y1
}

func (r diagramRect) inset(d float32) diagramRect {
	return diagramRect{r.X0 + d, r.Y0 + d, r.X1 - d, r.Y1 - d}
}

// diagramGeometry is the figure laid out in a given area.
type diagramGeometry struct {
	Boxes     [numNodes]diagramRect
	Routes    [][]fyne.Position // per tcpEdges entry: the polyline, ending at the arrow's head
	Labels    []diagramRect     // per tcpEdges entry: its label's box (two lines, or one)
	BoxText   float32           // the boxes' text size
	LabelText float32           // the labels' text size
	ShowLabel bool              // room enough for the arrows' labels
	Clash     string            // why not: the first label in the way
}

// layoutDiagram lays the figure out in area (the widget minus its legend
// and notes). labelSize measures an arrow's label (its two lines).
func layoutDiagram(area diagramRect, textSize, captionSize float32, labelSize func(e tcpEdge, size float32) fyne.Size) diagramGeometry {
	g := diagramGeometry{Routes: make([][]fyne.Position, len(tcpEdges)), Labels: make([]diagramRect, len(tcpEdges))}
	w, h := area.X1-area.X0, area.Y1-area.Y0
	pitch := h / (diagramRows + 0.4) // and room under the last row for a label and TIME-WAIT's time
	colX := [3]float32{area.X0 + w*0.17, area.X0 + w*0.5, area.X0 + w*0.83}
	bw := min(w*0.22, 150)
	bh := min(pitch*0.42, 32)
	// The boxes' text: the body size when SYN-RECEIVED fits, smaller when not.
	g.BoxText = textSize
	for g.BoxText > 8 && fyne.MeasureText("SYN-RECEIVED", g.BoxText, fyne.TextStyle{Bold: true}).Width > bw-6 {
		g.BoxText--
	}
	for n := nodeClosed; n < numNodes; n++ {
		c := diagramCell[n]
		cx, cy := colX[c[0]], area.Y0+pitch*(float32(c[1])+0.5)
		g.Boxes[n] = diagramRect{cx - bw/2, cy - bh/2, cx + bw/2, cy + bh/2}
	}
	b := func(n tcpNode) diagramRect { return g.Boxes[n] }
	cx := func(n tcpNode) float32 { return (b(n).X0 + b(n).X1) / 2 }
	cy := func(n tcpNode) float32 { return (b(n).Y0 + b(n).Y1) / 2 }
	p := func(x, y float32) fyne.Position { return fyne.NewPos(x, y) }
	dx := bw * 0.16 // two arrows between the same boxes, side by side
	dy := bh * 0.25
	gap := float32(3) // between an arrow and its label

	type spec struct {
		route []fyne.Position
		seg   int     // the segment the label goes beside
		at    float32 // how far along it
		side  labelSide
	}
	specs := map[[2]tcpNode]spec{
		{nodeClosed, nodeListen}: {route: []fyne.Position{p(cx(nodeClosed)-dx, b(nodeClosed).Y1), p(cx(nodeListen)-dx, b(nodeListen).Y0)},
			at: 0.5, side: labelLeft},
		{nodeListen, nodeClosed}: {route: []fyne.Position{p(cx(nodeListen)+dx, b(nodeListen).Y0), p(cx(nodeClosed)+dx, b(nodeClosed).Y1)},
			at: 0.5, side: labelRight},
		{nodeClosed, nodeSynSent}: {route: []fyne.Position{p(b(nodeClosed).X1, cy(nodeClosed)+dy), p(cx(nodeSynSent)-dx, cy(nodeClosed)+dy),
			p(cx(nodeSynSent)-dx, b(nodeSynSent).Y0)}, seg: 1, at: 0.3, side: labelLeft},
		{nodeSynSent, nodeClosed}: {route: []fyne.Position{p(cx(nodeSynSent)+dx, b(nodeSynSent).Y0), p(cx(nodeSynSent)+dx, cy(nodeClosed)-dy),
			p(b(nodeClosed).X1, cy(nodeClosed)-dy)}, seg: 0, at: 0.6, side: labelRight},
		{nodeListen, nodeSynRcvd}: {route: []fyne.Position{p(b(nodeListen).X0, cy(nodeListen)), p(cx(nodeSynRcvd), cy(nodeListen)),
			p(cx(nodeSynRcvd), b(nodeSynRcvd).Y0)}, seg: 0, at: 0.5, side: labelBelow},
		{nodeListen, nodeSynSent}: {route: []fyne.Position{p(b(nodeListen).X1, cy(nodeListen)), p(cx(nodeSynSent)-2.5*dx, cy(nodeListen)),
			p(cx(nodeSynSent)-2.5*dx, b(nodeSynSent).Y0)}, seg: 0, at: 0.5, side: labelBelow},
		{nodeSynSent, nodeSynRcvd}: {route: []fyne.Position{p(b(nodeSynSent).X0, cy(nodeSynSent)), p(b(nodeSynRcvd).X1, cy(nodeSynRcvd))},
			at: 0.5, side: labelBelow},
		{nodeSynRcvd, nodeEstab}: {route: []fyne.Position{p(cx(nodeSynRcvd)+dx, b(nodeSynRcvd).Y1), p(cx(nodeSynRcvd)+dx, cy(nodeEstab)),
			p(b(nodeEstab).X0, cy(nodeEstab))}, seg: 1, at: 0.5, side: labelAbove},
		{nodeSynSent, nodeEstab}: {route: []fyne.Position{p(cx(nodeSynSent)-dx, b(nodeSynSent).Y1), p(cx(nodeSynSent)-dx, cy(nodeEstab)),
			p(b(nodeEstab).X1, cy(nodeEstab))}, seg: 1, at: 0.5, side: labelAbove},
		{nodeSynRcvd, nodeFinWait1}: {route: []fyne.Position{p(cx(nodeSynRcvd)-dx, b(nodeSynRcvd).Y1), p(cx(nodeFinWait1)-dx, b(nodeFinWait1).Y0)},
			at: 0.5, side: labelLeft},
		{nodeEstab, nodeFinWait1}: {route: []fyne.Position{p(cx(nodeEstab)-dx, b(nodeEstab).Y1), p(cx(nodeEstab)-dx, cy(nodeFinWait1)),
			p(b(nodeFinWait1).X1, cy(nodeFinWait1))}, seg: 1, at: 0.5, side: labelAbove},
		{nodeEstab, nodeCloseWait}: {route: []fyne.Position{p(cx(nodeEstab)+dx, b(nodeEstab).Y1), p(cx(nodeEstab)+dx, cy(nodeCloseWait)),
			p(b(nodeCloseWait).X0, cy(nodeCloseWait))}, seg: 1, at: 0.5, side: labelAbove},
		{nodeFinWait1, nodeFinWait2}: {route: []fyne.Position{p(cx(nodeFinWait1)+dx, b(nodeFinWait1).Y1), p(cx(nodeFinWait2)+dx, b(nodeFinWait2).Y0)},
			at: 0.5, side: labelRight},
		{nodeFinWait1, nodeClosing}: {route: []fyne.Position{p(b(nodeFinWait1).X1, cy(nodeFinWait1)+bh*0.3), p(cx(nodeClosing)-2.2*dx, cy(nodeFinWait1)+bh*0.3),
			p(cx(nodeClosing)-2.2*dx, b(nodeClosing).Y0)}, seg: 1, at: 0.5, side: labelRight},
		{nodeFinWait2, nodeTimeWait}: {route: []fyne.Position{p(cx(nodeFinWait2), b(nodeFinWait2).Y1), p(cx(nodeFinWait2), cy(nodeTimeWait)),
			p(b(nodeTimeWait).X0, cy(nodeTimeWait))}, seg: 1, at: 0.5, side: labelAbove},
		{nodeClosing, nodeTimeWait}: {route: []fyne.Position{p(cx(nodeClosing), b(nodeClosing).Y1), p(cx(nodeTimeWait), b(nodeTimeWait).Y0)},
			at: 0.5, side: labelRight},
		{nodeCloseWait, nodeLastAck}: {route: []fyne.Position{p(cx(nodeCloseWait), b(nodeCloseWait).Y1), p(cx(nodeLastAck), b(nodeLastAck).Y0)},
			at: 0.5, side: labelRight},
		{nodeLastAck, nodeClosedEnd}: {route: []fyne.Position{p(cx(nodeLastAck), b(nodeLastAck).Y1), p(cx(nodeClosedEnd), b(nodeClosedEnd).Y0)},
			at: 0.5, side: labelRight},
		{nodeTimeWait, nodeClosedEnd}: {route: []fyne.Position{p(b(nodeTimeWait).X1, cy(nodeTimeWait)), p(b(nodeClosedEnd).X0, cy(nodeClosedEnd))},
			at: 0.5, side: labelBelow},
	}
	for i, e := range tcpEdges {
		g.Routes[i] = specs[[2]tcpNode{e.From, e.To}].route
	}
	// The labels at the caption's size, or a point or two smaller where
	// that is what makes them fit.
	for g.LabelText = captionSize; ; g.LabelText-- {
		for i, e := range tcpEdges {
			s := specs[[2]tcpNode{e.From, e.To}]
			a, z := s.route[s.seg], s.route[s.seg+1]
			at := p(a.X+(z.X-a.X)*s.at, a.Y+(z.Y-a.Y)*s.at)
			sz := labelSize(e, g.LabelText)
			var r diagramRect
			switch s.side {
			case labelLeft:
				r = diagramRect{at.X - gap - sz.Width, at.Y - sz.Height/2, at.X - gap, at.Y + sz.Height/2}
			case labelRight:
				r = diagramRect{at.X + gap, at.Y - sz.Height/2, at.X + gap + sz.Width, at.Y + sz.Height/2}
			case labelAbove:
				r = diagramRect{at.X - sz.Width/2, at.Y - gap - sz.Height, at.X + sz.Width/2, at.Y - gap}
			case labelBelow:
				r = diagramRect{at.X - sz.Width/2, at.Y + gap, at.X + sz.Width/2, at.Y + gap + sz.Height}
			}
			g.Labels[i] = r
		}
		g.Clash = labelClash(area, g)
		if g.Clash == "" || g.LabelText-1 < minLabelText {
			break
		}
	}
	g.ShowLabel = g.Clash == ""
	return g
}

// labelClash names the first arrow label that leaves area or covers a box
// or another label ("" when none does): labels are shown only where all
// of them fit.
func labelClash(area diagramRect, g diagramGeometry) string {
	name := func(i int) string { return tcpEdges[i].From.String() + "→" + tcpEdges[i].To.String() }
	for i, r := range g.Labels {
		if r.X0 < area.X0-1 || r.X1 > area.X1+1 || r.Y0 < area.Y0-1 || r.Y1 > area.Y1+1 {
			return "the label of " + name(i) + " leaves the area"
		}
		for n := nodeClosed; n < numNodes; n++ {
			if r.overlaps(g.Boxes[n]) {
				return "the label of " + name(i) + " covers " + n.String()
			}
		}
		for j := i + 1; j < len(g.Labels); j++ {
			if r.overlaps(g.Labels[j]) {
				return "the label of " + name(i) + " covers that of " + name(j)
			}
		}
		for j, route := range g.Routes {
			if crosses(r.inset(1), route) {
				return "the label of " + name(i) + " covers the arrow " + name(j)
			}
		}
	}
	return ""
}

// crosses reports whether a polyline passes through r (checked every
// pixel or so along each segment).
func crosses(r diagramRect, route []fyne.Position) bool {
	for k := 1; k < len(route); k++ {
		a, z := route[k-1], route[k]
		steps := int(math.Hypot(float64(z.X-a.X), float64(z.Y-a.Y))) + 1
		for s := 0; s <= steps; s++ {
			f := float32(s) / float32(steps)
			x, y := a.X+(z.X-a.X)*f, a.Y+(z.Y-a.Y)*f
			if x > r.X0 && x < r.X1 && y > r.Y0 && y < r.Y1 {
				return true
			}
		}
	}
	return false
}

// arrowHead is the two strokes of an arrow's head at the end of a route.
func arrowHead(route []fyne.Position, size float32) [2][2]fyne.Position {
	a, z := route[len(route)-2], route[len(route)-1]
	ang := math.Atan2(float64(z.Y-a.Y), float64(z.X-a.X))
	var out [2][2]fyne.Position
	for i, d := range []float64{-0.45, 0.45} {
		out[i] = [2]fyne.Position{z, fyne.NewPos(z.X-size*float32(math.Cos(ang+d)), z.Y-size*float32(math.Sin(ang+d)))}
	}
	return out
}

// offsetRoute moves a route sideways by d (perpendicular to each
// segment), so two ends lighting one arrow show both colours.
func offsetRoute(route []fyne.Position, d float32) []fyne.Position {
	if d == 0 {
		return route
	}
	out := make([]fyne.Position, len(route))
	for i := range route {
		// The normal of the segment this point belongs to (the one
		// before it, or after it for the first point); at a corner both
		// segments are axis-aligned, so moving along both normals keeps
		// the corner square.
		var nx, ny float32
		add := func(a, z fyne.Position) {
			l := float32(math.Hypot(float64(z.X-a.X), float64(z.Y-a.Y)))
			if l > 0 {
				nx += -(z.Y - a.Y) / l
				ny += (z.X - a.X) / l
			}
		}
		if i > 0 {
			add(route[i-1], route[i])
		}
		if i < len(route)-1 {
			add(route[i], route[i+1])
		}
		out[i] = fyne.NewPos(route[i].X+nx*d, route[i].Y+ny*d)
	}
	return out
}
