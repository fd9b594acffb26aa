package gui

import (
	"encoding/hex"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore/framing"
)

// framingChoice is one framing in the select, with a few words on what
// ends a message.
type framingChoice struct {
	name, label string
}

// framingChoices are every framing netcore/framing knows, in its order.
var framingChoices = []framingChoice{
	{"raw", "raw — each read as it came"},
	{"line", "line — ends at \\n"},
	{"crlf", "crlf — ends at \\r\\n"},
	{"delim", "delim — ends at bytes you choose"},
	{"len", "len — length prefix"},
	{"fixed", "fixed — every N bytes"},
	{"stx-etx", "stx-etx — 0x02 … 0x03"},
	{"slip", "slip — RFC 1055"},
	{"cobs", "cobs — 0x00 after each frame"},
	{"http", "http — HTTP/1.x messages"},
	{"idle", "idle — a pause ends it"},
	{"jsonhdr", "jsonhdr — JSON header + body"},
}

// Byte orders for len, as the select shows them.
const (
	orderBE = "big-endian (be)"
	orderLE = "little-endian (le)"
)

// FramingForm edits a framing spec two ways: a select of framings with
// their parameters, which writes the spec string, and the spec string
// itself (the same text the CLI's --framing takes), which sets the
// parameters when it parses. Whatever is typed, the parser's own sentence
// says what is wrong.
type FramingForm struct {
	Kind   *widget.Select
	Spec   *widget.Entry
	Status *widget.Label

	// Parameters; only those of the chosen framing are shown.
	Delim *widget.Entry  // hex bytes
	Keep  *widget.Check  // line, crlf, delim
	Width *widget.Select // len: 1 2 4 8
	Order *widget.Select // len: be / le
	Incl  *widget.Check  // len
	Adj   *widget.Entry  // len
	Off   *widget.Entry  // len: where the length field starts
	Strip *widget.Entry  // len: bytes dropped from each message's start; empty is the default
	Size  *widget.Entry  // fixed
	Gap   *widget.Entry  // idle
	Max   *widget.Entry  // all: max=N

	Content fyne.CanvasObject

	params   map[string][]fyne.CanvasObject // framing name -> its parameter groups
	groupOf  map[fyne.CanvasObject]fyne.CanvasObject
	all      []fyne.CanvasObject
	lenRow   *fyne.Container // len's second row: what the field counts and what the message keeps
	syncing  bool            // set while the form writes its own widgets
	err      error
	onChange func()
}

// newFramingForm builds the framing section; onChange runs after any edit.
func newFramingForm(onChange func()) *FramingForm {
	f := &FramingForm{onChange: onChange, syncing: true} // no callbacks until built
	labels := make([]string, len(framingChoices))
	for i, c := range framingChoices {
		labels[i] = c.label
	}
	f.Kind = widget.NewSelect(labels, func(string) { f.paramsChanged() })
	f.Spec = widget.NewEntry()
	f.Spec.PlaceHolder = "raw"
	f.Spec.OnChanged = func(string) { f.specChanged() }
	f.Status = widget.NewLabel("")
	f.Status.Wrapping = fyne.TextWrapWord

	edited := func(string) { f.paramsChanged() }
	toggled := func(bool) { f.paramsChanged() }
	f.Delim = widget.NewEntry()
	f.Delim.SetText("0a")
	f.Delim.OnChanged = edited
	f.Keep = widget.NewCheck("keep the delimiter", toggled)
	f.Width = widget.NewSelect([]string{"1", "2", "4", "8"}, edited)
	f.Width.SetSelected("4")
	f.Order = widget.NewSelect([]string{orderBE, orderLE}, edited)
	f.Order.SetSelected(orderBE)
	f.Incl = widget.NewCheck("incl. header", toggled) // the length counts the header too: off bytes and itself
	f.Adj = entryWithText("", "0", edited)
	f.Off = entryWithText("", "0", edited)
	f.Strip = entryWithText("", "auto", edited) // the field when it comes first, else nothing
	f.Size = entryWithText("16", "bytes", edited)
	f.Gap = entryWithText("50ms", "e.g. 50ms", edited)
	f.Max = entryWithText("", "16MiB", edited) // the largest message held

	f.groupOf = map[fyne.CanvasObject]fyne.CanvasObject{f.Keep: f.Keep, f.Incl: f.Incl}
	group := func(label string, obj fyne.CanvasObject, width float32) fyne.CanvasObject {
		g := container.NewHBox(widget.NewLabel(label), withWidth(obj, width))
		f.all = append(f.all, g)
		f.groupOf[obj] = g
		return g
	}
	delim := group("delimiter (hex)", f.Delim, 110)
	keep := f.Keep
	f.all = append(f.all, keep)
	width := group("width", f.Width, 70)
	order := group("order", f.Order, 150)
	incl := f.Incl
	f.all = append(f.all, incl)
	adj := group("adj", f.Adj, 60)
	off := group("offset", f.Off, 60)
	strip := group("strip", f.Strip, 60)
	size := group("size", f.Size, 90)
	gap := group("gap", f.Gap, 90)
	maxg := group("max", f.Max, 90)
	f.params = map[string][]fyne.CanvasObject{
		"line": {keep, maxg}, "crlf": {keep, maxg}, "delim": {delim, keep, maxg},
		"len":   {width, order, off, incl, adj, strip, maxg},
		"fixed": {size, maxg}, "idle": {gap, maxg},
		"stx-etx": {maxg}, "slip": {maxg}, "cobs": {maxg}, "http": {maxg}, "jsonhdr": {maxg},
	}
	// One row of parameters; len's seven take two, so that the dialog
	// stays narrow: where the field is (and the limit) above, what it
	// counts and what a message keeps below.
	f.lenRow = container.NewHBox(incl, adj, strip)
	f.Content = container.NewVBox(
		container.NewBorder(nil, nil, withWidth(f.Kind, 280), nil, f.Spec),
		container.NewHBox(delim, keep, width, order, off, size, gap, maxg),
		f.lenRow,
		f.Status,
	)
	f.Kind.SetSelected(framingChoices[0].label)
	f.syncing = false
	f.SetSpec("raw")
	return f
}

func entryWithText(text, placeholder string, changed func(string)) *widget.Entry {
	e := widget.NewEntry()
	e.SetText(text)
	e.PlaceHolder = placeholder
	e.OnChanged = changed
	return e
}

// SelectFraming picks a framing by its spec name ("len"), as a click would.
func (f *FramingForm) SelectFraming(name string) {
	for _, c := range framingChoices {
		if c.name == name {
			f.Kind.SetSelected(c.label)
			return
		}
	}
}

// SetSpec puts a spec string in the entry; the parameters follow if it parses.
func (f *FramingForm) SetSpec(spec string) {
	if spec == "" {
		spec = "raw"
	}
	f.Spec.SetText(spec)
	f.specChanged() // SetText does not call OnChanged when the text is unchanged
}

// Value is the spec to store: "" for raw, else the text as typed (trimmed),
// with the parser's error when it does not parse.
func (f *FramingForm) Value() (string, error) {
	text := strings.TrimSpace(f.Spec.Text)
	if f.err != nil {
		return text, f.err
	}
	if text == "" || strings.EqualFold(text, "raw") {
		return "", nil
	}
	return text, nil
}

func (f *FramingForm) kindName() string {
	for _, c := range framingChoices {
		if c.label == f.Kind.Selected {
			return c.name
		}
	}
	return "raw"
}

// paramsChanged writes the spec string from the select and parameters.
func (f *FramingForm) paramsChanged() {
	if f.syncing {
		return
	}
	name := f.kindName()
	f.showParams(name)
	// specChanged still checks the text, but must not write the parsed
	// values back into the field being typed in ("1m" would become "1m0s").
	f.syncing = true
	f.Spec.SetText(f.compose(name))
	f.syncing = false
}

// compose writes the spec text for the framing from the parameter fields,
// as typed: a bad parameter shows up as the parser's sentence.
func (f *FramingForm) compose(name string) string {
	var b strings.Builder
	b.WriteString(name)
	arg := func(s string) { b.WriteString(":" + strings.TrimSpace(s)) }
	switch name {
	case "delim":
		arg(f.Delim.Text)
	case "len":
		arg(f.Width.Selected)
		if f.Width.Selected != "1" {
			if f.Order.Selected == orderLE {
				arg("le")
			} else {
				arg("be")
			}
		}
		if o := strings.TrimSpace(f.Off.Text); o != "" && o != "0" {
			arg("off=" + o) // in the canonical order, so the text reads back the same
		}
		if f.Incl.Checked {
			arg("incl")
		}
		if a := strings.TrimSpace(f.Adj.Text); a != "" && a != "0" {
			arg("adj=" + a)
		}
		if st := strings.TrimSpace(f.Strip.Text); st != "" {
			arg("strip=" + st)
		}
	case "fixed":
		arg(f.Size.Text)
	case "idle":
		arg(f.Gap.Text)
	}
	if f.Keep.Checked && (name == "line" || name == "crlf" || name == "delim") {
		arg("keep")
	}
	if m := strings.TrimSpace(f.Max.Text); m != "" && name != "raw" {
		arg("max=" + m)
	}
	return b.String()
}

// specChanged parses the spec text and, when it parses, sets the select
// and the parameters to match without rewriting what the person typed.
func (f *FramingForm) specChanged() {
	text := strings.TrimSpace(f.Spec.Text)
	if text == "" {
		text = "raw"
	}
	s, err := framing.Parse(text)
	f.err = err
	if err != nil {
		f.Status.SetText(err.Error())
		f.Status.Importance = widget.DangerImportance
		f.Status.Refresh()
		f.notify()
		return
	}
	f.Status.SetText(framingMeaning(s))
	f.Status.Importance = widget.LowImportance
	f.Status.Refresh()
	if !f.syncing {
		f.syncing = true
		f.setParams(s)
		f.syncing = false
	}
	f.notify()
}

func (f *FramingForm) notify() {
	if f.onChange != nil {
		f.onChange()
	}
}

// setParams sets the select and parameter widgets from a parsed spec.
func (f *FramingForm) setParams(s framing.Spec) {
	name := s.Kind.String()
	for _, c := range framingChoices {
		if c.name == name {
			f.Kind.SetSelected(c.label)
		}
	}
	switch s.Kind {
	case framing.KindDelim:
		f.Delim.SetText(hex.EncodeToString([]byte(s.Delim)))
	case framing.KindLen:
		f.Width.SetSelected(strconv.Itoa(s.Width))
		if s.LittleEndian {
			f.Order.SetSelected(orderLE)
		} else {
			f.Order.SetSelected(orderBE)
		}
		f.Incl.SetChecked(s.Incl)
		if s.Adj != 0 {
			f.Adj.SetText(strconv.Itoa(s.Adj))
		} else {
			f.Adj.SetText("")
		}
		if s.Off != 0 {
			f.Off.SetText(strconv.Itoa(s.Off))
		} else {
			f.Off.SetText("")
		}
		if s.StripSet {
			f.Strip.SetText(strconv.Itoa(s.Strip))
		} else {
			f.Strip.SetText("")
		}
	case framing.KindFixed:
		f.Size.SetText(strconv.Itoa(s.Size))
	case framing.KindIdle:
		f.Gap.SetText(s.Gap.String())
	}
	if s.Kind == framing.KindLine || s.Kind == framing.KindCRLF || s.Kind == framing.KindDelim {
		f.Keep.SetChecked(s.Keep)
	}
	if s.Max > 0 {
		// The canonical form writes max compactly (64KiB); keep that.
		_, after, _ := strings.Cut(s.String(), "max=")
		f.Max.SetText(after)
	} else {
		f.Max.SetText("")
	}
	f.showParams(name)
}

// Shown reports whether a parameter widget is shown for the chosen framing.
func (f *FramingForm) Shown(param fyne.CanvasObject) bool {
	g := f.groupOf[param]
	return g != nil && g.Visible()
}

func (f *FramingForm) showParams(name string) {
	shown := map[fyne.CanvasObject]bool{}
	for _, o := range f.params[name] {
		shown[o] = true
	}
	for _, o := range f.all {
		if shown[o] {
			o.Show()
		} else {
			o.Hide()
		}
	}
	if name == "len" {
		f.lenRow.Show()
	} else {
		f.lenRow.Hide()
	}
}

// framingMeaning says in a few words what a parsed spec does.
func framingMeaning(s framing.Spec) string {
	switch s.Kind {
	case framing.KindRaw:
		return "no framing: every read is shown as it came"
	case framing.KindLen:
		order := "big-endian"
		if s.LittleEndian {
			order = "little-endian"
		}
		if s.Width == 1 {
			order = "one-byte"
		}
		field := order + " " + strconv.Itoa(s.Width) + "-byte length"
		if s.Off == 0 {
			incl := "that counts the message only"
			if s.Incl {
				incl = "that counts itself too"
			}
			text := "each message follows a " + field + " " + incl
			if s.StripSet {
				text += "; messages keep the frame from byte " + strconv.Itoa(s.Strip)
			}
			return text
		}
		counts := "counts what follows it"
		if s.Incl {
			counts = "counts the whole frame"
		}
		keeps := "each message is the whole frame"
		if s.StripSet {
			keeps = "messages leave out the frame's first " + strconv.Itoa(s.Strip) + " bytes"
		}
		return "a " + field + " after a " + strconv.Itoa(s.Off) + "-byte header " + counts + "; " + keeps
	case framing.KindFixed:
		return "every " + strconv.Itoa(s.Size) + " bytes make a message"
	case framing.KindIdle:
		return "a pause of " + s.Gap.String() + " ends a message"
	case framing.KindDelim:
		return "messages end at the bytes " + spacedHex([]byte(s.Delim)) + keepWords(s.Keep)
	case framing.KindLine:
		return "each line (up to \\n) is a message" + keepWords(s.Keep)
	case framing.KindCRLF:
		return "each line (up to \\r\\n) is a message" + keepWords(s.Keep)
	case framing.KindSTXETX:
		return "each message sits between 0x02 (STX) and 0x03 (ETX)"
	case framing.KindSLIP:
		return "SLIP (RFC 1055): 0xC0 ends each message, escapes undone"
	case framing.KindCOBS:
		return "COBS: 0x00 ends each message, the stuffing undone"
	case framing.KindHTTP:
		return "each HTTP/1.x request or response (headers and body) is a message"
	case framing.KindJSONHdr:
		return "a 4-byte little-endian header length, a JSON header, then its filesize bytes of body"
	}
	return "messages are split as " + s.String()
}

func keepWords(keep bool) string {
	if keep {
		return ", delimiter kept"
	}
	return ", delimiter removed"
}

func spacedHex(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = hex.EncodeToString([]byte{c})
	}
	return strings.Join(parts, " ")
}
