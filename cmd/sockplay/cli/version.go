package cli

import (
	"context"
	"fmt"
	"runtime"

	"github.com/sockplay/sockplay"
)

func init() {
	Register(Command{Name: "version", Summary: "print the version (from FyneApp.toml)", Run: runVersion})
}

func runVersion(_ context.Context, s Stdio, args []string) int {
	if len(args) > 0 {
		fmt.Fprintf(s.Err, "sockplay version: unexpected argument %q\n", args[0])
		return ExitUsage
	}
	fmt.Fprintf(s.Out, "%s %s (build %d, %s, %s/%s)\n", sockplay.App.Name, sockplay.App.Version,
		sockplay.App.Build, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return ExitOK
}
