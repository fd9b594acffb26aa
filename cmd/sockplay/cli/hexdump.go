package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/sockplay/sockplay/netcore/hexdump"
)

func init() {
	Register(Command{Name: "hexdump", Args: "[-v] [FILE|-]",
		Summary: "print a file or stdin exactly as `hexdump -C` does", Run: runHexdump})
}

// hexdumpReadSize is the read size: large reads keep the syscall count low
// on big files, which is most of the cost once formatting is cheap.
const hexdumpReadSize = 256 << 10

func runHexdump(ctx context.Context, s Stdio, args []string) int {
	fs := flag.NewFlagSet("sockplay hexdump", flag.ContinueOnError)
	fs.SetOutput(s.Err)
	verbose := fs.Bool("v", false, "print every line; do not collapse repeated lines into '*'")
	fs.Usage = func() {
		fmt.Fprintln(s.Err, "usage: sockplay hexdump [-v] [FILE|-]")
		fmt.Fprintln(s.Err, "Print FILE (or stdin, for - or no FILE) in the format of `hexdump -C`; -v may come after FILE.")
		fs.PrintDefaults()
	}
	if code, done := ParseFlags(fs, s, "hexdump", reorderArgs(fs, args)); done {
		return code
	}
	if fs.NArg() > 1 {
		fmt.Fprintf(s.Err, "sockplay hexdump: unexpected argument %q\n", fs.Arg(1))
		fs.Usage()
		return ExitUsage
	}
	in := s.In
	if name := fs.Arg(0); name != "" && name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(s.Err, "sockplay hexdump: %v\n", err)
			return ExitFail
		}
		defer f.Close()
		in = f
	}
	if err := dumpStream(ctx, s.Out, in, hexdump.Options{Verbose: *verbose}); err != nil {
		fmt.Fprintf(s.Err, "sockplay hexdump: %v\n", err)
		return ExitFail
	}
	return ExitOK
}

// dumpStream copies in to a hexdump Writer on out, stopping between reads
// when ctx is done. What was read before an error is still dumped, so the
// output shows how far the input got.
func dumpStream(ctx context.Context, out io.Writer, in io.Reader, opt hexdump.Options) error {
	w := hexdump.NewWriter(out, opt)
	buf := make([]byte, hexdumpReadSize)
	var rerr error
	for rerr == nil {
		if err := ctx.Err(); err != nil {
			rerr = fmt.Errorf("stopped: %w", err)
			break
		}
		var n int
		n, rerr = in.Read(buf)
		if _, err := w.Write(buf[:n]); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	if !errors.Is(rerr, io.EOF) {
		return rerr // a file's read error already names the operation and file
	}
	return nil
}
