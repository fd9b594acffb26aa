package sockets

import (
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/gui/sockets/model"
	"github.com/sockplay/sockplay/gui/uikit"
)

// Title is the tab's title.
const Title = "Sockets"

// Tab browses the machine's sockets as ss does: a sortable table
// refreshed by a pump the tab owns (Start, Stop), with filters, a summary
// like ss -s and actions on the selected row. Widgets are touched only on
// the UI goroutine; the pump lists on its goroutine and hands each listing
// over with one fyne.Do. The exported widgets are there so tests (and the
// window) can drive the tab as a person would.
type Tab struct {
	host Host
	Item *container.TabItem

	Table *widget.Table

	// Filters.
	TCP, UDP, Unix *widget.Check
	Family         *widget.Select
	State          *widget.Select
	Listening      *widget.Check
	Addr, Process  *widget.Entry
	Text           *widget.Entry
	FilterError    *widget.Label

	// Refresh.
	Interval   *widget.Select
	Pause      *widget.Button
	RefreshNow *widget.Button

	Summary, Status, Selection *widget.Label

	// Row actions, on the selected row (also on a right click).
	Copy, OpenClient, GoToSession, CloseSocket *widget.Button

	// UI goroutine only.
	listing  model.Listing // the last listing, with vanished rows
	rows     []model.Row   // what the table shows: filtered and sorted
	view     model.View
	sortCol  model.Col
	sortDesc bool
	selKey   string
	lastErr  string

	// Shared with the pump's goroutine.
	every  atomic.Int64 // time.Duration
	paused atomic.Bool
	pump   *uikit.Pump
}

// New builds the tab; it lists nothing until Start (or Refresh).
func New(host Host) *Tab {
	t := &Tab{host: host, sortCol: model.NoSort}
	t.every.Store(int64(model.DefaultEvery))
	t.buildTable()
	t.buildFilters()
	t.buildActions()

	t.Summary = widget.NewLabel("Listing…")
	t.Summary.Truncation = fyne.TextTruncateEllipsis
	t.Status = widget.NewLabel("")
	t.Status.Wrapping = fyne.TextWrapWord
	t.Status.Hide()

	refresh := container.NewHBox(widget.NewLabel("Refresh every"), t.Interval, t.Pause, t.RefreshNow)
	top := container.NewVBox(t.filterBar(), container.NewBorder(nil, nil, nil, refresh, t.Summary), t.FilterError, widget.NewSeparator())
	actions := container.NewHBox(t.Copy, t.OpenClient, t.GoToSession, t.CloseSocket)
	bottom := container.NewVBox(widget.NewSeparator(), t.Status, container.NewBorder(nil, nil, nil, actions, t.Selection))
	t.Item = container.NewTabItemWithIcon(Title, theme.ListIcon(), container.NewBorder(top, bottom, nil, nil, t.Table))
	t.readFilter()
	t.updateActions()
	return t
}

// changed asks the window to save the workspace after a setting changed.
func (t *Tab) changed() { t.host.Changed() }

// Rows is what the table shows now, filtered and sorted (tests; the
// window reads nothing else of the tab).
func (t *Tab) Rows() []model.Row { return t.rows }

// Filter is the filter the table shows the listing through.
func (t *Tab) Filter() model.View { return t.view }

// Paused reports whether the automatic refresh is paused.
func (t *Tab) Paused() bool { return t.paused.Load() }

// RefreshEvery is the automatic refresh's interval.
func (t *Tab) RefreshEvery() time.Duration { return time.Duration(t.every.Load()) }

// ListError is why the last listing failed, "" when it did not.
func (t *Tab) ListError() string { return t.lastErr }
