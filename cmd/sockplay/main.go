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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
	stop()
	os.Exit(code)
}
