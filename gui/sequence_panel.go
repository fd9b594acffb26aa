package gui

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/sessions"
)

// The Sequence panel edits and runs a scripted exchange on the tab's
// session (sessions.Sequence: send, wait, expect with a timeout, repeat),
// in the file format `sockplay connect --script FILE` runs. Each step's
// result is a line in the panel (✓, ✗ with what came instead in hex) and
// a row in the traffic log, among the bytes it sent and got; the header
// of the panel says how it ended. The script is kept with the tab.

// SequenceDialog is the panel.
type SequenceDialog struct {
	*dialog.CustomDialog
	t *SessionTab

	Script  *widget.Entry
	Problem *widget.Label
	Status  *widget.Label
	Steps   *widget.List
	RunB    *widget.Button
	StopB   *widget.Button

	mu      sync.Mutex
	lines   []string // one per step result, ✓/✗/… first
	bad     []bool
	running bool
	cancel  context.CancelFunc
}

// showSequence opens the Sequence panel.
func (t *SessionTab) showSequence() {
	if t.seqDialog == nil {
		t.seqDialog = newSequenceDialog(t)
	}
	t.main.show(t.seqDialog)
}

func newSequenceDialog(t *SessionTab) *SequenceDialog {
	d := &SequenceDialog{t: t}
	d.Script = widget.NewMultiLineEntry()
	d.Script.TextStyle = fyne.TextStyle{Monospace: true}
	d.Script.SetPlaceHolder("name check-registers\nsend hex:00 01 00 00 00 06 01 03 00 00 00 01\nexpect 2s hex:00 01 00 00 00 05 01 03 02 (v: .. ..)\nwait 100ms\nrepeat 3\n  send PING\n  expect 1s text:PONG\nend")
	d.Script.SetText(t.spec.Sequence)
	d.Script.OnChanged = func(s string) {
		d.t.spec.Sequence = s
		d.validate()
	}
	d.Problem = widget.NewLabel("")
	d.Problem.Wrapping = fyne.TextWrapWord
	d.Problem.Importance = widget.DangerImportance
	d.Problem.Hide()
	d.Status = widget.NewLabel("Not run yet.")
	d.Status.Truncation = fyne.TextTruncateEllipsis
	d.Steps = widget.NewList(
		func() int { d.mu.Lock(); defer d.mu.Unlock(); return len(d.lines) },
		func() fyne.CanvasObject {
			l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			d.mu.Lock()
			text, bad := "", false
			if i < len(d.lines) {
				text, bad = d.lines[i], d.bad[i]
			}
			d.mu.Unlock()
			l := o.(*widget.Label)
			imp := widget.MediumImportance
			if bad {
				imp = widget.DangerImportance
			}
			if l.Importance != imp {
				l.Importance = imp
			}
			l.SetText(text)
		})

	d.RunB = widget.NewButtonWithIcon("Run", theme.MediaPlayIcon(), d.run)
	d.RunB.Importance = widget.HighImportance
	d.StopB = widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), d.stop)
	d.StopB.Disable()
	load := widget.NewButtonWithIcon("Load…", theme.FolderOpenIcon(), d.loadFile)
	save := widget.NewButtonWithIcon("Save…", theme.DocumentSaveIcon(), d.saveFile)
	help := widget.NewLabel("One step a line: send PAYLOAD (text, hex:…, base64:…; {{name}} from an earlier expect, and the macros), " +
		"wait DURATION, expect [TIMEOUT] MATCH (text:, prefix:, contains:, re:, hex: as in the reply rules; the next message after framing must match), " +
		"repeat N … end, name NAME, # comments.")
	help.Wrapping = fyne.TextWrapWord
	help.Importance = widget.LowImportance
	top := container.NewVBox(help, container.NewBorder(nil, nil, nil, container.NewHBox(load, save), d.Problem))
	editor := container.NewBorder(top, nil, nil, nil, d.Script)
	results := container.NewBorder(container.NewBorder(nil, nil, nil, container.NewHBox(d.RunB, d.StopB), d.Status), nil, nil, nil, d.Steps)
	split := container.NewVSplit(editor, results)
	split.Offset = 0.5
	closeB := widget.NewButton("Close", func() { d.Hide() })
	d.CustomDialog = dialog.NewCustomWithoutButtons("Sequence — "+t.Item.Text, split, t.main.Window)
	d.SetButtons([]fyne.CanvasObject{closeB})
	d.Resize(fyne.NewSize(1000, 640))
	d.validate()
	return d
}

// parsed is the script as a sequence, or the parser's sentence.
func (d *SequenceDialog) parsed() (sessions.Sequence, error) {
	if strings.TrimSpace(d.Script.Text) == "" {
		return sessions.Sequence{}, fmt.Errorf("the script is empty: write a step such as send PING")
	}
	return sessions.ParseSequence(d.Script.Text)
}

func (d *SequenceDialog) validate() {
	_, err := d.parsed()
	if err != nil && strings.TrimSpace(d.Script.Text) != "" {
		d.Problem.SetText(err.Error())
		d.Problem.Show()
	} else {
		d.Problem.Hide()
	}
	d.updateButtons(err == nil)
}

func (d *SequenceDialog) updateButtons(valid bool) {
	d.mu.Lock()
	running := d.running
	d.mu.Unlock()
	live := d.t.sess != nil && d.t.spec.Capture == nil && d.t.live()
	switch {
	case running:
		d.RunB.Disable()
		d.StopB.Enable()
	case valid && live:
		d.RunB.Enable()
		d.StopB.Disable()
	default:
		d.RunB.Disable()
		d.StopB.Disable()
	}
	if !running && !live && d.Status.Text == "Not run yet." {
		d.Status.SetText("Start the session to run it.")
	}
}

// run runs the script on the session, on a goroutine the tab owns.
func (d *SequenceDialog) run() {
	seq, err := d.parsed()
	if err != nil {
		d.validate()
		return
	}
	sess := d.t.sess
	if sess == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.mu.Lock()
	d.lines, d.bad, d.running, d.cancel = nil, nil, true, cancel
	d.mu.Unlock()
	d.Status.SetText("Running…")
	d.Steps.Refresh()
	d.updateButtons(true)
	d.t.main.saveWorkspaceLogged()
	t := d.t
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		defer cancel()
		res, err := sess.RunSequence(ctx, seq, func(r sessions.StepResult) {
			if r.Status == sessions.StepRunning {
				return
			}
			mark, bad := "✓", false
			if r.Status == sessions.StepFailed {
				mark, bad = "✗", true
			}
			text := r.Text()
			sess.Note("sequence: "+text, bad)
			d.mu.Lock()
			d.lines = append(d.lines, mark+" "+text)
			d.bad = append(d.bad, bad)
			d.mu.Unlock()
			t.inbox.post(func() { d.Steps.Refresh(); d.Steps.ScrollToBottom() })
		})
		verdict := res.Text()
		if err != nil && res.Failed == nil && !res.Stopped {
			verdict = "could not run: " + err.Error()
		}
		sess.Note(verdict, !res.OK)
		t.inbox.post(func() {
			d.mu.Lock()
			d.running = false
			d.mu.Unlock()
			d.Status.Importance = widget.SuccessImportance
			if !res.OK {
				d.Status.Importance = widget.DangerImportance
			}
			d.Status.SetText(strings.ToUpper(verdict[:1]) + verdict[1:])
			d.Status.Refresh()
			d.Steps.Refresh()
			d.validate()
		})
	}()
}

func (d *SequenceDialog) stop() {
	d.mu.Lock()
	c := d.cancel
	d.mu.Unlock()
	if c != nil {
		c()
	}
}

// loadFile reads a script file into the editor.
func (d *SequenceDialog) loadFile() {
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		b, err := io.ReadAll(io.LimitReader(r, 1<<20))
		if err != nil {
			d.Problem.SetText(fmt.Sprintf("Could not load %s: %v", r.URI().Name(), err))
			d.Problem.Show()
			return
		}
		d.Script.SetText(string(b))
	}, d.t.main.Window)
	fd.SetFilter(storage.NewExtensionFileFilter([]string{".seq", ".txt"}))
	showFileDialog(fd)
}

// saveFile writes the script as it is typed.
func (d *SequenceDialog) saveFile() {
	text := d.Script.Text
	fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		_, err = io.WriteString(w, text)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			d.Problem.SetText(fmt.Sprintf("Could not save %s: %v", w.URI().Name(), err))
			d.Problem.Show()
		}
	}, d.t.main.Window)
	fd.SetFileName("session.seq")
	showFileDialog(fd)
}

// stopSequence ends a running sequence (the tab closes or stops).
func (t *SessionTab) stopSequence() {
	if t.seqDialog != nil {
		t.seqDialog.stop()
	}
}
