package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// sparkSamples is how many rate samples the sparkline keeps (one per
// header refresh, about a minute of history).
const sparkSamples = 60

// sparkline draws recent throughput as a line, scaled to its own maximum.
// It is a handful of canvas lines, redrawn only when a sample is added.
type sparkline struct {
	widget.BaseWidget
	values []float64
}

func newSparkline() *sparkline {
	s := &sparkline{}
	s.ExtendBaseWidget(s)
	return s
}

// Add appends a sample, dropping the oldest past sparkSamples.
func (s *sparkline) Add(v float64) {
	flat := len(s.values) == sparkSamples
	for _, x := range s.values {
		flat = flat && x == v
	}
	s.values = append(s.values, v)
	if len(s.values) > sparkSamples {
		s.values = s.values[len(s.values)-sparkSamples:]
	}
	if !flat { // a full, flat line that stays flat (an idle session) looks the same: no frame
		s.Refresh()
	}
}

func (s *sparkline) CreateRenderer() fyne.WidgetRenderer {
	r := &sparkRenderer{s: s, bg: canvas.NewRectangle(color.Transparent)}
	r.bg.StrokeWidth = 1
	for i := range r.lines {
		r.lines[i] = canvas.NewLine(theme.Color(theme.ColorNamePrimary))
		r.lines[i].StrokeWidth = 1.5
	}
	r.Refresh()
	return r
}

type sparkRenderer struct {
	s     *sparkline
	bg    *canvas.Rectangle
	lines [sparkSamples - 1]*canvas.Line
	size  fyne.Size
}

func (r *sparkRenderer) Layout(size fyne.Size) {
	r.size = size
	r.bg.Resize(size)
	r.place()
}

func (r *sparkRenderer) MinSize() fyne.Size { return fyne.NewSize(120, 28) }

func (r *sparkRenderer) Refresh() {
	r.bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
	for _, l := range r.lines {
		l.StrokeColor = theme.Color(theme.ColorNamePrimary)
	}
	r.place()
	canvas.Refresh(r.s)
}

// place positions the segments for the current values and size.
func (r *sparkRenderer) place() {
	vals := r.s.values
	maxV := 0.0
	for _, v := range vals {
		maxV = max(maxV, v)
	}
	w, h := r.size.Width, r.size.Height
	step := w / float32(sparkSamples-1)
	y := func(v float64) float32 {
		if maxV <= 0 {
			return h - 2
		}
		return h - 2 - float32(v/maxV)*(h-4)
	}
	off := sparkSamples - len(vals) // right-align the history
	for i, l := range r.lines {
		a, b := i-off, i+1-off
		// Show and Hide refresh even when nothing changes, and place runs
		// in Layout too, which Fyne calls while it paints a frame (as each
		// line first appears): a refresh there costs a second frame.
		if a < 0 {
			if l.Visible() {
				l.Hide()
			}
			continue
		}
		if !l.Visible() {
			l.Show()
		}
		l.Position1 = fyne.NewPos(float32(i)*step, y(vals[a]))
		l.Position2 = fyne.NewPos(float32(i+1)*step, y(vals[b]))
	}
}

func (r *sparkRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.bg}
	for _, l := range r.lines {
		objs = append(objs, l)
	}
	return objs
}

func (r *sparkRenderer) Destroy() {}
