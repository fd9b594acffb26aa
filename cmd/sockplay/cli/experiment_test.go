package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/sockplay/sockplay/internal/testkit"
	"github.com/sockplay/sockplay/sessions/experiment"
)

func runExperimentCLI(t *testing.T, stdin string, args ...string) (code int, out, errOut string) {
	t.Helper()
	var o, e bytes.Buffer
	code = Run(context.Background(), append([]string{"experiment"}, args...), Stdio{In: strings.NewReader(stdin), Out: &o, Err: &e})
	return code, o.String(), e.String()
}

func TestExperimentList(t *testing.T) {
	code, out, errOut := runExperimentCLI(t, "", "list")
	if code != ExitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, name := range experiment.Names() {
		if !strings.Contains(out, name+" ") {
			t.Errorf("list lacks %s:\n%s", name, out)
		}
	}
	code, out, _ = runExperimentCLI(t, "", "list", "--json")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != ExitOK || len(lines) != len(experiment.Names()) {
		t.Fatalf("exit %d, %d lines:\n%s", code, len(lines), out)
	}
	for _, l := range lines {
		var j experimentInfoJSON
		if err := json.Unmarshal([]byte(l), &j); err != nil || j.Name == "" || j.Explain == "" {
			t.Errorf("line %q: %v", l, err)
		}
	}
}

func TestExperimentUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"nosuch"}, ExitUsage, `sockplay experiment: there is no experiment "nosuch"; the experiments are sticky, time-wait, half-close, reset, buffers, backlog, udp, refused` + "\n"},
		{nil, ExitUsage, "give an experiment's name, or list"},
		{[]string{"sticky", "extra"}, ExitUsage, `unexpected argument "extra"`},
		{[]string{"sticky", "--nope"}, ExitUsage, "unknown flag --nope"},
	} {
		code, out, errOut := runExperimentCLI(t, "", tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.err) || out != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want %d and %q", tc.args, code, out, errOut, tc.code, tc.err)
		}
		if strings.Count(errOut, "\n") != 1 {
			t.Errorf("%q: stderr is not one line: %q", tc.args, errOut)
		}
	}
	code, out, _ := runCLI(t, "help", "experiment")
	if code != ExitOK || !strings.Contains(out, "usage: sockplay experiment list") || !strings.Contains(out, "time-wait") || !strings.Contains(out, "--pcap") {
		t.Errorf("help experiment: exit %d\n%s", code, out)
	}
}

// TestExperimentJSON runs half-close and sticky with --json: every line an
// object with step and what; every observed TCP end with side, local,
// remote and ss's state name; sticky's results with sends and reads.
func TestExperimentJSON(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the states checked here are Linux's; other systems run the engine's own tests")
	}
	for _, name := range []string{"half-close", "sticky"} {
		code, out, errOut := runExperimentCLI(t, "", name, "--json")
		if code != ExitOK {
			t.Fatalf("%s: exit %d: %s", name, code, errOut)
		}
		states := map[string]bool{}
		sawReads := false
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var m map[string]any
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				t.Fatalf("%s: line %q: %v", name, line, err)
			}
			if _, ok := m["step"].(float64); !ok || m["what"] == "" || m["kind"] == "" {
				t.Errorf("%s: line lacks step, what or kind: %s", name, line)
			}
			if m["kind"] == "observe" && m["proto"] == "tcp" {
				for _, k := range []string{"side", "local", "state"} {
					if s, _ := m[k].(string); s == "" {
						t.Errorf("%s: observed end without %s: %s", name, k, line)
					}
				}
				if m["state"] != "LISTEN" && m["remote"] == nil {
					t.Errorf("%s: connected end without remote: %s", name, line)
				}
				states[m["side"].(string)+" "+m["state"].(string)] = true
			}
			if m["kind"] == "result" && m["sends"] != nil && m["reads"] != nil {
				sawReads = true
			}
		}
		switch name {
		case "half-close":
			for _, w := range []string{"client FIN-WAIT-2", "server CLOSE-WAIT", "client TIME-WAIT", "listener LISTEN", "client ESTAB"} {
				if !states[w] {
					t.Errorf("half-close --json never showed %s: %v", w, states)
				}
			}
		case "sticky":
			if !sawReads {
				t.Errorf("sticky --json has no result with sends and reads:\n%s", out)
			}
		}
	}
}

// TestExperimentText: the text form explains, numbers the steps and shows
// the kernel's view; --step runs one step per line of input.
func TestExperimentText(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the states checked here are Linux's")
	}
	// A person presses Enter at each prompt.
	pr, pw := io.Pipe()
	defer pw.Close()
	var o bytes.Buffer
	prompts := &promptWriter{enter: pw}
	code := Run(context.Background(), []string{"experiment", "reset", "--step"}, Stdio{In: pr, Out: &o, Err: prompts})
	out, errOut := o.String(), prompts.String()
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if n := strings.Count(errOut, "-- press Enter to run step"); n != 4 {
		t.Errorf("%d prompts, want one per step (4):\n%s", n, errOut)
	}
	for _, want := range []string{"experiment reset:", "step 1: open a server", "kernel, after connecting:", "connection reset by peer", "experiment reset is over"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "-- press Enter to run step 1:") {
		t.Errorf("--step did not ask for Enter: %q", errOut)
	}
}

// promptWriter is a terminal's person: each prompt for Enter gets one.
type promptWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	enter io.Writer
}

func (p *promptWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	p.buf.Write(b)
	p.mu.Unlock()
	if bytes.Contains(b, []byte("press Enter")) {
		go p.enter.Write([]byte("\n"))
	}
	return len(b), nil
}

func (p *promptWriter) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.buf.String()
}

// TestExperimentCannotRun: a recording that cannot be made is exit 1 and
// one line, before anything runs.
func TestExperimentCannotRun(t *testing.T) {
	dir := testkit.TempDir(t)
	code, out, errOut := runExperimentCLI(t, "", "reset", "--json", "--pcap", dir+"/no/such/dir/x.pcapng")
	if code != ExitFail || strings.Count(errOut, "\n") != 1 || strings.Contains(out, `"kind":"step"`) {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
