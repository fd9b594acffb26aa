package cli

import "context"

func init() {
	Register(Command{Name: "help", Summary: "show this list of commands", Run: runHelp})
}

func runHelp(_ context.Context, s Stdio, _ []string) int {
	usage(s.Out)
	return ExitOK
}
