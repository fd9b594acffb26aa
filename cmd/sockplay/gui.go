package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/sockplay/sockplay"
	"github.com/sockplay/sockplay/cmd/sockplay/cli"
	"github.com/sockplay/sockplay/gui"
	"github.com/sockplay/sockplay/gui/uikit"
	"github.com/sockplay/sockplay/sessions"
)

func init() {
	cli.Register(cli.Command{Name: "gui", Summary: "open the window (the default with no command)", Run: runGUI})
}

// runGUI opens the main window and blocks until it closes. Ctrl-C or
// SIGTERM in the terminal quits the app the same way the Quit menu does.
func runGUI(ctx context.Context, s cli.Stdio, args []string) int {
	fs := flag.NewFlagSet("sockplay gui", flag.ContinueOnError)
	fs.SetOutput(s.Err)
	var listen, connect, relay urlList
	fs.Var(&listen, "listen", "open a server session on `URL` at start (repeatable)")
	fs.Var(&connect, "connect", "open a client session to `URL` at start (repeatable)")
	fs.Var(&relay, "relay", "open a relay at start that listens on LISTEN_URL and forwards each client to TARGET_URL, given as `LISTEN_URL=TARGET_URL` (repeatable; the session flags apply as to --listen, the replies excepted)")
	// The same session flags as serve and connect, meaning the same: --echo,
	// --upper and --reply PAYLOAD for the --listen sessions, --framing,
	// --save-dir, socket options for all of them.
	sf := cli.AddSessionFlags(fs, cli.ForServer|cli.ForClient)
	fs.Usage = func() {
		fmt.Fprintln(s.Err, "usage: sockplay [gui] [--listen URL]... [--connect URL]... [--relay LISTEN_URL=TARGET_URL]... [session flags as for serve and connect] [CAPTURE]...")
		fmt.Fprintln(s.Err, "Opens the "+sockplay.App.Name+" window, with a started session for each URL and the conversations")
		fmt.Fprintln(s.Err, "of each CAPTURE file (pcap or pcapng) listed in a tab, as File → Open capture lists them.")
		fs.PrintDefaults()
	}
	if code, done := cli.ParseFlags(fs, s, "gui", args); done {
		return code
	}
	var captures []string
	for _, arg := range fs.Args() {
		fi, err := os.Stat(arg)
		switch {
		case err != nil:
			fmt.Fprintf(s.Err, "sockplay gui: %q: no such capture file (%v)\n", arg, errors.Unwrap(err))
			return cli.ExitUsage
		case fi.IsDir():
			fmt.Fprintf(s.Err, "sockplay gui: %q is a folder, not a capture file\n", arg)
			return cli.ExitUsage
		}
		if abs, err := filepath.Abs(arg); err == nil {
			arg = abs
		}
		captures = append(captures, arg)
	}

	// Check every flag before a window opens: a typo is one line and exit 2.
	var specs []gui.SessionSpec
	for _, u := range listen {
		sp, err := sf.Spec(fs, "server", u)
		if err != nil {
			fmt.Fprintf(s.Err, "sockplay gui: --listen %s: %v\n", u, err)
			return cli.ExitUsage
		}
		specs = append(specs, gui.SessionSpec{Spec: sp, StartOnOpen: true})
	}
	for _, u := range connect {
		sp, err := sf.Spec(fs, "client", u)
		if err != nil {
			fmt.Fprintf(s.Err, "sockplay gui: --connect %s: %v\n", u, err)
			return cli.ExitUsage
		}
		specs = append(specs, gui.SessionSpec{Spec: sp, StartOnOpen: true})
	}
	for _, r := range relay {
		sp, err := relaySpec(sf, fs, r)
		if err != nil {
			fmt.Fprintf(s.Err, "sockplay gui: --relay %s: %v\n", r, err)
			return cli.ExitUsage
		}
		specs = append(specs, gui.SessionSpec{Spec: sp, StartOnOpen: true})
	}

	if why := noDisplay(runtime.GOOS, os.Getenv); why != "" {
		fmt.Fprintln(s.Err, "sockplay:", why)
		return cli.ExitFail
	}
	ensureGUIEnv()          // guienv_unix.go
	startGUIProfiles(s.Err) // guiprof.go: SOCKPLAY_CPUPROFILE and others
	a := gui.NewApp()
	w := a.NewWindow(sockplay.App.Name)
	m := gui.NewMainWindow(a, w)
	for _, sp := range specs {
		if _, err := m.OpenSession(sp); err != nil {
			fmt.Fprintf(s.Err, "sockplay gui: %s: %v\n", sp.URL, err)
		}
	}
	for _, path := range captures {
		m.OpenCapture(path)
	}
	// SIGINT/SIGTERM: save and close on the UI goroutine, then end the
	// process there, as the Quit menu's path does in the stopped hook.
	// Fyne's own handler is removed a second after the loop starts (its
	// goroutine registers then), so this is the one way out a signal takes.
	if processSignals != nil {
		a.Lifecycle().SetOnStarted(func() {
			time.AfterFunc(time.Second, processSignals.reclaim)
		})
	}
	stopProbeOnSignal := func() {}
	stop := context.AfterFunc(ctx, func() {
		uikit.Do(func() { // dropped once the loop has stopped: the stopped hook exits then
			m.Shutdown()
			stopProbeOnSignal()
			os.Exit(cli.ExitOK)
		})
	})
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
	stopProbeOnSignal = stopProbe
	exitWhenStopped(a, m, stopProbe) // guiexit.go: the process ends there
	defer func() {
		// A display that is set but does not answer (an X server gone or
		// restarting) makes GLFW panic in ShowAndRun: say so in a sentence.
		if r := recover(); r != nil {
			if !strings.Contains(fmt.Sprint(r), "GLFW") {
				panic(r)
			}
			fmt.Fprintf(s.Err, "sockplay: the window could not open on the display %q (%v); the commands work without a window: sockplay help\n", os.Getenv("DISPLAY"), r)
			os.Exit(cli.ExitFail)
		}
	}()
	w.ShowAndRun()
	return cli.ExitOK
}

// relaySpec is a --relay LISTEN_URL=TARGET_URL session: the listening
// side takes the session flags as a --listen server does, but not its
// reply (--echo, --upper, --reply): a relay forwards and answers nothing.
func relaySpec(sf *cli.SessionFlags, fs *flag.FlagSet, arg string) (sessions.Spec, error) {
	listen, target, ok := strings.Cut(arg, "=")
	if !ok || strings.TrimSpace(listen) == "" || strings.TrimSpace(target) == "" {
		return sessions.Spec{}, errors.New("give the address to listen on and the target, as LISTEN_URL=TARGET_URL")
	}
	sp, err := sf.Spec(fs, "server", listen)
	if err != nil {
		return sp, err
	}
	sp.Role, sp.Target = "relay", target
	sp.Reply, sp.ReplyPayload = "", nil
	if _, err := sp.Config(); err != nil {
		return sp, err
	}
	return sp, nil
}

// urlList collects a repeatable flag.
type urlList []string

func (l *urlList) String() string     { return strings.Join(*l, ",") }
func (l *urlList) Set(v string) error { *l = append(*l, v); return nil }
