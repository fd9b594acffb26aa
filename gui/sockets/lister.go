package sockets

import (
	"context"
	"time"

	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/gui/sockets/model"
	"github.com/sockplay/sockplay/gui/uikit"
	"github.com/sockplay/sockplay/netcore/socktable"
)

// listSockets is socktable.List, as a variable so a test can count calls.
var listSockets = socktable.List

// listTimeout bounds one listing; a hung netlink read must not stall the
// pump for ever.
const listTimeout = 10 * time.Second

// listing is what one turn of the pump hands to the UI goroutine.
type listing struct {
	socks []socktable.Socket
	err   error
}

// Start starts the tab's pump: it lists at once (unless paused), then at
// the chosen interval and whenever asked (the refresh button, a new
// interval, Resume, a closed socket). Stop ends it and waits. Headless
// tests leave it unstarted and call Refresh.
func (t *Tab) Start() {
	if t.pump != nil {
		return
	}
	t.pump = uikit.Poll(t.RefreshEvery, func(ctx context.Context, kicked bool) (listing, bool) {
		if t.paused.Load() && !kicked {
			return listing{}, false
		}
		socks, err := t.list(ctx)
		return listing{socks, err}, true
	}, func(l listing) { t.apply(l.socks, l.err) })
}

// Stop ends the pump and waits for it: the tab is closing.
func (t *Tab) Stop() {
	if t.pump != nil {
		t.pump.Stop()
	}
}

// list reads the whole table with owners: the summary counts every socket,
// and filtering the last listing again is instant when a filter changes.
func (t *Tab) list(ctx context.Context) ([]socktable.Socket, error) {
	ctx, cancel := context.WithTimeout(ctx, listTimeout)
	defer cancel()
	return listSockets(ctx, socktable.Options{Processes: true})
}

// Refresh lists now and shows the result, synchronously (tests; the pump
// does the same in two halves).
func (t *Tab) Refresh() {
	socks, err := t.list(context.Background())
	t.apply(socks, err)
}

// kickList asks the pump for a listing now.
func (t *Tab) kickList() {
	if t.pump != nil {
		t.pump.Kick()
	}
}

// TogglePause stops or resumes the automatic refresh.
func (t *Tab) TogglePause() {
	t.setPaused(!t.paused.Load())
	if !t.paused.Load() {
		t.kickList()
	}
	t.changed()
}

// setPaused shows the refresh as paused or running; it lists nothing.
func (t *Tab) setPaused(on bool) {
	t.paused.Store(on)
	if on {
		t.Pause.SetText("Resume")
		t.Pause.SetIcon(theme.MediaPlayIcon())
		t.Pause.Importance = widget.HighImportance
	} else {
		t.Pause.SetText("Pause")
		t.Pause.SetIcon(theme.MediaPauseIcon())
		t.Pause.Importance = widget.MediumImportance
	}
	t.Pause.Refresh()
	t.updateSummary()
}

// apply takes a new listing (model.Listing marks what appeared and keeps
// what vanished for one more refresh) and shows it.
func (t *Tab) apply(socks []socktable.Socket, err error) {
	if err != nil {
		t.lastErr = model.ListErrorText(err)
		t.updateSummary()
		return
	}
	t.lastErr = ""
	t.listing.Apply(socks)
	t.show()
}

// show filters and sorts the last listing into the table.
func (t *Tab) show() {
	t.rows = t.listing.View(t.rows, &t.view, t.sortCol, t.sortDesc)
	t.updateSummary()
	t.updateActions()
	t.Table.Refresh()
}

// updateSummary writes the ss -s line and, when the last listing failed,
// why.
func (t *Tab) updateSummary() {
	if t.Summary == nil {
		return
	}
	uikit.SetText(t.Summary, t.listing.Summary(len(t.rows), t.paused.Load(), t.lastErr != ""))
	if t.lastErr != "" {
		t.showStatus(t.lastErr, true)
	}
}

// showStatus says what the last action did (or why listing failed).
func (t *Tab) showStatus(text string, bad bool) {
	imp := widget.MediumImportance
	if bad {
		imp = widget.DangerImportance
	}
	if t.Status.Importance != imp {
		t.Status.Importance = imp
		t.Status.Refresh()
	}
	uikit.SetText(t.Status, text)
	t.Status.Show()
}
