package gui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore/socktable"
	"github.com/sockplay/sockplay/sessions/experiment"
)

// newExperimentsTest opens the Experiments tab (Tools → Experiments…)
// without its pump: the test refreshes it by hand.
func newExperimentsTest(t *testing.T) (*MainWindow, *ExperimentsTab) {
	t.Helper()
	noPumps(t)
	m := newTestMain(t)
	t.Cleanup(m.closeAllSessions)
	m.Window.Resize(defaultSize)
	for _, mm := range m.Window.MainMenu().Items {
		for _, it := range mm.Items {
			if mm.Label == "Tools" && it.Label == "Experiments…" {
				it.Action()
			}
		}
	}
	x := m.experimentsTab()
	if x == nil || m.Tabs.Selected() != x.Item {
		t.Fatal("Tools → Experiments… opened no Experiments tab")
	}
	return m, x
}

// untilState refreshes x until its run is in state want.
func untilState(t *testing.T, x *ExperimentsTab, want expState) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); x.state != want; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("run state %d, want %d; status %q", x.state, want, x.Status.Text)
		}
		x.Refresh()
	}
}

func logText(x *ExperimentsTab) string {
	var b strings.Builder
	for _, l := range x.lines {
		b.WriteString(l.Text + "\n")
	}
	return b.String()
}

func TestExperimentsTabListsEveryExperiment(t *testing.T) {
	m, x := newExperimentsTest(t)
	infos := experiment.List()
	if x.List.Length() != len(infos) || len(infos) < 8 {
		t.Fatalf("list has %d rows, the engine %d experiments", x.List.Length(), len(infos))
	}
	row := x.List.CreateItem()
	for i, in := range infos {
		x.List.UpdateItem(i, row)
		if got := row.(*fyne.Container).Objects[0].(*widget.Label).Text; got != in.Name {
			t.Errorf("row %d = %q, want %q", i, got, in.Name)
		}
		x.List.Select(i)
		if x.Selected() != in.Name || x.Title.Text != in.Title || x.Explain.Text != in.Explain ||
			x.Command.Text != "sockplay experiment "+in.Name+" --step" {
			t.Errorf("selecting %s shows %q / %q / %q", in.Name, x.Title.Text, x.Explain.Text, x.Command.Text)
		}
	}
	if x.Run.Disabled() || x.Step.Disabled() || !x.Stop.Disabled() {
		t.Errorf("idle: run disabled %v, step disabled %v, stop disabled %v", x.Run.Disabled(), x.Step.Disabled(), x.Stop.Disabled())
	}
	// One tab: the menu again selects it.
	m.Tabs.Select(m.Welcome)
	m.ShowExperiments()
	if m.Tabs.Selected() != x.Item || len(m.Tabs.Items) != 2 {
		t.Errorf("a second Experiments… made %d tabs", len(m.Tabs.Items)-1)
	}
	// At the window's default size the diagram has room for its labels.
	x.selectName("half-close")
	test.Tap(x.Run)
	untilState(t, x, expIdle)
	r := test.WidgetRenderer(x.Diagram).(*diagramRenderer)
	if !r.geom.ShowLabel {
		t.Errorf("diagram at %v: no labels (%s)", x.Diagram.Size(), r.geom.Clash)
	}
}

// half-close run through on loopback: the log has every step, the table
// the three ends, and the diagram the client's FIN-WAIT-2 → TIME-WAIT and
// the server's CLOSE-WAIT → CLOSED as the last look reported them.
func TestExperimentsRunHalfClose(t *testing.T) {
	_, x := newExperimentsTest(t)
	x.selectName("half-close")
	test.Tap(x.Run)
	if x.state == expRunning && (!x.Step.Disabled() || x.Stop.Disabled()) { // (it may be over already)
		t.Fatalf("running: step disabled %v, stop disabled %v", x.Step.Disabled(), x.Stop.Disabled())
	}
	untilState(t, x, expIdle)
	if !strings.HasPrefix(x.Status.Text, "Done.") {
		t.Fatalf("status %q, want Done", x.Status.Text)
	}
	log := logText(x)
	for _, want := range []string{"Step 1: open a server", "Step 2: the client shuts down", "Step 4: the server closes",
		"shutdown(SHUT_WR)", "Kernel, after both closed", "Experiment half-close is over"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	cells := map[string][endCols]string{}
	for _, e := range x.ends {
		cells[e.Side] = endCells(e)
	}
	if c := cells["client"]; !strings.HasPrefix(c[endColState], "TIME-WAIT") || !strings.Contains(c[endColPath], "FIN-WAIT-2 > TIME-WAIT") {
		t.Errorf("client row %q", c)
	}
	if c := cells["server"]; c[endColState] != "CLOSED (gone)" || !strings.HasPrefix(c[endColPath], "CLOSE-WAIT") {
		t.Errorf("server row %q", c)
	}
	if c := cells["listener"]; c[endColState] != "LISTEN" || !strings.HasPrefix(c[endColQueues], "accept queue 0 of ") {
		t.Errorf("listener row %q", c)
	}

	sides := x.Diagram.Sides()
	if len(sides) != 2 || sides[0].Name != "client" || sides[1].Name != "server" {
		t.Fatalf("diagram sides %+v", sides)
	}
	cl, sv := sides[0].Lights, sides[1].Lights
	if cl.Now != nodeTimeWait || !strings.Contains(strings.Join(edgeNames(cl.Fresh), " "), "FIN-WAIT-2>TIME-WAIT") {
		t.Errorf("client: now %v, latest arrows %q", cl.Now, edgeNames(cl.Fresh))
	}
	if got := edgeNames(cl.Old); !strings.Contains(strings.Join(got, " "), "FIN-WAIT-1>FIN-WAIT-2") {
		t.Errorf("client's earlier arrows %q, want its way to FIN-WAIT-2", got)
	}
	if sv.Now != nodeClosedEnd || !strings.Contains(strings.Join(edgeNames(sv.Fresh), " "), "LAST-ACK>CLOSED") ||
		!strings.Contains(strings.Join(edgeNames(sv.Fresh), " "), "CLOSE-WAIT>LAST-ACK") {
		t.Errorf("server: now %v, latest arrows %q", sv.Now, edgeNames(sv.Fresh))
	}
	if runtime.GOOS == "linux" && sides[0].TimeWaitLeft <= 0 {
		t.Error("the client's TIME-WAIT time left is not shown")
	}
	if x.Run.Disabled() || x.Step.Disabled() || !x.Stop.Disabled() {
		t.Error("buttons not back to idle after the run")
	}
}

// Step runs one step per press; Run then runs the rest.
func TestExperimentsStepOnePerPress(t *testing.T) {
	_, x := newExperimentsTest(t)
	x.selectName("half-close")
	for step := 1; step <= 3; step++ {
		test.Tap(x.Step)
		untilState(t, x, expWaiting)
		log := logText(x)
		if x.lastStep != step || strings.Contains(log, "Step "+string(rune('0'+step+1))+":") {
			t.Fatalf("after %d presses: last step %d, log:\n%s", step, x.lastStep, log)
		}
		if !strings.Contains(x.Status.Text, "Step "+string(rune('0'+step+1))+" is next") {
			t.Errorf("status %q after step %d", x.Status.Text, step)
		}
		if x.Step.Disabled() || x.Run.Disabled() || x.Stop.Disabled() {
			t.Errorf("waiting: step disabled %v, run disabled %v, stop disabled %v", x.Step.Disabled(), x.Run.Disabled(), x.Stop.Disabled())
		}
		if step == 2 {
			if s := x.Diagram.Sides(); len(s) != 2 || s[0].Lights.Now != nodeFinWait2 || s[1].Lights.Now != nodeCloseWait {
				t.Errorf("after step 2 the diagram shows %+v, want FIN-WAIT-2 and CLOSE-WAIT", s)
			}
		}
	}
	test.Tap(x.Run) // the rest
	untilState(t, x, expIdle)
	if x.lastStep != 4 || !strings.HasPrefix(x.Status.Text, "Done.") {
		t.Errorf("after Run: last step %d, status %q", x.lastStep, x.Status.Text)
	}
}

// Stop cancels a run waiting for its next step: the goroutine ends, the
// sockets are closed, and the tab can run again; closing the tab during
// a run waits for it.
func TestExperimentsStopCancels(t *testing.T) {
	m, x := newExperimentsTest(t)
	x.selectName("half-close")
	before := runtime.NumGoroutine()
	test.Tap(x.Step)
	untilState(t, x, expWaiting)
	ends := x.ends
	test.Tap(x.Stop)
	// Stopping until the run says it ended (which may be at once: a run
	// waiting for its step ends within a moment).
	if !x.Stop.Disabled() || (x.state == expStopping) != (x.Status.Text == "Stopping…") {
		t.Errorf("stopping: stop disabled %v, state %d, status %q", x.Stop.Disabled(), x.state, x.Status.Text)
	}
	untilState(t, x, expIdle)
	if !strings.HasPrefix(x.Status.Text, "Stopped after step 1") {
		t.Errorf("status %q", x.Status.Text)
	}
	x.wg.Wait() // returns: the run's goroutine is over
	for _, e := range ends {
		if e.Proto != socktable.TCP || !e.Remote.IsValid() {
			continue
		}
		c, err := socktable.LookupTCP(context.Background(), e.Local, e.Remote)
		if err == nil && c.State == socktable.Established {
			t.Errorf("%s is still ESTABLISHED after Stop", e.Side)
		}
		if err != nil && !errors.Is(err, socktable.ErrNotFound) && runtime.GOOS == "linux" {
			t.Errorf("look up %s: %v", e.Side, err)
		}
	}
	for deadline := time.Now().Add(3 * time.Second); runtime.NumGoroutine() > before; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Errorf("%d goroutines after Stop, %d before the run", runtime.NumGoroutine(), before)
			break
		}
	}

	// Closing the tab while a run waits cancels it and waits for it.
	test.Tap(x.Step)
	untilState(t, x, expWaiting)
	start := time.Now()
	m.closeTab(x.Item)
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("closing the tab took %v", d)
	}
	if m.experimentsTab() != nil {
		t.Error("the closed tab is still kept")
	}
	x.Refresh()
	if x.state != expIdle {
		t.Errorf("after Close the run is in state %d", x.state)
	}
}

// Choosing another experiment during a run stops it; its events do not
// reach the new one's log.
func TestExperimentsChoosingAnotherStops(t *testing.T) {
	_, x := newExperimentsTest(t)
	x.selectName("half-close")
	test.Tap(x.Step)
	untilState(t, x, expWaiting)
	x.selectName("reset")
	if len(x.lines) != 0 || len(x.ends) != 0 {
		t.Errorf("reset shows the half-close run: %d lines", len(x.lines))
	}
	untilState(t, x, expIdle)
	if len(x.lines) != 0 || x.Title.Text != experimentTitle(t, "reset") {
		t.Errorf("after the old run ended: %d lines, title %q", len(x.lines), x.Title.Text)
	}
	test.Tap(x.Run)
	untilState(t, x, expIdle)
	if !strings.Contains(logText(x), "Experiment reset is over") {
		t.Errorf("reset did not run:\n%s", logText(x))
	}
	// A reset is no arrow of the figure: the diagram says so.
	s := x.Diagram.Sides()
	if len(s) != 2 || len(s[0].Lights.Jumps) == 0 {
		t.Errorf("reset's diagram: %+v", s)
	}
}

func experimentTitle(t *testing.T, name string) string {
	in, ok := experiment.Lookup(name)
	if !ok {
		t.Fatalf("no experiment %s", name)
	}
	return in.Title
}

// Record to pcapng: with CAP_NET_RAW the run leaves a pcapng file;
// without, the status says the engine's sentence.
func TestExperimentsRecord(t *testing.T) {
	_, x := newExperimentsTest(t)
	x.selectName("half-close")
	test.Tap(x.Record)
	if x.main.Dialog == nil {
		t.Fatal("Record to pcapng… opened no dialog")
	}
	x.main.Dialog.Hide()
	path := filepath.Join(t.TempDir(), "half-close.pcapng")
	x.setRecordPath(path)
	if x.Record.Text != "Don't record" || !strings.Contains(x.RecInfo.Text, path) {
		t.Errorf("record button %q, info %q", x.Record.Text, x.RecInfo.Text)
	}
	test.Tap(x.Run)
	untilState(t, x, expIdle)
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.Size() > 0:
		if !strings.Contains(x.Status.Text, path) {
			t.Errorf("status %q does not name the recording", x.Status.Text)
		}
	case strings.Contains(x.Status.Text, "CAP_NET_RAW") || strings.Contains(x.Status.Text, "Linux only"):
		t.Logf("no recording here: %s", x.Status.Text)
	default:
		t.Errorf("no recording (%v) and status %q", err, x.Status.Text)
	}
	test.Tap(x.Record) // forget it
	if x.pcapPath != "" || x.Record.Text != "Record to pcapng…" {
		t.Errorf("after forgetting: path %q, button %q", x.pcapPath, x.Record.Text)
	}
}

// The workspace keeps the Experiments tab and the experiment shown.
func TestWorkspaceRestoresExperimentsTab(t *testing.T) {
	noPumps(t)
	a, path := newStoredApp(t, nil)
	m := newWindowOn(t, a)
	m.ShowExperiments()
	m.experimentsTab().selectName("backlog")
	m.saveState()
	saved := savedWorkspace(t, path)
	if len(saved.Tools) != 1 || saved.Tools[0].Kind != toolExperiments || saved.Tools[0].Experiments == nil ||
		saved.Tools[0].Experiments.Selected != "backlog" {
		t.Fatalf("saved tools %+v", saved.Tools)
	}
	m2 := newWindowOn(t, a)
	x := m2.experimentsTab()
	if m2.Dialog != nil || x == nil || x.Selected() != "backlog" || x.state != expIdle {
		t.Fatalf("restored: dialog %T, tab %v", m2.Dialog, x != nil)
	}
}
