package gui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore/framing"
)

// FramingDialog changes the framing of an open session tab: the
// New-session dialog's framing form, applied to the live session.
type FramingDialog struct {
	*dialog.CustomDialog
	Form    *FramingForm
	Problem *widget.Label // why Apply failed (the session refused it)
	Apply   *widget.Button
	Cancel  *widget.Button
}

// showFramingDialog opens the framing dialog on the tab's framing (the
// composer's pencil beside "(session: …)").
func (t *SessionTab) showFramingDialog() {
	d := &FramingDialog{}
	d.Problem = widget.NewLabel("")
	d.Problem.Importance = widget.DangerImportance
	d.Problem.Wrapping = fyne.TextWrapWord
	d.Apply = widget.NewButtonWithIcon("Apply", theme.ConfirmIcon(), func() {
		if err := t.applyFraming(d.Form); err != nil {
			d.Problem.SetText(err.Error())
			return
		}
		d.Hide()
	})
	d.Apply.Importance = widget.HighImportance
	d.Cancel = widget.NewButton("Cancel", func() { d.Hide() })
	d.Form = newFramingForm(func() {
		if d.Form == nil {
			return // still being built
		}
		d.Problem.SetText("")
		if _, err := d.Form.Value(); err != nil {
			d.Apply.Disable()
		} else {
			d.Apply.Enable()
		}
	})
	d.Form.SetSpec(t.spec.Framing)
	note := widget.NewLabel("New sends are framed the new way at once; what peers send is read the new way from their next chunk. " +
		"A message the old framing had begun stays in the log as received bytes.")
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.LowImportance
	// The problem line keeps two lines of room, so a refusal moves nothing.
	problem := container.New(reservedHeight{lines: 2}, d.Problem)
	content := container.NewVBox(d.Form.Content, note, problem)
	d.CustomDialog = dialog.NewCustomWithoutButtons("Framing of "+t.spec.Title(), content, t.main.Window)
	d.SetButtons([]fyne.CanvasObject{d.Cancel, d.Apply})
	d.Resize(fyne.NewSize(760, 320))
	t.main.show(d)
}

// applyFraming sets the framing the form describes on the live session,
// keeps it in the tab's spec (saved with the workspace, used by the next
// Start) and tells the composer and the traffic filter.
func (t *SessionTab) applyFraming(f *FramingForm) error {
	value, err := f.Value()
	if err != nil {
		return err
	}
	text := value
	if text == "" {
		text = "raw"
	}
	spec, err := framing.Parse(text)
	if err != nil {
		return fmt.Errorf("framing: %w", err)
	}
	if t.spec.Capture != nil {
		// A capture's messages are cut when it is read: read it again.
		t.spec.Framing = value
		t.loadCapture()
		t.main.saveWorkspaceLogged()
		return nil
	}
	if t.sess != nil {
		if err := t.sess.SetFraming(spec); err != nil {
			return err
		}
	}
	t.spec.Framing = value
	t.Composer.setSessionFraming(spec)
	t.applyFilter() // Messages mode depends on the framing
	t.main.saveWorkspaceLogged()
	return nil
}

// reservedHeight keeps room for a few lines of text whether or not its
// object says anything.
type reservedHeight struct{ lines int }

func (r reservedHeight) MinSize(objs []fyne.CanvasObject) fyne.Size {
	line := fyne.MeasureText("Mg", theme.TextSize(), fyne.TextStyle{}).Height + 2*theme.InnerPadding()
	s := fyne.NewSize(0, float32(r.lines)*line)
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (r reservedHeight) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}
