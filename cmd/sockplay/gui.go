package main

import (
	"context"
	"flag"
	"fmt"

	"fyne.io/fyne/v2"

	"github.com/sockplay/sockplay"
	"github.com/sockplay/sockplay/cmd/sockplay/cli"
	"github.com/sockplay/sockplay/gui"
)

func init() {
	cli.Register(cli.Command{Name: "gui", Summary: "open the window (the default with no command)", Run: runGUI})
}

// runGUI opens the main window and blocks until it closes. Ctrl-C or
// SIGTERM in the terminal quits the app the same way the Quit menu does.
func runGUI(ctx context.Context, s cli.Stdio, args []string) int {
	fs := flag.NewFlagSet("sockplay gui", flag.ContinueOnError)
	fs.SetOutput(s.Err)
	fs.Usage = func() {
		fmt.Fprintln(s.Err, "usage: sockplay [gui]\nOpens the "+sockplay.App.Name+" window.")
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return cli.ExitOK
		}
		return cli.ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(s.Err, "sockplay gui: unexpected argument %q\n", fs.Arg(0))
		return cli.ExitUsage
	}

	a := gui.NewApp()
	w := a.NewWindow(sockplay.App.Name)
	m := gui.NewMainWindow(a, w)
	stop := context.AfterFunc(ctx, func() { fyne.Do(m.Quit) })
	defer stop()
	w.ShowAndRun()
	return cli.ExitOK
}
