package cli

import (
	"errors"
	"flag"
)

// printFlags choose how traffic is printed: --hex, --json, --decode and
// --quiet. One declaration for the commands that print traffic (serve,
// connect, relay), so they cannot drift apart.
type printFlags struct {
	hex, json, quiet *bool
	decode           *string
}

// addPrintFlags declares them on fs; hexHelp and jsonHelp say what the
// command prints.
func addPrintFlags(fs *flag.FlagSet, hexHelp, jsonHelp string) printFlags {
	return printFlags{
		hex:    fs.Bool("hex", false, hexHelp),
		json:   fs.Bool("json", false, jsonHelp),
		quiet:  fs.Bool("quiet", false, "print nothing but a summary of counts at the end"),
		decode: addDecodeFlag(fs),
	}
}

// mode is what the flags ask for: the print mode and the --decode
// decoder (nil without one), or one sentence naming the clash.
func (f printFlags) mode() (printMode, *fieldDecoder, error) {
	quiet := *f.quiet
	pm, err := printModeOf(*f.hex, *f.json, quiet, true)
	if err != nil {
		return pm, nil, err
	}
	dec, err := parseDecode(*f.decode)
	if err != nil {
		return pm, nil, err
	}
	if dec != nil && quiet {
		return pm, nil, errors.New("--decode prints each message's fields and --quiet prints no traffic: choose one")
	}
	return pm, dec, nil
}

// printModeOf picks the output mode from the mode flags; quietFlag says
// whether the command has --quiet (its error then names it).
func printModeOf(hex, jsonOut, quiet, quietFlag bool) (printMode, error) {
	n := 0
	m := printText
	if hex {
		n, m = n+1, printHex
	}
	if jsonOut {
		n, m = n+1, printJSON
	}
	if quiet {
		n, m = n+1, printNone
	}
	if n > 1 {
		if quietFlag {
			return m, errors.New("choose one of --hex, --json and --quiet")
		}
		return m, errors.New("choose one of --hex and --json")
	}
	return m, nil
}
