package gui

import (
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// stateDiagram draws RFC 793's TCP state diagram with up to two ends of a
// connection on it: each end's current state is a box outlined in its
// colour, the arrows it took since the previous look are drawn in that
// colour, the ones before fainter, and a TIME-WAIT end says how long it
// has left. A legend names the ends and their states. Plain canvas
// objects, made once and moved on each layout, coloured from the theme
// so that it reads in the light and dark themes alike. UI goroutine only.
type stateDiagram struct {
	widget.BaseWidget
	sides []diagramSide // at most two
	empty string        // said in the middle when there is no end to show
}

// diagramSide is one end as the diagram shows it.
type diagramSide struct {
	Name         string
	Lights       trailLights
	TimeWaitLeft time.Duration
}

func newStateDiagram() *stateDiagram {
	d := &stateDiagram{empty: "No TCP connection to show yet."}
	d.ExtendBaseWidget(d)
	return d
}

// show puts the trails of up to two ends on the diagram (their lights
// are worked out now), or, with none, says empty. Refreshes.
func (d *stateDiagram) show(trails []*stateTrail, empty string) {
	d.sides = d.sides[:0]
	for _, t := range trails {
		if t == nil || len(d.sides) == 2 {
			continue
		}
		d.sides = append(d.sides, diagramSide{Name: t.Name, Lights: t.lights(), TimeWaitLeft: t.TimeWaitLeft})
	}
	if empty != "" {
		d.empty = empty
	}
	d.Refresh()
}

// Sides returns what the diagram shows, for tests.
func (d *stateDiagram) Sides() []diagramSide { return append([]diagramSide(nil), d.sides...) }

// sideColor is the colour of the index-th end: blue and orange, a pair
// that stays apart for the colour-blind, lighter on a dark background.
func sideColor(i int, dark bool) color.NRGBA {
	if dark {
		return [2]color.NRGBA{{0x4d, 0xa3, 0xff, 0xff}, {0xff, 0x9a, 0x3c, 0xff}}[i]
	}
	return [2]color.NRGBA{{0x1a, 0x66, 0xcc, 0xff}, {0xc8, 0x5a, 0x00, 0xff}}[i]
}

func withAlpha(c color.Color, a uint8) color.NRGBA {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = a
	return n
}

// darkTheme tells the theme's variant by its background.
func darkTheme() bool {
	r, g, b, _ := theme.Color(theme.ColorNameBackground).RGBA()
	return (r*299+g*587+b*114)/1000 < 0x8000
}

func (d *stateDiagram) CreateRenderer() fyne.WidgetRenderer {
	r := &diagramRenderer{d: d}
	newText := func() *canvas.Text { return canvas.NewText("", color.Black) }
	newLine := func() *canvas.Line { return canvas.NewLine(color.Black) }
	for n := nodeClosed; n < numNodes; n++ {
		r.box[n] = canvas.NewRectangle(color.Transparent)
		r.boxText[n] = newText()
		r.boxText[n].Text = n.String()
		r.boxText[n].TextStyle.Bold = true
		for s := range r.hi {
			r.hi[s][n] = canvas.NewRectangle(color.Transparent)
		}
	}
	r.edges = make([]edgeObjects, len(tcpEdges))
	for s := range r.lit {
		r.lit[s] = make([]edgeObjects, len(tcpEdges))
	}
	for i, e := range tcpEdges {
		mk := func(o *edgeObjects) {
			o.segs = make([]*canvas.Line, 3)
			for j := range o.segs {
				o.segs[j] = newLine()
			}
			o.head = [2]*canvas.Line{newLine(), newLine()}
		}
		mk(&r.edges[i])
		r.edges[i].labelBg = canvas.NewRectangle(color.Transparent)
		r.edges[i].label = [2]*canvas.Text{newText(), newText()}
		r.edges[i].label[0].Text, r.edges[i].label[1].Text = e.Label[0], e.Label[1]
		for s := range r.lit {
			mk(&r.lit[s][i])
		}
	}
	for s := range r.swatch {
		r.swatch[s] = canvas.NewRectangle(color.Black)
		r.legend[s] = newText()
		r.legend[s].TextStyle.Bold = true
		r.twLeft[s] = newText()
	}
	for i := range r.notes {
		r.notes[i] = newText()
	}
	r.empty = newText()
	r.objs = r.objects()
	r.Refresh()
	return r
}

// edgeObjects draw one arrow: up to three segments, a head, a label.
type edgeObjects struct {
	segs    []*canvas.Line
	head    [2]*canvas.Line
	labelBg *canvas.Rectangle
	label   [2]*canvas.Text
}

type diagramRenderer struct {
	d    *stateDiagram
	size fyne.Size

	box     [numNodes]*canvas.Rectangle
	boxText [numNodes]*canvas.Text
	hi      [2][numNodes]*canvas.Rectangle // each end's mark on a box
	edges   []edgeObjects
	lit     [2][]edgeObjects // each end's arrows, over the plain ones
	swatch  [2]*canvas.Rectangle
	legend  [2]*canvas.Text
	twLeft  [2]*canvas.Text
	notes   [3]*canvas.Text
	empty   *canvas.Text
	objs    []fyne.CanvasObject
	geom    diagramGeometry // as last placed
}

func (r *diagramRenderer) objects() []fyne.CanvasObject {
	var o []fyne.CanvasObject
	addEdge := func(e *edgeObjects) {
		for _, l := range e.segs {
			o = append(o, l)
		}
		o = append(o, e.head[0], e.head[1])
	}
	for i := range r.edges {
		addEdge(&r.edges[i])
	}
	for s := range r.lit {
		for i := range r.lit[s] {
			addEdge(&r.lit[s][i])
		}
	}
	for i := range r.edges {
		o = append(o, r.edges[i].labelBg, r.edges[i].label[0], r.edges[i].label[1])
	}
	for n := nodeClosed; n < numNodes; n++ {
		o = append(o, r.box[n], r.hi[0][n], r.hi[1][n], r.boxText[n])
	}
	for s := range r.swatch {
		o = append(o, r.swatch[s], r.legend[s], r.twLeft[s])
	}
	for _, t := range r.notes {
		o = append(o, t)
	}
	return append(o, r.empty)
}

// area is where the figure goes: under the legend, over notes lines.
func (r *diagramRenderer) area(notes int) diagramRect {
	pad := theme.Padding()
	legendH := fyne.MeasureText("Ag", theme.TextSize(), fyne.TextStyle{Bold: true}).Height + 2*pad
	lineH := fyne.MeasureText("Ag", theme.CaptionTextSize(), fyne.TextStyle{}).Height
	return diagramRect{pad, legendH + pad, r.size.Width - pad, r.size.Height - float32(notes)*lineH - pad}
}

func (r *diagramRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *diagramRenderer) Destroy()                     {}

// MinSize keeps the boxes' names readable; the arrows' labels show when
// there is room for them.
func (r *diagramRenderer) MinSize() fyne.Size { return fyne.NewSize(330, 380) }

func (r *diagramRenderer) Layout(size fyne.Size) {
	r.size = size
	r.place()
}

func (r *diagramRenderer) Refresh() {
	r.place()
	canvas.Refresh(r.d)
}

// edgeLabelSize measures an arrow's label (one or two lines).
func edgeLabelSize(e tcpEdge, size float32) fyne.Size {
	a := fyne.MeasureText(e.Label[0], size, fyne.TextStyle{})
	if e.Label[1] == "" {
		return a
	}
	b := fyne.MeasureText(e.Label[1], size, fyne.TextStyle{})
	return fyne.NewSize(max(a.Width, b.Width), a.Height+b.Height)
}

// place sets every object's position, size, colour and visibility for
// the current size, theme and ends.
func (r *diagramRenderer) place() {
	d := r.d
	dark := darkTheme()
	fg := theme.Color(theme.ColorNameForeground)
	dim := theme.Color(theme.ColorNamePlaceHolder)
	pad := theme.Padding()
	text, caption := theme.TextSize(), theme.CaptionTextSize()
	lineH := fyne.MeasureText("Ag", caption, fyne.TextStyle{}).Height
	legendH := fyne.MeasureText("Ag", text, fyne.TextStyle{Bold: true}).Height + 2*pad

	// Legend: each end's colour, name and state.
	x := pad
	for s := range r.swatch {
		if s >= len(d.sides) {
			r.swatch[s].Hide()
			r.legend[s].Hide()
			continue
		}
		side := d.sides[s]
		c := sideColor(s, dark)
		r.swatch[s].FillColor = c
		r.swatch[s].CornerRadius = 2
		r.swatch[s].Resize(fyne.NewSize(14, 14))
		r.swatch[s].Move(fyne.NewPos(x, pad+(legendH-2*pad-14)/2))
		r.swatch[s].Show()
		x += 14 + pad
		t := r.legend[s]
		t.Text = side.Name + ": " + side.Lights.Now.String()
		if side.Lights.Now == nodeNone {
			t.Text = side.Name + ": not seen yet"
		}
		t.Color, t.TextSize = fg, text
		t.Move(fyne.NewPos(x, pad))
		t.Show()
		x += t.MinSize().Width + 3*pad
	}

	// Notes under the figure: moves with no arrow between them.
	var notes []string
	for _, side := range d.sides {
		for _, j := range side.Lights.Jumps {
			notes = append(notes, jumpWords(side.Name, j))
		}
	}
	if len(notes) > len(r.notes) {
		notes = notes[len(notes)-len(r.notes):]
	}
	notesH := float32(len(notes)) * lineH // as area has it
	for i, t := range r.notes {
		if i >= len(notes) {
			t.Hide()
			continue
		}
		t.Text, t.Color, t.TextSize = notes[i], dim, caption
		t.Move(fyne.NewPos(pad, r.size.Height-notesH+float32(i)*lineH-pad/2))
		t.Show()
	}

	g := layoutDiagram(r.area(len(notes)), text, caption, edgeLabelSize)
	r.geom = g

	// Which box each end marks, and which arrows it lit.
	type mark struct {
		now, passed, visited bool
	}
	var marks [2][numNodes]mark
	litCount := make([]int, len(tcpEdges)) // per arrow: how many ends took it
	for s, side := range d.sides {
		l := side.Lights
		marks[s][l.Now].now = true
		for _, n := range l.Passed {
			marks[s][n].passed = true
		}
		for _, e := range append(append([]int(nil), l.Fresh...), l.Old...) {
			marks[s][tcpEdges[e].From].visited = true
			marks[s][tcpEdges[e].To].visited = true
			litCount[e]++
		}
		for _, j := range l.Jumps { // no arrow, but it was there
			marks[s][j[0]].visited = true
			marks[s][j[1]].visited = true
		}
	}

	// Boxes.
	boxFill := theme.Color(theme.ColorNameInputBackground)
	boxStroke := withAlpha(fg, 0x80)
	for n := nodeClosed; n < numNodes; n++ {
		b := g.Boxes[n]
		pos, sz := fyne.NewPos(b.X0, b.Y0), fyne.NewSize(b.X1-b.X0, b.Y1-b.Y0)
		r.box[n].FillColor, r.box[n].StrokeColor, r.box[n].StrokeWidth = boxFill, boxStroke, 1
		r.box[n].CornerRadius = 4
		r.box[n].Move(pos)
		r.box[n].Resize(sz)
		t := r.boxText[n]
		t.TextSize, t.Color = g.BoxText, fg
		ts := t.MinSize()
		t.Move(fyne.NewPos(b.X0+(sz.Width-ts.Width)/2, b.Y0+(sz.Height-ts.Height)/2))
		inset := float32(0)
		for s := range r.hi {
			h := r.hi[s][n]
			m := marks[s][n]
			if s >= len(d.sides) || !(m.now || m.passed || m.visited) {
				h.Hide()
				continue
			}
			c := sideColor(s, dark)
			switch {
			case m.now:
				h.StrokeColor, h.StrokeWidth, h.FillColor = c, 3, withAlpha(c, 0x38)
			case m.passed:
				h.StrokeColor, h.StrokeWidth, h.FillColor = withAlpha(c, 0xa0), 1.5, color.Transparent
			default:
				h.StrokeColor, h.StrokeWidth, h.FillColor = withAlpha(c, 0x70), 1.5, withAlpha(c, 0x14)
			}
			if s == 1 && (marks[0][n].now || marks[0][n].passed || marks[0][n].visited) && len(d.sides) > 1 {
				inset = 4 // both ends mark this box: the second inside the first
				h.FillColor = color.Transparent
			}
			h.CornerRadius = 4
			h.Move(fyne.NewPos(b.X0+inset, b.Y0+inset))
			h.Resize(fyne.NewSize(sz.Width-2*inset, sz.Height-2*inset))
			h.Show()
		}
	}

	// Plain arrows and their labels.
	labelLineH := fyne.MeasureText("Ag", g.LabelText, fyne.TextStyle{}).Height
	edgeColor := withAlpha(fg, 0x70)
	labelBg := theme.Color(theme.ColorNameBackground)
	for i, e := range tcpEdges {
		o := &r.edges[i]
		placeRoute(o, g.Routes[i], edgeColor, 1)
		r0 := g.Labels[i]
		o.labelBg.FillColor = withAlpha(labelBg, 0xd0)
		o.labelBg.Move(fyne.NewPos(r0.X0-1, r0.Y0))
		o.labelBg.Resize(fyne.NewSize(r0.X1-r0.X0+2, r0.Y1-r0.Y0))
		for j, t := range o.label {
			t.TextSize, t.Color = g.LabelText, dim
			w := t.MinSize().Width
			t.Move(fyne.NewPos((r0.X0+r0.X1-w)/2, r0.Y0+float32(j)*labelLineH))
		}
		show := g.ShowLabel
		setVisible(o.labelBg, show)
		setVisible(o.label[0], show)
		setVisible(o.label[1], show && e.Label[1] != "")
	}

	// Each end's arrows: taken since the last look bold, before fainter;
	// an arrow both ends took is drawn twice, side by side.
	for s := range r.lit {
		fresh, old := map[int]bool{}, map[int]bool{}
		if s < len(d.sides) {
			for _, e := range d.sides[s].Lights.Fresh {
				fresh[e] = true
			}
			for _, e := range d.sides[s].Lights.Old {
				old[e] = true
			}
		}
		c := sideColor(s, dark)
		for i := range tcpEdges {
			o := &r.lit[s][i]
			if !fresh[i] && !old[i] {
				hideRoute(o)
				continue
			}
			route := g.Routes[i]
			if litCount[i] > 1 {
				route = offsetRoute(route, [2]float32{-2.5, 2.5}[s])
			}
			if fresh[i] {
				placeRoute(o, route, c, 3)
			} else {
				placeRoute(o, route, withAlpha(c, 0x90), 2)
			}
		}
	}

	// TIME-WAIT's time left, under its box.
	tw := g.Boxes[nodeTimeWait]
	y := tw.Y1 + 2
	for s := range r.twLeft {
		t := r.twLeft[s]
		if s >= len(d.sides) || d.sides[s].Lights.Now != nodeTimeWait || d.sides[s].TimeWaitLeft <= 0 {
			t.Hide()
			continue
		}
		t.Text = fmt.Sprintf("%s: %s left", d.sides[s].Name, waitLeftText(d.sides[s].TimeWaitLeft))
		t.TextSize, t.Color, t.TextStyle.Bold = caption, sideColor(s, dark), true
		w := t.MinSize().Width
		t.Move(fyne.NewPos((tw.X0+tw.X1-w)/2, y))
		y += lineH
		t.Show()
	}

	// Nothing to show: say so over the figure.
	r.empty.Text, r.empty.Color, r.empty.TextSize = d.empty, dim, text
	if len(d.sides) == 0 && d.empty != "" {
		w := r.empty.MinSize().Width
		r.empty.Move(fyne.NewPos(max(pad, (r.size.Width-w)/2), pad))
		r.empty.Show()
	} else {
		r.empty.Hide()
	}
}

// waitLeftText is TIME-WAIT's time left as a person reads it: "59 s",
// "1.5 s".
func waitLeftText(d time.Duration) string {
	if d < 10*time.Second {
		return strings.TrimSuffix(fmt.Sprintf("%.1f", d.Seconds()), ".0") + " s"
	}
	return fmt.Sprintf("%.0f s", d.Seconds())
}

func placeRoute(o *edgeObjects, route []fyne.Position, c color.Color, width float32) {
	for j, l := range o.segs {
		if j >= len(route)-1 {
			l.Hide()
			continue
		}
		l.Position1, l.Position2 = route[j], route[j+1]
		l.StrokeColor, l.StrokeWidth = c, width
		l.Show()
	}
	head := arrowHead(route, 6+width*1.5)
	for j, l := range o.head {
		l.Position1, l.Position2 = head[j][0], head[j][1]
		l.StrokeColor, l.StrokeWidth = c, width
		l.Show()
	}
}

func hideRoute(o *edgeObjects) {
	for _, l := range o.segs {
		l.Hide()
	}
	o.head[0].Hide()
	o.head[1].Hide()
}

func setVisible(o fyne.CanvasObject, on bool) {
	if on {
		o.Show()
	} else {
		o.Hide()
	}
}
