package sockets

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// cell is one table cell: a row tint behind the text and, for a socket
// that vanished, a line through it. A right click opens the row's menu.
type cell struct {
	widget.BaseWidget
	tab      *Tab
	row, col int
	bg       *canvas.Rectangle
	label    *widget.Label
	strike   *canvas.Line
}

func newCell(t *Tab) *cell {
	c := &cell{tab: t, bg: canvas.NewRectangle(color.Transparent), label: widget.NewLabel("[ffff:ffff::ffff]:65535"),
		strike: canvas.NewLine(theme.Color(theme.ColorNameForeground))}
	c.label.Truncation = fyne.TextTruncateEllipsis
	c.label.TextStyle.Monospace = true
	c.strike.StrokeWidth = 1
	c.strike.Hide()
	c.ExtendBaseWidget(c)
	return c
}

func (c *cell) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.New(&strikeLayout{c}, c.bg, c.label, c.strike))
}

// Tapped selects the cell's row. The cell must handle it: being
// SecondaryTappable, it is what a click finds, and the table never hears it.
func (c *cell) Tapped(*fyne.PointEvent) {
	c.tab.Table.Select(widget.TableCellID{Row: c.row, Col: c.col})
}

// TappedSecondary opens the row's menu (a right click).
func (c *cell) TappedSecondary(e *fyne.PointEvent) { c.tab.rowMenu(c.row, e.AbsolutePosition) }

// strikeLayout fills the cell with the tint and the label, and draws the
// strike line through the middle of the text.
type strikeLayout struct{ c *cell }

func (l *strikeLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs[:2] {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
	l.c.placeStrike(size)
}

// placeStrike puts the strike line through the text as it is now.
func (c *cell) placeStrike(size fyne.Size) {
	pad := theme.Padding() * 2
	w := fyne.MeasureText(c.label.Text, theme.TextSize(), c.label.TextStyle).Width
	w = max(min(w, size.Width-2*pad), 0)
	x := pad
	if c.label.Alignment == fyne.TextAlignTrailing {
		x = size.Width - pad - w
	}
	c.strike.Position1 = fyne.NewPos(x, size.Height/2)
	c.strike.Position2 = fyne.NewPos(x+w, size.Height/2)
}

func (l *strikeLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return objs[1].MinSize()
}
