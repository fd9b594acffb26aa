package gui

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore/decode"
	"github.com/sockplay/sockplay/netcore/structfmt"
)

// The detail pane's Fields view decodes the selected row with a struct
// layout in Python's notation (netcore/structfmt): ">H:tid H:proto H:len
// B:unit B:fc" turns a Modbus/TCP request into named values with their
// offsets, in decimal and hex; or as a protocol gopacket knows (Decode
// as: DNS, Modbus/TCP, NTP, DHCPv4, SIP; netcore/decode), chosen by the
// session's port when it is a well-known one. Both are kept with the tab.

// viewFields is the pane's third view.
const viewFields = "Fields"

// asLayout is the Decode-as choice that uses the layout typed.
const asLayout = "Struct layout"

// fieldsView is the Fields view's parts.
type fieldsView struct {
	As     *widget.Select // asLayout, or a protocol of netcore/decode by name
	Layout *widget.Entry
	Status *widget.Label
	Grid   *widget.TextGrid
	root   fyne.CanvasObject
	// changed runs after the layout is edited (the tab keeps it).
	changed func(string)
}

func newFieldsView(data func() []byte) *fieldsView {
	f := &fieldsView{}
	f.Layout = widget.NewEntry()
	f.Layout.SetPlaceHolder("a struct layout, e.g. >H:tid H:proto H:len B:unit B:fc or <HHI (Python's struct notation)")
	f.Status = widget.NewLabel("")
	f.Status.Truncation = fyne.TextTruncateEllipsis
	f.Grid = widget.NewTextGrid()
	f.Grid.Scroll = fyne.ScrollBoth
	f.Layout.OnChanged = func(s string) {
		f.show(data())
		if f.changed != nil {
			f.changed(strings.TrimSpace(s))
		}
	}
	choices := []string{asLayout}
	for _, p := range decode.Protocols {
		choices = append(choices, decode.Names[p])
	}
	f.As = widget.NewSelect(choices, func(string) {
		if f.protocol() == "" {
			f.Layout.Show()
		} else {
			f.Layout.Hide()
		}
		f.show(data())
		if f.changed != nil {
			f.changed(strings.TrimSpace(f.Layout.Text))
		}
	})
	f.As.SetSelected(asLayout)
	// One row for the layout and what became of it: the pane is often
	// short, and the fields need the height.
	top := container.NewBorder(nil, nil, withWidth(f.As, 150), nil, container.NewGridWithColumns(2, f.Layout, f.Status))
	f.root = container.NewBorder(top, nil, nil, nil, f.Grid)
	return f
}

// protocol is the protocol chosen in Decode as, or "" for the layout.
func (f *fieldsView) protocol() string {
	for _, p := range decode.Protocols {
		if decode.Names[p] == f.As.Selected {
			return p
		}
	}
	return ""
}

// setProtocol chooses a protocol by its netcore/decode name ("" for the
// layout).
func (f *fieldsView) setProtocol(p string) {
	if name, ok := decode.Names[p]; ok {
		f.As.SetSelected(name)
	} else {
		f.As.SetSelected(asLayout)
	}
}

// show decodes data as the protocol chosen, or with the layout typed.
func (f *fieldsView) show(data []byte) {
	spec := strings.TrimSpace(f.Layout.Text)
	setStatus := func(text string, imp widget.Importance) {
		if f.Status.Importance != imp {
			f.Status.Importance = imp
			f.Status.Refresh()
		}
		f.Status.SetText(text)
	}
	if p := f.protocol(); p != "" {
		if data == nil {
			setStatus("Select a row to decode it as "+decode.Names[p]+".", widget.LowImportance)
			f.Grid.SetText("")
			return
		}
		n, err := decode.Decode(p, data)
		if n != nil {
			f.Grid.SetText(strings.Join(n.Lines(), "\n"))
		} else {
			f.Grid.SetText("")
		}
		if err != nil {
			setStatus(err.Error(), widget.DangerImportance)
			return
		}
		setStatus(fmt.Sprintf("%s, %d bytes", decode.Names[p], len(data)), widget.LowImportance)
		return
	}
	if spec == "" {
		setStatus("Type a layout to read the row as fields.", widget.LowImportance)
		f.Grid.SetText("")
		return
	}
	l, err := structfmt.Parse(spec)
	if err != nil {
		setStatus(err.Error(), widget.DangerImportance)
		f.Grid.SetText("")
		return
	}
	f.Grid.SetText(fieldsText(l, data))
	vs, err := l.Decode(data)
	for i := range vs {
		f.Grid.SetStyleRange(i+1, 0, i+1, len(f.Grid.Rows[min(i+1, len(f.Grid.Rows)-1)].Cells), fieldStyle(i))
	}
	switch {
	case data == nil:
		setStatus(fmt.Sprintf("%d bytes, %d fields; select a row to decode it", l.Size, l.Values()), widget.LowImportance)
	case err != nil:
		setStatus(strings.TrimPrefix(err.Error(), structfmt.ErrShort.Error()+": ")+"; the fields before it are shown", widget.DangerImportance)
	case l.Rest(len(data)) > 0:
		setStatus(fmt.Sprintf("%d fields from %d bytes; %d more bytes after the layout", len(vs), l.Size, l.Rest(len(data))), widget.LowImportance)
	default:
		setStatus(fmt.Sprintf("%d fields from all %d bytes", len(vs), l.Size), widget.LowImportance)
	}
}

// fieldsText is the decoded fields as a table: offset, name, type,
// value, hex; then what follows the layout.
func fieldsText(l *structfmt.Layout, data []byte) string {
	if data == nil {
		return ""
	}
	vs, _ := l.Decode(data)
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "offset\tfield\ttype\tvalue\thex")
	for _, v := range vs {
		code := string(v.Code)
		if v.Code == 's' || v.Code == 'p' {
			code = fmt.Sprintf("%d%c", v.Len, v.Code)
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", v.Offset, v.Label, code, capRunes(v.Text, 80), capRunes(v.Hex, 60))
	}
	w.Flush()
	if rest := l.Rest(len(data)); rest > 0 && len(vs) == l.Values() {
		fmt.Fprintf(&b, "\n+%d bytes after the layout: %s\n", rest, hexPreview(data[l.Size:], 32))
	}
	return b.String()
}

// fieldColors tell one field's bytes from the next in the hex dump and
// its line in the Fields view, as Wireshark shades a selected field.
var fieldColors = []fyne.ThemeColorName{theme.ColorNamePrimary, theme.ColorNameWarning, theme.ColorNameSuccess, theme.ColorNameError}

// layoutNow is the layout the Fields view decodes with, when it decodes
// with one that parses.
func (f *fieldsView) layoutNow() *structfmt.Layout {
	if f.protocol() != "" {
		return nil
	}
	l, err := structfmt.Parse(strings.TrimSpace(f.Layout.Text))
	if err != nil {
		return nil
	}
	return l
}

// fieldStyle is field i's colour.
func fieldStyle(i int) widget.TextGridStyle {
	return &widget.CustomTextGridStyle{FGColor: theme.Color(fieldColors[i%len(fieldColors)])}
}

// highlightHex colours each field's bytes in a hexdump -C of data that
// starts at row first of grid: the hex pane shows where the layout cuts.
func highlightHex(grid *widget.TextGrid, first int, l *structfmt.Layout, n int) {
	col := func(i int) int {
		c := 10 + (i%16)*3
		if i%16 >= 8 {
			c++
		}
		return c
	}
	k := 0
	for _, f := range l.Fields {
		if f.Code == 'x' {
			continue
		}
		st := fieldStyle(k)
		k++
		for i := f.Offset; i < f.Offset+f.Size && i < n && i < detailLimit; i++ {
			row := first + i/16
			grid.SetStyleRange(row, col(i), row, col(i)+1, st)
		}
	}
}
