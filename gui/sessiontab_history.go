package gui

import (
	"fmt"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/sockplay/sockplay/sessions"
)

// The view keeps the newest traffic within a budget the person can change;
// the line under the list says what it keeps and what it let go, so
// history is never dropped silently. Events (who connected, why it ended)
// have their own budget and stay.

// budgets offered for a session's view.
var budgets = []int64{4 << 20, 16 << 20, 64 << 20, 256 << 20, 1 << 30}

func budgetName(b int64) string { return humanSize(uint64(b)) }

func budgetChoices() []string {
	out := make([]string, len(budgets))
	for i, b := range budgets {
		out[i] = budgetName(b)
	}
	return out
}

// humanSize is a power-of-two size without decimals: 64 MiB, 1 GiB.
func humanSize(n uint64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return humanBytes(n)
}

// budgetChanged applies the chosen budget to the session's view now (it
// drops the oldest traffic at once when smaller) and keeps it with the tab.
func (t *SessionTab) budgetChanged() {
	for _, b := range budgets {
		if budgetName(b) == t.Budget.Selected {
			if t.sess != nil && t.sess.Log().Budget() != b {
				t.sess.Log().SetBudget(b)
			}
			if b == sessions.DefaultLogBudget {
				b = 0
			}
			t.spec.LogBudget = b
			return
		}
	}
}

// flashFor is how long a short report (copied, exported) stays in the
// status line under the log before what the view keeps comes back.
const flashFor = 4 * time.Second

// flash shows a short report in the status line under the log, in place.
func (t *SessionTab) flash(msg string) {
	t.flashUntil = time.Now().Add(flashFor)
	if t.History.Importance != widget.SuccessImportance {
		t.History.Importance = widget.SuccessImportance
		t.History.Refresh()
	}
	setText(t.History, msg)
}

// exported reports an export in the window's notice line, where copies
// are reported too.
func (t *SessionTab) exported(rows int, name string) {
	t.main.Notify(exportedWords(rows, name))
}

// showHistory refreshes the status line, unless a report is still shown.
func (t *SessionTab) showHistory() {
	if time.Now().Before(t.flashUntil) {
		return
	}
	if t.History.Importance != widget.MediumImportance {
		t.History.Importance = widget.MediumImportance
		t.History.Refresh()
	}
	text := historyText(t.sess.Log())
	if _, n := t.sess.Log().Dropped(); n > 0 && t.spec.Capture == nil {
		// The way to keep everything: a recording gets every byte.
		if t.recording != nil {
			text += " · all of it in " + filepath.Base(t.recording.Path())
		} else {
			text += " · Record… keeps it all"
		}
	}
	setText(t.History, text)
}

// historyText says what the view holds: "Showing the last 64 MiB ·
// 11.0 GiB in 129,433 rows not kept" (every event is kept beside that).
func historyText(l *sessions.Log) string {
	b, n := l.Dropped()
	if n == 0 {
		return "Showing every event and the last " + humanSize(uint64(l.Budget())) + " of traffic"
	}
	return fmt.Sprintf("Showing the last %s · %s in %s rows not kept", humanSize(uint64(l.Budget())), humanBytes(b), groupDigits(n))
}

// groupDigits writes n with thousands separated: 129,433.
func groupDigits(n uint64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
