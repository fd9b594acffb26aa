package gui

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore/framing"
	"github.com/sockplay/sockplay/netcore/payload"
	"github.com/sockplay/sockplay/netcore/rules"
	"github.com/sockplay/sockplay/sessions/replay"
)

// The Rules panel edits a session's reply rules (netcore/rules, run by
// sessions on whole messages after framing): one row per rule, in order,
// each with its match, its reply, a delay, "close after", on/off and its
// hits; first match or every match; a default reply. A test box shows
// which rule a pasted message fires and the exact reply bytes. Apply puts
// the rules in force on the running session at once (fresh hit counts)
// and keeps them with the tab; Load… and Save… read and write the rules
// file format `sockplay serve --rules FILE` takes.

// RulesDialog is the panel, shown as a dialog over the tab.
type RulesDialog struct {
	*dialog.CustomDialog
	t *SessionTab

	Mode         *widget.RadioGroup
	Rows         []*ruleRow
	rowsBox      *fyne.Container
	DefaultOn    *widget.Check
	DefaultReply *widget.Entry
	DefaultMode  *widget.Select
	TestInput    *widget.Entry
	TestMode     *widget.Select
	TestFrom     *widget.Select // relays: which side the test message comes from (rules_panel_relay.go)
	TestResult   *widget.Label
	Problem      *widget.Label
	ApplyButton  *widget.Button
}

// ruleRow is one rule's widgets.
type ruleRow struct {
	On        *widget.Check
	Kind      *widget.Select
	Pattern   *widget.Entry
	ReplyMode *widget.Select // text, hex (and drop on a relay)
	From      *widget.Select // relays: the side whose messages the rule sees
	Reply     *widget.Entry
	Delay     *widget.Entry
	Close     *widget.Check
	Hits      *widget.Label
	root      fyne.CanvasObject
}

// Rule kinds as the select shows them.
var ruleKinds = []string{string(rules.Text), string(rules.Prefix), string(rules.Contains), string(rules.Regexp), string(rules.Hex)}

const (
	modeFirst = "First match answers"
	modeAll   = "Every match answers"
)

// showRules opens the Rules panel for the tab.
func (t *SessionTab) showRules() {
	d := newRulesDialog(t)
	t.rulesDialog = d
	t.main.show(d)
}

func newRulesDialog(t *SessionTab) *RulesDialog {
	d := &RulesDialog{t: t}
	d.Mode = widget.NewRadioGroup([]string{modeFirst, modeAll}, func(string) { d.validate() })
	d.Mode.Horizontal = true
	d.Mode.Required = true
	d.rowsBox = container.NewVBox()
	d.DefaultOn = widget.NewCheck("Default reply", func(bool) { d.validate() })
	d.DefaultReply = widget.NewEntry()
	d.DefaultReply.SetPlaceHolder("the reply to a message no rule matched ({{0}} is the message)")
	d.DefaultReply.OnChanged = func(string) { d.validate() }
	d.DefaultMode = widget.NewSelect([]string{"text", "hex"}, func(string) { d.validate() })
	d.TestInput = widget.NewEntry()
	d.TestInput.SetPlaceHolder("a message to try, e.g. GET /status or 00 01 00 00 00 06 01 03 00 00 00 02")
	d.TestInput.OnChanged = func(string) { d.test() }
	d.TestMode = widget.NewSelect([]string{"text", "hex"}, func(string) { d.test() })
	d.TestMode.SetSelected("text")
	if t.relay() {
		d.TestFrom = widget.NewSelect([]string{testFromClient, testFromTarget}, func(string) { d.test() })
		d.TestFrom.SetSelected(testFromClient)
		d.DefaultReply.SetPlaceHolder("what replaces a message no rule matched ({{0}} is the message)")
	}
	d.TestResult = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	d.TestResult.Wrapping = fyne.TextWrapWord
	d.Problem = widget.NewLabel("")
	d.Problem.Wrapping = fyne.TextWrapWord
	d.Problem.Importance = widget.DangerImportance
	d.Problem.Hide()

	d.load(d.current())

	add := widget.NewButtonWithIcon("Add rule", theme.ContentAddIcon(), func() {
		d.addRow(rules.Rule{Kind: rules.Prefix, Reply: payload.Spec{Mode: payload.Text}})
		d.validate()
	})
	load := widget.NewButtonWithIcon("Load…", theme.FolderOpenIcon(), d.loadFile)
	save := widget.NewButtonWithIcon("Save…", theme.DocumentSaveIcon(), d.saveFile)
	head := container.NewBorder(nil, nil, d.Mode, container.NewHBox(add, load, save))
	help := widget.NewLabel(rulesHelp(t))
	help.Wrapping = fyne.TextWrapWord
	help.Importance = widget.LowImportance
	def := container.NewBorder(nil, nil, d.DefaultOn, withWidth(d.DefaultMode, 90), d.DefaultReply)
	testLeft := container.NewHBox(widget.NewLabelWithStyle("Test", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	if d.TestFrom != nil {
		testLeft.Add(withWidth(d.TestFrom, 130))
	}
	testRow := container.NewBorder(nil, nil, testLeft, withWidth(d.TestMode, 90), d.TestInput)
	body := container.NewVBox(head, help, widget.NewSeparator(), d.rowsBox, widget.NewSeparator(), def,
		widget.NewSeparator(), testRow, d.TestResult)

	closeB := widget.NewButton("Close", func() { d.Hide() })
	d.ApplyButton = widget.NewButtonWithIcon("Apply", theme.ConfirmIcon(), d.apply)
	d.ApplyButton.Importance = widget.HighImportance
	content := container.NewBorder(nil, d.Problem, nil, nil, container.NewVScroll(container.NewPadded(body)))
	d.CustomDialog = dialog.NewCustomWithoutButtons(rulesTitle(t), content, t.main.Window)
	d.SetButtons([]fyne.CanvasObject{closeB, d.ApplyButton})
	d.SetOnClosed(func() {
		if t.rulesDialog == d {
			t.rulesDialog = nil
		}
	})
	d.Resize(fyne.NewSize(1000, 620))
	if t.relay() {
		d.Resize(fyne.NewSize(1180, 640)) // each row has its side too
	}
	d.validate()
	d.updateHits()
	return d
}

// current is the tab's rules: those in force, else those kept.
func (d *RulesDialog) current() rules.List {
	if d.t.spec.Rules != nil {
		return *d.t.spec.Rules
	}
	return rules.List{}
}

// load fills the panel from l.
func (d *RulesDialog) load(l rules.List) {
	if l.Mode == rules.All {
		d.Mode.SetSelected(modeAll)
	} else {
		d.Mode.SetSelected(modeFirst)
	}
	d.Rows = nil
	d.rowsBox.RemoveAll()
	for _, r := range l.Rules {
		d.addRow(r)
	}
	if l.Default != nil {
		d.DefaultOn.SetChecked(true)
		d.DefaultReply.SetText(l.Default.Reply.Source)
		d.DefaultMode.SetSelected(replyModeName(l.Default.Reply.Mode))
	} else {
		d.DefaultOn.SetChecked(false)
		d.DefaultReply.SetText("")
		d.DefaultMode.SetSelected("text")
	}
}

func replyModeName(m payload.Mode) string {
	if m == payload.Hex {
		return "hex"
	}
	return "text"
}

// addRow appends a rule's row.
func (d *RulesDialog) addRow(r rules.Rule) {
	row := &ruleRow{}
	changed := func(string) { d.validate() }
	row.On = widget.NewCheck("", func(bool) { d.validate() })
	row.On.SetChecked(!r.Off)
	row.Kind = widget.NewSelect(ruleKinds, changed)
	row.Kind.SetSelected(string(r.Kind))
	row.Pattern = widget.NewEntry()
	row.Pattern.SetText(r.Pattern)
	row.Pattern.SetPlaceHolder("match")
	row.Pattern.OnChanged = changed
	row.ReplyMode = widget.NewSelect(d.replyModes(r), changed)
	row.ReplyMode.SetSelected(replyModeOfRule(r))
	row.From = fromSelect(r, changed)
	row.Reply = widget.NewEntry()
	row.Reply.SetText(r.Reply.Source)
	row.Reply.SetPlaceHolder(replyPlaceHolder(d.relay()))
	row.Reply.OnChanged = changed
	row.Delay = widget.NewEntry()
	if r.Delay > 0 {
		row.Delay.SetText(r.Delay.String())
	}
	row.Delay.SetPlaceHolder("delay")
	row.Delay.OnChanged = changed
	row.Close = widget.NewCheck("close", func(bool) { d.validate() })
	row.Close.SetChecked(r.Close)
	row.Hits = widget.NewLabel("")
	up := widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { d.move(row, -1) })
	down := widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() { d.move(row, 1) })
	del := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { d.remove(row) })
	left := container.NewHBox(row.On, withWidth(row.Kind, 110))
	if d.relay() {
		left.Add(withWidth(row.From, 130))
	}
	right := container.NewHBox(widget.NewLabel("⇒"), withWidth(row.ReplyMode, 80))
	match := container.NewBorder(nil, nil, left, right, row.Pattern)
	opts := container.NewHBox(withWidth(row.Delay, 80), row.Close, withWidth(row.Hits, 80), up, down, del)
	reply := container.NewBorder(nil, nil, nil, opts, row.Reply)
	row.root = container.NewGridWithColumns(2, match, reply)
	d.Rows = append(d.Rows, row)
	d.rowsBox.Add(row.root)
}

func (d *RulesDialog) index(row *ruleRow) int {
	for i, r := range d.Rows {
		if r == row {
			return i
		}
	}
	return -1
}

// move moves a rule up (-1) or down (+1): order decides which answers.
func (d *RulesDialog) move(row *ruleRow, by int) {
	i := d.index(row)
	j := i + by
	if i < 0 || j < 0 || j >= len(d.Rows) {
		return
	}
	l, _ := d.list()
	l.Rules[i], l.Rules[j] = l.Rules[j], l.Rules[i]
	d.load(l)
	d.validate()
}

func (d *RulesDialog) remove(row *ruleRow) {
	i := d.index(row)
	if i < 0 {
		return
	}
	l, _ := d.list()
	l.Rules = append(l.Rules[:i], l.Rules[i+1:]...)
	d.load(l)
	d.validate()
}

// list is the rules as the panel shows them, and what in a row is not a
// rule at all (a delay that is no duration).
func (d *RulesDialog) list() (rules.List, error) {
	l := rules.List{Mode: rules.First}
	if d.Mode.Selected == modeAll {
		l.Mode = rules.All
	}
	var firstErr error
	for i, row := range d.Rows {
		r := rules.Rule{Kind: rules.Kind(row.Kind.Selected), Pattern: row.Pattern.Text, Close: row.Close.Checked, Off: !row.On.Checked,
			Reply: payload.Spec{Mode: payload.Text, Source: row.Reply.Text}}
		if row.ReplyMode.Selected == "hex" {
			r.Reply.Mode = payload.Hex
		}
		relayRule(row, &r)
		if s := strings.TrimSpace(row.Delay.Text); s != "" {
			dl, err := time.ParseDuration(s)
			if (err != nil || dl < 0) && firstErr == nil {
				firstErr = fmt.Errorf("rule %d: delay %q is not a duration such as 100ms or 2s", i+1, s)
			}
			r.Delay = dl
		}
		l.Rules = append(l.Rules, r)
	}
	if d.DefaultOn.Checked {
		def := rules.Rule{Reply: payload.Spec{Mode: payload.Text, Source: d.DefaultReply.Text}}
		if d.DefaultMode.Selected == "hex" {
			def.Reply.Mode = payload.Hex
		}
		l.Default = &def
	}
	return l, firstErr
}

// compiled is the panel's rules compiled, or the first thing wrong in one
// sentence naming the rule.
func (d *RulesDialog) compiled() (rules.List, *rules.Set, error) {
	l, err := d.list()
	if err != nil {
		return l, nil, err
	}
	set, err := rules.Compile(l)
	if err == nil {
		err = d.relayOnly(set)
	}
	return l, set, err
}

func (d *RulesDialog) validate() {
	if d.ApplyButton == nil {
		return
	}
	if _, _, err := d.compiled(); err != nil {
		d.Problem.SetText("Cannot apply yet: " + err.Error())
		d.Problem.Show()
		d.ApplyButton.Disable()
	} else {
		d.Problem.Hide()
		d.ApplyButton.Enable()
	}
	d.test()
}

// test shows what the test box's message earns.
func (d *RulesDialog) test() {
	if d.TestResult == nil || d.TestMode == nil {
		return
	}
	src := d.TestInput.Text
	if src == "" {
		d.TestResult.SetText(testPrompt(d.relay()))
		return
	}
	mode := payload.Text
	if d.TestMode.Selected == "hex" {
		mode = payload.Hex
	}
	p, err := payload.Compile(payload.Spec{Mode: mode, Source: src})
	var msg []byte
	if err == nil {
		msg, err = p.Render(nil, time.Now())
	}
	if err != nil {
		d.TestResult.SetText("The message: " + err.Error())
		return
	}
	l, set, err := d.compiled()
	if err != nil {
		d.TestResult.SetText("Fix the rules first: " + err.Error())
		return
	}
	fired := set.ApplyFrom(d.testSide(), msg, &payload.Counter{}, time.Now(), nil)
	if d.relay() {
		d.TestResult.SetText(relayTestWords(d.testSide(), len(msg), l, fired))
		return
	}
	if len(fired) == 0 {
		d.TestResult.SetText(fmt.Sprintf("%d bytes: no rule matches and there is no default reply: no answer.", len(msg)))
		return
	}
	var b strings.Builder
	for _, f := range fired {
		who := "the default reply"
		if f.Rule != rules.DefaultRule {
			who = fmt.Sprintf("rule %d (%s)", f.Rule+1, l.Rules[f.Rule].Kind)
		}
		if f.Reply == nil {
			fmt.Fprintf(&b, "%s matches and sends nothing", who)
		} else {
			fmt.Fprintf(&b, "%s answers %d bytes: %s  %q", who, len(f.Reply), hexPreview(f.Reply, 32), capRunes(string(f.Reply), 60))
		}
		if f.Reply != nil && d.t.sess != nil {
			// What the framing makes of it: a reply it refuses (a \n
			// inside line framing) would fail when sent.
			if fr := d.t.sess.Framing(); fr.Kind != framing.KindRaw {
				if _, err := fr.Encode(nil, f.Reply); err != nil {
					fmt.Fprintf(&b, " — but the session's framing (%s) refuses it: %v", fr, err)
				}
			}
		}
		if f.Delay > 0 {
			fmt.Fprintf(&b, ", after %s", f.Delay)
		}
		if f.Close {
			b.WriteString(", then closes")
		}
		b.WriteByte('\n')
	}
	d.TestResult.SetText(strings.TrimSpace(b.String()))
}

// apply puts the rules in force and keeps them with the tab.
func (d *RulesDialog) apply() {
	l, set, err := d.compiled()
	if err != nil {
		d.Problem.SetText("Cannot apply: " + err.Error())
		d.Problem.Show()
		return
	}
	if len(l.Rules) == 0 && l.Default == nil {
		set = nil
	}
	if d.t.sess != nil && d.t.spec.Capture == nil {
		if err := d.t.sess.SetRules(set); err != nil {
			d.Problem.SetText("Cannot apply: " + rulesErrWords(err))
			d.Problem.Show()
			return
		}
	}
	if set == nil {
		d.t.spec.Rules = nil
	} else {
		d.t.spec.Rules = &l
	}
	d.Problem.Hide()
	d.t.main.saveWorkspaceLogged()
	d.t.refresh()
	d.updateHits()
	notifyFor(d.t.Item.Content, fmt.Sprintf("%s in force", replay.Plural(len(l.Rules), "rule")))
}

// rulesErrWords is the engine's refusal in the panel's words.
func rulesErrWords(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && strings.Contains(msg, "reply") {
		return msg[i+2:] + " (open a new session with Reply: none to use rules)"
	}
	return msg
}

// updateHits shows each rule's hits while the panel is open.
func (d *RulesDialog) updateHits() {
	if d.t.sess == nil {
		return
	}
	h := d.t.sess.RuleHits()
	for i, row := range d.Rows {
		text := ""
		if i < len(h.Rules) {
			text = replay.Plural(int(h.Rules[i]), "hit")
		}
		setText(row.Hits, text)
	}
	if d.DefaultOn.Checked && h.Default > 0 {
		d.DefaultOn.Text = fmt.Sprintf("Default reply (%s)", replay.Plural(int(h.Default), "hit"))
		d.DefaultOn.Refresh()
	}
}

// loadFile reads a rules file into the panel (not yet applied).
func (d *RulesDialog) loadFile() {
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		b, err := io.ReadAll(io.LimitReader(r, 1<<20))
		if err == nil {
			var l rules.List
			if l, err = rules.Parse(string(b)); err == nil {
				d.load(l)
				d.validate()
				return
			}
		}
		d.Problem.SetText(fmt.Sprintf("Could not load %s: %v", r.URI().Name(), err))
		d.Problem.Show()
	}, d.t.main.Window)
	fd.SetFilter(storage.NewExtensionFileFilter([]string{".rules", ".txt"}))
	showFileDialog(fd)
}

// saveFile writes the panel's rules in the file format.
func (d *RulesDialog) saveFile() {
	l, _, err := d.compiled()
	if err != nil {
		d.Problem.SetText("Cannot save: " + err.Error())
		d.Problem.Show()
		return
	}
	fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		_, err = io.WriteString(w, l.Format())
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			d.Problem.SetText(fmt.Sprintf("Could not save %s: %v", w.URI().Name(), errors.Unwrap(err)))
			d.Problem.Show()
		}
	}, d.t.main.Window)
	fd.SetFileName("session.rules")
	showFileDialog(fd)
}

// refreshRules shows how many rules are in force on the button, and the
// hits in an open panel.
func (t *SessionTab) refreshRules() {
	text := "Rules…"
	if t.spec.Rules != nil {
		text = fmt.Sprintf("Rules (%d)…", len(t.spec.Rules.Rules))
	}
	if t.RulesButton.Text != text {
		t.RulesButton.SetText(text)
	}
	if t.rulesDialog != nil {
		t.rulesDialog.updateHits()
	}
}

// ruleOf is a text-reply rule, as the Add button makes them.
func ruleOf(kind, pattern, reply string) rules.Rule {
	return rules.Rule{Kind: rules.Kind(kind), Pattern: pattern, Reply: payload.Spec{Mode: payload.Text, Source: reply}}
}
