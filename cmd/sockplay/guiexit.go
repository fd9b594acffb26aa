package main

import (
	"os"

	"fyne.io/fyne/v2"

	"github.com/sockplay/sockplay/cmd/sockplay/cli"
	"github.com/sockplay/sockplay/gui"
)

// exitWhenStopped ends the process from Fyne's "stopped" hook, once the
// window's state is saved and the sessions are closed.
//
// Why not return from ShowAndRun: right after that hook Fyne rewrites
// preferences.json in place (truncate, then write) while its own watcher of
// that folder may reload the file on another goroutine, and about one exit in
// ten logged "Preferences load error: EOF" (fyne-io/fyne#2936, open in
// v2.8.1). Fyne saves a preference as soon as it changes, so skipping its
// exit save loses at most a change made in the last 100 ms.
//
// Our Quit has usually saved and closed everything already; when Fyne's own
// SIGINT/SIGTERM handler stopped the loop first, ShutdownAfterLoop does it
// without widgets (the hook runs off the UI goroutine).
func exitWhenStopped(a fyne.App, m *gui.MainWindow, beforeExit func()) {
	a.Lifecycle().SetOnStopped(func() {
		beforeExit()
		m.ShutdownAfterLoop()
		os.Exit(cli.ExitOK)
	})
}
