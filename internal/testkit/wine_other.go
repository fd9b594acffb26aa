//go:build !windows

package testkit

// wineVersion: Wine runs Windows programs only, so a test built for any
// other system is never under Wine.
func wineVersion() string { return "" }
