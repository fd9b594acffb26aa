// Package cli holds sockplay's headless subcommands, one file each, with no
// GUI in it so they build and test without cgo. main registers "gui".
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Exit statuses shared by every subcommand.
const (
	ExitOK    = 0
	ExitFail  = 1 // the command ran and failed (or, for ping, got no reply)
	ExitUsage = 2 // bad arguments or an error before any work
)

// Stdio is what a subcommand reads and writes, so tests can run it in-process.
type Stdio struct {
	In       io.Reader
	Out, Err io.Writer
}

// Command is one subcommand. Each lives in its own file and registers itself
// in an init function; the window's "gui" command is registered by main.
type Command struct {
	Name    string
	Args    string // the synopsis after the name, for usage
	Summary string // one line for `sockplay help`
	Run     func(ctx context.Context, s Stdio, args []string) int
}

var commands = map[string]Command{}

// Register adds a subcommand; registering a name twice is a programming error.
func Register(c Command) {
	if _, dup := commands[c.Name]; dup {
		panic("sockplay: command registered twice: " + c.Name)
	}
	commands[c.Name] = c
}

// Run dispatches to a subcommand. No arguments, or flags only (they belong
// to the window), runs the "gui" command when one is registered.
func Run(ctx context.Context, args []string, s Stdio) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && args[0] != "-h" && args[0] != "--help" {
		g, ok := commands["gui"]
		if !ok {
			fmt.Fprintln(s.Err, "sockplay: this build has no window; run 'sockplay help'")
			return ExitUsage
		}
		return g.Run(ctx, s, args)
	}
	name := args[0]
	if name == "-h" || name == "--help" {
		name = "help"
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(s.Err, "sockplay: unknown command %q\n", args[0])
		usage(s.Err)
		return ExitUsage
	}
	return c.Run(ctx, s, args[1:])
}

// usage prints the synopsis of every subcommand.
func usage(w io.Writer) {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "usage: sockplay [COMMAND] [ARGS...]   (no command opens the window)")
	fmt.Fprintln(w, "commands:")
	for _, n := range names {
		c := commands[n]
		syn := strings.TrimSpace(c.Name + " " + c.Args)
		fmt.Fprintf(w, "  %-40s %s\n", syn, c.Summary)
	}
	fmt.Fprintln(w, "Run 'sockplay COMMAND -h' for the flags of one command.")
}

// usageErrorf prints one "sockplay NAME: ..." line and returns ExitUsage.
func usageErrorf(s Stdio, name, format string, a ...any) int {
	fmt.Fprintf(s.Err, "sockplay "+name+": "+format+"\n", a...)
	return ExitUsage
}

// parseOneArg parses the flags of a command that takes exactly one
// argument (a URL, a host), before or after its flags. done means the
// command returns code at once: -h was asked for, or the arguments were
// wrong (already said on stderr in one line).
func parseOneArg(fs *flag.FlagSet, s Stdio, name, missing string, args []string) (arg string, code int, done bool) {
	if err := fs.Parse(reorderArgs(fs, args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return "", ExitOK, true
		}
		return "", ExitUsage, true
	}
	switch fs.NArg() {
	case 1:
		return fs.Arg(0), ExitOK, false
	case 0:
		return "", usageErrorf(s, name, "%s", missing), true
	}
	return "", usageErrorf(s, name, "unexpected argument %q", fs.Arg(1)), true
}
