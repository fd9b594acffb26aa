package gui

// ShowPing opens a new Ping tab (Tools → Ping…, the toolbar's Ping): one
// tab per target, so several pings can run side by side.
func (m *MainWindow) ShowPing() { m.OpenPing() }

// ShowExperiments (Tools → Experiments…) is in experiments_tab.go.

// ShowSockets opens the socket browser, or selects it when it is open:
// one listing goroutine is enough.
func (m *MainWindow) ShowSockets() {
	if m.sockets != nil {
		m.Tabs.Select(m.sockets.Item)
		return
	}
	t := newSocketsTab(m)
	m.sockets = t
	m.addToolTab(t.Item, t.stop, t)
	t.start()
}
