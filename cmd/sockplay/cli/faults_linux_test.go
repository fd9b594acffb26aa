package cli

import (
	"os"
	"strings"
	"syscall"
	"testing"
)

// A save folder that takes no files is refused at start, not file by file.
func TestServeUnwritableSaveDir(t *testing.T) {
	dir := t.TempDir()
	if os.Geteuid() == 0 {
		// Permissions do not stop root; a read-only mount does.
		if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_RDONLY, ""); err != nil {
			t.Skipf("cannot make a read-only folder as root here: %v", err)
		}
		t.Cleanup(func() { syscall.Unmount(dir, 0) })
	} else if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runCLI(t, "serve", "tcp://:1", "--framing", "jsonhdr", "--save-dir", dir)
	if code != ExitUsage || !strings.HasPrefix(errOut, "sockplay serve: --save-dir: save folder "+dir+" does not take new files: ") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}
