package model

import (
	"os/exec"
	"strings"
	"testing"
)

// TestModelDoesNotImportFyne keeps this package what it is for: the
// Sockets tab's decisions, testable without a display or cgo. Anything that
// needs a widget belongs in package sockets.
func TestModelDoesNotImportFyne(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "fyne.io/") {
			t.Fatalf("the Sockets tab's model depends on %s", pkg)
		}
	}
}
