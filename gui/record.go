package gui

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/sessions"
)

// Recording a session tab to pcapng (sessions.Session.Record). The header's
// Record button asks for a file and records from then on; pressed again it
// stops, and the file is closed and whole. Recording again, or the session
// started again while recording, makes a new file beside the last one
// (NAME-2.pcapng, NAME-3.pcapng, ...): each file is one whole capture and
// none is ever overwritten behind the person's back. "Record from the
// start" in the New-session dialog (SessionSpec.Record) records every
// start of the session, its handshake included.

// recordState is what the tab knows of recording beyond the Recording.
type recordState struct {
	wanted bool   // the person turned recording on (or the spec records from the start)
	path   string // the file chosen last
	fresh  bool   // path was just chosen: use it as it is (the save dialog asked about replacing it)
	last   string // what the info shows once a recording has ended
	failed bool   // last is an error
}

func (t *SessionTab) buildRecord() {
	t.Record = widget.NewButtonWithIcon("Record…", theme.MediaRecordIcon(), t.toggleRecord)
	t.RecordInfo = widget.NewLabel("")
	t.RecordInfo.Truncation = fyne.TextTruncateEllipsis
	t.recordBox = container.New(recordInfoLayout{l: t.RecordInfo, max: recordInfoMax}, t.RecordInfo)
	if t.spec.Record != "" {
		t.rec = recordState{wanted: true, path: t.spec.Record}
	}
}

// toggleRecord stops a running recording, or asks for a file and starts one.
func (t *SessionTab) toggleRecord() {
	if t.rec.wanted {
		t.stopRecording()
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close() // the recorder makes the file anew
		t.startRecordingTo(path)
	}, t.main.Window)
	name := strings.NewReplacer("/", "_", ":", "_", " ", "_", "[", "", "]", "").Replace(tabTitle(t.spec.Spec))
	d.SetFileName(name + ".pcapng")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".pcapng"}))
	if t.rec.path != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(filepath.Dir(t.rec.path))); err == nil {
			d.SetLocation(l)
		}
	}
	t.main.showFile(d)
}

// startRecordingTo records the session to path from now on; a session that
// has ended records from its next start.
func (t *SessionTab) startRecordingTo(path string) {
	t.rec = recordState{wanted: true, path: path, fresh: true}
	if t.sess != nil && t.sess.State() != sessions.StateClosed && t.sess.State() != sessions.StateFailed {
		t.recordNow(t.sess)
	}
	t.refresh()
}

// recordFromStart starts the recording a new session should have, before
// the session starts.
func (t *SessionTab) recordFromStart(s *sessions.Session) {
	if t.rec.wanted {
		t.recordNow(s)
	}
}

// recordNow starts recording s, to the chosen file the first time and to a
// new file beside it after that.
func (t *SessionTab) recordNow(s *sessions.Session) {
	path := t.rec.path
	if !t.rec.fresh {
		path = sessions.NextRecordingPath(path)
	}
	t.rec.fresh = false
	r, err := s.Record(path) // a failure is in the log too
	if err != nil {
		t.rec.wanted = false
		t.rec.last, t.rec.failed = "not recording: "+recordErrText(err), true
		return
	}
	t.recording = r
	t.rec.last, t.rec.failed = "", false
}

// stopRecording ends the recording; the file is flushed and closed on a
// goroutine (a slow disk must not stall the window).
func (t *SessionTab) stopRecording() {
	t.rec.wanted = false
	r := t.recording
	t.recording = nil
	if r == nil {
		t.refresh()
		return
	}
	t.rec.last, t.rec.failed = "stopping…", false
	t.refresh()
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		err := r.Stop()
		t.inbox.post(func() {
			t.rec.last, t.rec.failed = recordedText(r, err), err != nil
			t.refresh()
		})
	}()
}

// refreshRecord shows the file and its growing size while recording, what
// became of the last recording after.
func (t *SessionTab) refreshRecord() {
	if r := t.recording; r != nil {
		select {
		case <-r.Done(): // failed, or its session closed
			t.recording = nil
			err := r.Err()
			if err != nil {
				t.rec.wanted = false // a failed recording is not restarted
			}
			t.rec.last, t.rec.failed = recordedText(r, err), err != nil
		default:
			t.setRecordInfo(fmt.Sprintf("● %s %s", filepath.Base(r.Path()), humanBytes(uint64(r.Size()))))
			t.setRecordLook(true, widget.DangerImportance)
			return
		}
	}
	info := t.rec.last
	if t.rec.wanted && t.sess != nil && (t.sess.State() == sessions.StateClosed || t.sess.State() == sessions.StateFailed || t.sess.State() == sessions.StateNew) {
		info = "records " + filepath.Base(t.rec.path) + " from Start"
	}
	imp := widget.LowImportance
	if t.rec.failed {
		imp = widget.DangerImportance
	}
	t.setRecordInfo(info)
	t.setRecordLook(t.rec.wanted, imp)
}

// setRecordInfo shows text beside the Record button, as wide as it needs
// up to recordInfoMax (then cut with an ellipsis): no room taken when
// there is nothing to say, and never a wider window.
func (t *SessionTab) setRecordInfo(text string) {
	if t.RecordInfo.Text == text {
		return
	}
	grew := len(text) != len(t.RecordInfo.Text)
	setText(t.RecordInfo, text)
	if grew && t.recordBox != nil {
		t.recordBox.Refresh() // its width follows the text
	}
}

// recordInfoMax is the widest the recording's info gets.
const recordInfoMax = 300

// recordInfoLayout sizes the info label to its text, up to max.
type recordInfoLayout struct {
	l   *widget.Label
	max float32
}

func (r recordInfoLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	h := r.l.MinSize().Height
	if r.l.Text == "" {
		return fyne.NewSize(0, h)
	}
	w := fyne.MeasureText(r.l.Text, theme.TextSize(), r.l.TextStyle).Width + 2*theme.InnerPadding() + 2*theme.Padding() // slack for the ● glyph's fallback font
	return fyne.NewSize(min(w, r.max), h)
}

func (r recordInfoLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (t *SessionTab) setRecordLook(on bool, imp widget.Importance) {
	if t.RecordInfo.Importance != imp {
		t.RecordInfo.Importance = imp
		t.RecordInfo.Refresh()
	}
	text, icon := "Record…", theme.MediaRecordIcon()
	if on {
		text, icon = "Stop recording", theme.MediaStopIcon()
	}
	if t.Record.Text != text {
		t.Record.SetText(text)
		t.Record.SetIcon(icon)
	}
}

// recordedText says where a recording went, or why it stopped.
func recordedText(r *sessions.Recording, err error) string {
	if err != nil {
		return "recording stopped: " + recordErrText(err)
	}
	return fmt.Sprintf("saved %s (%s, %d packets)", filepath.Base(r.Path()), humanBytes(uint64(r.Size())), r.Packets())
}

// recordErrText is the cause of a recording's failure, without the
// "recording to PATH" the log line already has.
func recordErrText(err error) string {
	if errors.Is(err, sessions.ErrClosed) {
		return "the session has ended; start it to record"
	}
	msg := err.Error()
	if _, rest, ok := strings.Cut(msg, ": "); ok && strings.HasPrefix(msg, "recording to ") {
		return rest
	}
	return msg
}
