package gui

import (
	"fyne.io/fyne/v2/dialog"
)

// ShowPing will open a Ping tab; until that lands it says so plainly.
func (m *MainWindow) ShowPing() {
	m.show(dialog.NewInformation("Ping",
		"The Ping tab is not in this build yet.\nUntil it is, a terminal's 'ping -c 4 HOST' does the same job.", m.Window))
}

// ShowSockets opens the socket browser, or selects it when it is open:
// one listing goroutine is enough.
func (m *MainWindow) ShowSockets() {
	for item, st := range socketsTabs {
		if st.main == m {
			m.Tabs.Select(item)
			return
		}
	}
	t := newSocketsTab(m)
	m.AddTab(t.Item, t.stop)
	t.start()
}
