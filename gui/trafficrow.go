package gui

import (
	"encoding/hex"
	"fmt"
	"image/color"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"

	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/sessions"
)

// A traffic row is six texts in fixed monospace columns: time, arrow,
// peer, size, hex of the first bytes, and the data as escaped text (or the
// event in words). canvas.Text, not Label: no padding (twice the rows fit),
// nothing to shape but the text, and a row never asks for more width than
// its fixed columns, so a long row cannot widen the window.

// Preview choices of the traffic list: what follows the size.
const (
	previewText    = "Text"
	previewHex     = "Hex"
	previewHexText = "Hex + text"
)

var previewChoices = []string{previewHexText, previewText, previewHex}

// Row columns, in characters of the monospace font.
const (
	colTime  = 15 // 15:04:05.000000
	colArrow = 1
	colPeer  = 21 // #12 127.0.0.1:50000
	colSize  = 9  // 131072 B
	// Hex bytes shown: fewer beside the text, more on their own.
	hexBesideText = 8
	hexAlone      = 24
)

// previewBytes is how much of a chunk a row shows, and previewRunes the
// most characters its text may have once escaped: a row is measured on
// every redraw, so it must stay short.
const (
	previewBytes = 64
	previewRunes = 140
)

// Row text pieces; arrows read as "from the peer" and "to the peer".
const (
	arrowIn    = "←"
	arrowOut   = "→"
	arrowEvent = "•"
)

// rowLayout places the row's four texts: time, arrow, peer and size
// (padded into fixed columns inside one text), and the rest (hex, text, or
// an event's words). Four texts a row, not six: on a flood every visible
// row changes every frame, and each text is a texture to paint.
type rowLayout struct {
	v *trafficView
}

// monoCell is the size of one monospace character at the theme's text
// size, measured once per size: rows are laid out on every frame of a
// flood, and measuring text is what costs.
func monoCell() fyne.Size {
	ts := theme.TextSize()
	if c, ok := monoCells.Load(ts); ok {
		return c.(fyne.Size)
	}
	c := fyne.MeasureText("0", ts, fyne.TextStyle{Monospace: true})
	monoCells.Store(ts, c)
	return c
}

var monoCells sync.Map // text size -> fyne.Size

func charWidth() float32 { return monoCell().Width }

func (l rowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	cell := monoCell()
	cw, h := cell.Width, cell.Height
	y := (size.Height - h) / 2
	x := theme.Padding()
	place := func(o fyne.CanvasObject, cols int) {
		o.Move(fyne.NewPos(x, y))
		o.Resize(fyne.NewSize(float32(cols)*cw, h))
		x += float32(cols+1) * cw
	}
	place(objs[0], colTime)
	place(objs[1], colArrow)
	place(objs[2], colPeer+1+colSize)
	rest := objs[3]
	rest.Move(fyne.NewPos(x, y))
	rest.Resize(fyne.NewSize(max(size.Width-x, 0), h))
}

func (l rowLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	cell := monoCell()
	cols := colTime + 1 + colArrow + 1 + colPeer + 1 + colSize + 1
	return fyne.NewSize(theme.Padding()+float32(cols)*cell.Width, cell.Height+2)
}

func (v *trafficView) createRow() fyne.CanvasObject {
	texts := make([]fyne.CanvasObject, 4)
	for i := range texts {
		t := canvas.NewText("", theme.Color(theme.ColorNameForeground))
		t.TextStyle = fyne.TextStyle{Monospace: true}
		t.TextSize = theme.TextSize()
		texts[i] = t
	}
	return &fyne.Container{Layout: rowLayout{v}, Objects: texts}
}

// rowCells is what one row shows, worked out under the log's lock.
type rowCells struct {
	when, arrow, mid, rest string
	arrowColor, restColor  fyne.ThemeColorName
}

func cellsOf(e *sessions.Entry, preview string) rowCells {
	c := rowCells{when: time.UnixMicro(e.Micros).Format("15:04:05.000000"), arrow: arrowEvent,
		arrowColor: theme.ColorNameDisabled, restColor: theme.ColorNameForeground}
	peer := ""
	if e.Peer != sessions.NoPeer {
		peer = capRunes(fmt.Sprintf("#%d %s", e.Peer, e.Addr), colPeer)
	}
	switch e.Kind {
	case sessions.KindDataIn, sessions.KindMessage:
		c.arrow, c.arrowColor = arrowIn, theme.ColorNameSuccess
	case sessions.KindDataOut, sessions.KindMessageOut:
		c.arrow, c.arrowColor = arrowOut, theme.ColorNameWarning
	case sessions.KindError:
		c.arrowColor, c.restColor = theme.ColorNameError, theme.ColorNameError
	}
	if !e.Kind.Data() {
		c.mid = peer
		c.rest = capRunes(oneLineText(eventWords(e)), previewRunes*2)
		if e.Kind != sessions.KindError {
			c.restColor = theme.ColorNamePlaceHolder
		}
		return c
	}
	c.mid = fmt.Sprintf("%-*s %*s", colPeer, peer, colSize, fmt.Sprintf("%d B", len(e.Data)))
	switch preview {
	case previewHex:
		c.rest = hexPreview(e.Data, hexAlone)
	case previewHexText:
		c.rest = fmt.Sprintf("%-*s %s", 3*hexBesideText, hexPreview(e.Data, hexBesideText), capRunes(rowPreview(e), previewRunes))
	default:
		c.rest = capRunes(rowPreview(e), previewRunes)
	}
	return c
}

// hexPreview is the first n bytes as "68 65 6c …".
func hexPreview(b []byte, n int) string {
	more := len(b) > n
	b = b[:min(len(b), n)]
	var sb strings.Builder
	for i, c := range b {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(hex.EncodeToString([]byte{c}))
	}
	if more {
		sb.WriteString("…")
	}
	return sb.String()
}

// restCols is how many characters of a row's last text the list's width
// shows (a few more, for rounding), or 0 before the list is laid out.
// Rows are cut there: Fyne rasterises a text's whole string into its
// texture however little of it is visible, and on a flood every visible
// row is new text every frame (a 140-character escaped preview is three
// times what a 1280-pixel window shows beside the fixed columns).
func (v *trafficView) restCols() int {
	w := v.List.Size().Width
	if w <= 0 {
		return 0
	}
	cw := charWidth()
	fixed := colTime + 1 + colArrow + 1 + colPeer + 1 + colSize + 1
	return max(int((w-theme.Padding())/cw)-fixed, 0) + 4
}

func (v *trafficView) fillRow(o fyne.CanvasObject, c rowCells) {
	if n := v.restCols(); n > 0 {
		c.rest = capRunes(c.rest, n)
	}
	objs := o.(*fyne.Container).Objects
	set := func(i int, s string, col fyne.ThemeColorName) {
		t := objs[i].(*canvas.Text)
		clr := theme.Color(col)
		if t.Text != s || !sameColor(t.Color, clr) || t.TextSize != theme.TextSize() {
			t.Text, t.Color, t.TextSize = s, clr, theme.TextSize()
			t.Refresh()
		}
	}
	set(0, c.when, theme.ColorNamePlaceHolder)
	set(1, c.arrow, c.arrowColor)
	set(2, c.mid, theme.ColorNameForeground)
	set(3, c.rest, c.restColor)
}

func sameColor(a, b color.Color) bool {
	if a == nil || b == nil {
		return a == b
	}
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

// cellTexts are the texts a row shows, for tests and copying.
func cellTexts(o fyne.CanvasObject) []string {
	var out []string
	for _, x := range o.(*fyne.Container).Objects {
		if t := x.(*canvas.Text); t.Visible() && t.Text != "" {
			out = append(out, t.Text)
		}
	}
	return out
}

// capRunes cuts s to n characters, marking the cut.
func capRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for pos := range s {
		if i == n-1 {
			return s[:pos] + "…"
		}
		i++
	}
	return s
}

// rowPreview is a data row's text: an escaped start of the data (and the
// header of a jsonhdr message). Called under the log's lock.
func rowPreview(e *sessions.Entry) string {
	d := e.Data
	more := ""
	if len(d) > previewBytes {
		d, more = d[:previewBytes], "…"
	}
	s := payload.EscapeText(d)
	if e.Kind == sessions.KindMessage && e.Msg != nil && len(e.Msg.Header) > 0 {
		s = "header " + strings.TrimSpace(string(e.Msg.Header)) + " body " + s
	}
	return s + more
}

// eventWords is an event row's text, in words a person reads.
func eventWords(e *sessions.Entry) string {
	what := kindWords[e.Kind]
	if what == "" {
		what = e.Kind.String()
	}
	switch {
	case e.Kind == sessions.KindListening && e.Addr != "":
		return "listening on " + e.Addr
	case e.Text == "":
		return what
	case e.Kind == sessions.KindInfo || e.Kind == sessions.KindError:
		return e.Text
	}
	return what + ": " + e.Text
}

// kindWords name each kind of entry for people (the detail pane's title,
// event rows), where the log's JSON uses data_in, message_out.
var kindWords = map[sessions.EntryKind]string{
	sessions.KindInfo:       "note",
	sessions.KindListening:  "listening",
	sessions.KindAccepted:   "accepted",
	sessions.KindConnected:  "connected",
	sessions.KindDataIn:     "received",
	sessions.KindDataOut:    "sent",
	sessions.KindClosed:     "closed",
	sessions.KindError:      "error",
	sessions.KindMessage:    "message received",
	sessions.KindMessageOut: "message sent",
}
