package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// experimentsCard offers Tools → Experiments on the Welcome tab: the
// socket lessons run live, and the command that runs them headless.
func experimentsCard(m *MainWindow) fyne.CanvasObject {
	return toolCard("Experiments", "see what the kernel does",
		widget.NewButtonWithIcon("Experiments…", theme.GridIcon(), m.ShowExperiments),
		"Socket lessons run live on loopback, one step at a time if you like: sticky packets, "+
			"TIME-WAIT, half-close, reset, full buffers, the accept queue, UDP's boundaries, refused connections. "+
			"Each step shows what the kernel reports for both ends, on the TCP state diagram too.",
		"sockplay experiment list\nsockplay experiment half-close --step")
}
