package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

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
	var listen, connect urlList
	fs.Var(&listen, "listen", "open a server session on `URL` at start (repeatable)")
	fs.Var(&connect, "connect", "open a client session to `URL` at start (repeatable)")
	reply := fs.String("reply", "", "how --listen sessions answer: echo or upper (default: they don't)")
	framingSpec := fs.String("framing", "", "framing `SPEC` for the sessions opened by flags, e.g. line or len:4:le")
	saveDir := fs.String("save-dir", "", "with --framing jsonhdr: --listen sessions save received files into `DIR`")
	fs.Usage = func() {
		fmt.Fprintln(s.Err, "usage: sockplay [gui] [--listen URL]... [--connect URL]... [--reply echo|upper] [--framing SPEC [--save-dir DIR]]")
		fmt.Fprintln(s.Err, "Opens the "+sockplay.App.Name+" window, with a started session for each URL.")
		fs.PrintDefaults()
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

	var specs []gui.SessionSpec
	for _, u := range listen {
		specs = append(specs, gui.SessionSpec{Role: "server", URL: u, Reply: *reply, Framing: *framingSpec, SaveDir: *saveDir, StartOnOpen: true})
	}
	for _, u := range connect {
		specs = append(specs, gui.SessionSpec{Role: "client", URL: u, Framing: *framingSpec, StartOnOpen: true})
	}
	if *saveDir != "" {
		if st, err := os.Stat(*saveDir); err != nil || !st.IsDir() {
			fmt.Fprintf(s.Err, "sockplay gui: --save-dir %s is not a folder\n", *saveDir)
			return cli.ExitUsage
		}
	}
	// Check every flag before a window opens: a typo is one line and exit 2.
	for _, sp := range specs {
		if _, err := sp.Config(); err != nil {
			fmt.Fprintf(s.Err, "sockplay gui: %s: %v\n", sp.URL, err)
			return cli.ExitUsage
		}
	}

	ensureGUIEnv() // guienv_unix.go
	a := gui.NewApp()
	w := a.NewWindow(sockplay.App.Name)
	m := gui.NewMainWindow(a, w)
	for _, sp := range specs {
		if _, err := m.OpenSession(sp); err != nil {
			fmt.Fprintf(s.Err, "sockplay gui: %s: %v\n", sp.URL, err)
		}
	}
	stop := context.AfterFunc(ctx, func() { fyne.Do(m.Quit) })
	defer stop()
	stopProbe := func() {}
	if path := os.Getenv("SOCKPLAY_PROBE"); path != "" {
		// The probe ends when the app stops; a DoAndWait caught in the
		// shutdown may never return, so exit waits for it only briefly.
		probeCtx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			if err := gui.StartLatencyProbe(probeCtx, path); err != nil {
				fmt.Fprintln(s.Err, "sockplay:", err)
			}
		}()
		stopProbe = func() {
			cancel()
			select {
			case <-done:
			case <-time.After(time.Second):
			}
		}
	}
	exitWhenStopped(a, m, stopProbe) // guiexit.go: the process ends there
	w.ShowAndRun()
	return cli.ExitOK
}

// urlList collects a repeatable flag.
type urlList []string

func (l *urlList) String() string     { return strings.Join(*l, ",") }
func (l *urlList) Set(v string) error { *l = append(*l, v); return nil }
