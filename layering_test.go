package sockplay

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/testkit"
)

// TestEngineDoesNotImportFyne keeps the layering of DESIGN.md: netcore and
// sessions, and everything they pull in, build without Fyne, so the
// headless CLI and the engine's tests never need a display or cgo GUI code.
func TestEngineDoesNotImportFyne(t *testing.T) {
	if testkit.OnWine() {
		t.Skip("under Wine: the go command is a Linux program this Windows test cannot start (the Linux run checks it)")
	}
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}",
		"./netcore/...", "./sessions/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	var leaks []string
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "fyne.io/") {
			leaks = append(leaks, pkg)
		}
	}
	if len(leaks) > 0 {
		// Name who imports it, so the failure says where to look.
		who, _ := exec.Command("go", "list", "-f", `{{.ImportPath}}: {{join .Imports " "}}`,
			"./netcore/...", "./sessions/...").Output()
		var culprits []string
		for _, line := range strings.Split(string(who), "\n") {
			if strings.Contains(line, "fyne.io/") {
				culprits = append(culprits, strings.SplitN(line, ":", 2)[0])
			}
		}
		t.Fatalf("netcore/sessions must not depend on Fyne; they pull in %v (imported by %v)", leaks, culprits)
	}
}
