// Command sockplay is a socket playground. With no arguments it opens the
// window; with a subcommand it runs the same engine headless (see package cli).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/sockplay/sockplay/cmd/sockplay/cli"
)

func main() {
	// On Windows, before anything is printed: a subcommand writes to the
	// console it was typed in (console_windows.go).
	attachParentConsole(os.Args[1:])
	// The first SIGINT or SIGTERM cancels the command's context with the
	// signal as its cause (a command can say "interrupted" and exit 130 or
	// 143); a second one kills the process as usual.
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-sigs
		signal.Stop(sigs)
		cancel(cli.Interrupted{Signal: sig})
	}()
	code := cli.Run(ctx, os.Args[1:], cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
	cancel(nil)
	os.Exit(code)
}
