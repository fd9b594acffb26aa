package gui

import (
	"context"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/sessions/experiment"
)

// ExperimentsTab runs the socket lessons of sessions/experiment in the
// window: the list of experiments, the chosen one's explanation, Run,
// Step and Stop, every event of the run in words, the kernel's view of
// each end after each step, and the TCP state diagram of the run's
// connection. It owns the run's goroutine and a pump; Close cancels the
// run and waits for both.
type ExperimentsTab struct {
	main *MainWindow
	Item *container.TabItem

	List    *widget.List
	Title   *widget.Label
	Explain *widget.Label
	Command *widget.Label // the same from a terminal
	Run     *widget.Button
	Step    *widget.Button
	Stop    *widget.Button
	Record  *widget.Button // chooses a pcapng file for the next run, or forgets it
	RecInfo *widget.Label
	Status  *widget.Label
	Ends    *widget.Table
	Log     *fyne.Container // one label per line: a run has tens of events
	LogView *container.Scroll
	Conn    *widget.Select // which connection the diagram shows
	Diagram *stateDiagram

	diagHead *fyne.Container // the diagram's title and Conn
	header   *fyne.Container // the explanation and buttons

	// UI goroutine only.
	infos    []experiment.Info
	sel      int // index into infos
	pcapPath string
	lines    []expLogLine
	ends     []experiment.End // at the latest look
	trails   map[string]*stateTrail
	conns    []expConn
	conn     expConn // shown in the diagram
	chosen   bool    // the person chose conn
	state    expState
	stepCh   chan struct{} // the run's Options.Step; nil when it runs freely
	lastStep int
	feed     *expFeed // the current run's
	discard  bool     // the run was left for another experiment: its events are not shown
	note     string   // how the last run ended

	version atomic.Uint64 // moved by the run's goroutine (expFeed.bump)
	seen    atomic.Uint64 // version at the last refresh
	cancel  context.CancelFunc
	wg      sync.WaitGroup // the run's goroutine
	pump    *pump
}

// expState is where the tab's run is.
type expState uint8

const (
	expIdle     expState = iota
	expRunning           // a step runs, or every step (freely)
	expWaiting           // stepped: waits for Step or Run
	expStopping          // Stop pressed: the run is ending
)

// expLogMax bounds the log: the longest experiment says under a hundred
// things, and a run after a run starts it afresh.
const expLogMax = 500

// ShowExperiments opens the Experiments tab, or selects it when it is
// open: one tab runs one experiment at a time.
func (m *MainWindow) ShowExperiments() {
	if t := m.experimentsTab(); t != nil {
		m.Tabs.Select(t.Item)
		return
	}
	m.restoreExperiments(ExperimentsSettings{})
}

// experimentsTab is the open Experiments tab, or nil.
func (m *MainWindow) experimentsTab() *ExperimentsTab {
	for _, kept := range m.keptTabs {
		if t, ok := kept.(*ExperimentsTab); ok {
			return t
		}
	}
	return nil
}

// restoreExperiments opens the Experiments tab on the experiment s names
// (the first when none or unknown); nothing runs until the person says.
func (m *MainWindow) restoreExperiments(s ExperimentsSettings) *ExperimentsTab {
	t := newExperimentsTab(m)
	t.selectName(s.Selected)
	m.addToolTab(t.Item, t.Close, t)
	return t
}

func newExperimentsTab(m *MainWindow) *ExperimentsTab {
	t := &ExperimentsTab{main: m, infos: experiment.List(), trails: map[string]*stateTrail{}}
	t.List = widget.NewList(func() int { return len(t.infos) }, func() fyne.CanvasObject {
		name := widget.NewLabelWithStyle("half-close", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		title := widget.NewLabel("Half-close: shutdown(SHUT_WR) ends one direction only")
		title.Truncation = fyne.TextTruncateEllipsis
		title.SizeName = theme.SizeNameCaptionText
		return container.NewVBox(name, title)
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		box := o.(*fyne.Container)
		setText(box.Objects[0].(*widget.Label), t.infos[i].Name)
		setText(box.Objects[1].(*widget.Label), t.infos[i].Title)
	})
	t.List.OnSelected = func(i widget.ListItemID) { t.choose(i) }

	t.Title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.Title.SizeName = theme.SizeNameSubHeadingText
	t.Title.Wrapping = fyne.TextWrapWord
	t.Explain = widget.NewLabel("")
	t.Explain.Wrapping = fyne.TextWrapWord
	t.Command = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	t.Command.Selectable = true
	t.Command.SizeName = theme.SizeNameCaptionText

	t.Run = widget.NewButtonWithIcon("Run", theme.MediaPlayIcon(), t.RunAll)
	t.Run.Importance = widget.HighImportance
	t.Step = widget.NewButtonWithIcon("Step", theme.MediaSkipNextIcon(), t.StepOnce)
	t.Stop = widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), t.StopRun)
	t.Record = widget.NewButtonWithIcon("Record to pcapng…", theme.MediaRecordIcon(), t.toggleRecord)
	t.RecInfo = widget.NewLabel("")
	t.RecInfo.Truncation = fyne.TextTruncateEllipsis
	t.Status = widget.NewLabel("")
	t.Status.Wrapping = fyne.TextWrapWord
	t.Status.Selectable = true // the capture's sentence carries a command to copy

	t.Ends = widget.NewTable(func() (int, int) { return len(t.ends), endCols }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}, func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		if id.Row >= len(t.ends) {
			setText(l, "")
			return
		}
		setText(l, endCells(t.ends[id.Row])[id.Col])
	})
	t.Ends.ShowHeaderRow = true
	t.Ends.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.Ends.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row < 0 && id.Col >= 0 && id.Col < endCols {
			setText(o.(*widget.Label), endHeaders[id.Col])
		}
	}
	for col, w := range [endCols]float32{100, 150, 170, 300, 290} {
		t.Ends.SetColumnWidth(col, w)
	}

	t.Log = container.New(layout.NewCustomPaddedVBoxLayout(0)) // labels have padding of their own
	t.LogView = container.NewVScroll(t.Log)
	t.Conn = widget.NewSelect(nil, func(s string) { t.chooseConn(s) })
	t.Conn.PlaceHolder = "the run's connection"
	t.Diagram = newStateDiagram()

	t.Item = container.NewTabItemWithIcon("Experiments", theme.GridIcon(), t.layout())
	if len(t.infos) > 0 {
		t.List.Select(0)
	}
	t.startPump()
	t.refresh()
	return t
}

// layout: the experiments on the left; on the right the chosen one's
// explanation and buttons over the ends and the log beside the diagram.
func (t *ExperimentsTab) layout() fyne.CanvasObject {
	buttons := container.NewHBox(t.Run, t.Step, t.Stop, widget.NewSeparator(), t.Record)
	t.header = container.NewVBox(t.Title, t.Explain,
		container.NewBorder(nil, nil, buttons, container.NewCenter(t.Command), t.RecInfo), t.Status)
	endsTitle := widget.NewLabelWithStyle("The kernel's view of each end, at the latest look", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	logTitle := widget.NewLabelWithStyle("What happened", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	ends := container.NewBorder(endsTitle, nil, nil, nil, t.Ends)
	log := container.NewBorder(logTitle, nil, nil, nil, t.LogView)
	left := container.NewVSplit(ends, log)
	left.Offset = 0.42
	diagTitle := widget.NewLabelWithStyle("TCP state diagram", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.diagHead = container.NewHBox(diagTitle, layout.NewSpacer(), t.Conn)
	diagram := container.NewBorder(t.diagHead, nil, nil, nil, t.Diagram)
	body := container.NewHSplit(left, diagram)
	body.Offset = 0.5
	right := container.NewBorder(container.NewVBox(container.NewPadded(t.header), widget.NewSeparator()), nil, nil, nil, body)
	listTitle := widget.NewLabelWithStyle("Experiments", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	split := container.NewHSplit(container.NewBorder(listTitle, nil, nil, nil, t.List), right)
	split.Offset = 0.15
	return split
}

// ExperimentsSettings is what the workspace keeps of the tab: the
// experiment chosen.
type ExperimentsSettings struct {
	Selected string `json:"selected,omitempty"`
}

func (t *ExperimentsTab) toolTab() ToolTab {
	s := ExperimentsSettings{}
	if t.sel < len(t.infos) {
		s.Selected = t.infos[t.sel].Name
	}
	return ToolTab{Kind: toolExperiments, Experiments: &s}
}

// selectName selects the experiment called name (the first when there is
// none by that name).
func (t *ExperimentsTab) selectName(name string) {
	for i, in := range t.infos {
		if in.Name == name {
			t.List.Select(i)
			return
		}
	}
}

// Selected is the name of the experiment shown.
func (t *ExperimentsTab) Selected() string {
	if t.sel < len(t.infos) {
		return t.infos[t.sel].Name
	}
	return ""
}

// choose shows experiment i; a run of another one is stopped and its
// log cleared.
func (t *ExperimentsTab) choose(i int) {
	if i < 0 || i >= len(t.infos) {
		return
	}
	if i == t.sel && t.Title.Text != "" {
		return
	}
	t.sel = i
	in := t.infos[i]
	setText(t.Title, in.Title)
	setText(t.Explain, in.Explain)
	setText(t.Command, "sockplay experiment "+in.Name+" --step")
	if t.header != nil {
		t.header.Refresh() // the command's width changed
	}
	if t.state != expIdle {
		t.discard = true
		t.stopRun()
	}
	t.clearRun()
	t.note = ""
	t.refresh()
	t.main.saveWorkspaceLogged()
}

func (t *ExperimentsTab) startPump() {
	if !runPumps || t.pump != nil {
		return
	}
	t.pump = startPump(func() bool { return t.version.Load() != t.seen.Load() }, t.refresh, 0)
}

// Close stops the run and waits for its goroutine, then for the pump.
func (t *ExperimentsTab) Close() {
	if t.cancel != nil {
		t.cancel()
	}
	t.wg.Wait()
	if t.pump != nil {
		t.pump.stop()
	}
}
