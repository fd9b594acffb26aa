package cli

import (
	"context"
	"errors"
	"os"
	"syscall"
)

// Interrupted is the cause (context.Cause) of a command's context when a
// signal ended it, so a command can say "interrupted" and exit as a shell
// reports a killed program: 128 + the signal's number.
type Interrupted struct{ Signal os.Signal }

func (i Interrupted) Error() string { return "interrupted by " + i.Signal.String() }

// ExitCode is 128 + the signal's number (130 for SIGINT, 143 for SIGTERM).
func (i Interrupted) ExitCode() int {
	if s, ok := i.Signal.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}

// interrupted reports whether a signal ended ctx, and the exit code to use.
func interrupted(ctx context.Context) (int, bool) {
	var i Interrupted
	if ctx.Err() != nil && errors.As(context.Cause(ctx), &i) {
		return i.ExitCode(), true
	}
	return 0, false
}
