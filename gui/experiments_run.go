package gui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore/socktable"
	"github.com/sockplay/sockplay/sessions/experiment"
)

// RunAll runs the experiment through (Run): from the start when nothing
// runs, or the remaining steps of a stepped run.
func (t *ExperimentsTab) RunAll() {
	switch {
	case t.state == expIdle:
		t.start(false)
	case t.stepCh != nil && (t.state == expWaiting || t.state == expRunning):
		close(t.stepCh) // every remaining step, without waiting
		t.stepCh = nil
		t.state = expRunning
	}
	t.refresh()
}

// StepOnce runs one step (Step): the first one of a new run, or the next
// one of the run that waits.
func (t *ExperimentsTab) StepOnce() {
	switch {
	case t.state == expIdle:
		t.start(true)
	case t.state == expWaiting && t.stepCh != nil:
		t.stepCh <- struct{}{} // buffered, and empty while the run waits
		t.state = expRunning
	}
	t.refresh()
}

// StopRun cancels the run (Stop); it ends within a moment and says so.
func (t *ExperimentsTab) StopRun() {
	t.stopRun()
	t.refresh()
}

func (t *ExperimentsTab) stopRun() {
	if t.state == expIdle || t.cancel == nil {
		return
	}
	t.cancel()
	t.state = expStopping
}

// start runs the selected experiment on a goroutine of the tab's; with
// stepped, one step at a time, the first at once.
func (t *ExperimentsTab) start(stepped bool) {
	if t.sel >= len(t.infos) {
		return
	}
	name := t.infos[t.sel].Name
	t.clearRun()
	t.discard = false
	opt := experiment.Options{Pcap: t.pcapPath}
	if stepped {
		t.stepCh = make(chan struct{}, 1)
		t.stepCh <- struct{}{} // the first step runs at once
		opt.Step = t.stepCh
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.cancel = cancel
	feed := &expFeed{bump: &t.version}
	t.feed = feed
	t.state = expRunning
	t.note = ""
	setText(t.Status, "Starting "+name+"…")
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		defer cancel()
		feed.end(experiment.Run(ctx, name, opt, feed.push))
	}()
}

// clearRun forgets the last run's log, ends and trails.
func (t *ExperimentsTab) clearRun() {
	t.lines = t.lines[:0]
	t.Log.Objects = nil
	t.Log.Refresh()
	t.ends = nil
	t.trails = map[string]*stateTrail{}
	t.conns, t.conn, t.chosen = nil, expConn{}, false
	t.lastStep = 0
	t.Ends.Refresh()
	t.updateDiagram()
}

// Refresh takes what the run reported and shows it (the pump calls it;
// headless tests call it themselves).
func (t *ExperimentsTab) Refresh() { t.refresh() }

func (t *ExperimentsTab) refresh() {
	t.seen.Store(t.version.Load())
	if t.feed != nil {
		events, ended, err := t.feed.take()
		if !t.discard {
			for _, e := range events {
				t.apply(e)
			}
		}
		if ended {
			t.finish(err)
		}
	}
	t.showState()
}

// apply shows one event.
func (t *ExperimentsTab) apply(e experiment.Event) {
	switch e.Kind {
	case experiment.KindWait:
		if t.stepCh == nil || t.state == expStopping {
			return // Run was pressed after the run said it would wait: it goes on
		}
		t.state = expWaiting
		setText(t.Status, fmt.Sprintf("Step %d is next: %s. Step runs it; Run runs it and the rest.", e.Step, e.Title))
		return
	case experiment.KindStep:
		t.lastStep = e.Step
		if t.state != expStopping {
			t.state = expRunning
			setText(t.Status, fmt.Sprintf("Running step %d: %s…", e.Step, e.Title))
		}
	case experiment.KindObserve:
		t.observe(e.Ends)
	}
	if text := expLogText(e); text != "" {
		t.addLine(expLogLine{Kind: e.Kind, Text: text, Err: e.Err != ""})
	}
}

// observe takes a look's ends: the table, the trails, the diagram.
func (t *ExperimentsTab) observe(ends []experiment.End) {
	t.ends = ends
	t.Ends.Refresh()
	for _, e := range ends {
		if e.Proto != socktable.TCP {
			continue
		}
		tr := t.trails[e.Side]
		if tr == nil {
			tr = &stateTrail{Name: e.Side}
			t.trails[e.Side] = tr
		}
		tr.add(endPath(e), e.TimeWaitLeft)
	}
	// Sides the look no longer has (a socket the lesson is done with)
	// keep their trail: the diagram shows where they were last.
	for _, c := range expConns(ends) {
		if !containsConn(t.conns, c) {
			t.conns = append(t.conns, c)
		}
	}
	if !t.chosen {
		if c, ok := mainConn(t.conns); ok {
			t.conn = c
		}
	}
	t.updateDiagram()
}

func containsConn(list []expConn, c expConn) bool {
	for _, x := range list {
		if x == c {
			return true
		}
	}
	return false
}

// chooseConn shows another of the run's connections in the diagram.
func (t *ExperimentsTab) chooseConn(s string) {
	for _, c := range t.conns {
		if c.String() == s && c != t.conn {
			t.conn, t.chosen = c, true
			t.updateDiagram()
			return
		}
	}
}

// updateDiagram puts the shown connection's trails on the diagram and the
// run's connections in the chooser.
func (t *ExperimentsTab) updateDiagram() {
	opts := make([]string, len(t.conns))
	for i, c := range t.conns {
		opts[i] = c.String()
	}
	if strings.Join(opts, "\n") != strings.Join(t.Conn.Options, "\n") {
		t.Conn.Options = opts
		t.Conn.Refresh()
	}
	if t.conn[0] != "" && t.Conn.Selected != t.conn.String() {
		t.Conn.Selected = t.conn.String() // not SetSelected: that would call chooseConn
		t.Conn.Refresh()
	}
	if t.Conn.Visible() != (len(opts) > 1) {
		setVisible(t.Conn, len(opts) > 1)
		t.diagHead.Refresh() // lay the row out again
	}
	var trails []*stateTrail
	for _, side := range t.conn {
		if tr := t.trails[side]; tr != nil {
			trails = append(trails, tr)
		}
	}
	empty := "Run or Step: the connection's states show here."
	switch {
	case t.lastStep > 0 && len(t.ends) > 0 && len(t.trails) == 0:
		empty = "This experiment has no TCP connection: the diagram is TCP's."
	case t.lastStep > 0 && len(t.ends) == 0:
		empty = "Nothing observed yet."
	}
	t.Diagram.show(trails, empty)
}

// addLine appends a line to the log, as a label of its own (a wrapped
// sentence), and scrolls to it.
func (t *ExperimentsTab) addLine(l expLogLine) {
	t.lines = append(t.lines, l)
	lab := widget.NewLabel(l.Text)
	lab.Wrapping = fyne.TextWrapWord
	lab.Selectable = true
	switch {
	case l.Kind == experiment.KindStep || l.Kind == experiment.KindDone:
		lab.TextStyle.Bold = true
	case l.Kind == experiment.KindResult:
		lab.TextStyle.Bold = true
		lab.Importance = widget.SuccessImportance
	case l.Err:
		lab.Importance = widget.DangerImportance
	case l.Kind == experiment.KindObserve:
		lab.Importance = widget.LowImportance
		lab.TextStyle.Italic = true
	case l.Kind == experiment.KindSkip:
		lab.Importance = widget.WarningImportance
	}
	t.Log.Add(lab)
	if n := len(t.lines) - expLogMax; n > 0 {
		t.lines = append(t.lines[:0], t.lines[n:]...)
		t.Log.Objects = append(t.Log.Objects[:0], t.Log.Objects[n:]...)
		t.Log.Refresh()
	}
	t.LogView.ScrollToBottom()
}

// finish notes how the run ended; its goroutine is over.
func (t *ExperimentsTab) finish(err error) {
	stopped := t.state == expStopping
	t.feed, t.cancel, t.stepCh = nil, nil, nil
	t.state = expIdle
	if t.discard {
		t.discard = false
		t.note = ""
		return
	}
	switch {
	case err == nil:
		t.note = "Done. Run or Step again to repeat it."
		if t.pcapPath != "" {
			t.note += " The packets are in " + t.pcapPath + sizeWords(t.pcapPath) + "."
		}
	case stopped && errors.Is(err, context.Canceled):
		t.note = fmt.Sprintf("Stopped after step %d; every socket it opened is closed.", t.lastStep)
	default:
		t.note = upperFirst(err.Error()) + "."
	}
}

// sizeWords is ", 12.3 KB" for a file that exists.
func sizeWords(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return ""
	}
	return " (" + humanBytes(uint64(fi.Size())) + ")"
}

// showState sets the buttons and the status line for the run's state.
func (t *ExperimentsTab) showState() {
	running := t.state != expIdle
	enable(t.Run, t.state == expIdle || (t.stepCh != nil && t.state != expStopping))
	enable(t.Step, t.state == expIdle || t.state == expWaiting)
	enable(t.Stop, running && t.state != expStopping)
	enable(t.Record, !running)
	switch {
	case t.state == expIdle && t.note != "":
		setText(t.Status, t.note)
	case t.state == expIdle:
		setText(t.Status, "Run runs every step; Step runs one step at a time and waits. Both use real sockets on loopback.")
	case t.state == expStopping:
		setText(t.Status, "Stopping…")
	}
	if t.pcapPath == "" {
		setText(t.Record, "Record to pcapng…")
		setText(t.RecInfo, "")
	} else {
		setText(t.Record, "Don't record")
		setText(t.RecInfo, "Records to "+t.pcapPath)
	}
}

func enable(b *widget.Button, on bool) {
	if on && b.Disabled() {
		b.Enable()
	} else if !on && !b.Disabled() {
		b.Disable()
	}
}

// toggleRecord asks for a pcapng file for the next runs, or forgets it.
func (t *ExperimentsTab) toggleRecord() {
	if t.pcapPath != "" {
		t.setRecordPath("")
		return
	}
	fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		t.setRecordPath(path)
	}, t.main.Window)
	fd.SetFileName(t.Selected() + ".pcapng")
	fd.SetFilter(storage.NewExtensionFileFilter([]string{".pcapng"}))
	if dir, err := storage.ListerForURI(storage.NewFileURI(os.TempDir())); err == nil {
		fd.SetLocation(dir)
	}
	t.main.showFile(fd)
}

// setRecordPath makes the next runs record to path ("" for none).
func (t *ExperimentsTab) setRecordPath(path string) {
	if path != "" {
		path = filepath.Clean(path)
	}
	t.pcapPath = path
	t.refresh()
}
