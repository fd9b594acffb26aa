package gui

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/gui/uikit"
	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/netcore/hexdump"
	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/sessions"
)

// detailLimit bounds what the pane renders (a TextGrid is not virtualised
// enough for megabytes); copying always takes the whole entry.
const detailLimit = 64 << 10

// Text encodings the pane offers.
const (
	encUTF8    = "UTF-8"
	encLatin1  = "Latin-1"
	encEscaped = "Escaped"
)

// detailPane shows the selected entry: the canonical hex dump with offsets
// and a text view, with copy buttons.
type detailPane struct {
	Title    *widget.Label
	Hex      *widget.TextGrid
	Text     *widget.TextGrid
	Encoding *widget.RadioGroup
	Frame    *widget.Label      // a message's frame on the wire, when the framing adds bytes
	View     *widget.RadioGroup // hex dump, text or fields
	Fields   *fieldsView        // detail_fields.go
	last     sessions.Entry     // the entry shown, to shade its bytes again when the layout changes
	hasLast  bool
	Copy     map[string]*widget.Button
	data     []byte
	relay    bool // a relay's data is named by direction (relay_view.go)
	root     fyne.CanvasObject
	// framing is the session's framing now, to show how a message is
	// framed on the wire; nil shows none.
	framing func() framing.Spec
}

func newDetailPane() *detailPane {
	d := &detailPane{Copy: map[string]*widget.Button{}}
	d.Title = widget.NewLabel("Select a row to see its bytes.")
	d.Title.Truncation = fyne.TextTruncateEllipsis
	d.Frame = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	d.Frame.Truncation = fyne.TextTruncateEllipsis
	d.Frame.Hide()
	d.Hex = widget.NewTextGrid()
	d.Hex.Scroll = fyne.ScrollBoth
	d.Text = widget.NewTextGrid()
	d.Text.Scroll = fyne.ScrollBoth
	d.Encoding = widget.NewRadioGroup([]string{encUTF8, encLatin1, encEscaped}, func(string) { d.showText() })
	d.Encoding.Horizontal = true
	d.Encoding.Selected = encEscaped
	d.Encoding.Required = true

	formats := []struct {
		name string
		fn   func([]byte) string
	}{
		{"Hex", copyHex}, {"Text", func(b []byte) string { return string(b) }},
		{"C array", copyCArray}, {"Go", copyGoSlice}, {"Base64", copyBase64},
	}
	buttons := container.NewHBox(widget.NewLabel("Copy as"))
	for _, f := range formats {
		b := widget.NewButton(f.name, func() {
			copyToClipboard(d.root, f.name, f.fn(d.data), len(d.data)) // copyformats.go: and says so
		})
		b.Disable()
		d.Copy[f.name] = b
		buttons.Add(b)
	}
	// Hex dump or text, chosen in the title's row (no tab bar: the pane
	// can then be made short, leaving the height to the log).
	hexPane := container.NewBorder(d.Frame, nil, nil, nil, d.Hex)
	textPane := container.NewBorder(d.Encoding, nil, nil, nil, d.Text)
	textPane.Hide()
	d.Fields = newFieldsView(func() []byte { return d.data })
	fieldsPane := d.Fields.root
	fieldsPane.Hide()
	d.View = widget.NewRadioGroup([]string{viewHex, viewText, viewFields}, func(v string) {
		hexPane.Hidden, textPane.Hidden = v != viewHex, v != viewText
		if v == viewHex && d.hasLast {
			d.show(d.last) // the layout may have changed: shade its fields again
		}
		if v == viewText {
			d.showText() // filled only while shown: see showText
		}
		if v == viewFields {
			fieldsPane.Show()
			d.Fields.show(d.data)
		} else {
			fieldsPane.Hide()
		}
		hexPane.Refresh()
		textPane.Refresh()
		fieldsPane.Refresh()
	})
	d.View.Horizontal = true
	d.View.Required = true
	d.View.SetSelected(viewHex)
	top := container.NewBorder(nil, nil, d.View, buttons, d.Title)
	d.root = container.NewBorder(top, nil, nil, nil, container.NewStack(hexPane, textPane, fieldsPane))
	return d
}

// The pane's two views.
const (
	viewHex  = "Hex dump"
	viewText = "Text"
)

// show fills the pane with e (a copy the pane may keep).
func (d *detailPane) show(e sessions.Entry) {
	d.last, d.hasLast = e, true
	d.data = e.Data
	when := time.UnixMicro(e.Micros).Format("15:04:05.000000")
	switch {
	case e.Kind.Data():
		shown := ""
		if len(e.Data) > detailLimit {
			shown = fmt.Sprintf(" (showing the first %s; copy takes all)", humanBytes(detailLimit))
		}
		d.Title.SetText(fmt.Sprintf("%s  %s  #%d %s  %d bytes%s", when, d.kindWord(e.Kind), e.Peer, e.Addr, len(e.Data), shown))
	default:
		d.Title.SetText(fmt.Sprintf("%s  %s", when, oneLineText(eventWords(&e))))
	}
	d.showFrame(e)
	for _, b := range d.Copy {
		if len(d.data) > 0 {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	view := d.data
	if len(view) > detailLimit {
		view = view[:detailLimit]
	}
	dump := strings.TrimSuffix(hexdump.Dump(view, hexdump.Options{}), "\n")
	if !e.Kind.Data() {
		// An event's whole sentence, however long, above any bytes it
		// carries (a stuck decoder's undecoded rest).
		dump = strings.TrimSpace(wrapLines(eventWords(&e), 100) + "\n\n" + dump)
	}
	d.Hex.SetText(dump)
	if l := d.Fields.layoutNow(); l != nil && (e.Kind.Data() || e.Kind.Message()) {
		highlightHex(d.Hex, 0, l, len(view)) // detail_fields.go
	}
	if d.View.Selected == viewText {
		d.showText()
	}
	if d.View.Selected == viewFields {
		d.Fields.show(d.data)
	}
}

// wrapLines is wrapWords for each line of s: a replay step's diff keeps
// its lines (and their indent), a long sentence is broken.
func wrapLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if len(l) > n {
			indent := l[:len(l)-len(strings.TrimLeft(l, " "))]
			lines[i] = indent + strings.ReplaceAll(uikit.WrapWords(l, n-len(indent)), "\n", "\n"+indent)
		}
	}
	return strings.Join(lines, "\n")
}

// showText fills the text view in the chosen encoding. It runs only while
// the view is shown (selecting it fills it), as the hex dump is what most
// rows are read in.
//
// The text is broken into lines of at most textColumns characters: a
// TextGrid draws every column of a row it shows, so 64 KiB of zeros as
// one escaped line would be a quarter of a million cells (hundreds of
// megabytes of canvas objects) for one selected row.
func (d *detailPane) showText() {
	view := d.data
	if len(view) > detailLimit {
		view = view[:detailLimit]
	}
	var s string
	switch d.Encoding.Selected {
	case encUTF8:
		s = strings.ToValidUTF8(string(view), string(utf8.RuneError))
		s = strings.Map(controlToPicture, s)
	case encLatin1:
		s = strings.Map(controlToPicture, latin1(view))
	default:
		s = payload.EscapeText(view)
	}
	d.Text.SetText(wrapColumns(s, textColumns, d.Encoding.Selected == encEscaped))
}

// controlToPicture shows control characters as their Unicode pictures
// (␀, ␍) instead of letting them break or vanish from the grid; a newline
// stays a line break.
func controlToPicture(r rune) rune {
	switch {
	case r == '\n':
		return r
	case r < 0x20:
		return 0x2400 + r
	case r == 0x7f:
		return 0x2421
	}
	return r
}

// showFrame says, for a message, what its framing puts around the payload
// on the wire (re-encoding it gives the very bytes for every framing that
// frames by adding bytes; escaping framings say so instead).
func (d *detailPane) showFrame(e sessions.Entry) {
	d.Frame.Hide()
	if !e.Kind.Message() || d.framing == nil {
		return
	}
	f := d.framing()
	if f.Kind == framing.KindRaw || f.Kind == framing.KindIdle || f.Kind == framing.KindHTTP || f.Kind == framing.KindJSONHdr {
		return
	}
	wire, err := f.Encode(nil, e.Data)
	if err != nil {
		return
	}
	if bytes.Equal(wire, e.Data) {
		// len with off= and no strip: what the peer decodes is the frame.
		d.Frame.SetText(fmt.Sprintf("on the wire (%s): the message is the whole frame, header and length field included", f))
	} else if i := bytes.Index(wire, e.Data); i >= 0 && len(e.Data) > 0 {
		pre, post := wire[:i], wire[i+len(e.Data):]
		d.Frame.SetText(fmt.Sprintf("on the wire (%s): %s [%d bytes of payload] %s", f, hexOrDash(pre), len(e.Data), hexOrDash(post)))
	} else {
		d.Frame.SetText(fmt.Sprintf("on the wire (%s): %d bytes, escaped: %s", f, len(wire), hexPreview(wire, 24)))
	}
	d.Frame.Show()
}

func hexOrDash(b []byte) string {
	if len(b) == 0 {
		return "—"
	}
	return hexPreview(b, 16)
}

// clear empties the pane (the view was cleared or the session restarted).
func (d *detailPane) clear() {
	d.data, d.hasLast = nil, false
	d.Frame.Hide()
	d.Title.SetText("Select a row to see its bytes.")
	d.Hex.SetText("")
	d.Text.SetText("")
	d.Fields.show(nil)
	for _, b := range d.Copy {
		b.Disable()
	}
}
