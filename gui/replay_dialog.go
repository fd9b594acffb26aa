package gui

import (
	"fmt"
	"net/netip"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/netcore/pcap"
	"github.com/sockplay/sockplay/sessions"
)

// ReplayDialog sets up a replay of a captured conversation's client
// against a server, or a stand-in for its server, and opens it as a tab
// that starts at once. The fields are those of `sockplay replay`.
type ReplayDialog struct {
	*dialog.CustomDialog
	m       *MainWindow
	ref     CaptureRef
	standIn bool

	Address *widget.Entry
	Framing *FramingForm
	// Replay of the client.
	Pace    *widget.Select
	Timeout *widget.Entry
	// Stand-in.
	Match       *widget.RadioGroup
	Unknown     *widget.Entry
	UnknownMode *widget.Select

	Problem *widget.Label
	Start   *widget.Button
}

// Pace and match choices as the dialog shows them, and their values.
var (
	paceChoices = []struct{ value, label string }{
		{"reply", "after each reply (as a person would)"},
		{"captured", "with the captured gaps"},
		{"fast", "all at once"},
	}
	matchChoices = []struct{ value, label string }{
		{"order", "in order (the n-th request gets the n-th answer)"},
		{"content", "by content (a request gets the answer to the same request)"},
	}
)

// showReplayDialog asks how to replay (standIn false) or stand in for
// (true) the conversation ref.
func (m *MainWindow) showReplayDialog(ref CaptureRef, standIn bool) {
	d := newReplayDialog(m, ref, standIn)
	m.show(d)
	m.Window.Canvas().Focus(d.Address)
}

func newReplayDialog(m *MainWindow, ref CaptureRef, standIn bool) *ReplayDialog {
	d := &ReplayDialog{m: m, ref: ref, standIn: standIn}
	conv := m.captures.loaded(ref)

	d.Address = widget.NewEntry()
	d.Address.SetText(replayDefaultURL(conv, standIn))
	d.Address.OnChanged = func(string) { d.validate() }
	d.Framing = newFramingForm(d.validate)

	d.Problem = widget.NewLabel("")
	d.Problem.Wrapping = fyne.TextWrapWord
	d.Problem.Importance = widget.DangerImportance
	d.Problem.Hide()

	about := widget.NewLabel(replayAbout(ref, conv, standIn))
	about.Wrapping = fyne.TextWrapWord

	form := container.New(layout.NewFormLayout())
	add := func(label string, obj fyne.CanvasObject) {
		form.Add(widget.NewLabelWithStyle(label, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
		form.Add(obj)
	}
	title := "Replay as client"
	if standIn {
		title = "Stand in as server"
		add("Listen on", d.Address)
		d.Match = widget.NewRadioGroup(choiceLabels(matchChoices), func(string) { d.validate() })
		d.Match.Required = true
		d.Match.SetSelected(matchChoices[0].label)
		add("Answer", d.Match)
		d.Unknown = widget.NewEntry()
		d.Unknown.SetPlaceHolder("empty: no answer (the request is logged as unknown)")
		d.Unknown.OnChanged = func(string) { d.validate() }
		d.UnknownMode = widget.NewSelect([]string{"text", "hex", "base64"}, func(string) { d.validate() })
		d.UnknownMode.SetSelected("text")
		add("Other requests", container.NewBorder(nil, nil, nil, withWidth(d.UnknownMode, 100), d.Unknown))
	} else {
		add("Server", d.Address)
		d.Pace = widget.NewSelect(choiceLabels(paceChoices), func(string) { d.validate() })
		d.Pace.SetSelected(paceChoices[0].label)
		add("Send requests", d.Pace)
		d.Timeout = widget.NewEntry()
		d.Timeout.SetText("5s")
		d.Timeout.OnChanged = func(string) { d.validate() }
		add("Reply timeout", withWidth(d.Timeout, 120))
	}
	add("Framing", d.Framing.Content)
	framingNote := widget.NewLabel("Framing cuts each direction into messages: a step is a message (raw: each captured chunk).")
	framingNote.Wrapping = fyne.TextWrapWord
	framingNote.Importance = widget.LowImportance
	add("", framingNote)

	cancel := widget.NewButton("Cancel", func() { d.Hide() })
	d.Start = widget.NewButtonWithIcon("Start", theme.MediaPlayIcon(), d.open)
	d.Start.Importance = widget.HighImportance
	body := container.NewVBox(about, widget.NewSeparator(), form)
	content := container.NewBorder(nil, d.Problem, nil, nil, container.NewVScroll(container.NewPadded(body)))
	d.CustomDialog = dialog.NewCustomWithoutButtons(title+" — "+ref.Name(), content, m.Window)
	d.SetButtons([]fyne.CanvasObject{cancel, d.Start})
	d.Resize(fyne.NewSize(820, 520))
	d.validate()
	return d
}

func choiceLabels(cs []struct{ value, label string }) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.label
	}
	return out
}

func choiceValue(cs []struct{ value, label string }, label string) string {
	for _, c := range cs {
		if c.label == label {
			return c.value
		}
	}
	return ""
}

// replayDefaultURL is where a replay sends (the captured server) or where
// a stand-in listens (loopback, on the captured server's port).
func replayDefaultURL(conv *pcap.Conversation, standIn bool) string {
	if conv == nil {
		return "tcp://127.0.0.1:9000"
	}
	if standIn {
		return fmt.Sprintf("%s://%s", conv.Proto, netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), conv.Server.Port()))
	}
	return fmt.Sprintf("%s://%s", conv.Proto, conv.Server)
}

// replayAbout says what will happen, in the conversation's numbers.
func replayAbout(ref CaptureRef, conv *pcap.Conversation, standIn bool) string {
	what := ref.Name()
	if conv != nil {
		what = fmt.Sprintf("%s (%s to %s: %s from the client, %s from the server)", ref.Name(), conv.Client, conv.Server,
			humanBytes(uint64(conv.Bytes[0])), humanBytes(uint64(conv.Bytes[1])))
	}
	if standIn {
		return "Listens where you say and answers each client as the captured server answered in " + what +
			". Each request and its answer is a row in the log; a request the capture has no answer for is a red row."
	}
	return "Connects to the server and sends what the captured client sent in " + what +
		", comparing each reply with the captured one. A reply that differs is a red row with its difference in the detail pane."
}

// Spec is the tab the dialog would open, or what is wrong, in a sentence
// naming the field.
func (d *ReplayDialog) Spec() (SessionSpec, error) {
	url := strings.TrimSpace(d.Address.Text)
	if url == "" {
		if d.standIn {
			return SessionSpec{}, fmt.Errorf("listen on: write an address such as tcp://127.0.0.1:502")
		}
		return SessionSpec{}, fmt.Errorf("server: write an address such as tcp://192.0.2.7:502")
	}
	fr, err := d.Framing.Value()
	if err != nil {
		return SessionSpec{}, fmt.Errorf("framing: %w", err)
	}
	rc := &ReplayConfig{CaptureRef: d.ref, StandIn: d.standIn}
	role := "client"
	if d.standIn {
		role = "server"
		rc.Match = choiceValue(matchChoices, d.Match.Selected)
		if strings.TrimSpace(d.Unknown.Text) != "" {
			rc.Unknown = d.Unknown.Text
			if mode, err := payload.ParseMode(d.UnknownMode.Selected); err == nil && mode != payload.Text {
				rc.UnknownMode = d.UnknownMode.Selected
			}
		}
	} else {
		rc.Pace = choiceValue(paceChoices, d.Pace.Selected)
		rc.Timeout = strings.TrimSpace(d.Timeout.Text)
	}
	spec := SessionSpec{Spec: sessions.Spec{Role: role, URL: url, Framing: fr}, Replay: rc}
	if err := spec.checkReplay(); err != nil {
		return SessionSpec{}, err
	}
	return spec, nil
}

func (d *ReplayDialog) validate() {
	if d.Start == nil {
		return
	}
	if _, err := d.Spec(); err != nil {
		d.Problem.SetText("Cannot start yet: " + err.Error())
		d.Problem.Show()
		d.Start.Disable()
		return
	}
	d.Problem.Hide()
	d.Start.Enable()
}

// open opens the replay tab and starts it; the dialog stays, with the
// reason, when the tab cannot open.
func (d *ReplayDialog) open() {
	spec, err := d.Spec()
	var t *SessionTab
	if err == nil {
		t, err = d.m.OpenSession(spec)
	}
	if err != nil {
		d.Problem.SetText("Could not open it: " + err.Error())
		d.Problem.Show()
		return
	}
	d.Hide()
	t.Start()
}
