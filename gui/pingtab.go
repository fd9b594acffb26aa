package gui

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/netcore/ping"
)

// PingTab is one ping target's tab: the target and options, Start/Stop, a
// live RTT chart, the replies as iputils prints them and its statistics.
// It owns the run's goroutine and its pump; Close stops and waits for both.
type PingTab struct {
	main *MainWindow
	Item *container.TabItem

	Target                                      *widget.Entry
	Family                                      *widget.RadioGroup
	Count, Interval, Size, TTL, Timeout, Source *widget.Entry
	StartStop                                   *widget.Button
	Status                                      *widget.Label // what is happening, or why it could not
	Header                                      *widget.Label // iputils' PING line
	Chart                                       *rttChart
	Replies                                     *widget.List
	Follow                                      *widget.Check
	Summary                                     *widget.Label

	// UI goroutine only.
	rows      []pingRow
	dropped   int
	state     pingState
	stopped   bool // the person pressed Stop
	inputErr  string
	host      string
	rowHeight float32   // of a reply row, measured once
	followed  bool      // the last scroll to the newest row took effect
	mode      ping.Mode // ModeAuto; tests force the datagram socket

	feed   *pingFeed
	cur    atomic.Pointer[pingFeed] // the pump's view of feed
	seen   atomic.Uint64            // feed version at the last refresh
	cancel context.CancelFunc
	wg     sync.WaitGroup // the run's goroutine
	pump   *pump
}

// OpenPing adds a new Ping tab, selects it and puts the cursor in its
// target field.
func (m *MainWindow) OpenPing() *PingTab {
	t := newPingTab(m)
	m.addToolTab(t.Item, t.Close, t)
	m.Window.Canvas().Focus(t.Target)
	return t
}

// restorePing reopens a Ping tab from the workspace with settings s
// (already checked), not started: pinging starts when the person says.
func (m *MainWindow) restorePing(s PingSettings) *PingTab {
	t := newPingTab(m)
	t.applySettings(s)
	m.addToolTab(t.Item, t.Close, t)
	return t
}

func newPingTab(m *MainWindow) *PingTab {
	t := &PingTab{main: m}
	t.Target = widget.NewEntry()
	t.Target.SetPlaceHolder("Host name or address, e.g. 127.0.0.1, ::1 or example.com")
	t.Target.OnSubmitted = func(string) { t.Start() }
	t.Family = widget.NewRadioGroup([]string{famAny, famV4, famV6}, nil)
	t.Family.Horizontal = true
	t.Family.Required = true
	t.Family.SetSelected(famAny)
	t.Family.OnChanged = func(string) { t.main.saveWorkspaceLogged() } // a click: saved at once
	entry := func(text, placeholder string) *widget.Entry {
		e := widget.NewEntry()
		e.SetText(text)
		e.SetPlaceHolder(placeholder)
		e.OnSubmitted = func(string) { t.Start() }
		return e
	}
	t.Count = entry("", "until stopped")
	t.Interval = entry("1s", "1s")
	t.Size = entry(strconv.Itoa(ping.DefaultSize), strconv.Itoa(ping.DefaultSize))
	t.TTL = entry("", "system's")
	t.Timeout = entry("", ping.DefaultTimeout.String())
	t.Source = entry("", "any (the system chooses)")
	t.StartStop = widget.NewButtonWithIcon("Start", theme.MediaPlayIcon(), t.toggle)
	t.StartStop.Importance = widget.HighImportance

	t.Status = widget.NewLabel("")
	t.Status.Wrapping = fyne.TextWrapWord
	t.Status.Selectable = true // the permission sentence carries a command to copy
	mono := fyne.TextStyle{Monospace: true}
	t.Header = widget.NewLabelWithStyle("", fyne.TextAlignLeading, mono)
	t.Header.Truncation = fyne.TextTruncateEllipsis
	t.Summary = widget.NewLabelWithStyle("", fyne.TextAlignLeading, mono)
	t.Summary.Selectable = true
	t.Chart = newRTTChart()
	t.Replies = widget.NewList(func() int { return len(t.rows) }, t.createRow, t.updateRow)
	t.Follow = widget.NewCheck("Follow new replies", func(on bool) {
		if on {
			t.scrollToLast()
		}
	})
	t.Follow.Checked = true

	t.Item = container.NewTabItemWithIcon("Ping", dotResource("idle", "#8b949e"), t.layout())
	t.refresh()
	return t
}

// layout: target and options on top, then the chart over the replies.
func (t *PingTab) layout() fyne.CanvasObject {
	target := container.NewBorder(nil, nil, widget.NewLabelWithStyle("Target", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewHBox(t.Family, t.StartStop), t.Target)
	form := func(items ...*widget.FormItem) *widget.Form { return widget.NewForm(items...) }
	options := container.NewGridWithColumns(3,
		form(widget.NewFormItem("Count", t.Count), widget.NewFormItem("Interval", t.Interval)),
		form(widget.NewFormItem("Size (bytes)", t.Size), widget.NewFormItem("TTL", t.TTL)),
		form(widget.NewFormItem("Timeout", t.Timeout), widget.NewFormItem("Source", t.Source)),
	)
	top := container.NewVBox(target, options, t.Status)
	listHead := container.NewBorder(nil, nil, nil, t.Follow, t.Header)
	replies := container.NewBorder(listHead, container.NewVBox(widget.NewSeparator(), t.Summary), nil, nil, t.Replies)
	split := container.NewVSplit(t.Chart, replies)
	split.Offset = 0.4
	return container.NewBorder(container.NewVBox(container.NewPadded(top), widget.NewSeparator()), nil, nil, nil,
		container.NewPadded(split))
}

func (t *PingTab) createRow() fyne.CanvasObject {
	l := widget.NewLabelWithStyle("64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.045 ms", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	l.Truncation = fyne.TextTruncateClip
	return l
}

// updateRow formats a row when it scrolls into view: the iputils line,
// red for a lost probe or an ICMP error, amber for a duplicate or late reply.
func (t *PingTab) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	if id < 0 || id >= len(t.rows) {
		return
	}
	e := t.rows[id].event()
	imp := widget.MediumImportance
	switch e.Kind {
	case ping.KindTimeout, ping.KindError:
		imp = widget.DangerImportance
	case ping.KindDuplicate, ping.KindLate:
		imp = widget.WarningImportance
	}
	if l.Importance != imp {
		l.Importance = imp
		l.Refresh()
	}
	setText(l, e.String())
}

// Running reports whether a run is resolving or pinging.
func (t *PingTab) Running() bool {
	if t.feed == nil {
		return false
	}
	t.feed.mu.Lock()
	defer t.feed.mu.Unlock()
	return t.feed.state == pingResolving || t.feed.state == pingRunning
}

func (t *PingTab) toggle() {
	if t.Running() {
		t.Stop()
	} else {
		t.Start()
	}
}

// Start reads the options and starts a run on a goroutine the tab owns:
// resolving a name can take seconds, and the engine reports on its own
// goroutine. An option it cannot read is a sentence in the tab.
func (t *PingTab) Start() {
	if t.Running() {
		return
	}
	cfg, err := t.config()
	if err != nil {
		t.inputErr = err.Error()
		t.refresh()
		return
	}
	t.wg.Wait() // the last run has finished (it had: it was not running); its goroutine is gone
	t.inputErr, t.stopped, t.host = "", false, cfg.Host
	t.rows, t.dropped = t.rows[:0], 0
	t.Chart.clear()
	t.Replies.Refresh()
	f := newPingFeed()
	t.feed = f
	t.cur.Store(f)
	ctx, cancel := context.WithCancel(context.Background())
	t.cancel = cancel
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		defer cancel()
		p, err := ping.New(ctx, cfg)
		if err != nil {
			if ctx.Err() != nil {
				err = nil // stopped while looking the name up
			}
			f.finish(nil, err)
			return
		}
		f.started(p.Header(), p.Mode())
		sum, err := p.Run(ctx, f.add)
		f.finish(&sum, err)
	}()
	if title := "Ping " + cfg.Host; t.Item.Text != title {
		t.Item.Text = title
		t.main.Tabs.Refresh()
	}
	t.startPump()
	t.refresh()
	t.main.saveWorkspaceLogged() // the options typed are kept once used, not per keystroke
}

// Stop ends the run; the engine returns its summary at once and the pump
// shows it. It does not wait, so the window never does.
func (t *PingTab) Stop() {
	if t.cancel != nil && t.Running() {
		t.stopped = true
		t.cancel()
	}
	t.refresh()
}

// Close stops the run and the pump and waits for both: the tab is going
// away (or the app is quitting).
func (t *PingTab) Close() {
	if t.cancel != nil {
		t.cancel()
	}
	t.wg.Wait()
	if t.pump != nil {
		t.pump.stop()
	}
}

func (t *PingTab) startPump() {
	if !runPumps || t.pump != nil {
		return
	}
	t.pump = startPump(func() bool {
		f := t.cur.Load()
		return f != nil && f.version.Load() != t.seen.Load()
	}, t.refresh, 0)
}

// config reads the form into an engine Config as ping.Form reads it (as
// `sockplay ping` reads its flags): one sentence per field it cannot use.
func (t *PingTab) config() (ping.Config, error) {
	cfg, err := t.Settings().form().Config()
	cfg.Mode = t.mode
	return cfg, err
}

// Refresh brings the tab up to date with its run (the pump calls it; tests
// call it directly).
func (t *PingTab) Refresh() { t.refresh() }

func (t *PingTab) refresh() {
	st, header, stats, runErr, mode := pingIdle, "", ping.Summary{}, error(nil), ping.ModeAuto
	var evs []ping.Event
	if f := t.feed; f != nil {
		f.mu.Lock()
		evs, f.events = f.events, nil
		t.dropped += f.dropped
		f.dropped = 0
		st, header, stats, runErr, mode = f.state, f.header, f.stats, f.err, f.mode
		t.seen.Store(f.version.Load())
		f.mu.Unlock()
	}
	if t.inputErr != "" && st != pingResolving && st != pingRunning {
		st = pingFailed
	}
	t.setState(st)

	if len(evs) > 0 {
		for _, e := range evs {
			switch e.Kind {
			case ping.KindReply:
				t.Chart.add(rttPoint{Seq: e.Seq, RTT: e.RTT})
			case ping.KindTimeout, ping.KindError:
				t.Chart.add(rttPoint{Seq: e.Seq, Lost: true})
			}
		}
		prev := len(t.rows)
		for _, e := range evs {
			t.rows = append(t.rows, newPingRow(e))
		}
		if n := len(t.rows) - maxPingRows; n > 0 {
			n += maxPingRows / 10 // drop in batches, not one copy per reply
			t.dropped += n
			t.rows = append(t.rows[:0], t.rows[n:]...)
			prev = max(0, prev-n)
		}
		t.Chart.Refresh()
		t.followScroll(prev)
	}

	status, imp := t.statusText(st, runErr, mode, stats)
	if t.Status.Importance != imp {
		t.Status.Importance = imp
		t.Status.Refresh()
	}
	setText(t.Status, status)
	if header == "" {
		header = "Replies appear here, one line per probe, as ping prints them." // holds the line's height
	}
	setText(t.Header, header)
	sum := ""
	if stats.Host != "" {
		sum = stats.Heading() + "\n" + stats.String()
	}
	setText(t.Summary, sum)
	if st == pingResolving || st == pingRunning {
		setText(t.StartStop, "Stop")
		if t.StartStop.Icon != theme.MediaStopIcon() {
			t.StartStop.SetIcon(theme.MediaStopIcon())
		}
	} else {
		setText(t.StartStop, "Start")
		if t.StartStop.Icon != theme.MediaPlayIcon() {
			t.StartStop.SetIcon(theme.MediaPlayIcon())
		}
	}
}

// setState changes the tab's dot when the state changes: refreshing the
// DocTabs re-themes every tab, too costly for every tick.
func (t *PingTab) setState(st pingState) {
	if st == t.state && t.Item.Icon != nil {
		return
	}
	t.state = st
	switch st {
	case pingResolving:
		t.Item.Icon = dotResource("busy", "#d29922")
	case pingRunning:
		t.Item.Icon = dotResource("live", "#2ea043")
	case pingFailed:
		t.Item.Icon = dotResource("failed", "#f85149")
	default:
		t.Item.Icon = dotResource("idle", "#8b949e")
	}
	if t.main != nil && t.main.Tabs != nil {
		t.main.Tabs.Refresh()
	}
}

// statusText is the line under the options: what the run is doing, or the
// engine's sentence for why it cannot (the permission one says what to run).
func (t *PingTab) statusText(st pingState, runErr error, mode ping.Mode, stats ping.Summary) (string, widget.Importance) {
	switch st {
	case pingResolving:
		return "Looking up " + t.host + "…", widget.MediumImportance
	case pingRunning:
		return fmt.Sprintf("Pinging over a %s ICMP socket. Stop ends it.", modeWords(mode)) + t.droppedNote(), widget.MediumImportance
	case pingDone:
		lost := ""
		if n := stats.Transmitted - stats.Received; n > 0 {
			lost = fmt.Sprintf(", %d lost", n)
		}
		verb := "Done"
		if t.stopped {
			verb = "Stopped"
		}
		return fmt.Sprintf("%s: %d sent, %d answered%s.", verb, stats.Transmitted, stats.Received, lost) + t.droppedNote(), widget.MediumImportance
	case pingFailed:
		msg := t.inputErr
		if msg == "" && runErr != nil {
			msg = runErr.Error()
		}
		return "Cannot ping: " + msg + ".", widget.DangerImportance
	}
	return "Enter a host and press Start (or Enter). Count, interval and the rest are as ping's -c, -i, -s, -t, -W and -I.", widget.LowImportance
}

// droppedNote says that the list no longer holds the oldest lines.
func (t *PingTab) droppedNote() string {
	if t.dropped == 0 {
		return ""
	}
	return fmt.Sprintf(" The oldest %d lines were dropped from the list; the statistics count them.", t.dropped)
}

// modeWords names a socket kind for a person.
func modeWords(m ping.Mode) string {
	switch m {
	case ping.ModeDatagram:
		return "datagram (unprivileged)"
	case ping.ModeRaw:
		return "raw"
	case ping.ModeICMPAPI:
		return "Windows ICMP API"
	}
	return m.String()
}

// followScroll keeps the newest reply in view while Follow is on. A person
// who scrolled away from the bottom turns it off, so an older line can be
// read in peace; a resize that only moves the offset does not. prev is the
// row count before this refresh.
func (t *PingTab) followScroll(prev int) {
	if t.Follow.Checked && t.followed && t.awayFromBottom(prev) {
		t.Follow.SetChecked(false)
	}
	if t.Follow.Checked {
		t.scrollToLast()
	} else {
		t.Replies.Refresh()
	}
}

// awayFromBottom reports whether the list, holding n rows, is scrolled
// more than two rows above its last one: less is the list shrinking under
// a following view (the summary growing a line), not a person scrolling.
func (t *PingTab) awayFromBottom(n int) bool {
	if t.rowHeight == 0 {
		t.rowHeight = t.createRow().MinSize().Height
	}
	sep := theme.Padding() // the list's separator
	content := float32(n)*(t.rowHeight+sep) - sep
	return t.Replies.GetScrollOffset()+t.Replies.Size().Height < content-2*(t.rowHeight+sep)
}

// scrollToLast shows the newest row. List.ScrollTo, unlike ScrollToBottom,
// is safe on a list never drawn yet (a tab opened but not shown); followed
// records whether it took, so an undrawn list is not read as scrolled up.
func (t *PingTab) scrollToLast() {
	n := len(t.rows)
	if n == 0 {
		t.Replies.Refresh()
		return
	}
	t.Replies.ScrollTo(n - 1)
	t.followed = !t.awayFromBottom(n)
}
