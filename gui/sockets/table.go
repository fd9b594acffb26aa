package sockets

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/gui/sockets/model"
	"github.com/sockplay/sockplay/gui/uikit"
)

// colWidths are the columns' widths: room for an IPv6 address with its
// port in both ends and a process with its pid.
var colWidths = [model.NumCols]float32{70, 110, 76, 76, 250, 250, 250}

func (t *Tab) buildTable() {
	t.Table = widget.NewTable(
		func() (int, int) { return len(t.rows), int(model.NumCols) },
		func() fyne.CanvasObject { return newCell(t) },
		func(id widget.TableCellID, o fyne.CanvasObject) { t.updateCell(id, o.(*cell)) },
	)
	t.Table.ShowHeaderRow = true
	t.Table.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("Local Address:Port", nil)
		b.Importance = widget.LowImportance
		b.Alignment = widget.ButtonAlignLeading
		b.IconPlacement = widget.ButtonIconTrailingText
		return b
	}
	t.Table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		b := o.(*widget.Button)
		col := model.Col(id.Col)
		if !col.Valid() {
			return
		}
		b.OnTapped = func() { t.SortBy(col) }
		var icon fyne.Resource
		if col == t.sortCol {
			icon = theme.MenuDropUpIcon()
			if t.sortDesc {
				icon = theme.MenuDropDownIcon()
			}
		}
		if title := model.Columns[col].Title; b.Text != title || b.Icon != icon {
			b.Text, b.Icon = title, icon
			b.Refresh()
		}
	}
	for i, w := range colWidths {
		t.Table.SetColumnWidth(i, w)
	}
	t.Table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(t.rows) {
			t.selKey = t.rows[id.Row].Key
		}
		t.updateActions()
		t.Table.Refresh() // tint the whole row, not only the cell
	}
}

// SortBy sorts by column col; the same column again reverses the order.
func (t *Tab) SortBy(col model.Col) {
	if t.sortCol == col {
		t.sortDesc = !t.sortDesc
	} else {
		t.sortCol, t.sortDesc = col, false
	}
	model.Sort(t.rows, t.sortCol, t.sortDesc)
	t.Table.Refresh()
	t.changed()
}

// SelectRow selects row i of the table (tests; a click does the same).
func (t *Tab) SelectRow(i int) { t.Table.Select(widget.TableCellID{Row: i, Col: 0}) }

// updateCell shows one cell: the selected row tinted, a new one green, a
// vanished one red, greyed and struck through; numbers right-aligned.
func (t *Tab) updateCell(id widget.TableCellID, c *cell) {
	col := model.Col(id.Col)
	if id.Row < 0 || id.Row >= len(t.rows) || !col.Valid() {
		return
	}
	r := &t.rows[id.Row]
	c.row, c.col = id.Row, id.Col
	var bg color.Color = color.Transparent
	switch {
	case r.Key == t.selKey:
		bg = theme.Color(theme.ColorNameSelection)
	case r.Mark == model.MarkNew:
		bg = withAlpha(theme.Color(theme.ColorNameSuccess), 0x38)
	case r.Mark == model.MarkGone:
		bg = withAlpha(theme.Color(theme.ColorNameError), 0x20)
	}
	if c.bg.FillColor != bg {
		c.bg.FillColor = bg
		c.bg.Refresh()
	}
	imp := widget.MediumImportance
	if r.Mark == model.MarkGone {
		imp = widget.LowImportance
	}
	if c.label.Importance != imp {
		c.label.Importance = imp
		c.label.Refresh()
	}
	align := fyne.TextAlignLeading
	if col == model.ColRecvQ || col == model.ColSendQ {
		align = fyne.TextAlignTrailing
	}
	if c.label.Alignment != align {
		c.label.Alignment = align
		c.label.Refresh()
	}
	uikit.SetText(c.label, r.Cells[col])
	if gone := r.Mark == model.MarkGone; gone != c.strike.Visible() {
		c.strike.Hidden = !gone
		c.strike.Refresh()
	}
	if c.strike.Visible() {
		c.placeStrike(c.Size())
		c.strike.Refresh()
	}
}

func withAlpha(c color.Color, a uint8) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = a
	return n
}
