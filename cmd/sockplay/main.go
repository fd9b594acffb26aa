// Command sockplay is a socket playground. With no arguments it opens the
// window; with a subcommand it runs the same engine headless (see package cli).
package main

import (
	"context"
	"os"

	"github.com/sockplay/sockplay/cmd/sockplay/cli"
)

func main() {
	// On Windows, before anything is printed: a subcommand writes to the
	// console it was typed in (console_windows.go).
	attachParentConsole(os.Args[1:])
	ctx, cancel := context.WithCancelCause(context.Background())
	processSignals = listenSignals(cancel) // signals.go
	run := func() int { return cli.Run(ctx, os.Args[1:], cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}) }
	var code int
	if cli.RunsWindow(os.Args[1:]) {
		code = run()
	} else {
		code = offMainThread(run)
	}
	cancel(nil)
	os.Exit(code)
}

// offMainThread runs a headless command on a goroutine of its own. The
// window's toolkit locks the main goroutine to the process's first thread
// in an init (GLFW needs it), and a command running there had its
// wake-ups routed through that one thread: ping's median RTT to 127.0.0.1
// was 35 µs from this binary against 22 µs off the main thread (a build
// without the window: 6 µs; iputils 4-9 µs), all on an idle machine.
func offMainThread(run func() int) int {
	done := make(chan int, 1)
	go func() { done <- run() }()
	return <-done
}

// processSignals is the process's handler of SIGINT and SIGTERM; the
// window takes them back from Fyne once its loop runs (gui.go).
var processSignals *signals
