package gui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore/framing"
)

// len's off and strip follow the spec string both ways, and the session
// keeps the very string the CLI takes.
func TestFramingFormLenOffsetStrip(t *testing.T) {
	tests := []struct {
		name        string
		spec        string // typed into the spec entry
		width       string
		order       string
		off, strip  string
		adj         string
		incl        bool
		wantMeaning string
	}{
		{"modbus PDU", "len:2:be:off=4:strip=6", "2", orderBE, "4", "6", "", false,
			"a big-endian 2-byte length after a 4-byte header counts what follows it; messages leave out the frame's first 6 bytes"},
		{"modbus whole", "len:2:be:off=4", "2", orderBE, "4", "", "", false,
			"a big-endian 2-byte length after a 4-byte header counts what follows it; each message is the whole frame"},
		{"incl adj", "len:4:le:off=3:incl:adj=-2", "4", orderLE, "3", "", "-2", true,
			"a little-endian 4-byte length after a 3-byte header counts the whole frame; each message is the whole frame"},
		{"field kept", "len:2:be:strip=0", "2", orderBE, "", "0", "", false,
			"each message follows a big-endian 2-byte length that counts the message only; messages keep the frame from byte 0"},
		{"plain len as before", "len:2:be", "2", orderBE, "", "", "", false,
			"each message follows a big-endian 2-byte length that counts the message only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, d := openNewSession(t)
			f := d.Framing

			// Spec string -> widgets.
			retype(f.Spec, f.Spec, tt.spec)
			if f.kindName() != "len" || f.Width.Selected != tt.width || f.Order.Selected != tt.order ||
				f.Off.Text != tt.off || f.Strip.Text != tt.strip || f.Adj.Text != tt.adj || f.Incl.Checked != tt.incl {
				t.Fatalf("%s set kind %q width %q order %q off %q strip %q adj %q incl %v", tt.spec,
					f.kindName(), f.Width.Selected, f.Order.Selected, f.Off.Text, f.Strip.Text, f.Adj.Text, f.Incl.Checked)
			}
			if f.Spec.Text != tt.spec {
				t.Errorf("the typed text was rewritten to %q", f.Spec.Text)
			}
			if f.Status.Text != tt.wantMeaning || f.Status.Importance == widget.DangerImportance {
				t.Errorf("status %q, want %q", f.Status.Text, tt.wantMeaning)
			}
			if s := mustSpec(t, d); s.Framing != tt.spec {
				t.Errorf("session framing %q, want %q", s.Framing, tt.spec)
			}

			// Widgets -> spec string: a fresh form, filled by hand.
			_, d2 := openNewSession(t)
			g := d2.Framing
			g.SelectFraming("len")
			g.Width.SetSelected(tt.width)
			g.Order.SetSelected(tt.order)
			g.Incl.SetChecked(tt.incl)
			test.Type(g.Off, tt.off)
			test.Type(g.Adj, tt.adj)
			test.Type(g.Strip, tt.strip)
			if g.Spec.Text != tt.spec {
				t.Errorf("widgets wrote %q, want %q", g.Spec.Text, tt.spec)
			}
		})
	}
}

// A bad offset or strip is the parser's sentence in red; clearing it
// goes back to the default.
func TestFramingFormLenOffsetErrors(t *testing.T) {
	_, d := openNewSession(t)
	f := d.Framing
	f.SelectFraming("len")
	f.Width.SetSelected("2")
	for _, tt := range []struct{ off, strip, spec string }{
		{"-1", "", "len:2:be:off=-1"},
		{"4", "7", "len:2:be:off=4:strip=7"},
		{"x", "", "len:2:be:off=x"},
	} {
		retype(f.Off, f.Off, tt.off)
		retype(f.Strip, f.Strip, tt.strip)
		_, perr := framing.Parse(tt.spec)
		if f.Spec.Text != tt.spec || perr == nil || f.Status.Text != perr.Error() || f.Status.Importance != widget.DangerImportance {
			t.Errorf("off %q strip %q: spec %q status %q, want the parser's %v", tt.off, tt.strip, f.Spec.Text, f.Status.Text, perr)
		}
		wantProblem(t, d, perr.Error())
	}
	f.Off.SetText("")
	f.Strip.SetText("")
	if f.Spec.Text != "len:2:be" || f.Status.Importance == widget.DangerImportance {
		t.Errorf("cleared: spec %q status %q", f.Spec.Text, f.Status.Text)
	}
}

// len's parameters take two tidy rows inside the dialog: width, order,
// offset and max on the first, incl, adj and strip below; other framings
// show no second row.
func TestFramingFormLenLayout(t *testing.T) {
	m, d := openNewSession(t)
	f := d.Framing
	f.SetSpec("len:2:be:off=4:strip=6")
	m.Window.Resize(fyne.NewSize(960, 600))
	drv := fyne.CurrentApp().Driver()
	y := func(o fyne.CanvasObject) float32 { return drv.AbsolutePositionForObject(f.groupOf[o]).Y }
	right := func(o fyne.CanvasObject) float32 {
		return drv.AbsolutePositionForObject(f.groupOf[o]).X + f.groupOf[o].Size().Width
	}
	first := []fyne.CanvasObject{f.Width, f.Order, f.Off, f.Max}
	second := []fyne.CanvasObject{f.Incl, f.Adj, f.Strip}
	for _, o := range append(append([]fyne.CanvasObject{}, first...), second...) {
		if !f.Shown(o) {
			t.Fatalf("a len parameter is hidden")
		}
		if r := right(o); r > m.Window.Canvas().Size().Width {
			t.Errorf("a len parameter ends at x=%.0f, past the %.0f-px window", r, m.Window.Canvas().Size().Width)
		}
	}
	for _, o := range first[1:] {
		if y(o) != y(f.Width) {
			t.Errorf("first row not level: %.0f vs %.0f", y(o), y(f.Width))
		}
	}
	for _, o := range second {
		if y(o) <= y(f.Width) || y(o) != y(f.Incl) {
			t.Errorf("second row at %.0f (incl %.0f, width %.0f)", y(o), y(f.Incl), y(f.Width))
		}
	}
	if f.Off.Text != "4" || f.Strip.Text != "6" {
		t.Errorf("off %q strip %q", f.Off.Text, f.Strip.Text)
	}
	f.SetSpec("line")
	if f.lenRow.Visible() || f.Shown(f.Off) || f.Shown(f.Strip) {
		t.Errorf("line shows len's rows")
	}
}
