//go:build !windows

package main

// attachParentConsole does nothing outside Windows: a program started from a
// terminal already writes to it (console_windows.go has the Windows story).
func attachParentConsole([]string) {}
