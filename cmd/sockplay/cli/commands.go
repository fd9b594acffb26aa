// Package cli holds sockplay's headless subcommands, one file each, with no
// GUI in it so they build and test without cgo. main registers "gui".
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
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

// RunsWindow says whether Run(args) runs the "gui" command: the window's
// toolkit must have the process's main thread, and nothing else should.
func RunsWindow(args []string) bool {
	c, _, err := lookup(args)
	return err == nil && c.Name == "gui"
}

// Run dispatches to a subcommand. No arguments, or flags only (they belong
// to the window), runs the "gui" command when one is registered.
func Run(ctx context.Context, args []string, s Stdio) int {
	c, rest, err := lookup(args)
	if err != nil {
		fmt.Fprintln(s.Err, "sockplay:", err)
		if errors.Is(err, errUnknownCommand) {
			usage(s.Err)
		}
		return ExitUsage
	}
	return c.Run(ctx, s, rest)
}

// errUnknownCommand is lookup's error for a name no command has.
var errUnknownCommand = errors.New("unknown command")

// lookup is the command Run(args) runs and the arguments it gets, or why
// there is none.
func lookup(args []string) (c Command, rest []string, err error) {
	g, hasGUI := commands["gui"]
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && args[0] != "-h" && args[0] != "--help" {
		if !hasGUI {
			return Command{}, nil, errors.New("this build has no window; run 'sockplay help'")
		}
		return g, args, nil
	}
	name := args[0]
	if name == "-h" || name == "--help" {
		name = "help"
	}
	if c, ok := commands[name]; ok {
		return c, args[1:], nil
	}
	if hasGUI && isCaptureFile(name) {
		return g, args, nil // sockplay FILE.pcapng, as a file manager runs it
	}
	return Command{}, nil, fmt.Errorf("%w %q", errUnknownCommand, args[0])
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
	if code, done := ParseFlags(fs, s, name, reorderArgs(fs, args)); done {
		return "", code, true
	}
	switch fs.NArg() {
	case 1:
		return fs.Arg(0), ExitOK, false
	case 0:
		return "", usageErrorf(s, name, "%s", missing), true
	}
	return "", usageErrorf(s, name, "unexpected argument %q", fs.Arg(1)), true
}

// ParseFlags parses args with fs, a ContinueOnError set, for the command
// name ("serve", "gui"). -h and --help print fs.Usage and give ExitOK; a
// bad flag is one line on s.Err that names it and points to the help,
//
//	sockplay serve: unknown flag --nosuch; see 'sockplay serve -h'
//	sockplay connect: --repeat "x": not a whole number; see 'sockplay connect -h'
//
// and gives ExitUsage. done means the command returns code at once. The
// set's output and Usage are the command's again when it returns, so a
// command may still print its usage itself.
func ParseFlags(fs *flag.FlagSet, s Stdio, name string, args []string) (code int, done bool) {
	// Package flag would print its own message and the whole usage on any
	// error: keep it quiet while parsing, and catch what a flag's Set
	// refused, so the one line can say which flag and why.
	out, usage := fs.Output(), fs.Usage
	var bad badValue
	var values []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) { values = append(values, f) })
	orig := make([]flag.Value, len(values))
	for i, f := range values {
		orig[i] = f.Value
		f.Value = watch(f.Name, f.Value, &bad)
	}
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	for i, f := range values {
		f.Value = orig[i]
	}
	fs.SetOutput(out)
	fs.Usage = usage
	switch {
	case err == nil:
		return ExitOK, false
	case errors.Is(err, flag.ErrHelp):
		if usage != nil {
			usage()
		} else {
			fmt.Fprintf(out, "usage of %s:\n", fs.Name())
			fs.PrintDefaults()
		}
		return ExitOK, true
	}
	return usageErrorf(s, name, "%s; see 'sockplay %s -h'", flagProblem(fs, args, err, bad), name), true
}

// badValue is the first value a flag's Set refused while parsing.
type badValue struct {
	name, value string
	err         error
}

// watchedValue records what its flag's Set refuses; watchedBool keeps a
// bool flag a bool flag, so package flag still lets it stand alone.
type watchedValue struct {
	flag.Value
	name string
	bad  *badValue
}

type watchedBool struct{ watchedValue }

func (w watchedBool) IsBoolFlag() bool { return true }

func (w watchedValue) Set(v string) error {
	err := w.Value.Set(v)
	if err != nil && w.bad.err == nil {
		*w.bad = badValue{w.name, v, err}
	}
	return err
}

func watch(name string, v flag.Value, bad *badValue) flag.Value {
	w := watchedValue{v, name, bad}
	if b, ok := v.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return watchedBool{w}
	}
	return w
}

// dashed writes a flag as the help does: -c, --repeat.
func dashed(name string) string {
	if len([]rune(name)) == 1 {
		return "-" + name
	}
	return "--" + name
}

// typed writes a flag as args spelled it (--x, -count), or as dashed does.
func typed(args []string, name string) string {
	for _, a := range args {
		if a == "--" {
			break
		}
		f, _, _ := strings.Cut(a, "=")
		if strings.HasPrefix(f, "-") && strings.TrimLeft(f, "-") == name {
			return f
		}
	}
	return dashed(name)
}

// flagProblem words what package flag refused, without the usage.
func flagProblem(fs *flag.FlagSet, args []string, err error, bad badValue) string {
	if bad.err != nil {
		return valueProblem(fs.Lookup(bad.name), typed(args, bad.name), bad)
	}
	// Package flag's other refusals are plain text; these three have read
	// the same since Go 1.0. Anything else is shown as it is.
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		return "unknown flag " + typed(args, name)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return typed(args, name) + " needs a value"
	}
	if arg, ok := strings.CutPrefix(msg, "bad flag syntax: "); ok {
		return fmt.Sprintf("%q is not a flag (flags look like -c, --name or --name=value)", arg)
	}
	return msg
}

// valueProblem says why a flag's value was refused, by the flag's type;
// spelled is the flag as typed.
func valueProblem(f *flag.Flag, spelled string, bad badValue) string {
	what := fmt.Sprintf("%s %q", spelled, bad.value)
	var kind any
	if g, ok := f.Value.(flag.Getter); ok {
		kind = g.Get()
	}
	switch kind.(type) {
	case int, int64:
		bits := 64
		if _, ok := kind.(int); ok {
			bits = strconv.IntSize
		}
		if _, err := strconv.ParseInt(bad.value, 0, bits); isRange(err) {
			return what + ": out of range"
		}
		return what + ": not a whole number"
	case uint, uint64:
		bits := 64
		if _, ok := kind.(uint); ok {
			bits = strconv.IntSize
		}
		if _, err := strconv.ParseUint(bad.value, 0, bits); isRange(err) {
			return what + ": out of range"
		}
		return what + ": not a whole number of 0 or more"
	case float64:
		return what + ": not a number"
	case time.Duration:
		if _, err := strconv.ParseFloat(bad.value, 64); err == nil {
			return fmt.Sprintf("%s: a duration needs a unit, as in %ss or %sms", what, bad.value, bad.value)
		}
		return what + ": not a duration such as 500ms, 10s or 1m30s"
	case bool:
		return what + ": write true or false"
	}
	// A flag of our own type: its Set error is the sentence, and may
	// already quote the value.
	if strings.Contains(bad.err.Error(), strconv.Quote(bad.value)) {
		return spelled + ": " + bad.err.Error()
	}
	return what + ": " + bad.err.Error()
}

// isRange reports whether a strconv error says the number is too large.
func isRange(err error) bool {
	var ne *strconv.NumError
	return errors.As(err, &ne) && ne.Err == strconv.ErrRange
}

// isCaptureFile says whether arg names an existing capture file by its
// extension, for `sockplay FILE` to open it in the window.
func isCaptureFile(arg string) bool {
	switch strings.ToLower(filepath.Ext(arg)) {
	case ".pcap", ".pcapng", ".cap", ".ntar":
	default:
		return false
	}
	fi, err := os.Stat(arg)
	return err == nil && fi.Mode().IsRegular()
}
