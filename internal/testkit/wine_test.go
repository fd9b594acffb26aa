package testkit

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// OnWine is false off Windows, and true exactly when scripts/wine-test.sh
// (which says so in SOCKPLAY_UNDER_WINE) runs the tests under Wine.
func TestOnWine(t *testing.T) {
	want := os.Getenv("SOCKPLAY_UNDER_WINE") == "1"
	if runtime.GOOS != "windows" {
		want = false
	}
	if OnWine() != want {
		t.Fatalf("OnWine() = %v, want %v (GOOS %s, SOCKPLAY_UNDER_WINE %q)", OnWine(), want, runtime.GOOS, os.Getenv("SOCKPLAY_UNDER_WINE"))
	}
	if (WineVersion() != "") != want {
		t.Errorf("WineVersion() = %q", WineVersion())
	}
}

// TempDir's folder is there during the test and gone after it; RemoveAll
// removes a tree, and a missing one is no error.
func TestTempDirAndRemoveAll(t *testing.T) {
	var dir string
	t.Run("use", func(t *testing.T) {
		dir = TempDir(t)
		if err := os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "a", "b", "f"), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	})
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s still there after its test: %v", dir, err)
	}
	tree, err := os.MkdirTemp("", "sp")
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(tree, "x", "y"), 0o755)
	os.WriteFile(filepath.Join(tree, "x", "y", "z"), nil, 0o644)
	if err := RemoveAll(tree); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tree); !os.IsNotExist(err) {
		t.Errorf("RemoveAll left %s: %v", tree, err)
	}
	if err := RemoveAll(tree); err != nil {
		t.Errorf("RemoveAll of a missing folder: %v", err)
	}
}
