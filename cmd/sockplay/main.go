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
	code := cli.Run(ctx, os.Args[1:], cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
	cancel(nil)
	os.Exit(code)
}

// processSignals is the process's handler of SIGINT and SIGTERM; the
// window takes them back from Fyne once its loop runs (gui.go).
var processSignals *signals
