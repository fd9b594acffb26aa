//go:build !windows

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
)

// guiCacheDuration is how long Fyne keeps a texture for a string no longer
// shown. Its default (a minute) lets a fast-changing traffic view hold
// gigabytes of textures; five seconds keeps memory flat (see
// shared/notes/fyne.md).
const guiCacheDuration = "5s"

// ensureGUIEnv re-executes the program once with the environment Fyne
// should start with, when something is missing: Fyne reads it in package
// inits, before main runs, so setting it now would be too late. A failed
// exec just runs on.
func ensureGUIEnv() {
	add := guiEnvAdditions(os.Getenv, sessionBusReachable)
	if len(add) == 0 {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	_ = syscall.Exec(exe, os.Args, append(os.Environ(), add...))
}

// guiEnvAdditions is what ensureGUIEnv adds:
//   - FYNE_CACHE, unless the person set it;
//   - FYNE_THEME=dark when no D-Bus session bus can be reached (a bare X
//     session, a container): Fyne would ask the desktop portal for the
//     theme and log "failed to watch theme settings" on every start. Dark is
//     what Fyne shows anyway when it cannot ask.
func guiEnvAdditions(getenv func(string) string, busReachable func() bool) []string {
	var add []string
	if getenv("FYNE_CACHE") == "" {
		add = append(add, "FYNE_CACHE="+guiCacheDuration)
	}
	if getenv("FYNE_THEME") == "" && !busReachable() {
		add = append(add, "FYNE_THEME=dark")
	}
	return add
}

// sessionBusReachable mirrors how Fyne's D-Bus library finds the session
// bus: the DBUS_SESSION_BUS_ADDRESS variable, the per-user socket or address
// file under /run/user/UID, or starting one with dbus-launch.
func sessionBusReachable() bool {
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && a != "autolaunch:" {
		return true
	}
	run := filepath.Join("/run/user", strconv.Itoa(os.Getuid()))
	for _, name := range []string{"bus", "dbus-session"} {
		if _, err := os.Stat(filepath.Join(run, name)); err == nil {
			return true
		}
	}
	_, err := exec.LookPath("dbus-launch")
	return err == nil
}

// noDisplay is the sentence saying why no window can open here, or "" when
// one may: on Linux and the BSDs the window needs an X or Wayland display,
// and without one GLFW would end the program with a Go panic.
func noDisplay(goos string, getenv func(string) string) string {
	if goos == "darwin" || getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != "" {
		return ""
	}
	return "no display to open the window on: neither DISPLAY nor WAYLAND_DISPLAY is set (over ssh, ssh -X forwards one); the commands work without a window: sockplay help"
}
