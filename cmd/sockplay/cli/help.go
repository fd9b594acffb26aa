package cli

import (
	"bytes"
	"context"
	"fmt"
	"strings"
)

func init() {
	Register(Command{Name: "help", Args: "[COMMAND]", Summary: "show this list of commands, or the flags of one", Run: runHelp})
}

// runHelp lists the commands; `help COMMAND` prints what `COMMAND -h`
// does, on stdout, where it can be paged.
func runHelp(ctx context.Context, s Stdio, args []string) int {
	if len(args) > 1 {
		return usageErrorf(s, "help", "unexpected argument %q (give one command)", args[1])
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(s.Out)
		return ExitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		return usageErrorf(s, "help", "unknown command %q; run 'sockplay help' for the list", args[0])
	}
	var buf bytes.Buffer
	if c.Run(ctx, Stdio{In: strings.NewReader(""), Out: &buf, Err: &buf}, []string{"-h"}) == ExitOK {
		_, err := s.Out.Write(buf.Bytes())
		return exitOnWrite(s, err)
	}
	// A command without flags (version) refuses -h: its synopsis is all.
	_, err := fmt.Fprintf(s.Out, "usage: sockplay %s\n%s\n", strings.TrimSpace(c.Name+" "+c.Args), c.Summary)
	return exitOnWrite(s, err)
}

func exitOnWrite(s Stdio, err error) int {
	if err != nil {
		fmt.Fprintf(s.Err, "sockplay help: %v\n", err)
		return ExitFail
	}
	return ExitOK
}
