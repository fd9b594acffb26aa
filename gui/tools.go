package gui

import (
	"fyne.io/fyne/v2/dialog"
)

// ShowPing will open a Ping tab; until that lands it says so plainly.
func (m *MainWindow) ShowPing() {
	m.show(dialog.NewInformation("Ping",
		"The Ping tab is not in this build yet.\nUntil it is, a terminal's 'ping -c 4 HOST' does the same job.", m.Window))
}

// ShowSockets will open the socket browser; until that lands it says so plainly.
func (m *MainWindow) ShowSockets() {
	m.show(dialog.NewInformation("Sockets",
		"The socket browser is not in this build yet.\nUntil it is, a terminal's 'ss -tuxanp' lists the same sockets.", m.Window))
}
