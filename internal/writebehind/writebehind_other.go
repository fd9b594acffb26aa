//go:build !linux

package writebehind

import "os"

// Elsewhere the file is only written (the package's doc says why Linux does more).
func writesAt(*os.File) (int64, bool) { return 0, false }

func startWriteback(*os.File, int64, int64) bool { return false }

func dropWritten(*os.File, int64, int64) bool { return false }
