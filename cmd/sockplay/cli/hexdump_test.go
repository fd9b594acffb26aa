package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/testkit"
)

// hexdumpInput has a repeated run, a partial last line and every byte value.
func hexdumpInput() []byte {
	b := []byte("GET / HTTP/1.1\r\nHost: example\r\n\r\n")
	b = append(b, make([]byte, 80)...)
	for i := range 256 {
		b = append(b, byte(i))
	}
	return append(b, "tail"...)
}

func runHexdumpCLI(t *testing.T, in io.Reader, args ...string) (code int, out, errOut string) {
	t.Helper()
	var o, e bytes.Buffer
	code = Run(context.Background(), append([]string{"hexdump"}, args...), Stdio{In: in, Out: &o, Err: &e})
	return code, o.String(), e.String()
}

func TestHexdumpMatchesRealHexdump(t *testing.T) {
	testkit.SkipOnWine(t, "hexdump is a Linux program here, and a test under Wine can start Windows programs only")
	real, err := exec.LookPath("hexdump")
	if err != nil {
		t.Skip("hexdump is not installed (Debian: bsdextrautils), nothing to compare with")
	}
	data := hexdumpInput()
	file := filepath.Join(testkit.TempDir(t), "in.bin")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		args    []string // sockplay hexdump arguments
		stdin   bool
		verbose bool
	}{
		{"file", []string{file}, false, false},
		{"file -v", []string{"-v", file}, false, true},
		{"stdin dash", []string{"-"}, true, false},
		{"stdin no arg -v", []string{"-v"}, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"-C"}
			if tc.verbose {
				args = append(args, "-v")
			}
			cmd := exec.Command(real, append(args, file)...)
			cmd.Env = append(os.Environ(), "LC_ALL=C")
			want, err := cmd.Output()
			if err != nil {
				t.Fatal(err)
			}
			var in io.Reader = strings.NewReader("")
			if tc.stdin {
				in = bytes.NewReader(data)
			}
			code, out, errOut := runHexdumpCLI(t, in, tc.args...)
			if code != ExitOK || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			if out != string(want) {
				t.Fatalf("sockplay hexdump %v:\n%s\nhexdump %v:\n%s", tc.args, out, args, want)
			}
		})
	}
}

// systemErr is the system's own words for what fn fails with, as the
// command passes them on: "open nosuch.bin: no such file or directory" on
// Linux, "open nosuch.bin: The system cannot find the file specified." on
// Windows.
func systemErr(t *testing.T, fn func() error) string {
	t.Helper()
	err := fn()
	if err == nil {
		t.Fatal("the system did not fail where the test expects it to")
	}
	return err.Error()
}

func TestHexdumpErrors(t *testing.T) {
	t.Chdir(testkit.TempDir(t))
	missing := systemErr(t, func() error { _, err := os.Open("nosuch.bin"); return err })
	directory := systemErr(t, func() error {
		f, err := os.Open(".")
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = f.Read(make([]byte, 1))
		return err
	})
	if runtime.GOOS == "linux" && (missing != "open nosuch.bin: no such file or directory" || directory != "read .: is a directory") {
		t.Fatalf("Linux words %q and %q", missing, directory)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string // the whole of it, or its first line when usage follows
	}{
		{"missing file", []string{"nosuch.bin"}, ExitFail, "sockplay hexdump: " + missing},
		{"bad flag", []string{"-x"}, ExitUsage, "sockplay hexdump: unknown flag -x; see 'sockplay hexdump -h'"},
		{"two files", []string{"a", "b"}, ExitUsage, `sockplay hexdump: unexpected argument "b"`},
		{"directory", []string{"."}, ExitFail, "sockplay hexdump: " + directory},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runHexdumpCLI(t, strings.NewReader(""), tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, errOut)
			}
			first, rest, _ := strings.Cut(errOut, "\n")
			if first != tc.stderr {
				t.Errorf("stderr %q, want first line %q", errOut, tc.stderr)
			}
			if tc.code == ExitFail && rest != "" {
				t.Errorf("stderr %q, want one line", errOut)
			}
			if tc.name == "bad flag" && rest != "" {
				t.Errorf("stderr %q, want one line", errOut)
			}
			if tc.name == "two files" && !strings.Contains(rest, "usage: sockplay hexdump [-v] [FILE|-]") {
				t.Errorf("stderr %q lacks the usage", errOut)
			}
			if tc.code == ExitUsage && out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
		})
	}
}

func TestHexdumpHelp(t *testing.T) {
	code, out, errOut := runHexdumpCLI(t, strings.NewReader(""), "-h")
	if code != ExitOK || out != "" || !strings.Contains(errOut, "-v\tprint every line") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if _, out, _ := runCLI(t, "help"); !strings.Contains(out, "hexdump [-v] [FILE|-]") {
		t.Fatalf("help does not list hexdump:\n%s", out)
	}
}

func TestHexdumpEmptyInputPrintsNothing(t *testing.T) {
	code, out, errOut := runHexdumpCLI(t, strings.NewReader(""))
	if code != ExitOK || out != "" || errOut != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func TestHexdumpStopsOnCancelAndReadError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var o, e bytes.Buffer
	code := Run(ctx, []string{"hexdump"}, Stdio{In: strings.NewReader("abc"), Out: &o, Err: &e})
	if code != ExitFail || e.String() != "sockplay hexdump: stopped: context canceled\n" {
		t.Fatalf("cancelled: exit %d, stderr %q", code, e.String())
	}

	boom := errors.New("read /dev/stdin: input/output error")
	code, _, errOut := runHexdumpCLI(t, errReader{boom})
	if code != ExitFail || errOut != "sockplay hexdump: read /dev/stdin: input/output error\n" {
		t.Fatalf("read error: exit %d, stderr %q", code, errOut)
	}
}
