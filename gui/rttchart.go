package gui

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// chartKeep is how many probes the RTT chart shows (the latest): enough to
// see a trend over several seconds at a fast interval, few enough that a
// redraw stays a few hundred canvas objects.
const chartKeep = 300

// chartMinSpan is the fewest probes the x axis spans, so the first few
// points are not stretched across the whole width.
const chartMinSpan = 10

// rttPoint is one probe on the chart: its round trip, or lost.
type rttPoint struct {
	Seq  int
	RTT  time.Duration
	Lost bool
}

// rttChart draws round-trip times over probe numbers: a line through the
// replies, red marks at the bottom for lost probes, axes in ms and icmp_seq.
// It is plain canvas objects reused between redraws, coloured from the
// theme so it reads in light and dark alike. UI goroutine only.
type rttChart struct {
	widget.BaseWidget
	points []rttPoint // sorted by Seq, at most chartKeep
}

func newRTTChart() *rttChart {
	c := &rttChart{}
	c.ExtendBaseWidget(c)
	return c
}

// add records one probe's outcome; the first outcome of a probe wins (a
// duplicate or late reply does not move its point). Call Refresh after a batch.
func (c *rttChart) add(p rttPoint) {
	i := len(c.points)
	for i > 0 && c.points[i-1].Seq > p.Seq {
		i--
	}
	if i > 0 && c.points[i-1].Seq == p.Seq {
		return
	}
	if len(c.points) >= chartKeep && i == 0 {
		return // older than everything kept
	}
	c.points = append(c.points, rttPoint{})
	copy(c.points[i+1:], c.points[i:])
	c.points[i] = p
	if n := len(c.points) - chartKeep; n > 0 {
		c.points = append(c.points[:0], c.points[n:]...)
	}
}

// clear forgets every point (a new run).
func (c *rttChart) clear() {
	c.points = c.points[:0]
	c.Refresh()
}

// Points returns a copy of what the chart shows, oldest first.
func (c *rttChart) Points() []rttPoint { return append([]rttPoint(nil), c.points...) }

func (c *rttChart) CreateRenderer() fyne.WidgetRenderer {
	r := &rttRenderer{c: c}
	r.plot = canvas.NewRectangle(color.Transparent)
	r.plot.StrokeWidth = 1
	r.yTitle = canvas.NewText("ms", color.Black)
	r.xTitle = canvas.NewText("seq", color.Black)
	r.empty = canvas.NewText("Round-trip times are drawn here once the ping runs.", color.Black)
	r.keyLine = canvas.NewLine(color.Black)
	r.keyLine.StrokeWidth = 2
	r.keyReply = canvas.NewText("round trip", color.Black)
	r.keyMark = canvas.NewRectangle(color.Black)
	r.keyLost = canvas.NewText("lost", color.Black)
	r.Refresh()
	return r
}

type rttRenderer struct {
	c    *rttChart
	size fyne.Size

	plot           *canvas.Rectangle
	yTitle, xTitle *canvas.Text
	empty          *canvas.Text
	keyLine        *canvas.Line
	keyReply       *canvas.Text
	keyMark        *canvas.Rectangle
	keyLost        *canvas.Text

	// Pools, grown on demand; the surplus is hidden.
	grid    []*canvas.Line
	yLabels []*canvas.Text
	xLabels []*canvas.Text
	segs    []*canvas.Line
	dots    []*canvas.Circle
	marks   []*canvas.Rectangle

	objs  []fyne.CanvasObject
	stale bool // a pool grew: objs must be rebuilt
}

func (r *rttRenderer) MinSize() fyne.Size { return fyne.NewSize(300, 150) }

func (r *rttRenderer) Layout(size fyne.Size) {
	r.size = size
	r.place()
}

func (r *rttRenderer) Refresh() {
	fg := theme.Color(theme.ColorNameForeground)
	dim := theme.Color(theme.ColorNamePlaceHolder)
	line := theme.Color(theme.ColorNamePrimary)
	lost := theme.Color(theme.ColorNameError)
	r.plot.StrokeColor = theme.Color(theme.ColorNameSeparator)
	r.plot.FillColor = theme.Color(theme.ColorNameInputBackground)
	small := theme.CaptionTextSize()
	for _, t := range []*canvas.Text{r.yTitle, r.xTitle, r.keyReply, r.keyLost} {
		t.Color, t.TextSize = fg, small
	}
	r.yTitle.TextStyle.Bold = true
	r.xTitle.TextStyle.Bold = true
	r.empty.Color, r.empty.TextSize = dim, theme.TextSize()
	r.keyLine.StrokeColor = line
	r.keyMark.FillColor = lost
	r.place()
	canvas.Refresh(r.c)
}

// place computes the scales and positions every object for the current
// points, size and theme.
func (r *rttRenderer) place() {
	pts := r.c.points
	w, h := r.size.Width, r.size.Height
	pad := theme.Padding()
	small := theme.CaptionTextSize()
	textH := fyne.MeasureText("0", small, fyne.TextStyle{}).Height

	// Y: 0 to a round number of ms above the slowest reply.
	maxMS := 0.0
	for _, p := range pts {
		if !p.Lost {
			maxMS = max(maxMS, float64(p.RTT)/float64(time.Millisecond))
		}
	}
	step, top := niceScale(maxMS, 4)
	nY := int(math.Round(top/step)) + 1
	labelW := fyne.MeasureText(r.xTitle.Text, small, r.xTitle.TextStyle).Width
	yText := make([]string, nY)
	for i := range yText {
		yText[i] = formatTick(float64(i)*step, step)
		labelW = max(labelW, fyne.MeasureText(yText[i], small, fyne.TextStyle{}).Width)
	}

	// The plot area: labels left and below, title and key above.
	x0 := labelW + 2*pad
	y0 := textH + 2*pad
	x1 := w - 2*pad
	y1 := h - textH - 2*pad
	if x1-x0 < 20 || y1-y0 < 20 {
		for _, o := range r.objects() {
			o.Hide()
		}
		return
	}
	for _, o := range []fyne.CanvasObject{r.plot, r.yTitle, r.xTitle, r.keyLine, r.keyReply, r.keyMark, r.keyLost} {
		o.Show()
	}
	r.plot.Move(fyne.NewPos(x0, y0))
	r.plot.Resize(fyne.NewSize(x1-x0, y1-y0))
	yPos := func(ms float64) float32 { return y1 - float32(ms/top)*(y1-y0) }

	// Titles and key.
	r.yTitle.Move(fyne.NewPos(pad, pad))
	r.xTitle.Move(fyne.NewPos(pad, y1+pad))
	keyLostW := fyne.MeasureText(r.keyLost.Text, small, fyne.TextStyle{}).Width
	keyReplyW := fyne.MeasureText(r.keyReply.Text, small, fyne.TextStyle{}).Width
	kx := x1 - keyLostW
	r.keyLost.Move(fyne.NewPos(kx, pad))
	kx -= 10 + pad/2
	r.keyMark.Move(fyne.NewPos(kx, pad+textH/2-4))
	r.keyMark.Resize(fyne.NewSize(10, 8))
	kx -= 2*pad + keyReplyW
	r.keyReply.Move(fyne.NewPos(kx, pad))
	kx -= 18 + pad/2
	r.keyLine.Position1 = fyne.NewPos(kx, pad+textH/2)
	r.keyLine.Position2 = fyne.NewPos(kx+18, pad+textH/2)

	// Horizontal grid lines with their ms labels.
	r.growLines(&r.grid, nY, theme.Color(theme.ColorNameSeparator), 1)
	r.growTexts(&r.yLabels, nY)
	for i := range nY {
		y := yPos(float64(i) * step)
		g := r.grid[i]
		g.Position1, g.Position2 = fyne.NewPos(x0, y), fyne.NewPos(x1, y)
		g.Show()
		t := r.yLabels[i]
		t.Text = yText[i]
		tw := fyne.MeasureText(t.Text, small, fyne.TextStyle{}).Width
		t.Move(fyne.NewPos(x0-pad-tw, y-textH/2))
		t.Show()
	}
	hideLines(r.grid[nY:])
	hideTexts(r.yLabels[nY:])

	// X: probe numbers from the oldest point kept.
	lo, hi := 1, chartMinSpan
	if len(pts) > 0 {
		lo = pts[0].Seq
		hi = max(pts[len(pts)-1].Seq, lo+chartMinSpan-1)
	}
	xPos := func(seq int) float32 { return x0 + float32(seq-lo)/float32(hi-lo)*(x1-x0) }
	maxTicks := max(2, int((x1-x0)/70))
	xStep := max(1, int(niceStep(float64(hi-lo)/float64(maxTicks))))
	first := (lo + xStep - 1) / xStep * xStep
	if first == 0 {
		first = xStep
	}
	nX := 0
	for s := first; s <= hi; s += xStep {
		nX++
	}
	r.growTexts(&r.xLabels, nX)
	i := 0
	for s := first; s <= hi; s += xStep {
		t := r.xLabels[i]
		t.Text = strconv.Itoa(s)
		tw := fyne.MeasureText(t.Text, small, fyne.TextStyle{}).Width
		x := min(max(xPos(s)-tw/2, x0), w-tw)
		t.Move(fyne.NewPos(x, y1+pad))
		t.Show()
		i++
	}
	hideTexts(r.xLabels[nX:])

	// The line through replies, broken where a probe was lost; dots while
	// they are far enough apart to tell; a red mark per lost probe.
	spacing := (x1 - x0) / float32(hi-lo)
	markW := min(max(spacing*0.7, 3), 10)
	lineC := theme.Color(theme.ColorNamePrimary)
	lostC := theme.Color(theme.ColorNameError)
	nSeg, nDot, nMark := 0, 0, 0
	for i, p := range pts {
		if p.Lost {
			nMark++
			continue
		}
		nDot++
		if i+1 < len(pts) && !pts[i+1].Lost {
			nSeg++
		}
	}
	showDots := spacing >= 6
	if !showDots {
		nDot = 0
	}
	r.growLines(&r.segs, nSeg, lineC, 2)
	r.growDots(nDot, lineC)
	r.growMarks(nMark, lostC)
	si, di, mi := 0, 0, 0
	for i, p := range pts {
		x := xPos(p.Seq)
		if p.Lost {
			m := r.marks[mi]
			m.FillColor = lostC
			m.Move(fyne.NewPos(x-markW/2, y1-9))
			m.Resize(fyne.NewSize(markW, 8))
			m.Show()
			mi++
			continue
		}
		y := yPos(float64(p.RTT) / float64(time.Millisecond))
		if showDots {
			d := r.dots[di]
			d.FillColor = lineC
			d.Move(fyne.NewPos(x-2.5, y-2.5))
			d.Resize(fyne.NewSize(5, 5))
			d.Show()
			di++
		}
		if i+1 < len(pts) && !pts[i+1].Lost {
			q := pts[i+1]
			l := r.segs[si]
			l.StrokeColor = lineC
			l.Position1 = fyne.NewPos(x, y)
			l.Position2 = fyne.NewPos(xPos(q.Seq), yPos(float64(q.RTT)/float64(time.Millisecond)))
			l.Show()
			si++
		}
	}
	hideLines(r.segs[nSeg:])
	for _, d := range r.dots[nDot:] {
		d.Hide()
	}
	for _, m := range r.marks[nMark:] {
		m.Hide()
	}

	if len(pts) == 0 {
		es := fyne.MeasureText(r.empty.Text, r.empty.TextSize, fyne.TextStyle{})
		r.empty.Move(fyne.NewPos(x0+(x1-x0-es.Width)/2, y0+(y1-y0-es.Height)/2))
		r.empty.Show()
	} else {
		r.empty.Hide()
	}
}

func (r *rttRenderer) growLines(pool *[]*canvas.Line, n int, c color.Color, width float32) {
	for len(*pool) < n {
		l := canvas.NewLine(c)
		l.StrokeWidth = width
		*pool = append(*pool, l)
		r.stale = true
	}
	for _, l := range (*pool)[:n] {
		l.StrokeColor = c
	}
}

func (r *rttRenderer) growTexts(pool *[]*canvas.Text, n int) {
	fg := theme.Color(theme.ColorNameForeground)
	for len(*pool) < n {
		*pool = append(*pool, canvas.NewText("", fg))
		r.stale = true
	}
	for _, t := range (*pool)[:n] {
		t.Color, t.TextSize = fg, theme.CaptionTextSize()
	}
}

func (r *rttRenderer) growDots(n int, c color.Color) {
	for len(r.dots) < n {
		r.dots = append(r.dots, canvas.NewCircle(c))
		r.stale = true
	}
}

func (r *rttRenderer) growMarks(n int, c color.Color) {
	for len(r.marks) < n {
		r.marks = append(r.marks, canvas.NewRectangle(c))
		r.stale = true
	}
}

func hideLines(ls []*canvas.Line) {
	for _, l := range ls {
		l.Hide()
	}
}

func hideTexts(ts []*canvas.Text) {
	for _, t := range ts {
		t.Hide()
	}
}

// Objects lists the plot first, so grid, line and marks paint over it.
func (r *rttRenderer) Objects() []fyne.CanvasObject { return r.objects() }

func (r *rttRenderer) objects() []fyne.CanvasObject {
	if r.objs != nil && !r.stale {
		return r.objs
	}
	r.stale = false
	objs := []fyne.CanvasObject{r.plot}
	for _, l := range r.grid {
		objs = append(objs, l)
	}
	objs = append(objs, r.yTitle, r.xTitle, r.empty, r.keyLine, r.keyReply, r.keyMark, r.keyLost)
	for _, t := range r.yLabels {
		objs = append(objs, t)
	}
	for _, t := range r.xLabels {
		objs = append(objs, t)
	}
	for _, m := range r.marks {
		objs = append(objs, m)
	}
	for _, l := range r.segs {
		objs = append(objs, l)
	}
	for _, d := range r.dots {
		objs = append(objs, d)
	}
	r.objs = objs
	return objs
}

func (r *rttRenderer) Destroy() {}

// niceScale picks a round tick step and the axis top (a multiple of the
// step at or above v) for about n divisions; an empty axis shows 0–1 ms.
func niceScale(v float64, n int) (step, top float64) {
	if v <= 0 {
		return 0.25, 1
	}
	step = niceStep(v / float64(n))
	top = math.Ceil(v/step-1e-9) * step
	if top < v*1.05 { // headroom, so the slowest reply is not on the frame
		top += step
	}
	return step, top
}

// niceStep rounds v up to 1, 2, 2.5 or 5 times a power of ten.
func niceStep(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if v <= m*p*(1+1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// formatTick prints an axis value with the decimals the step needs, less
// trailing zeros (0, 0.025, 0.05).
func formatTick(v, step float64) string {
	decimals := 0
	for s := step; decimals < 4 && math.Abs(s-math.Round(s)) > 1e-6; s *= 10 {
		decimals++
	}
	out := fmt.Sprintf("%.*f", decimals, v)
	if strings.Contains(out, ".") {
		out = strings.TrimRight(strings.TrimRight(out, "0"), ".")
	}
	return out
}
