package main

// ensureGUIEnv does nothing on Windows, which has no exec that keeps the
// process: there the person can set FYNE_CACHE=5s themselves, and the
// README says so. Windows has no D-Bus, and Fyne does not look for one.
func ensureGUIEnv() {}

// noDisplay is always "" on Windows: there is always a desktop to open on.
func noDisplay(string, func(string) string) string { return "" }
