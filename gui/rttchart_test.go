package gui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

func visibleLines(ls []*canvas.Line) int {
	n := 0
	for _, l := range ls {
		if l.Visible() {
			n++
		}
	}
	return n
}

func visibleMarks(r *rttRenderer) int {
	n := 0
	for _, m := range r.marks {
		if m.Visible() {
			n++
		}
	}
	return n
}

func TestRTTChartKeepsProbesInOrder(t *testing.T) {
	c := newRTTChart()
	for _, p := range []rttPoint{{Seq: 1, RTT: time.Millisecond}, {Seq: 3, RTT: 3 * time.Millisecond}, {Seq: 2, Lost: true},
		{Seq: 2, RTT: time.Millisecond}, {Seq: 4, RTT: 2 * time.Millisecond}} {
		c.add(p)
	}
	got := c.Points()
	want := []rttPoint{{Seq: 1, RTT: time.Millisecond}, {Seq: 2, Lost: true}, {Seq: 3, RTT: 3 * time.Millisecond}, {Seq: 4, RTT: 2 * time.Millisecond}}
	if len(got) != len(want) {
		t.Fatalf("points %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("point %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	for i := 5; i < 5+2*chartKeep; i++ {
		c.add(rttPoint{Seq: i, RTT: time.Millisecond})
	}
	if got := c.Points(); len(got) != chartKeep || got[len(got)-1].Seq != 4+2*chartKeep {
		t.Errorf("after many probes: %d points ending at %d, want the last %d", len(got), got[len(got)-1].Seq, chartKeep)
	}
}

// A lost probe breaks the line and gets a mark; dots show while there is room.
func TestRTTChartDrawsLossesAndAxes(t *testing.T) {
	sharedApp(t)
	c := newRTTChart()
	w := newTempWindow(t, c)
	w.Resize(fyne.NewSize(600, 240))
	for i, ms := range []float64{0.05, 0.07, -1, 0.06, -1, 0.09} {
		p := rttPoint{Seq: i + 1, RTT: time.Duration(ms * float64(time.Millisecond))}
		if ms < 0 {
			p = rttPoint{Seq: i + 1, Lost: true}
		}
		c.add(p)
	}
	c.Refresh()
	r := test.WidgetRenderer(c).(*rttRenderer)
	if got := visibleLines(r.segs); got != 1 {
		t.Errorf("segments = %d, want 1 (only 1→2 joins two replies)", got)
	}
	if got := visibleDots(r); got != 4 {
		t.Errorf("dots = %d, want 4", got)
	}
	if got := visibleMarks(r); got != 2 {
		t.Errorf("loss marks = %d, want 2", got)
	}
	for _, m := range r.marks {
		if m.Visible() && m.FillColor != theme.Color(theme.ColorNameError) {
			t.Errorf("loss mark colour %v, want the theme's error colour", m.FillColor)
		}
	}
	var ys []string
	for _, l := range r.yLabels {
		if l.Visible() {
			ys = append(ys, l.Text)
		}
	}
	if len(ys) < 3 || ys[0] != "0" || ys[len(ys)-1] != "0.1" {
		t.Errorf("y labels %v, want 0 … 0.1 (ms)", ys)
	}
	if r.empty.Visible() {
		t.Error("the empty-chart note shows over points")
	}
	c.clear()
	if !r.empty.Visible() || visibleDots(r) != 0 || visibleMarks(r) != 0 {
		t.Error("a cleared chart should show only its note")
	}
}

func TestNiceScale(t *testing.T) {
	tests := []struct {
		max, step, top float64
	}{
		{0, 0.25, 1},
		{0.045, 0.02, 0.06},
		{0.09, 0.025, 0.1},
		{1, 0.25, 1.25},
		{37, 10, 40},
		{180, 50, 200},
	}
	for _, tt := range tests {
		step, top := niceScale(tt.max, 4)
		if !near(step, tt.step) || !near(top, tt.top) {
			t.Errorf("niceScale(%v) = %v, %v; want %v, %v", tt.max, step, top, tt.step, tt.top)
		}
	}
	for _, f := range []struct {
		v, step float64
		want    string
	}{{0.06, 0.02, "0.06"}, {0.075, 0.025, "0.075"}, {0.05, 0.025, "0.05"}, {0, 0.025, "0"}, {40, 10, "40"}, {1.25, 0.25, "1.25"}, {2.5, 0.5, "2.5"}} {
		if got := formatTick(f.v, f.step); got != f.want {
			t.Errorf("formatTick(%v, %v) = %q, want %q", f.v, f.step, got, f.want)
		}
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }
