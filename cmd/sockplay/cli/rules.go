package cli

// --rule and --rules on serve and connect: reply rules in the one-line
// format of netcore/rules, the same a rules file (and the window) uses.

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/sockplay/sockplay/netcore/rules"
)

// ruleFlags are a command's --rule lines and --rules file.
type ruleFlags struct {
	lines []string
	file  string
}

func addRuleFlags(fs *flag.FlagSet) *ruleFlags {
	f := &ruleFlags{}
	fs.Func("rule", "answer received messages (after --framing) by a reply `RULE`: 'MATCH => REPLY [OPTIONS]', e.g. 'text:PING => PONG\\n' (repeatable, in order; also 'default => REPLY' and 'mode all'; see RULES below)", func(v string) error {
		f.lines = append(f.lines, v)
		return nil
	})
	fs.StringVar(&f.file, "rules", "", "read reply rules from `FILE`, one a line (the format the window saves); --rule lines come after its rules")
	return f
}

// list reads the file and the lines into one list; nil when there are none.
// Errors are one sentence naming the flag, the rule and the bad part.
func (f *ruleFlags) list() (*rules.List, error) {
	if f.file == "" && len(f.lines) == 0 {
		return nil, nil
	}
	var l rules.List
	if f.file != "" {
		b, err := os.ReadFile(f.file)
		if err != nil {
			return nil, fmt.Errorf("--rules %s: %w", f.file, openErr(err))
		}
		if l, err = rules.Parse(string(b)); err != nil {
			return nil, fmt.Errorf("--rules %s: %w", f.file, err)
		}
	}
	if err := rules.AppendLines(&l, f.lines); err != nil {
		return nil, fmt.Errorf("--rule: %w", err)
	}
	return &l, nil
}

// rulesHelp ends the usage of serve and connect.
const rulesHelp = `
RULES (--rule, --rules FILE): each answers a whole received message (after --framing).
  MATCH => REPLY [OPTIONS]      MATCH is one of
      text:EXACT  prefix:START  contains:PART   (text syntax: \r \n \t \xNN escapes)
      re:REGEXP                 Go regular expression; (?P<name>...) names a group
      hex:PATTERN               whole message: hex bytes, .. any byte, * any bytes,
                                (...) a group, (name: ...) a named group
  REPLY is payload syntax (hex: or base64: prefix, else text) with the macros and the
  captures {{0}} (whole message), {{1}}, {{name}}: the captured bytes as they came.
  OPTIONS in brackets: delay=100ms  close  off  end=lf|crlf  sum=crc16-modbus
  'default => REPLY' answers what no rule matched; 'mode all' makes every match answer
  (default: the first). In a FILE: one a line, # comments. Example (Modbus/TCP):
    --framing len:2:be:off=4 --rule 'hex:(.. ..) 00 00 00 06 (..) 03 00 00 00 02 => hex:{{1}} 00 00 00 07 {{2}} 03 04 00 2a 01 f4'
`

func printRulesHelp(w io.Writer) { fmt.Fprint(w, rulesHelp) }

// openErr is why a file named by a flag could not be opened, without the
// path the flag's sentence already names, and in the same words on every
// system.
func openErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if errors.Is(err, fs.ErrNotExist) {
		return errNoSuchFile{}
	}
	return err
}

// errNoSuchFile is a missing file in the words Linux uses, on Windows too
// ("File not found." there), so the sentence and its tests are one.
type errNoSuchFile struct{}

func (errNoSuchFile) Error() string        { return "no such file or directory" }
func (errNoSuchFile) Is(target error) bool { return target == fs.ErrNotExist }
