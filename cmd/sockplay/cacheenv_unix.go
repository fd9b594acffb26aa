//go:build !windows

package main

import (
	"os"
	"syscall"
)

// guiCacheDuration is how long Fyne keeps a texture for a string no longer
// shown. Its default (a minute) lets a fast-changing traffic view hold
// gigabytes of textures; five seconds keeps memory flat (see
// shared/notes/fyne.md).
const guiCacheDuration = "5s"

// ensureFyneCache re-executes the program once with FYNE_CACHE set when the
// person has not set it: Fyne reads it in a package init, before main runs,
// so setting it now would be too late. A failed exec just runs on.
func ensureFyneCache() {
	if os.Getenv("FYNE_CACHE") != "" {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	env := append(os.Environ(), "FYNE_CACHE="+guiCacheDuration)
	_ = syscall.Exec(exe, os.Args, env)
}
